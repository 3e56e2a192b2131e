"""Sending the xAPI outbox to the Learning Record Store, each statement once.

Each statement is claimed (status "sending" with a fresh token, committed) before it is sent,
and marked "sent" once the LRS accepts it. It is sent with PUT /statements?statementId=<id>,
which an LRS treats as idempotent: a statement sent again after a sender died between the LRS
accepting it and the row being marked is stored once. A refusal that will not change (400,
409...) marks the statement failed; anything else (the LRS unreachable, 5xx, 429, 401/403
while the credentials are being fixed) is tried again later, waiting twice as long each time.
"""

from __future__ import annotations

import base64
import json
import urllib.error
import urllib.request
from dataclasses import dataclass
from datetime import timedelta
from urllib.parse import quote, urlsplit

from flask import current_app
from sqlalchemy import func, or_, select, update

from app import clock
from app.database import writing
from app.extensions import db
from app.outbox import Lease
from app.xapi.models import XapiStatement
from app.xapi.statements import XAPI_VERSION

LEASE = timedelta(minutes=10)
MAX_ATTEMPTS = 12
FIRST_RETRY = timedelta(minutes=1)
LONGEST_WAIT = timedelta(hours=6)
TIMEOUT_SECONDS = 20
RETRYABLE = {401, 403, 408, 425, 429}
OUTBOX = Lease(
    XapiStatement.id,
    XapiStatement.status,
    XapiStatement.claim_token,
    XapiStatement.claimed_at,
    XapiStatement.attempts,
    LEASE,
    # a statement that failed for now waits for its retry time
    ready=lambda now: or_(
        XapiStatement.next_attempt_at.is_(None), XapiStatement.next_attempt_at <= now
    ),
)


class XapiNotConfigured(RuntimeError):
    pass


class LrsUnreachable(Exception):
    pass


@dataclass
class SendReport:
    sent: int = 0
    retrying: int = 0  # tried and failed for now; tried again after a wait
    failed: int = 0  # refused for good, or out of tries
    resent: int = 0  # claims left behind by a sender that stopped, sent again
    stopped: str = ""  # why the run stopped early (the LRS could not be reached)


def retry_delay(attempts: int) -> timedelta:
    """1 minute after the first failure, then twice as long each time, at most 6 hours."""
    return min(FIRST_RETRY * 2 ** max(attempts - 1, 0), LONGEST_WAIT)


def statements_url() -> str:
    """The LRS's statements resource; refuses anything but an http(s) endpoint with a key."""
    config = current_app.config
    endpoint = config.get("XAPI_ENDPOINT")
    if not endpoint:
        raise XapiNotConfigured("XAPI_ENDPOINT is not set")
    if urlsplit(endpoint).scheme not in ("http", "https") or not urlsplit(endpoint).netloc:
        raise XapiNotConfigured(f"XAPI_ENDPOINT must be an http or https URL, not {endpoint!r}")
    if not config.get("XAPI_KEY") or not config.get("XAPI_SECRET"):
        raise XapiNotConfigured("XAPI_KEY and XAPI_SECRET must be set with XAPI_ENDPOINT")
    return endpoint.rstrip("/") + "/statements"


def send_pending(limit: int = 500) -> SendReport:
    """Send the statements that are due (and those whose claim has lapsed); commits after each."""
    url = statements_url()
    report = SendReport()
    for row_id, was_claimed in OUTBOX.candidates(limit):
        token = OUTBOX.claim(row_id)
        if token is None:
            continue  # another sender took it
        try:
            outcome = _deliver(url, row_id, token)
        except LrsUnreachable as exc:
            report.retrying += 1
            report.stopped = str(exc)
            break  # the others wait for the next run rather than each waiting for a timeout
        if outcome == "sent":
            report.sent += 1
            report.resent += was_claimed
        elif outcome == "pending":
            report.retrying += 1
        else:
            report.failed += 1
    return report


def _deliver(url: str, row_id: int, token: str) -> str:
    """Send one claimed statement; returns the status it was left in."""
    row = db.session.get(XapiStatement, row_id)
    attempts, statement_id = row.attempts, row.statement_id
    body = json.dumps(row.statement, ensure_ascii=False).encode("utf-8")
    db.session.rollback()
    try:
        code, answer = _put(f"{url}?statementId={quote(statement_id)}", body)
    except OSError as exc:  # refused, reset, timed out, name not found
        reason = getattr(exc, "reason", exc)
        _retry_later(row_id, token, attempts, f"LRS unreachable: {reason}")
        raise LrsUnreachable(f"the LRS could not be reached: {reason}") from exc
    if 200 <= code < 300:
        _finish(row_id, token, status="sent", sent_at=clock.now(), last_error=None)
        return "sent"
    error = f"HTTP {code}: {answer}"
    if code in RETRYABLE or code >= 500:
        return _retry_later(row_id, token, attempts, error)
    _finish(row_id, token, status="failed", last_error=error[:300])
    return "failed"


def _put(url: str, body: bytes) -> tuple[int, str]:
    config = current_app.config
    credentials = f"{config['XAPI_KEY']}:{config['XAPI_SECRET']}".encode()
    request = urllib.request.Request(url, data=body, method="PUT", headers={
        "Authorization": "Basic " + base64.b64encode(credentials).decode("ascii"),
        "X-Experience-API-Version": XAPI_VERSION,
        "Content-Type": "application/json; charset=utf-8",
    })  # fmt: skip
    try:
        # statements_url() lets only http(s) endpoints through
        with urllib.request.urlopen(request, timeout=TIMEOUT_SECONDS) as response:
            return response.status, ""
    except urllib.error.HTTPError as exc:
        with exc:
            return exc.code, exc.read(300).decode("utf-8", "replace")


def _retry_later(row_id: int, token: str, attempts: int, error: str) -> str:
    if attempts >= MAX_ATTEMPTS:
        _finish(row_id, token, status="failed", last_error=error[:300])
        return "failed"
    _finish(row_id, token, status="pending", last_error=error[:300],
            next_attempt_at=clock.now() + retry_delay(attempts))  # fmt: skip
    return "pending"


def _finish(row_id: int, token: str, **values) -> None:
    OUTBOX.finish(row_id, token, **values)


def retry_failed() -> int:
    """Put failed statements back in the queue (after the LRS or its settings are fixed)."""
    statement = (
        update(XapiStatement)
        .where(XapiStatement.status == "failed")
        .values(status="pending", attempts=0, next_attempt_at=None)
    )
    with writing():
        count = db.session.execute(statement).rowcount
        db.session.commit()
    return count


def counts() -> dict[str, int]:
    query = select(XapiStatement.status, func.count()).group_by(XapiStatement.status)
    found = dict(db.session.execute(query).all())
    return {status: found.get(status, 0) for status in ("pending", "sending", "sent", "failed")}
