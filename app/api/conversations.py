"""Conversations through the API, with the JSON file import's rules and problems by item and
field. The caller commits; a refusal is an ApiError and nothing is kept."""

from __future__ import annotations

from app.api import schemas
from app.api.errors import ApiError, problem
from app.api.models import ApiToken
from app.conversations import services as conversations


def import_conversations(
    body: schemas.ConversationsImport, token: ApiToken
) -> schemas.ConversationsImported:
    """Store every new conversation with its scored agent turns, or none when any has a problem."""
    report = conversations.import_items(
        body.conversations, actor=token.created_by, source=f"api:{token.id}"
    )
    if not report.ok:
        found = [problem(p.field, p.message, p.item) for p in report.problems]
        raise ApiError(422, problems=found)
    return schemas.ConversationsImported(
        added=report.added, unchanged=report.unchanged, changed=report.changed
    )
