"""Finding where a compiled pattern matches in a reply."""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections.abc import Iterable
from functools import partial
from itertools import compress
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


# Match(tokens, pattern, fuzzy) without the keyword handling of a named tuple's constructor
# (matches are made in the search's inner loop)
_match = partial(tuple.__new__, Match)


class Hits:
    """Term ids per token of one reply for one index, and where each term occurs."""

    __slots__ = ("terms", "fuzzy", "any_fuzzy", "positions", "present")

    def __init__(self, index: TermIndex, a: Analysis) -> None:
        terms, fuzzy = index.lookup(a)
        self.terms, self.fuzzy = terms, fuzzy
        positions: dict[int, list[int]] = {}
        get = positions.get
        # many tokens match no term (most, for a small index): only the others are visited
        for i, ids in compress(enumerate(terms), terms):
            for ident in ids:
                found = get(ident)
                if found is None:
                    positions[ident] = [i]
                else:
                    found.append(i)
        self.positions = positions
        self.present = frozenset(positions)
        self.any_fuzzy = True in fuzzy  # when False, no match needs its tokens checked


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

    __slots__ = ("patterns", "_by_anchor", "_anchors", "_entries", "_chosen")

    def __init__(self, patterns: list[Pattern]) -> None:
        self.patterns = patterns
        self._by_anchor: dict[int, list[int]] = {}
        # per pattern: the pattern and what its slots need present before it is searched: the
        # words of slots of one-word alternatives (one of each set), then the slots with
        # longer alternatives
        self._entries: list[tuple[Pattern, tuple[frozenset[int], ...], tuple[Need, ...]]] = []
        for n, p in enumerate(patterns):
            for ident in p.anchors:
                self._by_anchor.setdefault(ident, []).append(n)
            # a pattern is tried only when one of its anchors is present, which is all that a
            # first slot of one-word alternatives needs
            slots = p.slots[1:] if p.slots[0].single_words else p.slots
            needs = [_need(s) for s in slots if not s.optional]
            # the slot whose words are fewest is the likeliest to be missing: test it first
            needs.sort(key=lambda need: len(need[0]) + len(need[1]))
            words = tuple(need[0] for need in needs if not need[1])
            self._entries.append((p, words, tuple(need for need in needs if need[1])))
        self._anchors = frozenset(self._by_anchor)
        self._chosen: dict[frozenset[int], list[int]] = {}

    def __len__(self) -> int:
        return len(self.patterns)

    def matches(self, hits: Hits, a: Analysis) -> list[Match]:
        """Every match of every pattern, in pattern order."""
        present = hits.present
        anchors = self._anchors.intersection(present)
        if not anchors:
            return []
        by_anchor = self._by_anchor
        if len(anchors) == 1:
            for ident in anchors:
                chosen = by_anchor[ident]  # in pattern order already
        else:
            # the patterns a set of anchors starts, in pattern order, kept per set of anchors
            # (replies start the same few patterns again and again)
            kept = self._chosen
            chosen = kept.get(anchors)
            if chosen is None:
                chosen_set: set[int] = set()
                for ident in anchors:
                    chosen_set.update(by_anchor[ident])
                if len(kept) >= _CHOSEN_LIMIT:
                    kept.clear()
                chosen = kept[anchors] = sorted(chosen_set)
        out: list[Match] = []
        entries = self._entries
        disjoint = present.isdisjoint
        for n in chosen:
            pattern, words, phrased = entries[n]
            for singles in words:
                if disjoint(singles):
                    break
            else:
                for singles, phrase_firsts, phrases in phrased:
                    if disjoint(singles) and not _phrase_present(phrase_firsts, phrases, present):
                        break
                else:
                    out += find_matches(pattern, hits, a, checked=True)
        return out


Need = tuple[frozenset[int], frozenset[int], dict[int, tuple[frozenset[int], ...]]]
_CHOSEN_LIMIT = 256  # sets of anchors kept per pattern set


