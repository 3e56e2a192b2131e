"""Rubrics: criteria with weights, feedback and compiled matchers; per-question binding."""

from __future__ import annotations

import copy
from dataclasses import dataclass, replace
from pathlib import Path as FsPath
from typing import Any

import yaml

from app.scoring import keypoints  # noqa: F401  (registers the key_points matcher)
from app.scoring.collector import collector_paused
from app.scoring.index import TermIndex
from app.scoring.matchers import CompileError, Matcher, matcher_class
from app.scoring.patterns import PatternError, Phrase, parse_classes
from app.scoring.schema import (
    LANGUAGES,
    PATTERN_FIELDS,
    TOP_FIELDS,
    Errors,
    Path,
    check_criterion,
    check_fields,
    check_lang_lists,
    check_phrase,
    check_slug,
    check_text,
    match_rules,
)

_MATCHING_FIELDS = {*PATTERN_FIELDS, "matcher", "negation", "questions", "threshold", "window"}
_MATCHING_FIELDS |= {"skip_customer_words", "reject_acts", "options"}


class RubricError(Exception):
    """A rubric (or a question's use of it) is invalid; `errors` lists (path, message)."""

    def __init__(self, errors: list[tuple[tuple, str]]) -> None:
        self.errors = list(errors)
        lines = [f"{'.'.join(str(p) for p in path) or '<root>'}: {msg}" for path, msg in errors]
        super().__init__("invalid rubric:\n" + "\n".join(lines))


def text_for(value: str | dict | None, locale: str) -> str:
    """A text field in the wanted language, falling back to the other one."""
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    return value.get(locale) or next((value[k] for k in LANGUAGES if value.get(k)), "")


@dataclass(frozen=True)
class Criterion:
    """One rubric criterion, compiled."""

    id: str
    kind: str
    weight: float
    critical: bool
    standard: str
    title: str | dict
    feedback: dict
    matcher: Matcher
    data: dict

    @property
    def required(self) -> bool:
        """True for a behaviour the reply should show."""
        return self.kind == "required"


class Rubric:
    """A compiled rubric; build with `from_mapping` or `load`, bind with `for_question`."""

    def __init__(self, rubric_id: str, criteria: list[Criterion], classes: dict, data: dict):
        self.id = rubric_id
        self.criteria = criteria
        self._classes = classes
        self._data = data
        self.customer: str | None = None  # the customer's message, once bound to a question
        self._by_id = {c.id: c for c in criteria}

    def __getitem__(self, criterion_id: str) -> Criterion:
        return self._by_id[criterion_id]

    @property
    def required(self) -> list[Criterion]:
        """Required criteria, in rubric order."""
        return [c for c in self.criteria if c.required]

    @property
    def forbidden(self) -> list[Criterion]:
        """Forbidden criteria, in rubric order."""
        return [c for c in self.criteria if not c.required]

    @classmethod
    def load(cls, path: str | FsPath) -> Rubric:
        """Read a YAML rubric file (safe-loaded) and compile it."""
        loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
        with collector_paused(), open(path, encoding="utf-8") as fh:
            data = yaml.load(fh, Loader=loader)  # noqa: S506 (a safe loader)
        return cls.from_mapping(data)  # paused too

    @classmethod
    @collector_paused()
    def from_mapping(cls, data: Any) -> Rubric:
        """Validate and compile a rubric mapping; raises RubricError listing every problem.
        Compiling makes tens of thousands of small objects, so the collector is paused meanwhile
        (the app compiles its rubrics from mappings; in fresh processes the first load took
        66-72 ms with the collector running and 54-58 ms paused, three runs alternating)."""
        errors: Errors = []
        if check_fields(data, TOP_FIELDS, (), errors):
            _check_top(data, errors)
        if errors:
            raise RubricError(errors)
        classes = _compile_classes(data.get("classes") or {})
        index = TermIndex()
        criteria = [
            _build(c, ("criteria", n), classes, index, errors)
            for n, c in enumerate(data["criteria"])
        ]
        if errors:
            raise RubricError(errors)
        return cls(data["id"], criteria, classes, data)

    def for_question(
        self,
        key_points: list[list[str]] | None = None,
        overrides: dict | None = None,
        customer: str | None = None,
    ) -> Rubric:
        """This rubric bound to one question: its key points, overrides and customer message."""
        errors: Errors = []
        _check_key_points(key_points or [], errors)
        criteria = _apply_overrides(self, overrides or {}, errors)
        if errors:
            raise RubricError(errors)
        bound = []
        for c in criteria:
            try:
                bound.append(replace(c, matcher=c.matcher.for_question(key_points or [], customer)))
            except CompileError as exc:
                errors.extend(exc.errors)
        if errors:
            raise RubricError(errors)
        rubric = Rubric(self.id, bound, self._classes, self._data)
        rubric.customer = customer
        return rubric


