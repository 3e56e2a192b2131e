"""The main navigation per role. Entries whose endpoint does not exist yet are left out."""

from flask import Flask, request
from flask_babel import get_translations
from flask_login import current_user

from app.notifications.services import unread_count
from app.page_cache.pages import kept_value


def N_(message: str) -> str:  # noqa: N802  (the extraction keyword)
    """Marks a message for translation; it is translated where it is shown."""
    return message


NAVIGATION = [
    ("main.home", N_("Home"), {"agent", "manager", "hr", "admin"}),
    ("courses.catalogue", N_("Courses"), {"agent", "manager", "hr", "admin"}),
    ("reports.team_progress", N_("Team progress"), {"manager"}),
    ("quizzes.review_queue", N_("Review queue"), {"manager"}),
    ("conversations.queue", N_("Conversations to review"), {"manager"}),
    ("calibration.sessions", N_("Calibration"), {"manager", "admin"}),
    ("standards.heatmap", N_("Standards"), {"manager"}),
    ("standards.profile", N_("My standards"), {"agent"}),
    ("certification.my_certificates", N_("My certificates"), {"agent"}),
    ("conversations.mine", N_("My conversations"), {"agent"}),
    ("assignments.list_assignments", N_("Assignments"), {"manager", "hr", "admin"}),
    ("standards.company", N_("Standards overview"), {"hr", "admin"}),
    ("conversations.list_conversations", N_("Conversations"), {"hr", "admin"}),
    ("reports.certification", N_("Certification report"), {"manager", "hr", "admin"}),
    ("certification.expiring", N_("Expiring soon"), {"manager", "hr", "admin"}),
    ("people.list_people", N_("People"), {"admin"}),
    ("people.teams", N_("Teams"), {"admin"}),
    ("people.departments", N_("Departments"), {"admin"}),
    ("content.status", N_("Content"), {"admin"}),
    ("audit.audit_log", N_("Audit log"), {"hr", "admin"}),
    ("labelling.agreement_page", N_("Auto-marker agreement"), {"admin"}),
    ("api_tokens.list_tokens", N_("API tokens"), {"admin"}),
]


def init_app(app: Flask) -> None:
    menus: dict[str, list] = {}  # role -> its entries, built once per process

    @app.context_processor
    def _navigation():
        user = current_user._get_current_object()
        if not user.is_authenticated:
            return {"nav_items": [], "url_endpoints": app.view_functions}
        menu = menus.get(user.role)
        if menu is None:
            endpoints = app.view_functions
            menu = menus[user.role] = [
                (endpoint, label)
                for endpoint, label, roles in NAVIGATION
                if user.role in roles and endpoint in endpoints
            ]
        here, translate = request.endpoint, get_translations().gettext
        return {
            "nav_items": [
                (endpoint, translate(label), here == endpoint) for endpoint, label in menu
            ],
            "url_endpoints": app.view_functions,
            "unread_notifications": kept_value("unread", user, lambda: unread_count(user.id)),
        }
