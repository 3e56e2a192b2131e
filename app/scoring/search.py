"""Finding where a compiled pattern matches in a reply."""

from __future__ import annotations

from dataclasses import dataclass

from app.scoring.analysis import Analysis
from app.scoring.index import TermIndex
from app.scoring.patterns import ANY_GAP, Pattern, Slot


@dataclass(frozen=True, slots=True)
class Match:
    """Token indices a pattern matched (the words, not the gaps between them)."""

    tokens: tuple[int, ...]
    pattern: Pattern
    fuzzy: bool

    @property
    def start(self) -> int:
        """First matched token."""
        return self.tokens[0]

    @property
    def end(self) -> int:
        """Last matched token."""
        return self.tokens[-1]


class Hits:
    """Term ids per token of one reply for one index, and where each term occurs."""

    __slots__ = ("terms", "fuzzy", "positions", "present")

    def __init__(self, index: TermIndex, a: Analysis) -> None:
        self.terms, self.fuzzy = index.lookup(a)
        self.positions: dict[int, list[int]] = {}
        for i, ids in enumerate(self.terms):
            for ident in ids:
                self.positions.setdefault(ident, []).append(i)
        self.present = frozenset(self.positions)


class ReplyContext:
    """A reply analysed once, with its term look-ups kept per index."""

    def __init__(self, analysis: Analysis) -> None:
        self.analysis = analysis
        self._hits: dict[int, Hits] = {}

    def hits(self, index: TermIndex) -> Hits:
        """Term look-ups for this reply in `index` (computed once)."""
        found = self._hits.get(id(index))
        if found is None:
            found = self._hits[id(index)] = Hits(index, self.analysis)
        return found


class PatternSet:
    """Patterns indexed by the terms that can start them, so a reply only tries the few
    patterns whose first word it contains."""

    __slots__ = ("patterns", "_by_anchor", "_anchors", "_needs")

    def __init__(self, patterns: list[Pattern]) -> None:
        self.patterns = patterns
        self._by_anchor: dict[int, list[int]] = {}
        self._needs: list[tuple[frozenset[int], ...]] = []
        for n, p in enumerate(patterns):
            for ident in p.anchors:
                self._by_anchor.setdefault(ident, []).append(n)
            firsts = (frozenset(alt[0] for alt in s.alts) for s in p.slots if not s.optional)
            self._needs.append(tuple(firsts))
        self._anchors = frozenset(self._by_anchor)

    def __len__(self) -> int:
        return len(self.patterns)

    def matches(self, hits: Hits, a: Analysis) -> list[Match]:
        """Every match of every pattern, in pattern order."""
        if not self.patterns:
            return []
        by_anchor = self._by_anchor
        chosen: set[int] = set()
        for ident in self._anchors.intersection(hits.present):
            chosen.update(by_anchor[ident])
        out: list[Match] = []
        present = hits.present
        for n in sorted(chosen):
            if all(not present.isdisjoint(firsts) for firsts in self._needs[n]):
                out.extend(find_matches(self.patterns[n], hits, a, checked=True))
        return out


def find_matches(pattern: Pattern, hits: Hits, a: Analysis, checked: bool = False) -> list[Match]:
    """Every match of the pattern, at most one per starting token."""
    if not checked and not _may_match(pattern, hits):
        return []
    first = pattern.slots[0]
    starts = sorted({p for alt in first.alts for p in hits.positions.get(alt[0], ())})
    out = []
    for start in starts:
        found = _match_from(pattern.slots, start, hits, a)
        if found is not None:
            fuzzy = any(hits.fuzzy[i] for i in found)
            out.append(Match(found, pattern, fuzzy))
    return out


def _may_match(pattern: Pattern, hits: Hits) -> bool:
    present = hits.present
    for slot in pattern.slots:
        if not slot.optional and not any(alt[0] in present for alt in slot.alts):
            return False
    return True


def _match_from(
    slots: tuple[Slot, ...], start: int, hits: Hits, a: Analysis
) -> tuple[int, ...] | None:
    sentence = a.sentence[start]
    for end in _slot_ends(slots[0], start, hits, a, sentence):
        rest = _match_rest(slots, 1, end, 0, hits, a, sentence)
        if rest is not None:
            return tuple(range(start, end)) + rest
    return None


def _match_rest(
    slots: tuple[Slot, ...],
    k: int,
    pos: int,
    extra_gap: int,
    hits: Hits,
    a: Analysis,
    sentence: int,
) -> tuple[int, ...] | None:
    if k == len(slots):
        return ()
    slot = slots[k]
    gap = _combine_gaps(slot.gap, extra_gap)
    last = len(a.norms) - 1 if gap == ANY_GAP else min(len(a.norms) - 1, pos + gap)
    for cand in range(pos, last + 1):
        if a.sentence[cand] != sentence:
            break
        for end in _slot_ends(slot, cand, hits, a, sentence):
            rest = _match_rest(slots, k + 1, end, 0, hits, a, sentence)
            if rest is not None:
                return tuple(range(cand, end)) + rest
    if slot.optional:
        # skipping an optional slot lends its gap to the next one
        return _match_rest(slots, k + 1, pos, _combine_gaps(gap, 0), hits, a, sentence)
    return None


def _slot_ends(slot: Slot, start: int, hits: Hits, a: Analysis, sentence: int) -> list[int]:
    """Where each alternative of the slot that matches at `start` ends."""
    ends = []
    by_first = slot.by_first
    for ident in hits.terms[start]:
        for alt in by_first.get(ident, ()):
            end = _match_alt(alt, start, hits, a, sentence)
            if end >= 0:
                ends.append(end)
    return sorted(ends)


def _combine_gaps(a: int, b: int) -> int:
    return ANY_GAP if ANY_GAP in (a, b) else a + b


def _match_alt(alt: tuple[int, ...], start: int, hits: Hits, a: Analysis, sentence: int) -> int:
    n = len(hits.terms)
    for j, ident in enumerate(alt):
        i = start + j
        if i >= n or a.sentence[i] != sentence or ident not in hits.terms[i]:
            return -1
    return start + len(alt)
