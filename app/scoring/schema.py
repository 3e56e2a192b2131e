"""Validation of rubric mappings: every problem is reported with its path into the mapping."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from app.scoring.acts import REASONS as ACT_REASONS
from app.scoring.acts import REQUIRED_ACTS
from app.scoring.matchers import MATCHERS, MatchRules, PatternSpec

Path = tuple[str | int, ...]
Errors = list[tuple[Path, str]]

LANGUAGES = ("ar", "en")
KINDS = ("required", "forbidden")
QUESTION_RULES = ("any", "only", "never")
FEEDBACK_KEYS = {"required": ("met", "missed"), "forbidden": ("committed", "avoided")}
_SLUG_RE = re.compile(r"^[a-z0-9][a-z0-9_-]*$")
TOP_FIELDS = {"id", "version", "title", "description", "classes", "criteria"}
PATTERN_FIELDS = ("patterns", "exclude", "unless_preceded_by", "unless_followed_by")
CRITERION_FIELDS = {
    "id",
    "kind",
    "weight",
    "critical",
    "standard",
    "title",
    "description",
    "feedback",
    "matcher",
    "negation",
    "questions",
    "threshold",
    "window",
    "skip_customer_words",
    "reject_acts",
    "options",
    *PATTERN_FIELDS,
}
_PATTERN_ITEM_FIELDS = {"match", "score", "questions", "negation", "acts"}


def check_fields(data: Any, allowed: set[str], path: Path, errors: Errors) -> bool:
    """Check `data` is a mapping with no unknown keys; report and return False otherwise."""
    if not isinstance(data, dict):
        errors.append((path, "must be a mapping"))
        return False
    for key in data:
        if key not in allowed:
            errors.append((path + (key,), f"unknown field {key!r}"))
    return True


def check_text(value: Any, path: Path, errors: Errors, both: bool = False) -> None:
    """A text is a string or {ar: ..., en: ...}; `both` requires both languages."""
    if isinstance(value, str):
        if not value.strip():
            errors.append((path, "must not be empty"))
        elif both:
            errors.append((path, "must give both languages: {ar: ..., en: ...}"))
        return
    if not check_fields(value, set(LANGUAGES), path, errors):
        return
    for lang in LANGUAGES:
        text = value.get(lang)
        if text is None:
            if both or not value:
                errors.append((path + (lang,), "missing language"))
        elif not isinstance(text, str) or not text.strip():
            errors.append((path + (lang,), "must be a non-empty string"))


def check_slug(value: Any, path: Path, errors: Errors) -> None:
    """Ids are lowercase slugs."""
    if not isinstance(value, str) or not _SLUG_RE.match(value):
        errors.append((path, "must be a lowercase slug (letters, digits, - and _)"))


def check_number(value: Any, path: Path, errors: Errors, minimum: float = 0.0) -> None:
    """A number strictly greater than `minimum`."""
    if isinstance(value, bool) or not isinstance(value, int | float) or value <= minimum:
        errors.append((path, f"must be a number greater than {minimum:g}"))


def check_bool(value: Any, path: Path, errors: Errors) -> None:
    """A YAML boolean."""
    if not isinstance(value, bool):
        errors.append((path, "must be true or false"))


def check_choice(value: Any, choices: tuple[str, ...], path: Path, errors: Errors) -> None:
    """One of a fixed set of strings."""
    if value not in choices:
        errors.append((path, f"must be one of: {', '.join(choices)}"))


def check_lang_lists(value: Any, path: Path, errors: Errors, item: Callable) -> None:
    """A mapping language -> list, each item checked by `item(value, path, errors)`."""
    if not check_fields(value, set(LANGUAGES), path, errors):
        return
    for lang, items in value.items():
        if not isinstance(items, list):
            errors.append((path + (lang,), "must be a list"))
            continue
        for n, entry in enumerate(items):
            item(entry, path + (lang, n), errors)


def check_pattern_item(value: Any, path: Path, errors: Errors) -> None:
    """A pattern is a string or {match, score, questions, negation, acts}."""
    if isinstance(value, str):
        if not value.strip():
            errors.append((path, "empty pattern"))
        return
    if not check_fields(value, _PATTERN_ITEM_FIELDS, path, errors):
        return
    if not isinstance(value.get("match"), str) or not value["match"].strip():
        errors.append((path + ("match",), "a pattern needs a non-empty `match` string"))
    if "score" in value:
        check_number(value["score"], path + ("score",), errors)
    if "questions" in value:
        check_choice(value["questions"], QUESTION_RULES, path + ("questions",), errors)
    if "negation" in value:
        check_bool(value["negation"], path + ("negation",), errors)
    if "acts" in value:
        check_choice(value["acts"], REQUIRED_ACTS, path + ("acts",), errors)


def check_phrase(value: Any, path: Path, errors: Errors) -> None:
    """A word-class entry: a non-empty string."""
    if not isinstance(value, str) or not value.strip():
        errors.append((path, "must be a non-empty string"))


def to_specs(value: dict | None) -> dict[str, list[PatternSpec]]:
    """Turn validated pattern lists into PatternSpec objects."""
    out: dict[str, list[PatternSpec]] = {}
    for lang, items in (value or {}).items():
        out[lang] = [_spec(item) for item in items]
    return out


def _spec(item: str | dict) -> PatternSpec:
    if isinstance(item, str):
        return PatternSpec(item)
    return PatternSpec(
        item["match"],
        float(item.get("score", 1.0)),
        item.get("questions"),
        item.get("negation"),
        item.get("acts"),
    )


def match_rules(data: dict) -> MatchRules:
    """Build MatchRules from a validated criterion mapping."""
    return MatchRules(
        patterns=to_specs(data.get("patterns")),
        exclude=to_specs(data.get("exclude")),
        unless_preceded_by=to_specs(data.get("unless_preceded_by")),
        unless_followed_by=to_specs(data.get("unless_followed_by")),
        negation=data.get("negation", True),
        questions=data.get("questions", "any"),
        threshold=float(data.get("threshold", 1.0)),
        window=int(data.get("window", 4)),
        skip_customer_words=data.get("skip_customer_words", False),
        reject_acts=tuple(data.get("reject_acts") or ()),
        options=data.get("options") or {},
    )


def check_criterion(data: Any, path: Path, errors: Errors, partial: bool = False) -> None:
    """Validate one criterion mapping; `partial` allows an override with only some fields."""
    if not check_fields(data, CRITERION_FIELDS, path, errors):
        return
    if not partial:
        for key in ("id", "kind", "weight", "title", "feedback"):
            if key not in data:
                errors.append((path + (key,), "missing field"))
    kind = data.get("kind", "required")
    _check_scalars(data, path, errors)
    if "kind" in data:
        check_choice(kind, KINDS, path + ("kind",), errors)
    if "feedback" in data and kind in KINDS:
        _check_feedback(data["feedback"], kind, path + ("feedback",), errors, partial)
    _check_matching(data, path, errors, partial)


def _check_scalars(data: dict, path: Path, errors: Errors) -> None:
    checks: dict[str, Callable[[Any, Path, Errors], None]] = {
        "id": check_slug,
        "weight": check_number,
        "critical": check_bool,
        "negation": check_bool,
        "skip_customer_words": check_bool,
        "threshold": check_number,
        "title": check_text,
        "description": check_text,
    }
    for key, check in checks.items():
        if key in data:
            check(data[key], path + (key,), errors)
    if "standard" in data and not isinstance(data["standard"], str):
        errors.append((path + ("standard",), "must be a string such as STD-06"))
    if "questions" in data:
        check_choice(data["questions"], QUESTION_RULES, path + ("questions",), errors)
    window = data.get("window", 4)
    if isinstance(window, bool) or not isinstance(window, int) or not 1 <= window <= 20:
        errors.append((path + ("window",), "must be a whole number from 1 to 20"))
    if "reject_acts" in data:
        acts = data["reject_acts"]
        if not isinstance(acts, list):
            errors.append((path + ("reject_acts",), "must be a list"))
        else:
            for n, name in enumerate(acts):
                check_choice(name, tuple(ACT_REASONS), path + ("reject_acts", n), errors)
    if data.get("critical") and data.get("kind") == "required":
        errors.append((path + ("critical",), "only a forbidden criterion can be critical"))


def _check_feedback(value: Any, kind: str, path: Path, errors: Errors, partial: bool) -> None:
    keys = FEEDBACK_KEYS[kind]
    if not check_fields(value, set(keys), path, errors):
        return
    for key in keys:
        if key not in value:
            if partial:
                continue
            errors.append((path + (key,), f"missing feedback for {key!r}"))
        else:
            check_text(value[key], path + (key,), errors, both=True)


def _check_matching(data: dict, path: Path, errors: Errors, partial: bool) -> None:
    name = data.get("matcher", "phrases")
    if name not in MATCHERS:
        known = ", ".join(sorted(MATCHERS))
        errors.append((path + ("matcher",), f"unknown matcher {name!r} (known: {known})"))
    for key in PATTERN_FIELDS:
        if key in data:
            check_lang_lists(data[key], path + (key,), errors, check_pattern_item)
    if not partial and name == "phrases" and not data.get("patterns"):
        errors.append((path + ("patterns",), "a phrases criterion needs patterns"))
    if "options" in data and name in MATCHERS:
        allowed = MATCHERS[name].option_fields
        if check_fields(data["options"], set(allowed), path + ("options",), errors):
            for key, value in data["options"].items():
                if key in allowed and not isinstance(value, allowed[key]):
                    errors.append((path + ("options", key), "has the wrong type"))
