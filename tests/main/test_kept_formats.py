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


def test_templates_format_in_the_locale_they_are_rendered_in(app, monkeypatch):
    """Templates hand the filters the locale their context was made in: a template rendered
    under force_locale("en") while serving an Arabic page is English, the page Arabic, and a
    macro imported without the context (so without the locale) finds the locale itself."""
    from flask import render_template_string
    from jinja2 import ChoiceLoader, DictLoader

    macros = DictLoader({"_shown.html": "{% macro shown(d, n) %}{{ d|date }} | {{ n|number }}"
                                        "{% endmacro %}"})  # fmt: skip
    monkeypatch.setattr(app.jinja_env, "loader", ChoiceLoader([macros, app.jinja_env.loader]))
    page = "{{ day|date }} | {{ 12345|number }}"
    imported = '{% from "_shown.html" import shown %}{{ shown(day, 12345) }}'
    with app.test_request_context("/"):
        session["locale"] = "ar"
        arabic = f"{_fresh()[0]} | {_fresh()[1]}"
        with force_locale("en"):
            english = f"{_fresh()[0]} | {_fresh()[1]}"
            assert render_template_string(page, day=DAY) == english
            assert render_template_string(imported, day=DAY) == english
        assert english != arabic
        assert render_template_string(page, day=DAY) == arabic
        assert render_template_string(imported, day=DAY) == arabic


def test_a_value_formatted_for_another_locale_is_written_in_it_and_kept_under_it(app):
    """A caller that names the locale gets the text of that locale, whatever the request's is,
    and what is kept for one locale is never handed to the other. (A day and a number no other
    test formats: what is kept lasts as long as the process.)"""
    day, number = date(2026, 11, 17), 67890
    with app.test_request_context("/"):
        session["locale"] = "ar"
        with force_locale("en"):
            english = babel_date(day, DATE_FORMAT), babel_decimal(number)
        arabic = babel_date(day, DATE_FORMAT), babel_decimal(number)
        assert english != arabic
        assert (format_day(day, "en"), format_number(number, "en")) == english
        assert (format_day(day), format_number(number)) == arabic  # the request's own language
        with force_locale("en"):
            assert (format_day(day), format_number(number)) == english
        assert (format_day(day, "ar"), format_number(number, "ar")) == arabic
