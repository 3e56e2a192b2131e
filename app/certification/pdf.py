"""The certificate as a PDF, in Arabic and English, made on request from the database.

Arabic is shaped by HarfBuzz (fpdf2's text shaping through uharfbuzz) and laid out right to
left; the font (IBM Plex Sans Arabic, which also covers Latin) ships as a Python package, so no
system font is needed. Both languages are printed whatever the reader's language: the
certificate is shown to third parties.
"""

from __future__ import annotations

import io
from datetime import date

import fontpkg_ibm_plex_sans_arabic as plex
import segno
from fpdf import FPDF

from app.certification.models import Certificate

FONT_DIR = plex.ROOT / "files"
INK = (33, 37, 41)
ACCENT = (13, 110, 253)
MUTED = (108, 117, 125)


def verification_url(base_url: str, code: str) -> str:
    return f"{base_url.rstrip('/')}/verify/{code}"


def certificate_pdf(certificate: Certificate, base_url: str) -> bytes:
    """The PDF of one certificate, with its verification code, URL and a QR code of the URL."""
    pdf = _new_document(certificate)
    url = verification_url(base_url, certificate.code)
    _frame(pdf)
    _heading(pdf)
    _holder(pdf, certificate)
    _certification(pdf, certificate)
    _dates(pdf, certificate)
    _verification(pdf, certificate, url)
    return bytes(pdf.output())


def _new_document(certificate: Certificate) -> FPDF:
    pdf = FPDF(orientation="L", unit="mm", format="A4")
    pdf.set_title(f"Certificate {certificate.code}")
    pdf.set_creator("Khidma")
    pdf.set_auto_page_break(False)
    pdf.add_font("plex", "", str(FONT_DIR / "IBMPlexSansArabic-Regular.ttf"))
    pdf.add_font("plex", "B", str(FONT_DIR / "IBMPlexSansArabic-Bold.ttf"))
    pdf.set_text_shaping(use_shaping_engine=True)
    pdf.add_page()
    return pdf


def _frame(pdf: FPDF) -> None:
    pdf.set_draw_color(*ACCENT)
    pdf.set_line_width(1.2)
    pdf.rect(10, 10, pdf.w - 20, pdf.h - 20)
    pdf.set_line_width(0.3)
    pdf.rect(14, 14, pdf.w - 28, pdf.h - 28)


def _line(pdf: FPDF, text: str, size: float, style: str = "", color=INK, gap: float = 2) -> None:
    """One centred line; each language gets its own line so the direction of a line is plain."""
    pdf.set_font("plex", style, size)
    pdf.set_text_color(*color)
    pdf.cell(w=0, h=size * 0.5, text=text, align="C", new_x="LMARGIN", new_y="NEXT")
    pdf.ln(gap)


def _heading(pdf: FPDF) -> None:
    pdf.set_y(24)
    _line(pdf, "شهادة اعتماد", 26, "B", ACCENT, 0)
    _line(pdf, "Certificate of Certification", 18, "B", ACCENT, 6)
    _line(pdf, "نشهد بأن", 13, color=MUTED, gap=0)
    _line(pdf, "This certifies that", 11, color=MUTED, gap=3)


def _holder(pdf: FPDF, certificate: Certificate) -> None:
    user = certificate.user
    if user.name_ar:
        _line(pdf, user.name_ar, 24, "B", gap=0)
    if user.name_en:
        _line(pdf, user.name_en, 18, "B", gap=4)


def _certification(pdf: FPDF, certificate: Certificate) -> None:
    title = certificate.certification.title or {}
    _line(pdf, "قد استوفى متطلبات", 13, color=MUTED, gap=0)
    _line(pdf, "has met the requirements of", 11, color=MUTED, gap=3)
    _line(pdf, title.get("ar") or title.get("en", ""), 20, "B", ACCENT, 0)
    _line(pdf, title.get("en") or title.get("ar", ""), 16, "B", ACCENT, 5)


def _dates(pdf: FPDF, certificate: Certificate) -> None:
    issued, until = _iso(certificate.valid_from), _iso(certificate.expires_on)
    _line(pdf, f"تاريخ الإصدار {_ltr(issued)} - صالحة حتى {_ltr(until)}", 12, gap=0)
    _line(pdf, f"Issued {issued} - valid until {until}", 11, gap=0)
    if certificate.standards_version:
        version = certificate.standards_version
        _line(pdf, f"Service standards {version} معايير الخدمة", 9, color=MUTED, gap=0)


def _verification(pdf: FPDF, certificate: Certificate, url: str) -> None:
    size = 34
    x, y = pdf.w - 20 - size, pdf.h - 20 - size
    pdf.image(_qr_png(url), x=x, y=y, w=size, h=size)
    pdf.set_xy(22, pdf.h - 42)
    pdf.set_font("plex", "", 10)
    pdf.set_text_color(*MUTED)
    lines = [
        "رمز التحقق - Verification code",
        certificate.code,
        "تحقق من صحة الشهادة - Check this certificate at",
        url,
    ]
    for text in lines:
        pdf.set_x(22)
        pdf.cell(w=pdf.w - 44 - size, h=5.5, text=text, align="L", new_x="LMARGIN", new_y="NEXT")


def _qr_png(url: str) -> io.BytesIO:
    buffer = io.BytesIO()
    segno.make(url, error="m", micro=False).save(buffer, kind="png", scale=8, border=4)
    buffer.seek(0)
    return buffer


def _ltr(text: str) -> str:
    """Isolate left-to-right text (a date) inside an Arabic line, so its parts stay in order."""
    return f"\u2066{text}\u2069"


def _iso(value: date) -> str:
    # ISO dates read the same in both languages, and in the verification page.
    return value.isoformat()
