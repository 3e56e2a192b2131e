"""Rules for text that people type or upload, in one place: a form and a CSV import check a
field with the same TextRule, so a value one of them refuses the other refuses too, with the
same message.

Messages are %-style templates marked with N_ and translated where they are shown (a form
translates them at once, an import report when its page is drawn).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass, field

from flask_babel import gettext
from wtforms.validators import ValidationError

# Control characters (C0, DEL, C1); a multi-line text may hold tab and line breaks.
_REFUSED_IN_LINES = re.compile(r"[\x00-\x1f\x7f-\x9f]")
_REFUSED_IN_TEXT = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")


def N_(message: str) -> str:
    """Marks a message for translation; it is translated where it is shown."""
    return message


@dataclass(frozen=True)
class TextProblem:
    template: str  # %-style, with `params`
    params: dict = field(default_factory=dict)

    @property
    def message(self) -> str:
        return self.template % self.params

    def translated(self) -> str:
        return gettext(self.template, **self.params)


def describe(char: str) -> str:
    """'U+0000' for a character that has no name, else 'U+202E RIGHT-TO-LEFT OVERRIDE'."""
    code = f"U+{ord(char):04X}"
    try:
        return f"{code} {unicodedata.name(char)}"
    except ValueError:
        return code


def refused_character(value: str, *, multiline: bool = False) -> str | None:
    """The first character of `value` that no text field may hold, or None."""
    found = (_REFUSED_IN_TEXT if multiline else _REFUSED_IN_LINES).search(value)
    return found.group() if found else None


@dataclass(frozen=True)
class TextRule:
    """The rule of one text field: its length and the characters it may hold, and optionally
    a pattern or a check of its own. Emptiness is left to the caller (required or not)."""

    max_length: int
    min_length: int = 0
    multiline: bool = False
    pattern: re.Pattern | None = None
    pattern_message: str = ""
    check: Callable[[str], TextProblem | None] | None = None

    def problem(self, value: str) -> TextProblem | None:
        """What is wrong with a non-empty value, or None."""
        if len(value) > self.max_length:
            params = {"max": self.max_length, "length": len(value)}
            return TextProblem(N_("at most %(max)s characters (this has %(length)s)"), params)
        if len(value) < self.min_length:
            return TextProblem(N_("at least %(min)s characters"), {"min": self.min_length})
        char = refused_character(value, multiline=self.multiline)
        if char is not None:
            template = N_("contains a control or invisible character: %(char)s")
            return TextProblem(template, {"char": describe(char)})
        if self.pattern is not None and not self.pattern.match(value):
            return TextProblem(self.pattern_message)
        return self.check(value) if self.check else None


class Follows:
    """WTForms validator that applies a TextRule (and sets the field's maxlength)."""

    def __init__(self, rule: TextRule):
        self.rule = rule
        self.field_flags = {"maxlength": rule.max_length}
        if rule.min_length:
            self.field_flags["minlength"] = rule.min_length

    def __call__(self, form, field) -> None:
        problem = self.rule.problem(field.data or "")
        if problem is not None:
            raise ValidationError(problem.translated())
