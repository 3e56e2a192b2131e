"""The quiz form's fields and the readers and display orders the question types use.

Field names: `q-<question id>` for the answer itself, `q-<question id>-<item id>` for the
position of an ordering item, `turn-<question id>` for the dialogue turn a reply answers.
"""

from __future__ import annotations

import random


def field_name(question_id: str, item_id: str | None = None) -> str:
    return f"q-{question_id}" + (f"-{item_id}" if item_id else "")


def chosen_one(question, form) -> str | None:
    value = form.get(field_name(question.id))
    return value if value in {c.id for c in question.choices} else None


def chosen_many(question, form) -> list[str]:
    known = {c.id for c in question.choices}
    return sorted(v for v in form.getlist(field_name(question.id)) if v in known)


def true_or_false(question, form) -> bool | None:
    return {"true": True, "false": False}.get(form.get(field_name(question.id)))


def ranked(question, form) -> list[str]:
    """Item ids by the positions chosen; an item without a position goes last."""
    last = len(question.items) + 1

    def position(item) -> int:
        value = form.get(field_name(question.id, item.id), "")
        return int(value) if value.isdigit() else last

    ranked = sorted(enumerate(question.items), key=lambda pair: (position(pair[1]), pair[0]))
    return [item.id for _, item in ranked]


def reply(question, form) -> str:
    return form.get(field_name(question.id), "")


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
