"""Dates, numbers and month names are written by Babel once per process and kept: what is
kept is always what the reader's language (or the language a mail is written in) would give."""

from datetime import date

from flask import session
from flask_babel import force_locale, refresh
from flask_babel import format_date as babel_date
from flask_babel import format_decimal as babel_decimal

from app.i18n import DATE_FORMAT, format_day, format_month, format_number

DAY = date(2026, 12, 5)


def _fresh() -> tuple[str, str, str]:
    return babel_date(DAY, DATE_FORMAT), babel_decimal(12345), babel_date(DAY, "LLL")


def _kept() -> tuple[str, str, str]:
    return format_day(DAY), format_number(12345), format_month(DAY)


def test_kept_text_follows_the_language_of_each_reader_and_mail(app):
    with app.test_request_context("/"):
        session["locale"] = "ar"
        arabic = _fresh()
        assert _kept() == arabic
        with force_locale("en"):  # a mail to an English reader, sent while serving Arabic
            english = _fresh()
            assert english != arabic
            assert _kept() == english
        assert _kept() == arabic
    with app.test_request_context("/"):
        refresh()  # the test's app context outlives the request: forget its language
        session["locale"] = "en"
        assert _kept() == english
        assert format_day("2026-12-05") == english[0]  # an ISO date string, as a date
        assert format_number(83.5) == babel_decimal(83.5)
        assert format_number(83.0) == babel_decimal(83.0)  # kept apart from the whole 83


def test_pages_and_mails_format_in_the_language_they_are_rendered_in(app):
    """Templates hand the filters the locale their context was made in: a mail rendered in
    English while serving an Arabic page is English, the page Arabic, and a macro imported
    without the context finds the locale itself."""
    from flask import render_template_string

    page = "{{ day|date }} | {{ 12345|number }}"
    macro = (
        "{% macro shown(d, n) %}{{ d|date }} | {{ n|number }}{% endmacro %}{{ shown(day, 12345) }}"
    )
    with app.test_request_context("/"):
        session["locale"] = "ar"
        arabic = f"{_fresh()[0]} | {_fresh()[1]}"
        with force_locale("en"):
            english = f"{_fresh()[0]} | {_fresh()[1]}"
            assert render_template_string(page, day=DAY) == english
        assert english != arabic
        assert render_template_string(page, day=DAY) == arabic
        template = app.jinja_env.from_string(macro)  # rendered without the app's context
        assert template.render(day=DAY) == arabic
        with force_locale("en"):
            assert template.render(day=DAY) == english
