"""Finding where a compiled pattern matches in a reply."""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections import defaultdict
from typing import NamedTuple

from app.scoring.analysis import Analysis
from app.scoring.index import TermIndex
from app.scoring.patterns import ANY_GAP, Pattern, Slot


class Match(NamedTuple):
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
        positions: defaultdict[int, list[int]] = defaultdict(list)
        for i, ids in enumerate(self.terms):
            for ident in ids:
                positions[ident].append(i)
        self.positions: dict[int, list[int]] = positions
        self.present = frozenset(positions)


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
    _needs: list[tuple[Need, ...]]

    def __init__(self, patterns: list[Pattern]) -> None:
        self.patterns = patterns
        self._by_anchor: dict[int, list[int]] = {}
        self._needs: list[tuple[frozenset[int], ...]] = []
        for n, p in enumerate(patterns):
            for ident in p.anchors:
                self._by_anchor.setdefault(ident, []).append(n)
            # the slot whose words are fewest is the likeliest to be missing: test it first
            needs = [_need(s) for s in p.slots if not s.optional]
            needs.sort(key=lambda need: len(need[0]) + len(need[1]))
            self._needs.append(tuple(needs))
        self._anchors = frozenset(self._by_anchor)

    def __len__(self) -> int:
        return len(self.patterns)

    def matches(self, hits: Hits, a: Analysis) -> list[Match]:
        """Every match of every pattern, in pattern order."""
        present = hits.present
        anchors = self._anchors.intersection(present)
        if not anchors:
            return []
        by_anchor = self._by_anchor
        chosen: set[int] = set()
        for ident in anchors:
            chosen.update(by_anchor[ident])
        out: list[Match] = []
        needs = self._needs
        patterns = self.patterns
        for n in sorted(chosen) if len(chosen) > 1 else chosen:
            for singles, phrase_firsts, phrases in needs[n]:
                if present.isdisjoint(singles) and not (
                    phrase_firsts and _phrase_present(phrase_firsts, phrases, present)
                ):
                    break
            else:
                out.extend(find_matches(patterns[n], hits, a, checked=True))
        return out


Need = tuple[frozenset[int], frozenset[int], dict[int, tuple[frozenset[int], ...]]]


def _need(slot: Slot) -> Need:
    # A slot needs one alternative's words all present in the reply: for a one-word alternative
    # that is one set test; a phrase ("in your shoes") is checked only when its first word is
    # present, against the phrases that start with that word.
    singles = frozenset(alt[0] for alt in slot.alts if len(alt) == 1)
    phrases: dict[int, list[frozenset[int]]] = {}
    for alt in slot.alts:
        if len(alt) > 1:
            phrases.setdefault(alt[0], []).append(frozenset(alt))
    grouped = {k: tuple(v) for k, v in phrases.items()}
    return singles, frozenset(grouped), grouped


def _phrase_present(
    phrase_firsts: frozenset[int],
    phrases: dict[int, tuple[frozenset[int], ...]],
    present: frozenset[int],
) -> bool:
    for first in phrase_firsts.intersection(present):
        for words in phrases[first]:
            if words <= present:
                return True
    return False


def find_matches(pattern: Pattern, hits: Hits, a: Analysis, checked: bool = False) -> list[Match]:
    """Every match of the pattern, at most one per starting token."""
    if not checked and not _may_match(pattern, hits):
        return []
    positions = hits.positions
    first = pattern.slots[0]
    ids = first.first_ids.intersection(hits.present)
    starts = sorted({p for ident in ids for p in positions[ident]})
    if len(pattern.slots) == 1 and first.single_words:
        # one slot of single words: every position holding one of them is a match
        fuzzy = hits.fuzzy
        return [Match((p,), pattern, fuzzy[p]) for p in starts]
    if len(starts) > 1 and first.single_words:
        starts = _viable_starts(pattern.slots, starts, hits)
    out = []
    for start in starts:
        found = _match_from(pattern.slots, start, hits, a)
        if found is not None:
            fuzzy = any(hits.fuzzy[i] for i in found)
            out.append(Match(found, pattern, fuzzy))
    return out


def _viable_starts(slots: tuple[Slot, ...], starts: list[int], hits: Hits) -> list[int]:
    """Starts after which the second slot can begin within its gap; the others cannot match."""
    second = slots[1]
    if second.optional or second.gap == ANY_GAP:
        return starts
    positions = hits.positions
    follow = sorted({p for i in second.first_ids.intersection(hits.present) for p in positions[i]})
    gap = second.gap
    out = []
    for start in starts:
        k = bisect_right(follow, start)
        if k < len(follow) and follow[k] <= start + 1 + gap:
            out.append(start)
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
    first = slots[0]
    for end in (start + 1,) if first.single_words else _slot_ends(first, start, hits, a, sentence):
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
    single = slot.single_words
    for cand in _candidates(slot, pos, last, hits):
        if a.sentence[cand] != sentence:
            break
        for end in (cand + 1,) if single else _slot_ends(slot, cand, hits, a, sentence):
            rest = _match_rest(slots, k + 1, end, 0, hits, a, sentence)
            if rest is not None:
                return tuple(range(cand, end)) + rest
    if slot.optional:
        # skipping an optional slot lends its gap to the next one
        return _match_rest(slots, k + 1, pos, _combine_gaps(gap, 0), hits, a, sentence)
    return None


_SCAN = 8  # windows up to this wide are scanned token by token rather than through positions


def _candidates(slot: Slot, first: int, last: int, hits: Hits) -> list[int]:
    """Positions in [first, last] where one of the slot's alternatives can start."""
    if last - first < _SCAN:
        terms, firsts = hits.terms, slot.first_ids
        return [i for i in range(first, last + 1) if not firsts.isdisjoint(terms[i])]
    found: set[int] = set()
    positions = hits.positions
    for ident in slot.first_ids.intersection(hits.present):
        where = positions[ident]
        lo = bisect_left(where, first)
        hi = bisect_right(where, last, lo)
        found.update(where[lo:hi])
    return sorted(found)


def _slot_ends(slot: Slot, start: int, hits: Hits, a: Analysis, sentence: int) -> list[int]:
    """Where each alternative of the slot that matches at `start` ends."""
    ends: set[int] = set()
    by_first = slot.by_first
    for ident in hits.terms[start]:
        alts = by_first.get(ident)
        if alts is None:
            continue
        for alt in alts:
            if len(alt) == 1:  # the token itself carries the term
                ends.add(start + 1)
                continue
            end = _match_alt(alt, start, hits, a, sentence)
            if end >= 0:
                ends.add(end)
    return sorted(ends) if len(ends) > 1 else list(ends)


def _combine_gaps(a: int, b: int) -> int:
    return ANY_GAP if ANY_GAP in (a, b) else a + b


def _match_alt(alt: tuple[int, ...], start: int, hits: Hits, a: Analysis, sentence: int) -> int:
    n = len(hits.terms)
    for j, ident in enumerate(alt):
        i = start + j
        if i >= n or a.sentence[i] != sentence or ident not in hits.terms[i]:
            return -1
    return start + len(alt)
