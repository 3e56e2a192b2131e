"""Where a number meets a noun, Arabic takes one of its six plural forms: none (0), one (1),
two (2), a few (3-10: the plural), many (11-99: the singular, accusative) and a hundred or so
(100-102: the singular, genitive). English takes "1 character", "2 characters"."""

import pytest
from flask import render_template_string
from flask_babel import force_locale

from app.assignments.views import assigned_message
from app.notifications.models import Notification
from app.notifications.services import message
from app.people.importer import RowError
from app.text import N_plural, TextRule, translate

COUNTS = (0, 1, 2, 3, 11, 100)


def _arabic(app, make):
    with app.test_request_context(), force_locale("ar"):
        return {n: str(make(n)) for n in COUNTS}


def test_the_length_limit_of_a_text(app):
    shown = _arabic(app, lambda n: TextRule(max_length=n).problem("ب" * (n + 5)).translated())
    assert shown == {
        0: "لا يُقبل أي حرف (وفي هذا 5)",
        1: "حرف واحد على الأكثر (وفي هذا 6)",
        2: "حرفان على الأكثر (وفي هذا 7)",
        3: "3 أحرف على الأكثر (وفي هذا 8)",
        11: "11 حرفًا على الأكثر (وفي هذا 16)",
        100: "100 حرف على الأكثر (وفي هذا 105)",
    }


def test_the_least_length_of_a_text_and_the_most_turns_of_a_conversation(app):
    template = TextRule(max_length=500, min_length=1).problem("").template
    at_least = _arabic(app, lambda n: translate(template, {"num": n}))
    assert at_least == {
        0: "دون حد أدنى للأحرف",
        1: "حرف واحد على الأقل",
        2: "حرفان على الأقل",
        3: "3 أحرف على الأقل",
        11: "11 حرفًا على الأقل",
        100: "100 حرف على الأقل",
    }
    turns = N_plural("more than %(num)s turn", "more than %(num)s turns")
    shown = _arabic(app, lambda n: translate(turns, {"num": n}))
    assert [shown[n] for n in (1, 2, 3, 11, 100)] == [
        "أكثر من دور واحد", "أكثر من دورين", "أكثر من 3 أدوار", "أكثر من 11 دورًا",
        "أكثر من 100 دور",
    ]  # fmt: skip


def test_english_messages_of_logs_and_the_api_take_the_english_plural():
    assert TextRule(max_length=1).problem("ab").message == "at most 1 character (this has 2)"
    assert TextRule(max_length=2).problem("abc").message == "at most 2 characters (this has 3)"


def test_the_message_after_assigning_courses(app):
    made = _arabic(app, lambda n: assigned_message(n, 0))
    assert made == {
        0: "لم يُنشأ أي تكليف.",
        1: "أُنشئ تكليف واحد.",
        2: "أُنشئ تكليفان.",
        3: "أُنشئت 3 تكليفات.",
        11: "أُنشئ 11 تكليفًا.",
        100: "أُنشئ 100 تكليف.",
    }
    already = _arabic(app, lambda n: assigned_message(1, n))
    assert already[0] == "أُنشئ تكليف واحد."  # nothing said about open ones when there are none
    assert already[2] == "أُنشئ تكليف واحد. كان تكليفان مفتوحين من قبل."
    assert already[11] == "أُنشئ تكليف واحد. كان 11 تكليفًا مفتوحًا من قبل."
    with app.test_request_context(), force_locale("en"):
        assert assigned_message(1, 2) == "1 assignment made. 2 assignments were already open."
        assert assigned_message(1200, 1) == (
            "1,200 assignments made. 1 assignment was already open."
        )


@pytest.mark.parametrize(
    ("kind", "key", "expected"),
    [
        ("invitation", "days", {1: "خلال يوم واحد.", 2: "خلال يومين.", 3: "خلال 3 أيام.",
                                11: "خلال 11 يومًا.", 100: "خلال 100 يوم."}),
        ("password_reset", "minutes", {1: "خلال دقيقة واحدة.", 2: "خلال دقيقتين.",
                                       3: "خلال 3 دقائق.", 11: "خلال 11 دقيقةً.",
                                       100: "خلال 100 دقيقة."}),
        ("manager_digest", "expiring", {0: "ولا شهادات تنتهي", 1: "وشهادة واحدة تنتهي",
                                        2: "وشهادتان تنتهيان", 3: "و3 شهادات تنتهي",
                                        11: "و11 شهادةً تنتهي", 100: "و100 شهادة تنتهي"}),
    ],
)  # fmt: skip
def test_notifications_count_in_arabic(app, kind, key, expected):
    params = {"overdue": 4, "due_soon": 5}
    shown = _arabic(app, lambda n: message(Notification(kind=kind, params={**params, key: n})))
    for n, words in expected.items():
        assert words in shown[n], (n, shown[n])


def test_the_spread_of_a_standard_in_points(app):
    template = '{{ ngettext("%(num)s point", "%(num)s points", n) }}'
    shown = _arabic(app, lambda n: render_template_string(template, n=n))
    assert shown == {0: "0 نقطة", 1: "نقطة واحدة", 2: "نقطتان", 3: "3 نقاط", 11: "11 نقطةً",
                     100: "100 نقطة"}  # fmt: skip


def test_problems_beyond_the_first_five_hundred_of_an_import(app):
    template = '{% from "_import_errors.html" import row_errors %}{{ row_errors(errors, "/") }}'

    def more(n):
        errors = [RowError(row, "email", "required") for row in range(2, 502 + n)]
        html = render_template_string(template, errors=errors)
        return html.split("</table>")[1].split("<a ")[0].strip()

    shown = _arabic(app, more)
    assert shown[0] == ""  # all of them are in the table
    assert [shown[n] for n in (1, 2, 3, 11, 100)] == [
        "<p>…ومشكلة أخرى واحدة.</p>", "<p>…ومشكلتان أخريان.</p>", "<p>…و3 مشكلات أخرى.</p>",
        "<p>…و11 مشكلةً أخرى.</p>", "<p>…و100 مشكلة أخرى.</p>",
    ]  # fmt: skip
