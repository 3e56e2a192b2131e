"""The `key_points` matcher: did the reply reflect a specific point of the customer's message?

Evidence comes from three places: the question's key points (alternative phrasings per point),
numbers the customer gave with a unit ("420 ريال", "$45", "five days") that the reply repeats
with the same unit, and any generic patterns of the criterion. A point mentioned only to deny
it ("no payment on the 1st") or inside an instruction ("try a restart") does not count.
"""

from __future__ import annotations

from app.scoring.analysis import Analysis, analyse
from app.scoring.index import TermIndex
from app.scoring.lexicon import ROUGH_WORDS, implied_quantity, number_of, unit_scale
from app.scoring.matchers import (
    CompileError,
    Evidence,
    Matcher,
    MatchRules,
    register,
    replace_matcher,
)
from app.scoring.negation import is_negator
from app.scoring.normalize import is_arabic
from app.scoring.patterns import Pattern, PatternError, Phrase, Slot, normalise_words
from app.scoring.search import Hits, Match, PatternSet, ReplyContext

_ECHO = Pattern("customer number echo", ())
_ROUGH = 0.1  # relative tolerance for loosely said quantities ("a week and a half")


@register
class KeyPointMatcher(Matcher):
    """Key points of the question plus numbers echoed from the customer's message."""

    name = "key_points"
    option_fields = {"echo_units": dict}

    def __init__(self, rules: MatchRules, classes: dict[str, list[Phrase]], index: TermIndex):
        super().__init__(rules, classes, index)
        self.points_index = TermIndex()
        self.units: set[int] = set()
        self.unit_scale: dict[int, Quantity] = {}
        errors = []
        for lang, words in rules.options.get("echo_units", {}).items():
            for n, word in enumerate(words if isinstance(words, list) else []):
                try:
                    self.units.add(self._add_unit(str(word)))
                except PatternError as exc:
                    errors.append((("options", "echo_units", lang, n), str(exc)))
        if errors:
            raise CompileError(errors)
        self.points = PatternSet([])
        self.customer_numbers: frozenset[tuple[str, int]] = frozenset()
        self.customer_negated: frozenset[str] = frozenset()
        self.customer_bare: frozenset[str] = frozenset()

    def _add_unit(self, word: str) -> int:
        norms = normalise_words(word)
        if len(norms) != 1:
            raise PatternError(f"unit {word!r} must be one word")
        ident = self.points_index.add("stem", norms[0])
        self.unit_scale.setdefault(ident, unit_scale(norms[0]) or (f"unit:{norms[0]}", 1.0))
        return ident

    def for_question(self, key_points: list[list[str]], customer: str | None) -> Matcher:
        """A copy that knows the question's key points and the customer's numbers."""
        clone = replace_matcher(super().for_question(key_points, customer))
        clone.points_index = self.points_index.copy()
        points, errors = [], []
        for i, group in enumerate(key_points):
            for j, text in enumerate(group):
                norms = normalise_words(text)
                if norms:
                    points.append(clone._compile_point(text, norms))
                else:
                    errors.append((("key_points", i, j), f"{text!r} has no words to match"))
        if errors:
            raise CompileError(errors)
        clone.points = PatternSet(points)
        clone.customer_numbers = frozenset()
        clone.customer_bare = frozenset()
        clone.customer_negated = frozenset()
        if customer:
            a = analyse(customer)
            clone.customer_negated = frozenset(a.negated_words())
            hits = Hits(clone.points_index, a)
            found = _quantities(a, hits, clone.units, clone.unit_scale)
            clone.customer_numbers = frozenset(q for _, q in found)
            clone.customer_bare = _bare_numbers(a, hits, clone.units)
        return clone

    def _compile_point(self, text: str, norms: list[str]) -> Pattern:
        # key points are plain text: no pattern syntax, every word must follow the previous one
        single_english = len(norms) == 1 and not is_arabic(norms[0])
        mode = "surface" if single_english else "stem"
        slots = tuple(
            Slot(tuple((self.points_index.add(mode, form),) for form in _forms(norm)), 0, False)
            for norm in norms
        )
        negates = any(_negator_word(norm) for norm in norms)
        return Pattern(text, slots, has_negator=negates)

    def _negated(self, m: Match, a: Analysis) -> bool:
        # Echoing the customer's own negative statement ("nobody called you yesterday") is a
        # restatement; a negation the customer did not make ("no payment on the 1st") denies.
        neg = a.negator_before(m.start)
        if neg is None:
            return a.negated_inside(m.tokens)
        mirrored = self.customer_negated
        return not any(not mirrored.isdisjoint(a.keys[i]) for i in range(neg + 1, m.end + 1))

    def evaluate(self, ctx: ReplyContext) -> Evidence:
        """Generic patterns, key points and number echoes, after the usual filters."""
        raw = self._raw_matches(ctx)
        hits = ctx.hits(self.points_index)
        a = ctx.analysis
        raw += self.points.matches(hits, a)
        raw += self._echoes(a, hits)
        kept, rejected = self._sift(raw, ctx)
        return self._evidence(kept, had_raw=bool(raw), rejected=rejected)

    def _roughly(self, quantity: Quantity) -> bool:
        group, value = quantity
        return any(g == group and abs(v - value) <= _ROUGH * v for g, v in self.customer_numbers)

    def _echoes(self, a: Analysis, hits: Hits) -> list[Match]:
        if not self.customer_numbers:
            return []
        out = []
        bare = self.customer_bare
        for tokens, quantity in _quantities(a, hits, self.units, self.unit_scale):
            if quantity in self.customer_numbers or (
                a.norms[tokens[-1]] in ROUGH_WORDS and self._roughly(quantity)
            ):
                out.append(Match(tokens, _ECHO, False))
        if bare:
            used = {i for m in out for i in m.tokens}
            for i in a.numbers:
                if i not in used and a.norms[i] in bare and not _unit_near(i, hits, self.units):
                    out.append(Match((i,), _ECHO, False))
        return out


