"""The main navigation per role. Entries whose endpoint does not exist yet are left out."""

from flask import Flask, request
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from app.notifications.services import unread_count

NAVIGATION = [
    ("main.home", _l("Home"), {"agent", "manager", "hr", "admin"}),
    ("courses.catalogue", _l("Courses"), {"agent", "manager", "hr", "admin"}),
    ("reports.team_progress", _l("Team progress"), {"manager"}),
    ("quizzes.review_queue", _l("Review queue"), {"manager"}),
    ("conversations.queue", _l("Conversations to review"), {"manager"}),
    ("standards.heatmap", _l("Standards"), {"manager"}),
    ("standards.profile", _l("My standards"), {"agent"}),
    ("certification.my_certificates", _l("My certificates"), {"agent"}),
    ("conversations.mine", _l("My conversations"), {"agent"}),
    ("assignments.list_assignments", _l("Assignments"), {"manager", "hr", "admin"}),
    ("standards.company", _l("Standards overview"), {"hr", "admin"}),
    ("conversations.list_conversations", _l("Conversations"), {"hr", "admin"}),
    ("reports.certification", _l("Certification report"), {"manager", "hr", "admin"}),
    ("certification.expiring", _l("Expiring soon"), {"manager", "hr", "admin"}),
    ("people.list_people", _l("People"), {"admin"}),
    ("people.teams", _l("Teams"), {"admin"}),
    ("people.departments", _l("Departments"), {"admin"}),
    ("content.status", _l("Content"), {"admin"}),
    ("audit.audit_log", _l("Audit log"), {"admin"}),
    ("api_tokens.list_tokens", _l("API tokens"), {"admin"}),
]


def init_app(app: Flask) -> None:
    @app.context_processor
    def _navigation():
        if not current_user.is_authenticated:
            return {"nav_items": [], "url_endpoints": app.view_functions}
        endpoints = app.view_functions
        items = [
            (endpoint, label, request.endpoint == endpoint)
            for endpoint, label, roles in NAVIGATION
            if current_user.role in roles and endpoint in endpoints
        ]
        return {
            "nav_items": items,
            "url_endpoints": app.view_functions,
            "unread_notifications": unread_count(current_user.id),
        }
