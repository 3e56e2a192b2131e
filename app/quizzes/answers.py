"""Reading each question's answer from the quiz form, in the shape its question type grades.

Field names: `q-<question id>` for the answer itself, `q-<question id>-<item id>` for the
position of an ordering item, `turn-<question id>` for the dialogue turn a reply answers.
"""

from __future__ import annotations

import random
from typing import Any


def field_name(question_id: str, item_id: str | None = None) -> str:
    return f"q-{question_id}" + (f"-{item_id}" if item_id else "")


def read_answer(type_name: str, question, form) -> Any:
    """The answer to one (non-dialogue) question as found in the submitted form."""
    reader = _READERS.get(type_name)
    return reader(question, form) if reader else None


def _single(question, form):
    value = form.get(field_name(question.id))
    return value if value in {c.id for c in question.choices} else None


def _multiple(question, form):
    known = {c.id for c in question.choices}
    return sorted(v for v in form.getlist(field_name(question.id)) if v in known)


def _true_false(question, form):
    return {"true": True, "false": False}.get(form.get(field_name(question.id)))


def _ordering(question, form):
    """Item ids by the positions chosen; an item without a position goes last."""
    last = len(question.items) + 1

    def position(item) -> int:
        value = form.get(field_name(question.id, item.id), "")
        return int(value) if value.isdigit() else last

    ranked = sorted(enumerate(question.items), key=lambda pair: (position(pair[1]), pair[0]))
    return [item.id for _, item in ranked]


def _reply(question, form):
    return form.get(field_name(question.id), "")


_READERS = {
    "single_choice": _single,
    "multiple_choice": _multiple,
    "true_false": _true_false,
    "ordering": _ordering,
    "roleplay": _reply,
}


def display_order(items: list, seed: str, shuffle: bool) -> list:
    """Items in the order shown: as written, or shuffled the same way for the same form."""
    items = list(items)
    if shuffle:
        random.Random(seed).shuffle(items)
    return items


def ordering_display(items: list, seed: str) -> list:
    """Ordering items are always shown out of order (the right order would give it away)."""
    shown = display_order(items, seed, True)
    if len(shown) > 1 and [i.id for i in shown] == [i.id for i in items]:
        shown = shown[1:] + shown[:1]
    return shown