def _check_top(data: dict, errors: Errors) -> None:
    check_slug(data.get("id"), ("id",), errors)
    for key in ("title", "description"):
        if key in data:
            check_text(data[key], (key,), errors)
    classes = data.get("classes") or {}
    if check_fields(classes, set(classes), ("classes",), errors):
        for name, value in classes.items():
            _check_class(name, value, errors)
    items = data.get("criteria")
    if not isinstance(items, list) or not items:
        errors.append((("criteria",), "must be a non-empty list"))
        return
    seen: set[str] = set()
    for n, item in enumerate(items):
        check_criterion(item, ("criteria", n), errors)
        cid = item.get("id") if isinstance(item, dict) else None
        if cid in seen:
            errors.append((("criteria", n, "id"), f"duplicate criterion id {cid!r}"))
        seen.add(cid)


def _check_class(name: str, value: Any, errors: Errors) -> None:
    path: Path = ("classes", name)
    check_slug(name, path, errors)
    if isinstance(value, list):
        for n, entry in enumerate(value):
            check_phrase(entry, path + (n,), errors)
    else:
        check_lang_lists(value, path, errors, check_phrase)


def _compile_classes(raw: dict) -> dict[str, list[Phrase]]:
    flat: dict[str, list[str]] = {}
    for name, value in raw.items():
        flat[name] = value if isinstance(value, list) else [e for v in value.values() for e in v]
    try:
        return parse_classes(flat)
    except PatternError as exc:
        raise RubricError([(("classes",), str(exc))]) from exc


def _build(
    data: dict, path: Path, classes: dict, index: TermIndex, errors: Errors
) -> Criterion | None:
    try:
        matcher = matcher_class(data.get("matcher", "phrases"))(match_rules(data), classes, index)
    except CompileError as exc:
        errors.extend((path + sub, msg) for sub, msg in exc.errors)
        return None
    return Criterion(
        id=data["id"],
        kind=data["kind"],
        weight=float(data["weight"]),
        critical=bool(data.get("critical", False)),
        standard=str(data.get("standard", "")),
        title=data["title"],
        feedback=data["feedback"],
        matcher=matcher,
        data=data,
    )


def _check_key_points(points: Any, errors: Errors) -> None:
    if not isinstance(points, list):
        errors.append((("key_points",), "must be a list of lists of phrasings"))
        return
    for i, group in enumerate(points):
        if not isinstance(group, list) or not group:
            errors.append((("key_points", i), "must be a non-empty list of phrasings"))
            continue
        for j, alt in enumerate(group):
            if not isinstance(alt, str) or not alt.strip():
                errors.append((("key_points", i, j), "must be a non-empty string"))


def _apply_overrides(rubric: Rubric, overrides: Any, errors: Errors) -> list[Criterion]:
    if not isinstance(overrides, dict):
        errors.append((("overrides",), "must be a mapping of criterion id to changes"))
        return list(rubric.criteria)
    criteria = list(rubric.criteria)
    for cid, change in overrides.items():
        path: Path = ("overrides", cid)
        existing = rubric._by_id.get(cid)
        if existing is None and isinstance(change, dict):
            change = {"id": cid, **change}
        local: Errors = []
        to_check = (
            {"kind": existing.kind, **change} if existing and isinstance(change, dict) else change
        )
        check_criterion(to_check, path, local, partial=existing is not None)
        built = None if local else _override(rubric, existing, cid, change, path, local)
        errors.extend(local)
        if built is not None and existing is not None:
            criteria[criteria.index(existing)] = built
        elif built is not None:
            criteria.append(built)
    return criteria


def _override(rubric, existing, cid, change, path, errors) -> Criterion | None:
    if existing is not None and change.get("id", cid) != cid:
        errors.append((path + ("id",), "an override cannot rename a criterion"))
        return None
    data = {**copy.deepcopy(existing.data), **change} if existing else dict(change)
    if existing is not None and "feedback" in change:
        data["feedback"] = {**existing.feedback, **change["feedback"]}
    if existing is not None and not _MATCHING_FIELDS & change.keys():
        return replace(
            existing,
            weight=float(data["weight"]),
            critical=bool(data.get("critical", False)),
            standard=str(data.get("standard", "")),
            title=data["title"],
            feedback=data["feedback"],
            data=data,
        )
    return _build(data, path, rubric._classes, TermIndex(), errors)
