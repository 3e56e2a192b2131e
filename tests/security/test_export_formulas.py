"""Report exports never hand a spreadsheet a formula, however the text is dressed: full-width
signs (＝ ＋ － ＠) that a spreadsheet may read as = + - @, and invisible characters in front
(zero-width space, byte order mark, direction marks) that hide the sign from a plain check.
Those invisible characters are not exported at all."""

import csv
import io

import pytest
from openpyxl import load_workbook

from app.extensions import db
from tests.certification.helpers import with_certifications

DISGUISED = [
    '＝HYPERLINK("http://x.example","open")',
    "＋1+cmd|' /C calc'!A0",
    "－2+3",
    "＠SUM(1+1)*cmd|' /C calc'!A0",
    "\u200b=1+1",  # zero-width space
    "\ufeff+1+1",  # byte order mark
    "\u200e-1+1",  # left-to-right mark
    "\u200f@SUM(1)",  # right-to-left mark
    "\u202e=1+1",  # right-to-left override
    "\u2066\u200b＝1+1",  # isolate, zero-width space, full-width sign
    "\u2060 =1+1",  # word joiner and a space
]
PLAIN = ["Dana Saleh", "\u200bFadi", "سارة-أحمد", "Hala + Jood"]
# As exported: the invisible characters are dropped (they split text for a spreadsheet) and
# what would then run as a formula starts with an apostrophe.
EXPORTED = {
    '\'＝HYPERLINK("http://x.example","open")', "'＋1+cmd|' /C calc'!A0", "'－2+3",
    "'＠SUM(1+1)*cmd|' /C calc'!A0", "'=1+1", "'+1+1", "'-1+1", "'@SUM(1)",
    "'＝1+1", "' =1+1", "Dana Saleh", "Fadi", "سارة-أحمد", "Hala + Jood",
}  # fmt: skip


@pytest.fixture
def agents(app, content_root, make_user):
    """Agents whose stored names are the texts above (as left by an older version or a direct
    database edit: what matters here is what the export does with what is stored)."""
    with_certifications(content_root)
    people = [make_user("agent") for _ in DISGUISED + PLAIN]
    for person, name in zip(people, DISGUISED + PLAIN, strict=True):
        person.name_en = name
    db.session.commit()


def _names_in_csv(data: bytes) -> set[str]:
    rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))
    assert rows[0][0] == "Employee number"
    return {row[1] for row in rows[1:]}


def _names_in_xlsx(data: bytes) -> set[str]:
    rows = list(load_workbook(io.BytesIO(data), read_only=True).active.iter_rows(values_only=True))
    assert rows[0][0] == "Employee number"
    return {row[1] for row in rows[1:]}


@pytest.mark.parametrize("kind", ["csv", "xlsx"])
def test_disguised_formulas_are_exported_as_plain_text(agents, client, login_as, kind):
    login_as("hr")
    response = client.get(f"/reports/certification.{kind}?certification_id=starter")
    assert response.status_code == 200
    names = (_names_in_csv if kind == "csv" else _names_in_xlsx)(response.data)
    assert names == EXPORTED
