"""Who may use which view, declared once per view with one decorator.

`create_app` refuses to start when a view lacks a declaration, so no route is open by accident.
"""

from functools import wraps

from flask import abort
from flask_login import current_user

from app.extensions import login_manager
from app.roles import ROLES

PUBLIC = "public"


def allow(*roles: str):
    """Let signed-in users with one of `roles` in; others get 403, anonymous users sign in."""
    unknown = set(roles) - set(ROLES)
    if unknown or not roles:
        raise ValueError(f"unknown roles: {sorted(unknown)}")

    def decorator(view):
        @wraps(view)
        def wrapped(*args, **kwargs):
            user = current_user._get_current_object()  # looked up once, not per attribute
            if not user.is_authenticated:
                return login_manager.unauthorized()
            if user.role not in roles:
                abort(403)
            return view(*args, **kwargs)

        wrapped.allowed_roles = frozenset(roles)
        return wrapped

    return decorator


def signed_in(view):
    """Any signed-in user, whatever the role."""
    return allow(*ROLES)(view)


def public(view):
    """Anyone, signed in or not."""
    view.allowed_roles = PUBLIC
    return view


def undeclared_endpoints(app) -> list[str]:
    return sorted(
        endpoint
        for endpoint, view in app.view_functions.items()
        if endpoint != "static" and not hasattr(view, "allowed_roles")
    )
