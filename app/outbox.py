"""Claim-and-lease over an outbox table: each row is worked on by one sender at a time.

A sender first lists the rows that are due, then claims each one (status "sending", a fresh
token, the time, one more attempt; committed) before doing the outside work (an e-mail, an HTTP
call), and records the outcome only while its claim still holds. A sender that dies after
claiming leaves the claim behind; once it is older than the lease, the row is due again. Two
senders never hold the same row: the claim is one UPDATE guarded by the same "due" condition.
"""

from __future__ import annotations

import secrets
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import ColumnElement, or_, select, update
from sqlalchemy.orm import InstrumentedAttribute

from app import clock
from app.database import writing
from app.extensions import db


@dataclass(frozen=True)
class Lease:
    """The columns of one outbox table that the claim-and-lease protocol moves."""

    id: InstrumentedAttribute
    status: InstrumentedAttribute  # "pending" -> "sending" -> the outcome the sender records
    token: InstrumentedAttribute
    claimed_at: InstrumentedAttribute
    attempts: InstrumentedAttribute
    duration: timedelta
    # An extra condition a pending row must meet to be due (e.g. its retry time has come).
    ready: Callable[[datetime], ColumnElement[bool]] | None = None

    @property
    def model(self):
        return self.id.class_

    def due(self) -> ColumnElement[bool]:
        now = clock.now()
        waiting = self.status == "pending"
        if self.ready is not None:
            waiting = waiting & self.ready(now)
        lapsed = (self.status == "sending") & (self.claimed_at < now - self.duration)
        return or_(waiting, lapsed)

    def candidates(self, limit: int) -> list[tuple[int, bool]]:
        """Ids of due rows, oldest first, each with whether an earlier claim lapsed on it."""
        query = select(self.id, self.status == "sending").where(self.due())
        rows = db.session.execute(query.order_by(self.id).limit(limit))
        found = [(row_id, bool(lapsed)) for row_id, lapsed in rows]
        db.session.rollback()  # end the read transaction before the claims take the write lock
        return found

    def claim(self, row_id: int) -> str | None:
        """Claim one row (committed); its token, or None when another sender holds it."""
        token = secrets.token_hex(16)
        values = {
            self.status: "sending",
            self.token: token,
            self.claimed_at: clock.now(),
            self.attempts: self.attempts + 1,
        }
        statement = update(self.model).where(self.id == row_id, self.due()).values(values)
        with writing():
            claimed = db.session.execute(statement).rowcount == 1
            db.session.commit()
        return token if claimed else None

    def finish(self, row_id: int, token: str, **values) -> None:
        """Record an outcome (committed), only if our claim still holds: a lapsed claim may
        have been taken over by another sender since."""
        statement = (
            update(self.model).where(self.id == row_id, self.token == token).values(**values)
        )
        with writing():
            db.session.execute(statement)
            db.session.commit()
