"""The certification report's table as the page writes it: each row's cells ready in Python
(texts in the reader's language, the date written out, the certificate's address, all of
them escaped for HTML), so that the template's loop only places them. Exports write the
report's rows their own way (app/reports/exports.py)."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from itertools import chain
from operator import itemgetter
from typing import NamedTuple
from urllib.parse import urlencode

from flask import url_for
from flask_babel import gettext
from markupsafe import escape

from app.certification.report import SORTS, ReportFilter, ReportRow
from app.i18n import format_day, locale_key
from app.url_values import LARGEST


class PageRow(NamedTuple):
    """A row's cells in the order the template unpacks them; every text is escaped for HTML
    (the template places them with autoescaping off)."""

    user_id: int
    status: str
    name: str
    employee_no: str
    department: str
    team: str
    manager: str
    certification: str
    percent: int
    link: str  # the certificate's page; "" without a certificate
    until: str  # its expiry date as the page writes dates
    version: str  # the standards version it was earned under
    older: bool  # earned under another version than the current one
    progress: str  # "In progress: 40%" in the reader's language ("" unless in progress)


# the fields that hold text (every other field is an int, a bool or a fixed status key)
_TEXT_FIELDS = ("name", "employee_no", "department", "team", "manager", "certification", "link",
                "until", "version", "progress")  # fmt: skip
_TEXT_INDEXES = tuple(PageRow._fields.index(name) for name in _TEXT_FIELDS)
# a row's texts, in the order of _TEXT_FIELDS (a tuple: itemgetter of several indexes)
_TEXTS_OF = itemgetter(*_TEXT_INDEXES)
assert len(_TEXT_INDEXES) > 1
_SEPARATOR = "\x1f"  # a control character, refused in every stored text (app/text.py)


def page_rows(rows: Iterable[ReportRow], current_version: str | None) -> list[PageRow]:
    """The page's rows from the report's (report.page_of_rows), escaped."""
    link = certificate_link()
    in_progress = gettext("In progress: %(p)s%%")  # translated once, filled in per row
    locale = locale_key()
    found = []
    for (user_id, employee_no, name, department, team, manager, certification, status, percent,
         certificate_id, _code, _valid_from, expires_on, version) in rows:  # fmt: skip
        held, version = certificate_id is not None, version or ""
        found.append(PageRow(
            user_id, status, name, employee_no, department, team, manager, certification,
            percent, link(certificate_id) if held else "",
            format_day(expires_on, locale) if held else "",
            version, bool(version and current_version and version != current_version),
            in_progress % {"p": percent} if status == "in_progress" else "",
        ))  # fmt: skip
    return escaped(found)


def escaped(rows: list[PageRow]) -> list[PageRow]:
    """The rows with every text escaped for HTML, in one call for the whole page: escaping
    each of a page's 500 or so cells on its own, as the template would, took about a fifth
    of the page's time."""
    texts = list(chain.from_iterable(map(_TEXTS_OF, rows)))
    joined = _SEPARATOR.join(texts)
    if joined.count(_SEPARATOR) != max(len(texts) - 1, 0):  # a text held the separator
        safe = [str(escape(text)) for text in texts]
    else:
        safe = str(escape(joined)).split(_SEPARATOR)
    out = []
    width = len(_TEXT_INDEXES)
    for n, row in enumerate(rows):
        values = list(row)
        for k, index in enumerate(_TEXT_INDEXES):
            values[index] = safe[n * width + k]
        out.append(PageRow._make(values))
    return out


def certificate_link() -> Callable[[int], str]:
    """The address of a certificate's page by its id: url_for once, then the id put in its
    place (building an address costs more than the rest of a row)."""
    head, _, tail = url_for("certification.certificate_detail", certificate_id=LARGEST).partition(
        str(LARGEST)
    )
    return lambda certificate_id: f"{head}{certificate_id}{tail}"


def sort_links(flt: ReportFilter) -> dict[str, str]:
    """The address each column's heading sorts by (the current sort key again reverses the
    order): the report's address built once, each link's arguments put after it."""
    base = url_for("reports.certification")
    return {key: f"{base}?{urlencode(flt.sort_args(key))}" for key in SORTS}
