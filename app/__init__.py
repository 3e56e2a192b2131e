"""Khidma: training, role-play scoring, service standards and certification."""

import gc

from flask import Flask

from config import Config, config_from_env


def create_app(config_class: type[Config] | None = None) -> Flask:
    config_class = config_class or config_from_env()
    app = Flask(__name__, instance_relative_config=False)
    app.config.from_object(config_class)
    if not app.config.get("SECRET_KEY"):
        raise RuntimeError("SECRET_KEY is not set: refusing to start without it")
    register_extensions(app)
    register_event_handlers()
    register_blueprints(app)
    register_errorhandlers(app)
    register_commands(app)
    register_request_hooks(app)
    check_access_declarations(app)
    prepare_grading(app)
    return app


def register_extensions(app: Flask) -> None:
    from flask_babel import lazy_gettext as _l

    from app import i18n, navigation
    from app.auth import sso
    from app.database import commit_clean_reads, configure_engine
    from app.extensions import babel, csrf, db, limiter, login_manager, migrate
    from app.page_cache import pages as page_cache_pages

    _ensure_sqlite_folder(app)
    if not app.config["SQLALCHEMY_DATABASE_URI"].startswith("sqlite"):
        # A server can drop idle connections; a ping before use replaces a dead one.
        app.config.setdefault("SQLALCHEMY_ENGINE_OPTIONS", {}).setdefault("pool_pre_ping", True)
    db.init_app(app)
    migrate.init_app(app, db, directory=str(app.config.get("MIGRATIONS_DIR", "migrations")))
    csrf.init_app(app)
    limiter.init_app(app)
    babel.init_app(app, locale_selector=i18n.select_locale, timezone_selector=i18n.select_timezone)
    login_manager.init_app(app)
    login_manager.login_view = "auth.login"
    login_manager.login_message = _l("Please sign in to open this page.")
    login_manager.session_protection = "basic"
    with app.app_context():
        configure_engine(db.engine, app.config["SQLITE_BUSY_TIMEOUT_MS"])
        commit_clean_reads(db.engine)
    i18n.init_app(app)
    navigation.init_app(app)
    sso.init_app(app)
    _import_models()
    page_cache_pages.init_app(app)


def _ensure_sqlite_folder(app: Flask) -> None:
    from pathlib import Path

    from sqlalchemy.engine import make_url

    url = make_url(app.config["SQLALCHEMY_DATABASE_URI"])
    if url.get_backend_name() == "sqlite" and url.database not in (None, "", ":memory:"):
        Path(url.database).parent.mkdir(parents=True, exist_ok=True)


def _import_models() -> None:
    """Every model module, so that metadata (and migrations) see all tables."""
    from app.api import models as _api  # noqa: F401
    from app.assignments import models as _assignments  # noqa: F401
    from app.audit import models as _audit  # noqa: F401
    from app.auth import models as _auth  # noqa: F401
    from app.certification import models as _certification  # noqa: F401
    from app.content import models as _content  # noqa: F401
    from app.conversations import models as _conversations  # noqa: F401
    from app.courses import models as _courses  # noqa: F401
    from app.notifications import models as _notifications  # noqa: F401
    from app.page_cache import models as _page_cache  # noqa: F401
    from app.people import models as _people  # noqa: F401
    from app.quizzes import models as _quizzes  # noqa: F401
    from app.standards import models as _standards  # noqa: F401
    from app.xapi import models as _xapi  # noqa: F401


def prepare_grading(app: Flask) -> None:
    """Compile what grading the quizzes on offer needs before the first request, and rehearse a
    role-play submit in a transaction that is rolled back, so that a new worker's first answer
    is graded and recorded as fast as the next ones (RUBRIC_WARMUP). The rehearsal runs as a
    request would (messages and dates need one); it only warms up, so nothing it meets may stop
    the app or a command from starting: a failure is logged and the first submit compiles what
    it needs."""
    if not app.config["RUBRIC_WARMUP"]:
        return
    from sqlalchemy.exc import SQLAlchemyError

    from app.extensions import db
    from app.quizzes.rehearsal import rehearse_submit
    from app.quizzes.services import prepare_quizzes_on_offer

    with app.app_context():
        try:
            prepare_quizzes_on_offer()
            prepared = True
        except SQLAlchemyError as exc:
            # No tables yet (before `flask db upgrade`) or no database: answers compile later.
            app.logger.info("quizzes not prepared at start: %s", exc.__class__.__name__)
            prepared = False
        finally:
            db.session.remove()
        if prepared:
            try:
                with app.test_request_context():
                    rehearse_submit()
            except Exception:  # a warm-up: whatever it meets is logged, never fatal
                app.logger.warning("submit rehearsal at start failed", exc_info=True)
    # What was compiled lives as long as the process: keep it out of the collector's full
    # passes, which would otherwise walk it again and again during requests.
    gc.collect()
    gc.freeze()


