"""The main navigation per role. Entries whose endpoint does not exist yet are left out."""

from flask import Flask, request, url_for
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


# The layout's own links and files (base.html), the same on every page.
LAYOUT_LINKS = {
    "home": ("main.home", {}),
    "set_language": ("main.set_language", {}),
    "notifications": ("notifications.inbox", {}),
    "change_password": ("auth.change_password", {}),
    "logout": ("auth.logout", {}),
    "bootstrap_css": ("static", {"filename": "vendor/bootstrap-5.3.9/bootstrap.min.css"}),
    "bootstrap_rtl_css": ("static", {"filename": "vendor/bootstrap-5.3.9/bootstrap.rtl.min.css"}),
    "site_css": ("static", {"filename": "css/khidma.css"}),
    "favicon": ("static", {"filename": "favicon.svg"}),
    "bootstrap_js": ("static", {"filename": "vendor/bootstrap-5.3.9/bootstrap.bundle.min.js"}),
}


def init_app(app: Flask) -> None:
    # Built once per process: the layout's addresses and each role's menu, which depend only
    # on where the app is mounted (the request's script root).
    addresses: dict[tuple, object] = {}  # (script root, role or None) -> addresses

    def layout(root: str) -> dict[str, str]:
        found = addresses.get((root, None))
        if found is None:
            found = addresses[(root, None)] = {
                name: url_for(endpoint, **values) for name, (endpoint, values) in LAYOUT_LINKS.items()
            }  # fmt: skip
        return found

    def menu(role: str, root: str) -> list[tuple[str, str, str]]:
        found = addresses.get((root, role))
        if found is None:
            endpoints = app.view_functions
            found = addresses[(root, role)] = [
                (endpoint, label, url_for(endpoint))
                for endpoint, label, roles in NAVIGATION
                if role in roles and endpoint in endpoints
            ]
        return found

    @app.context_processor
    def _navigation():
        user = current_user._get_current_object()
        root = request.script_root
        if not user.is_authenticated:
            return {"nav_items": [], "url_endpoints": app.view_functions, "layout": layout(root)}
        here, translate = request.endpoint, get_translations().gettext
        return {
            "nav_items": [
                (endpoint, translate(label), here == endpoint, url)
                for endpoint, label, url in menu(user.role, root)
            ],
            "url_endpoints": app.view_functions,
            "layout": layout(root),
            "unread_notifications": kept_value("unread", user, lambda: unread_count(user.id)),
        }
