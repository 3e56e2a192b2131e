"""The roles a user may have. Every view declares which of them may use it (app/access.py)."""

import enum


class Role(enum.StrEnum):
    AGENT = "agent"
    MANAGER = "manager"
    HR = "hr"
    ADMIN = "admin"


ROLES = tuple(r.value for r in Role)
