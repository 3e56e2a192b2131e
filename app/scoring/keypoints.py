"""The `key_points` matcher: did the reply reflect a specific point of the customer's message?

Evidence comes from three places: the question's key points (alternative phrasings per point),
numbers the customer gave with a unit ("420 ريال", "$45", "five days") that the reply repeats
with the same unit, and any generic patterns of the criterion. A point mentioned only to deny
it ("no payment on the 1st") or inside an instruction ("try a restart") does not count.
"""

from __future__ import annotations

from app.scoring.analysis import Analysis, analyse
from app.scoring.index import TermIndex
from app.scoring.matchers import Evidence, Matcher, MatchRules, register, replace_matcher
from app.scoring.negation import is_negator
from app.scoring.normalize import is_arabic, is_number
from app.scoring.patterns import Pattern, PatternError, Phrase, Slot, parse_word
from app.scoring.search import Hits, Match, PatternSet, ReplyContext

_ECHO = Pattern("customer number echo", ())
_UNIT_REACH = 2


@register
class KeyPointMatcher(Matcher):
    """Key points of the question plus numbers echoed from the customer's message."""

    name = "key_points"
    option_fields = {"echo_units": dict}

    def __init__(self, rules: MatchRules, classes: dict[str, list[Phrase]], index: TermIndex):
        super().__init__(rules, classes, index)
        self.points_index = TermIndex()
        self.units: set[int] = set()
        for words in rules.options.get("echo_units", {}).values():
            self.units.update(self._add_unit(w) for w in words)
        self.points = PatternSet([])
        self.customer_numbers: frozenset[tuple[str, int]] = frozenset()

    def _add_unit(self, word: str) -> int:
        specs = parse_word(word)
        if len(specs) != 1:
            raise PatternError(f"unit {word!r} must be one word")
        return self.points_index.add("stem", specs[0][1])

    def for_question(self, key_points: list[list[str]], customer: str | None) -> Matcher:
        """A copy that knows the question's key points and the customer's numbers."""
        clone = replace_matcher(super().for_question(key_points, customer))
        clone.points_index = self.points_index.copy()
        clone.points = PatternSet([clone._compile_point(a) for group in key_points for a in group])
        clone.customer_numbers = frozenset()
        if customer:
            a = analyse(customer)
            hits = Hits(clone.points_index, a)
            clone.customer_numbers = frozenset(_numbers_with_units(a, hits, clone.units))
        return clone

    def _compile_point(self, text: str) -> Pattern:
        words = text.split()
        specs = [spec for w in words for spec in parse_word(w.replace("*", ""))]
        single_english = len(specs) == 1 and not is_arabic(specs[0][1])
        mode = "surface" if single_english else "stem"
        slots = tuple(Slot(((self.points_index.add(mode, norm),),), 0, False) for _, norm in specs)
        negates = any(_negator_word(norm) for _, norm in specs)
        return Pattern(text, slots, has_negator=negates)

    def evaluate(self, ctx: ReplyContext) -> Evidence:
        """Generic patterns, key points and number echoes, after the usual filters."""
        raw = self._raw_matches(ctx)
        hits = ctx.hits(self.points_index)
        a = ctx.analysis
        raw += self.points.matches(hits, a)
        raw += self._echoes(a, hits)
        kept = self._filter(raw, ctx)
        return self._evidence(kept, had_raw=bool(raw))

    def _echoes(self, a: Analysis, hits: Hits) -> list[Match]:
        if not self.customer_numbers:
            return []
        out = []
        for i, number, unit_at in _number_unit_positions(a, hits, self.units):
            if (number, hits_unit(hits, unit_at, self.units)) in self.customer_numbers:
                out.append(Match(tuple(sorted((i, unit_at))), _ECHO, False))
        return out


def hits_unit(hits: Hits, i: int, units: set[int]) -> int:
    """The unit term id at token i (the smallest, for a stable pairing)."""
    return min(hits.terms[i] & units)


def _number_unit_positions(a: Analysis, hits: Hits, units: set[int]):
    for i, norm in enumerate(a.norms):
        if not is_number(norm) and not (a.keys[i] - {norm} and _is_number_key(a.keys[i])):
            continue
        number = norm if is_number(norm) else _number_key(a.keys[i])
        for j in (i + 1, i + 2, i - 1):
            if 0 <= j < len(a.norms) and hits.terms[j] & units:
                yield i, number, j
                break


def _is_number_key(keys: frozenset[str]) -> bool:
    return any(is_number(k) for k in keys)


def _number_key(keys: frozenset[str]) -> str:
    return min(k for k in keys if is_number(k))


def _numbers_with_units(a: Analysis, hits: Hits, units: set[int]) -> set[tuple[str, int]]:
    return {(n, hits_unit(hits, j, units)) for _, n, j in _number_unit_positions(a, hits, units)}


def _negator_word(norm: str) -> bool:
    return is_negator(norm, "", "")
