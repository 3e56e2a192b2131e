"""Safe YAML loading that remembers where every value came from (file and line)."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import yaml
from pydantic import BaseModel, ValidationError

from app.schema_types import UNION_TAGS
from app.text import text_problem

MAX_FILE_BYTES = 1024 * 1024
# Content nests a few levels (a quiz, its questions, their choices); far more is an error.
MAX_DEPTH = 50


@dataclass(frozen=True)
class Problem:
    path: str
    line: int
    field: str
    message: str

    def __str__(self) -> str:
        return f"{self.path}:{self.line}: {self.field}: {self.message}"


@dataclass
class SourceFile:
    """A parsed content file: its data and the line of every key or list item."""

    path: str
    data: object = None
    lines: dict[tuple, int] = field(default_factory=dict)

    def line_of(self, loc: tuple) -> int:
        """The line of the deepest part of `loc` that exists in the file."""
        for end in range(len(loc), 0, -1):
            if loc[:end] in self.lines:
                return self.lines[loc[:end]]
        return 1

    def problem(self, loc: tuple, message: str) -> Problem:
        return Problem(self.path, self.line_of(loc), format_loc(loc), message)


def format_loc(loc: tuple) -> str:
    """('questions', 2, 'choices') -> 'questions[2].choices'"""
    text = ""
    for part in loc:
        text += f"[{part}]" if isinstance(part, int) else (f".{part}" if text else str(part))
    return text or "-"


def read_text(path: Path, display: str) -> tuple[str | None, list[Problem]]:
    """A content file's text, read only when it is within MAX_FILE_BYTES; every failure
    becomes a Problem, never an exception."""
    try:
        if path.stat().st_size > MAX_FILE_BYTES:
            return None, [Problem(display, 1, "-", "the file is larger than 1 MiB")]
        raw = path.read_bytes()
    except OSError as exc:
        return None, [Problem(display, 1, "-", f"cannot read the file: {exc.strerror}")]
    try:
        return raw.decode("utf-8-sig"), []
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        return None, [Problem(display, line, "-", "the file is not valid UTF-8")]


def load_yaml(path: Path, display: str) -> tuple[SourceFile | None, list[Problem]]:
    """Read one YAML file safely; every failure becomes a Problem, never an exception."""
    text, problems = read_text(path, display)
    if text is None:
        return None, problems
    return parse_yaml(text, display)


def parse_yaml(text: str, display: str) -> tuple[SourceFile | None, list[Problem]]:
    loader = _BoundedLoader(text)
    try:
        node = loader.get_single_node()
        data = loader.construct_document(node) if node is not None else None
    except _Refused as exc:
        return None, [Problem(display, exc.problem_mark.line + 1, "-", exc.problem)]
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None) or getattr(exc, "context_mark", None)
        line = mark.line + 1 if mark else 1
        reason = getattr(exc, "problem", None) or str(exc).splitlines()[0]
        return None, [Problem(display, line, "-", f"invalid YAML: {reason}")]
    finally:
        loader.dispose()
    source = SourceFile(display, data)
    _collect_lines(node, (), source.lines)
    problems: list[Problem] = []
    _check_text(node, (), display, problems)
    return source, problems


class _Refused(yaml.MarkedYAMLError):
    """Valid YAML that content files may not use."""


class _LibyamlEvents:
    """The scanner and parser of libyaml (C), handing events to PyYAML's composer: scanning
    is most of the cost of reading YAML in pure Python."""

    def __init__(self, stream):
        self._events = yaml.cyaml.CParser(stream)

    def check_event(self, *choices):
        return self._events.check_event(*choices)

    def peek_event(self):
        return self._events.peek_event()

    def get_event(self):
        return self._events.get_event()

    def dispose(self):
        self._events.dispose()


if getattr(yaml, "__with_libyaml__", False):

    class _SafeLoader(
        _LibyamlEvents, yaml.composer.Composer, yaml.constructor.SafeConstructor,
        yaml.resolver.Resolver,
    ):  # fmt: skip
        def __init__(self, stream):
            _LibyamlEvents.__init__(self, stream)
            yaml.composer.Composer.__init__(self)
            yaml.constructor.SafeConstructor.__init__(self)
            yaml.resolver.Resolver.__init__(self)

else:  # PyYAML built without libyaml: the same loader, all in Python
    _SafeLoader = yaml.SafeLoader  # type: ignore[misc,assignment]


class _BoundedLoader(_SafeLoader):
    """The safe loader, stopped while it composes: at the first alias (aliases enable
    exponential 'billion laughs' documents) and at nesting deeper than MAX_DEPTH, so that a
    hostile file costs little and never exhausts the Python stack (the composer recurses once
    per level, and the scanner's work per token grows with the depth)."""

    def __init__(self, stream):
        super().__init__(stream)
        self._depth = 0

    def compose_node(self, parent, index):
        if self.check_event(yaml.AliasEvent):
            mark = self.peek_event().start_mark
            raise _Refused(problem="YAML aliases (*name) are not allowed", problem_mark=mark)
        if self._depth >= MAX_DEPTH:
            message = f"nesting deeper than {MAX_DEPTH} levels"
            raise yaml.composer.ComposerError(
                problem=message, problem_mark=self.peek_event().start_mark
            )
        self._depth += 1
        try:
            return super().compose_node(parent, index)
        finally:
            self._depth -= 1


def _collect_lines(node, loc: tuple, lines: dict[tuple, int]) -> None:
    if isinstance(node, yaml.MappingNode):
        for key, value in node.value:
            child = (*loc, key.value)
            lines[child] = key.start_mark.line + 1
            _collect_lines(value, child, lines)
    elif isinstance(node, yaml.SequenceNode):
        for index, item in enumerate(node.value):
            child = (*loc, index)
            lines[child] = item.start_mark.line + 1
            _collect_lines(item, child, lines)


def _check_text(node, loc: tuple, display: str, problems: list[Problem]) -> None:
    """Every key and string in the file follows the rule of free text (app/text.py): no
    control, bidi override or zero-width characters, which would make a title or a name show
    differently from what the file says."""
    if isinstance(node, yaml.ScalarNode):
        found = text_problem(node.value, multiline=True)
        if found is not None:
            line = node.start_mark.line + 1
            problems.append(Problem(display, line, format_loc(loc), found.message))
    elif isinstance(node, yaml.MappingNode):
        for key, value in node.value:
            child = (*loc, key.value)
            _check_text(key, child, display, problems)
            _check_text(value, child, display, problems)
    elif isinstance(node, yaml.SequenceNode):
        for index, item in enumerate(node.value):
            _check_text(item, (*loc, index), display, problems)


def validate(model: type[BaseModel], source: SourceFile, problems: list[Problem], prefix=()):
    """Validate data against a schema; each error becomes a Problem at its line."""
    data = source.data
    for part in prefix:
        data = data[part]
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        for error in exc.errors():
            loc = (*prefix, *(part for part in error["loc"] if part not in UNION_TAGS))
            problems.append(source.problem(loc, _message(error)))
        return None


def _message(error: dict) -> str:
    message = error["msg"]
    return message.removeprefix("Value error, ")
