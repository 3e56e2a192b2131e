"""Safe YAML loading that remembers where every value came from (file and line)."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import yaml

MAX_FILE_BYTES = 1024 * 1024


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


def load_yaml(path: Path, display: str) -> tuple[SourceFile | None, list[Problem]]:
    """Read one YAML file safely; every failure becomes a Problem, never an exception."""
    try:
        raw = path.read_bytes()
    except OSError as exc:
        return None, [Problem(display, 1, "-", f"cannot read the file: {exc.strerror}")]
    if len(raw) > MAX_FILE_BYTES:
        return None, [Problem(display, 1, "-", "the file is larger than 1 MiB")]
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        return None, [Problem(display, line, "-", "the file is not valid UTF-8")]
    return parse_yaml(text, display)


def parse_yaml(text: str, display: str) -> tuple[SourceFile | None, list[Problem]]:
    loader = yaml.SafeLoader(text)
    try:
        alias = _first_alias(text)
        if alias is not None:
            line = alias.start_mark.line + 1
            return None, [Problem(display, line, "-", "YAML aliases (*name) are not allowed")]
        node = loader.get_single_node()
        data = loader.construct_document(node) if node is not None else None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None) or getattr(exc, "context_mark", None)
        line = mark.line + 1 if mark else 1
        reason = getattr(exc, "problem", None) or str(exc).splitlines()[0]
        return None, [Problem(display, line, "-", f"invalid YAML: {reason}")]
    finally:
        loader.dispose()
    source = SourceFile(display, data)
    _collect_lines(node, (), source.lines)
    return source, []


def _first_alias(text: str):
    """Aliases are refused outright: they enable exponential 'billion laughs' documents."""
    for event in yaml.parse(text, Loader=yaml.SafeLoader):
        if isinstance(event, yaml.AliasEvent):
            return event
    return None


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
