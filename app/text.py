"""Rules for text that people type or upload, in one place. A form and a CSV import check a
field with the same TextRule, so a value one of them refuses the other refuses too, with the
same message; forms, imports and content files check characters through refused_character.

Messages are %-style templates marked with N_ (or N_plural when a number meets a noun) and
translated where they are shown (a form translates them at once, an import report when its page
is drawn, through `translate`).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass, field

from flask_babel import format_decimal, get_translations, gettext
from wtforms.validators import ValidationError

# Text may not hold control characters (C0, DEL, C1; a multi-line text keeps tab and line
# breaks), nor characters that reorder the text around them or show nothing at all, so that
# what a page, a report or an export shows is what was stored:
# - a one-line text (a name, a code, a reference) refuses every format character (Unicode
#   category Cf: bidi marks, embeddings, overrides and isolates, zero-width spaces and
#   joiners, the byte order mark...), line and paragraph separators and lone surrogates;
# - a multi-line text (a note, a comment, content prose) refuses the bidi embeddings,
#   overrides and isolates and the zero-width spaces, but keeps the marks and joiners that
#   mixed Arabic and English writing uses (LRM, RLM, ALM, ZWJ, ZWNJ).
_CONTROLS = re.compile(r"[\x00-\x1f\x7f-\x9f]")
_REFUSED_IN_TEXT = re.compile(
    r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f"
    r"\u202a-\u202e\u2066-\u2069"  # embeddings, overrides, isolates
    r"\u200b\u2060-\u2064\ufeff\u180e"  # zero-width space, word joiner, invisible operators
    r"\ud800-\udfff]"
)
_REFUSED_IN_LINES = frozenset({"Cc", "Cf", "Cs", "Zl", "Zp"})


def N_(message: str) -> str:
    """Marks a message for translation; it is translated where it is shown."""
    return message


class Plural(str):
    """A message template whose noun follows a number: the singular, with its plural form and
    the name of the parameter that counts. `%` picks the English form (as `message` does for
    logs and the API); `translate` picks the form of the reader's language (Arabic has six)."""

    plural: str
    count: str

    def __new__(cls, singular: str, plural: str, count: str = "num"):
        message = super().__new__(cls, singular)
        message.plural, message.count = plural, count
        return message

    def __mod__(self, params):
        return str.__mod__(str(self) if params[self.count] == 1 else self.plural, params)

    def __reduce__(self):
        return Plural, (str(self), self.plural, self.count)


def N_plural(singular: str, plural: str, count: str = "num") -> Plural:  # noqa: N802
    """Marks a message with a plural form for translation (extracted as N_plural:1,2)."""
    return Plural(singular, plural, count)


def counted(singular: str, plural: str, count: int, key: str = "num", **params) -> str:
    """ngettext with the count shown as the locale writes numbers ("1,200"). Extracted only
    where its caller marks the strings (N_plural, or ngettext in a template)."""
    text = get_translations().ngettext(singular, plural, count)
    return text % {**params, key: format_decimal(count)}


def translate(template: str, params: dict) -> str:
    """A template marked with N_ or N_plural in the reader's language; the count of a plural
    one is shown as the locale writes numbers."""
    if isinstance(template, Plural):
        count = params[template.count]
        return counted(str(template), template.plural, count, template.count, **params)
    return gettext(template, **params)


@dataclass(frozen=True)
class TextProblem:
    template: str  # %-style, with `params`
    params: dict = field(default_factory=dict)

    @property
    def message(self) -> str:
        return self.template % self.params

    def translated(self) -> str:
        return translate(self.template, self.params)


def describe(char: str) -> str:
    """'U+0000' for a character that has no name, else 'U+202E RIGHT-TO-LEFT OVERRIDE'."""
    code = f"U+{ord(char):04X}"
    try:
        return f"{code} {unicodedata.name(char)}"
    except ValueError:
        return code


def refused_character(value: str, *, multiline: bool = False) -> str | None:
    """The first character of `value` that a text of its kind may not hold, or None. Every
    form, import and content file checks its text through here."""
    if multiline:
        found = _REFUSED_IN_TEXT.search(value)
        return found.group() if found else None
    if value.isascii():
        found = _CONTROLS.search(value)
        return found.group() if found else None
    for char in value:
        if unicodedata.category(char) in _REFUSED_IN_LINES:
            return char
    return None


def character_problem(char: str) -> TextProblem:
    template = N_("contains an invisible, control or direction-changing character: %(char)s")
    return TextProblem(template, {"char": describe(char)})


def text_problem(value: str, *, multiline: bool = False) -> TextProblem | None:
    """The problem of a text that holds a refused character, or None."""
    char = refused_character(value, multiline=multiline)
    return None if char is None else character_problem(char)


@dataclass(frozen=True)
class TextRule:
    """The rule of one text field: its length, the characters it may hold, and optionally a
    check of its own. Emptiness is left to the caller (required or not)."""

    max_length: int
    min_length: int = 0
    multiline: bool = False
    check: Callable[[str], TextProblem | None] | None = None

    def problem(self, value: str) -> TextProblem | None:
        """What is wrong with a non-empty value, or None."""
        if len(value) > self.max_length:
            template = N_plural("at most %(num)s character (this has %(length)s)",
                                "at most %(num)s characters (this has %(length)s)")  # fmt: skip
            return TextProblem(template, {"num": self.max_length, "length": len(value)})
        if len(value) < self.min_length:
            template = N_plural("at least %(num)s character", "at least %(num)s characters")
            return TextProblem(template, {"num": self.min_length})
        problem = text_problem(value, multiline=self.multiline)
        if problem is not None:
            return problem
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