Quantity = tuple[str, float]


def _quantities(a: Analysis, hits: Hits, units: set[int], scale: dict[int, Quantity]):
    """(tokens, (unit group, value in the group's base unit)) for every number said with a
    unit ("3 weeks", "١٩٩ ريال", "£49"), Arabic duals ("يومين") and fixed phrases ("نص ساعة")."""
    for i in a.numbers:
        number = _as_float(number_of(a.norms[i]))
        if number is None:
            continue
        for j in (i + 1, i + 2, i - 1):
            if 0 <= j < len(a.norms) and hits.terms[j] & units:
                group, factor = scale[min(hits.terms[j] & units)]
                yield tuple(sorted((i, j))), (group, round(number * factor, 4))
                break
    norms = a.norms
    for i in a.quantity_words:
        found = implied_quantity(norms[i], norms[i + 1] if i + 1 < len(norms) else "", a.keys[i])
        if found:
            width, group, value = found
            yield tuple(range(i, i + width)), (group, round(value, 4))


def _unit_near(i: int, hits: Hits, units: set[int]) -> bool:
    return any(0 <= j < len(hits.terms) and hits.terms[j] & units for j in (i - 1, i + 1, i + 2))


def _as_float(number: str | None) -> float | None:
    try:
        return float(number) if number is not None else None
    except ValueError:
        return None


def _bare_numbers(a: Analysis, hits: Hits, units: set[int]) -> frozenset[str]:
    """Numbers the customer gave with a unit that are distinctive enough to count on their own
    when the reply repeats them ("the second 349"): three or more characters."""
    out = set()
    for i in a.numbers:
        if _unit_near(i, hits, units) and len(a.norms[i]) >= 3:
            out.add(a.norms[i])
    return frozenset(out)


def _forms(norm: str) -> list[str]:
    """The key-point word, plus for Arabic its form without the article or a plural ending
    ("الاجتماعات" also finds "اجتماع"); pronoun endings stay, so "عملك" is not "عمل"."""
    forms = [norm]
    if not is_arabic(norm):
        return forms
    if norm.startswith("ال") and len(norm) > 5:
        forms.append(norm[2:])
    for word in list(forms):
        if word[-2:] in ("ات", "ين", "ون") and len(word) > 4:
            forms.append(word[:-2])
    return forms


def _negator_word(norm: str) -> bool:
    return is_negator(norm, "", "")
