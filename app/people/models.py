"""People: users, roles, teams and departments."""

from __future__ import annotations

from datetime import date, datetime
from typing import NamedTuple

from flask_login import UserMixin
from sqlalchemy import BigInteger, Boolean, Date, ForeignKey, Index, Integer, LargeBinary, String
from sqlalchemy.orm import Mapped, mapped_column, relationship
from sqlalchemy.sql.expression import false as sa_false

from app.extensions import db
from app.models_base import UTCDateTime, utcnow
from app.roles import ROLES, Role  # noqa: F401  (people's roles, kept where users are)


class Department(db.Model):
    __tablename__ = "department"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(40), unique=True)
    name_ar: Mapped[str] = mapped_column(String(120))
    name_en: Mapped[str] = mapped_column(String(120))

    def name(self, locale: str) -> str:
        return self.name_ar if locale == "ar" else self.name_en


class Team(db.Model):
    __tablename__ = "team"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(40), unique=True)
    name_ar: Mapped[str] = mapped_column(String(120))
    name_en: Mapped[str] = mapped_column(String(120))
    department_id: Mapped[int] = mapped_column(ForeignKey("department.id"), index=True)
    manager_id: Mapped[int | None] = mapped_column(
        ForeignKey("user.id", use_alter=True), index=True
    )

    department: Mapped[Department] = relationship()
    manager: Mapped[User | None] = relationship(foreign_keys=[manager_id])

    def name(self, locale: str) -> str:
        return self.name_ar if locale == "ar" else self.name_en


class User(UserMixin, db.Model):
    __tablename__ = "user"
    __change_owner__ = "id"
    # Reports list people by name, page by page: read in this order, a page of 50 needs no
    # sort of every person (the HR report at 100,000 agents).
    __table_args__ = (
        Index("ix_user_name_ar_id", "name_ar", "id"),
        Index("ix_user_name_en_id", "name_en", "id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    employee_no: Mapped[str] = mapped_column(String(40), unique=True)
    email: Mapped[str] = mapped_column(String(254), unique=True)
    name_ar: Mapped[str] = mapped_column(String(160), default="")
    name_en: Mapped[str] = mapped_column(String(160), default="")
    role: Mapped[str] = mapped_column(String(16), index=True)
    password_hash: Mapped[str | None] = mapped_column(String(255))
    department_id: Mapped[int | None] = mapped_column(ForeignKey("department.id"), index=True)
    team_id: Mapped[int | None] = mapped_column(ForeignKey("team.id"), index=True)
    hire_date: Mapped[date] = mapped_column(Date)
    locale: Mapped[str] = mapped_column(String(8), default="ar")
    active: Mapped[bool] = mapped_column(Boolean, default=True, index=True)
    # Bumped on password change or deactivation so that existing sessions stop working.
    session_version: Mapped[int] = mapped_column(Integer, default=1)
    # Set by an administrator: the person must choose their own at the next sign-in.
    password_temporary: Mapped[bool] = mapped_column(
        Boolean, default=False, server_default=sa_false()
    )
    # When the last invitation was sent; it is accepted once the person has a password.
    invited_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # Moves whenever data this person's pages show changes (app/page_cache/tracking.py).
    data_generation: Mapped[int] = mapped_column(BigInteger, default=0, server_default="0")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    department: Mapped[Department | None] = relationship()
    team: Mapped[Team | None] = relationship(foreign_keys=[team_id])

    def get_id(self) -> str:
        return f"{self.id}:{self.session_version}"

    @property
    def is_active(self) -> bool:
        return self.active

    def name(self, locale: str) -> str:
        return person_name(self.name_ar, self.name_en, locale)

    def has_role(self, *roles: str) -> bool:
        return self.role in roles

    @property
    def invitation_pending(self) -> bool:
        return self.invited_at is not None and not self.password_hash and self.active


def person_name(name_ar: str, name_en: str, locale: str) -> str:
    """A person's name in the locale, else in the other language."""
    first, second = (name_ar, name_en) if locale == "ar" else (name_en, name_ar)
    return first or second


class NamedPerson(NamedTuple):
    """A person as lists show them (their id and names), read without loading the User."""

    id: int
    name_ar: str
    name_en: str

    def name(self, locale: str) -> str:
        return person_name(self.name_ar, self.name_en, locale)


class PendingImport(db.Model):
    """An uploaded people CSV waiting for the admin to confirm it after the preview."""

    __tablename__ = "pending_import"
    __change_owner__ = None  # shown on no kept page (app/page_cache)

    id: Mapped[int] = mapped_column(primary_key=True)
    token: Mapped[str] = mapped_column(String(43), unique=True)
    uploaded_by_id: Mapped[int] = mapped_column(ForeignKey("user.id"))
    filename: Mapped[str] = mapped_column(String(255))
    content: Mapped[bytes] = mapped_column(LargeBinary)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    applied_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
