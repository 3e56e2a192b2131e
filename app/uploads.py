"""Uploaded files kept between the preview and the confirmation (people and KPI imports).

A staged upload is found again only by the person who uploaded it, and only until it has been
applied, so a confirmation cannot be replayed or taken over.
"""

import secrets

from sqlalchemy import select

from app.extensions import db


def stage_upload(model, raw: bytes, filename: str, *, actor, **extra):
    """Keep an upload under a fresh token; the caller commits."""
    upload = model(token=secrets.token_urlsafe(32), uploaded_by_id=actor.id,
                   filename=(filename or "")[:255], content=raw, **extra)  # fmt: skip
    db.session.add(upload)
    return upload


def open_upload(model, token: str, *, actor):
    """The actor's staged, not yet applied upload with this token, or None."""
    return db.session.scalar(
        select(model).where(
            model.token == token, model.uploaded_by_id == actor.id, model.applied_at.is_(None)
        )
    )
