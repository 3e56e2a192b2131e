"""Language and time zone of each request, and helpers templates use to show text and dates."""

from flask import Flask, current_app, session
from flask_babel import format_date, format_datetime, format_decimal, get_locale, get_translations
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from jinja2 import pass_context
from markupsafe import Markup

from app.models_base import localized

RTL_LANGUAGES = {"ar"}


def select_locale() -> str:
    """The signed-in user's language, else the visitor's choice, else the installation default."""
    languages = current_app.config["LANGUAGES"]
    if current_user and current_user.is_authenticated and current_user.locale in languages:
        return current_user.locale
    chosen = session.get("locale")
    if chosen in languages:
        return chosen
    return current_app.config["BABEL_DEFAULT_LOCALE"]


def select_timezone() -> str:
    return current_app.config["BABEL_DEFAULT_TIMEZONE"]


def current_language() -> str:
    return str(get_locale().language) if get_locale() else "ar"


def text_direction() -> str:
    return "rtl" if current_language() in RTL_LANGUAGES else "ltr"


def init_app(app: Flask) -> None:
    @app.context_processor
    def _language_context():
        lang = current_language()
        return {
            "lang": lang,
            "text_dir": "rtl" if lang in RTL_LANGUAGES else "ltr",
            "t": lambda value: localized(value, lang),
            **bound_gettext(get_translations()),
        }

    app.jinja_env.filters["date"] = lambda value, fmt="long": (
        format_date(value, fmt) if value else ""
    )
    app.jinja_env.filters["datetime"] = lambda value, fmt="medium": (
        format_datetime(value, fmt) if value else ""
    )
    app.jinja_env.filters["number"] = lambda value: format_decimal(value)
    app.jinja_env.filters["reject_page"] = lambda args: {
        k: v for k, v in args.items() if k != "page"
    }
    app.jinja_env.filters["bdi"] = isolate
    app.jinja_env.globals["role_label"] = role_label


def bound_gettext(translations) -> dict:
    """`gettext` and `ngettext` for one rendering, bound to its catalogue once: the template's
    `_()` finds them in its context instead of looking the catalogue up again on every call.
    They behave as Jinja's new-style gettext does (Flask-Babel installs that style): the
    message is escaped as markup and always formatted with its variables."""
    find, find_plural = translations.gettext, translations.ngettext

    @pass_context
    def gettext(context, string, **variables):
        text = find(string)
        return (Markup(text) if context.eval_ctx.autoescape else text) % variables

    @pass_context
    def ngettext(context, singular, plural, num, **variables):
        variables.setdefault("num", num)
        text = find_plural(singular, plural, num)
        return (Markup(text) if context.eval_ctx.autoescape else text) % variables

    return {"gettext": gettext, "ngettext": ngettext}


def isolate(value) -> Markup:
    """Text people wrote (a name, a note), escaped and set apart in a <bdi> element, so that
    its own direction neither reorders the page around it nor is reordered by it."""
    return Markup("<bdi>%s</bdi>") % ("" if value is None else value)


ROLE_LABELS = {
    "agent": _l("Agent"),
    "manager": _l("Manager"),
    "hr": _l("HR"),
    "admin": _l("Administrator"),
}


def role_label(role: str) -> str:
    return str(ROLE_LABELS.get(role, role))
