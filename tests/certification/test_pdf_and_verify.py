"""The PDF certificate (shaped Arabic, QR code) and the public verification page."""

import io
import unicodedata
from datetime import date, timedelta

import pytest
import zxingcpp
from pdfminer.high_level import extract_pages
from pdfminer.layout import LTChar, LTTextContainer
from pypdf import PdfReader
from sqlalchemy import select

from app.certification.models import Certificate
from app.extensions import db
from tests.certification.helpers import complete, travel, with_certifications

NAME_AR = "نورة القحطاني"


@pytest.fixture
def holder(app, content_root, make_user, make_team, monkeypatch):
    travel(monkeypatch, app, date(2026, 3, 1))
    with_certifications(content_root)
    manager = make_user("manager")
    team = make_team(code="care-1", manager=manager)
    agent = make_user("agent", team=team, name_ar=NAME_AR, name_en="Noura Al-Qahtani")
    complete(agent, "basics")
    complete(agent, "talking")
    agent.manager = manager
    return agent


def _certificate(user) -> Certificate:
    return db.session.scalar(select(Certificate).where(Certificate.user_id == user.id))


def _visual_lines(pdf: bytes) -> list[list[str]]:
    """Each text line as the glyphs' text in the order they are drawn (left to right)."""
    lines = []
    for page in extract_pages(io.BytesIO(pdf)):
        for box in page:
            if isinstance(box, LTTextContainer):
                for line in box:
                    lines.append([c.get_text() for c in line if isinstance(c, LTChar)])
    return lines


def _logical(glyphs: list[str]) -> str:
    """An Arabic line is drawn right to left: reversed, its glyphs give the text in reading
    order. Presentation forms (if any) are folded back to letters."""
    return unicodedata.normalize("NFKC", "".join(reversed(glyphs)))


def test_pdf_has_the_arabic_name_shaped_and_in_order(holder, client, login):
    login(holder)
    certificate = _certificate(holder)
    response = client.get(f"/certificates/{certificate.id}/certificate.pdf")
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    lines = _visual_lines(response.data)
    [name_line] = [glyphs for glyphs in lines if _logical(glyphs) == NAME_AR]
    # Shaping joined letters into contextual forms and ligatures: fewer glyphs than letters.
    assert len(name_line) < len(NAME_AR)
    text = "\n".join("".join(glyphs) for glyphs in lines)
    assert "Noura Al-Qahtani" in text and "Starter" in text
    assert certificate.code in text
    assert f"http://127.0.0.1:5000/verify/{certificate.code}" in text
    assert certificate.valid_from.isoformat() in text and certificate.expires_on.isoformat() in text
    assert any(_logical(glyphs) == "شهادة المبتدئ" for glyphs in lines)


def test_pdf_qr_code_decodes_to_the_verification_url(holder, client, login, app, monkeypatch):
    monkeypatch.setitem(app.config, "PUBLIC_BASE_URL", "https://khidma.example.com/")
    login(holder)
    certificate = _certificate(holder)
    pdf = client.get(f"/certificates/{certificate.id}/certificate.pdf").data
    [image] = PdfReader(io.BytesIO(pdf)).pages[0].images
    [barcode] = zxingcpp.read_barcodes(image.image)
    assert barcode.text == f"https://khidma.example.com/verify/{certificate.code}"


def test_pdf_is_for_the_holder_their_manager_hr_and_admin(
    holder, client, login, login_as, make_user
):
    url = f"/certificates/{_certificate(holder).id}/certificate.pdf"
    login(holder.manager)
    assert client.get(url).status_code == 200
    for role, expected in (("agent", 404), ("manager", 404), ("hr", 200), ("admin", 200)):
        client.post("/logout")
        login_as(role)
        assert client.get(url).status_code == expected, role


def test_verification_page_statuses(holder, client, app, monkeypatch, login_as):
    certificate = _certificate(holder)
    page = client.get(f"/verify/{certificate.code}")
    html = page.get_data(as_text=True)
    assert page.status_code == 200 and 'data-status="valid"' in html
    assert NAME_AR in html and "شهادة المبتدئ" in html
    assert holder.email not in html and holder.employee_no not in html
    assert client.get(f"/verify/{certificate.code.lower()}").status_code == 200

    travel(monkeypatch, app, certificate.expires_on + timedelta(days=1))
    assert 'data-status="expired"' in client.get(f"/verify/{certificate.code}").get_data(
        as_text=True
    )

    login_as("hr")
    client.post(f"/certification/certificates/{certificate.id}/revoke",
                data={"reason": "Issued by mistake"})  # fmt: skip
    html = client.get(f"/verify/{certificate.code}").get_data(as_text=True)
    assert 'data-status="revoked"' in html and "Issued by mistake" not in html


def test_unknown_code_is_a_plain_not_found(app, client):
    response = client.get("/verify/AAAA-BBBB-CCCC")
    assert response.status_code == 404
    assert 'id="not-found"' in response.get_data(as_text=True)


def test_verification_is_rate_limited(app, client, monkeypatch):
    monkeypatch.setitem(app.config, "VERIFY_LIMIT", "3 per minute")
    codes = [client.get(f"/verify/AAAA-BBBB-CCC{n}").status_code for n in range(5)]
    assert codes[:3] == [404, 404, 404] and codes[3:] == [429, 429]