def _need(slot: Slot) -> Need:
    # A slot needs one alternative's words all present in the reply: for a one-word alternative
    # that is one set test; a phrase ("in your shoes") is checked only when its first word is
    # present, against the phrases that start with that word.
    phrases = {first: tuple(frozenset(alt) for alt in alts) for first, alts in slot.phrases.items()}
    return slot.word_ids, frozenset(phrases), phrases


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
    """Every match of the pattern, at most one per starting token.

    From each start the search is depth first: for each slot the earliest position, and there
    the shortest alternative, is tried first; the first complete match is kept."""
    if not checked and not _may_match(pattern, hits):
        return []
    slots = pattern.slots
    first = slots[0]
    starts = _positions(first.first_ids, hits)
    single = first.single_words
    if single:
        if len(slots) == 1:
            # one slot of single words: every position holding one of them is a match
            fuzzy = hits.fuzzy
            return [_match(((p,), pattern, fuzzy[p])) for p in starts]
        if len(starts) > 1:
            starts = _viable_starts(slots, starts, hits)
    out = []
    terms, fuzzy, any_fuzzy = hits.terms, hits.fuzzy, hits.any_fuzzy
    sentence, sentence_last = a.sentence, a.sentence_last
    for start in starts:
        # a match stays within the sentence it starts in
        last = sentence_last[sentence[start]]
        for end in (start + 1,) if single else _slot_ends(first, start, terms, last):
            rest = _match_rest(slots, 1, end, 0, hits, last)
            if rest is not None:
                found = (start,) + rest if end == start + 1 else tuple(range(start, end)) + rest
                out.append(_match((found, pattern, any_fuzzy and any(fuzzy[i] for i in found))))
                break
    return out


def _positions(ids: frozenset[int], hits: Hits) -> list[int]:
    """Sorted positions of the tokens holding one of the ids (the list must not be modified)."""
    found = ids.intersection(hits.present)
    if len(found) == 1:
        for ident in found:
            return hits.positions[ident]
    positions = hits.positions
    return sorted({p for ident in found for p in positions[ident]})


def _viable_starts(slots: tuple[Slot, ...], starts: list[int], hits: Hits) -> list[int]:
    """Starts after which the second slot can begin within its gap; the others cannot match."""
    second = slots[1]
    if second.optional or second.gap == ANY_GAP:
        return starts
    follow = _positions(second.first_ids, hits)
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


_SCAN = 8  # windows up to this wide are scanned token by token rather than through positions


def _match_rest(
    slots: tuple[Slot, ...], k: int, pos: int, extra_gap: int, hits: Hits, last_token: int
) -> tuple[int, ...] | None:
    """The tokens of slots k... matched from `pos` on, ending by `last_token` (the end of the
    sentence), or None."""
    if k == len(slots):
        return ()
    slot = slots[k]
    gap = _combine_gaps(slot.gap, extra_gap) if extra_gap else slot.gap
    last = last_token if gap == ANY_GAP else min(last_token, pos + gap)
    terms = hits.terms
    firsts = slot.first_ids
    if last - pos < _SCAN:
        candidates: Iterable[int] = range(pos, last + 1)
    else:
        candidates = _window(firsts, pos, last, hits)
    final = k + 1 == len(slots)
    single = slot.single_words
    for cand in candidates:
        if firsts.isdisjoint(terms[cand]):
            continue
        for end in (cand + 1,) if single else _slot_ends(slot, cand, terms, last_token):
            if final:
                return (cand,) if end == cand + 1 else tuple(range(cand, end))
            rest = _match_rest(slots, k + 1, end, 0, hits, last_token)
            if rest is not None:
                return (cand,) + rest if end == cand + 1 else tuple(range(cand, end)) + rest
    if slot.optional:
        # skipping an optional slot lends its gap to the next one
        return _match_rest(slots, k + 1, pos, gap, hits, last_token)
    return None


def _window(ids: frozenset[int], first: int, last: int, hits: Hits) -> list[int]:
    """Positions in [first, last] of the tokens holding one of the ids, in order."""
    found: set[int] = set()
    positions = hits.positions
    for ident in ids.intersection(hits.present):
        where = positions[ident]
        lo = bisect_left(where, first)
        hi = bisect_right(where, last, lo)
        found.update(where[lo:hi])
    return sorted(found)


def _slot_ends(slot: Slot, start: int, terms: list[frozenset[int]], last_token: int) -> list[int]:
    """Where the alternatives of the slot that match at `start` end, in order; alternatives
    of several words must end by `last_token`."""
    here = terms[start]
    ends = [start + 1] if not slot.word_ids.isdisjoint(here) else []
    phrases = slot.phrases
    if phrases:
        for ident in here:
            for alt in phrases.get(ident, ()):
                size = len(alt)
                if start + size - 1 > last_token:
                    continue
                for j in range(1, size):
                    if alt[j] not in terms[start + j]:
                        break
                else:
                    ends.append(start + size)
        if len(ends) > 1:
            return sorted(set(ends))
    return ends


def _combine_gaps(a: int, b: int) -> int:
    return ANY_GAP if ANY_GAP in (a, b) else a + b
