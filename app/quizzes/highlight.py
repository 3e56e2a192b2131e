"""The words that matched each criterion, marked in the reply.

Returns plain text segments with the criteria they belong to; the template escapes every
segment, so a reply is never trusted as markup.
"""

from __future__ import annotations


def _marks(text: str, outcomes: list[dict]) -> list[list[str]]:
    """For each character: the ids of the present criteria whose matched words cover it."""
    marks: list[list[str]] = [[] for _ in text]
    for outcome in outcomes:
        if not outcome["present"]:
            continue
        for start, end in outcome["spans"]:
            for i in range(max(0, start), min(len(text), end)):
                marks[i].append(outcome["id"])
    return marks


def highlighted_segments(text: str, outcomes: list[dict]) -> list[tuple[str, tuple[str, ...]]]:
    """(segment, criterion ids) pairs covering the whole text; ids are empty outside matches."""
    marks = _marks(text, outcomes)
    segments: list[tuple[str, tuple[str, ...]]] = []
    start = 0
    for i in range(1, len(text) + 1):
        if i == len(text) or marks[i] != marks[start]:
            segments.append((text[start:i], tuple(marks[start])))
            start = i
    return segments


def highlighted_lines(text: str, outcomes: list[dict]) -> list[list[tuple[str, tuple]]]:
    """The segments split into lines, so line breaks show without trusting any markup."""
    lines: list[list[tuple[str, tuple]]] = [[]]
    for segment, ids in highlighted_segments(text, outcomes):
        parts = segment.split("\n")
        for n, part in enumerate(parts):
            if n:
                lines.append([])
            if part:
                lines[-1].append((part, ids))
    return lines