def register_event_handlers() -> None:
    """Connect each capability's receivers of the domain events (app/events.py). No receiver
    relies on another receiver of the same event having run first. The same modules register
    the namers of what other records keep by id (app/references.py)."""
    from app.api import handlers as _api  # noqa: F401
    from app.assignments import handlers as _assignments  # noqa: F401
    from app.auth import handlers as _auth  # noqa: F401
    from app.certification import handlers as _certification  # noqa: F401
    from app.content import handlers as _content  # noqa: F401
    from app.conversations import handlers as _conversations  # noqa: F401
    from app.courses import handlers as _courses  # noqa: F401
    from app.people import handlers as _people  # noqa: F401
    from app.placement import handlers as _placement  # noqa: F401
    from app.quizzes import handlers as _quizzes  # noqa: F401
    from app.standards import handlers as _standards  # noqa: F401
    from app.xapi import handlers as _xapi  # noqa: F401


def register_blueprints(app: Flask) -> None:
    from app import url_values
    from app.api.admin import bp as api_tokens_bp
    from app.api.views import bp as api_bp
    from app.assignments.views import bp as assignments_bp
    from app.audit.views import bp as audit_bp
    from app.auth.views import bp as auth_bp
    from app.certification.views import bp as certification_bp
    from app.content.views import bp as content_bp
    from app.conversations.calibration_views import bp as calibration_bp
    from app.conversations.views import bp as conversations_bp
    from app.courses.views import bp as courses_bp
    from app.labelling.views import bp as labelling_bp
    from app.main.views import bp as main_bp
    from app.notifications.views import bp as notifications_bp
    from app.people.views import bp as people_bp
    from app.quizzes.views import bp as quizzes_bp
    from app.reports.views import bp as reports_bp
    from app.standards.views import bp as standards_bp

    url_values.init_app(app)
    for blueprint in (
        main_bp, auth_bp, people_bp, audit_bp, content_bp, courses_bp, quizzes_bp,
        notifications_bp, standards_bp, assignments_bp, certification_bp, reports_bp, api_bp,
        api_tokens_bp, conversations_bp, labelling_bp, calibration_bp,
    ):  # fmt: skip
        app.register_blueprint(blueprint)


def register_errorhandlers(app: Flask) -> None:
    from app.main.errors import register

    register(app)


def register_commands(app: Flask) -> None:
    from app.assignments.cli import notify_cli
    from app.content.cli import content_cli
    from app.conversations.cli import conversations_cli
    from app.demo.cli import demo_cli
    from app.jobs.cli import jobs_cli
    from app.labelling import cli as labelling_cli
    from app.people.cli import people_cli
    from app.quizzes.cli import quizzes_cli
    from app.standards.cli import standards_cli
    from app.xapi.cli import xapi_cli

    groups = (content_cli, demo_cli, people_cli, quizzes_cli, standards_cli, jobs_cli, notify_cli,
              xapi_cli, conversations_cli)  # fmt: skip
    for group in groups:
        app.cli.add_command(group)
    labelling_cli.init_app(app)  # adds `quizzes export-labels`


def register_request_hooks(app: Flask) -> None:
    from app import security
    from app.auth import services as auth_services
    from app.auth.views import own_password_first
    from app.extensions import login_manager

    security.init_app(app)
    app.before_request(own_password_first)
    login_manager.user_loader(auth_services.load_user_by_session_id)
    auth_services.prepare_stand_in_hash(app)


def check_access_declarations(app: Flask) -> None:
    from app.access import undeclared_endpoints

    missing = undeclared_endpoints(app)
    if missing:
        raise RuntimeError(f"views without an access declaration: {', '.join(missing)}")
