"""Matcher types: how a criterion finds its evidence in a reply.

Matchers form a registry (name -> class). A criterion names its matcher with `matcher:`
(default `phrases`); `key_points` adds the question's key points and the customer's numbers.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import ClassVar

from app.scoring.acts import act_at
from app.scoring.analysis import Analysis, analyse
from app.scoring.index import TermIndex
from app.scoring.patterns import Pattern, PatternError, Phrase, compile_pattern
from app.scoring.search import Match, PatternSet, ReplyContext

FUZZY_FACTOR = 0.7
Path = tuple[str | int, ...]


class CompileError(Exception):
    """Problems found while compiling a criterion, each with a path relative to it."""

    def __init__(self, errors: list[tuple[Path, str]]) -> None:
        super().__init__("; ".join(msg for _, msg in errors))
        self.errors = errors


@dataclass(frozen=True, slots=True)
class PatternSpec:
    """A pattern as written in the rubric, with its per-pattern options."""

    source: str
    score: float = 1.0
    questions: str | None = None
    negation: bool | None = None
    acts: str | None = None


@dataclass(frozen=True)
class MatchRules:
    """The matching part of a criterion, validated, before compilation."""

    patterns: dict[str, list[PatternSpec]] = field(default_factory=dict)
    exclude: dict[str, list[PatternSpec]] = field(default_factory=dict)
    unless_preceded_by: dict[str, list[PatternSpec]] = field(default_factory=dict)
    unless_followed_by: dict[str, list[PatternSpec]] = field(default_factory=dict)
    negation: bool = True
    questions: str = "any"
    threshold: float = 1.0
    window: int = 4
    skip_customer_words: bool = False
    # speech acts whose candidates do not count (app.scoring.acts.REASONS: "conditional",
    # "hypothetical", "quoted", "third_party", ...)
    reject_acts: tuple[str, ...] = ()
    options: dict = field(default_factory=dict)


@dataclass(slots=True)
class Evidence:
    """What a matcher found: the counted matches, whether they reach the threshold, strength."""

    present: bool
    matches: list[Match]
    strength: float
    # candidates the filters set aside, each with its reason ("negated", "a question", ...)
    rejected: list[tuple[Match, str]] = field(default_factory=list)


MATCHERS: dict[str, type[Matcher]] = {}


def register(cls: type[Matcher]) -> type[Matcher]:
    """Class decorator adding a matcher type to the registry (names must be unique)."""
    if cls.name in MATCHERS:
        raise ValueError(f"matcher {cls.name!r} is registered twice")
    MATCHERS[cls.name] = cls
    return cls


def matcher_class(name: str) -> type[Matcher]:
    """The matcher class registered under `name`; KeyError with the known names otherwise."""
    try:
        return MATCHERS[name]
    except KeyError:
        known = ", ".join(sorted(MATCHERS))
        raise KeyError(f"unknown matcher {name!r} (known: {known})") from None


def compile_list(
    specs: dict[str, list[PatternSpec]],
    classes: dict[str, list[Phrase]],
    index: TermIndex,
    field_name: str,
) -> tuple[list[Pattern], list[tuple[Path, str]]]:
    """Compile per-language pattern lists; errors carry (field, language, position)."""
    out: list[Pattern] = []
    errors: list[tuple[Path, str]] = []
    for lang, items in specs.items():
        for n, spec in enumerate(items):
            try:
                out.append(_compile_spec(spec, classes, index))
            except PatternError as exc:
                errors.append(((field_name, lang, n), f"{exc} in pattern {spec.source!r}"))
    return out, errors


def _compile_spec(spec: PatternSpec, classes: dict[str, list[Phrase]], index: TermIndex) -> Pattern:
    return compile_pattern(
        spec.source,
        classes,
        index,
        score=spec.score,
        questions=spec.questions,
        negation=spec.negation,
        acts=spec.acts,
    )


class Matcher:
    """Base matcher: phrase patterns with exclusions, negation, question scope and cues."""

    name: ClassVar[str] = ""
    option_fields: ClassVar[dict[str, type]] = {}

    def __init__(self, rules: MatchRules, classes: dict[str, list[Phrase]], index: TermIndex):
        self.rules = rules
        self.index = index
        self.customer_words: frozenset[str] = frozenset()
        errors: list[tuple[Path, str]] = []
        self.patterns = self._compile(rules.patterns, classes, "patterns", errors)
        self.exclude = self._compile(rules.exclude, classes, "exclude", errors)
        self.before = self._compile(rules.unless_preceded_by, classes, "unless_preceded_by", errors)
        self.after = self._compile(rules.unless_followed_by, classes, "unless_followed_by", errors)
        if errors:
            raise CompileError(errors)

    def _compile(self, specs, classes, field_name, errors) -> PatternSet:
        patterns, found = compile_list(specs, classes, self.index, field_name)
        errors.extend(found)
        return PatternSet(patterns)

    def for_question(self, key_points: list[list[str]], customer: str | None) -> Matcher:
        """A copy bound to one question (only matchers that use the question differ)."""
        if not (self.rules.skip_customer_words and customer):
            return self
        clone = replace_matcher(self)
        clone.customer_words = _customer_words(customer)
        return clone

    def evaluate(self, ctx: ReplyContext) -> Evidence:
        """Collect counted matches and decide presence against the threshold."""
        raw = self._raw_matches(ctx)
        kept, rejected = self._sift(raw, ctx)
        return self._evidence(kept, had_raw=bool(raw), rejected=rejected)

    def _raw_matches(self, ctx: ReplyContext) -> list[Match]:
        return self.patterns.matches(ctx.hits(self.index), ctx.analysis)

    def _sift(
        self, matches: list[Match], ctx: ReplyContext
    ) -> tuple[list[Match], list[tuple[Match, str]]]:
        """The matches that count, and the others with the reason each was set aside."""
        if not matches:
            return matches, []
        a = ctx.analysis
        hits = ctx.hits(self.index)
        # (most criteria have no cues before or after, some no exclusions: those are skipped)
        exclude, cues_before, cues_after = self.exclude, self.before, self.after
        vetoed = {i for m in exclude.matches(hits, a) for i in m.tokens} if exclude.patterns else ()
        before = (
            [m.tokens[-1] for m in cues_before.matches(hits, a)] if cues_before.patterns else ()
        )
        after = [m.tokens[0] for m in cues_after.matches(hits, a)] if cues_after.patterns else ()
        window = self.rules.window
        kept, rejected = [], []
        for m in matches:
            reason = self._why_not(m, a)
            if reason is None and vetoed and not vetoed.isdisjoint(m.tokens):
                reason = "part of a wording the rubric excludes"
            if reason is None and before and _cue_before(m, before, a, window):
                reason = "ruled out by the words before it"
            if reason is None and after and _cue_after(m, after, a, window):
                reason = "ruled out by the words after it"
            if reason is None:
                kept.append(m)
            else:
                rejected.append((m, reason))
        return kept, rejected

    def _why_not(self, m: Match, a: Analysis) -> str | None:
        """Why a match does not count on its own terms, or None when it does."""
        p = m.pattern
        start = m.tokens[0]
        questions = p.questions or self.rules.questions
        if questions == "never" and a.in_question[start]:
            return "a question"
        if questions == "only" and not a.in_question[start]:
            return "not a question"
        negation = self.rules.negation if p.negation is None else p.negation
        # a pattern that carries its own negator ("الغلط مو منا") is not cancelled by another
        if negation and not p.has_negator and self._negated(m, a):
            return "negated"
        if self.customer_words and all(a.norms[i] in self.customer_words for i in m.tokens):
            return "the customer's own words"
        if self.rules.reject_acts or p.acts:
            act = act_at(a, start)
            if p.acts and not act.is_(p.acts):
                return act.why_not(p.acts)
            return act.reason(self.rules.reject_acts)
        return None

    def _negated(self, m: Match, a: Analysis) -> bool:
        # negated_flags()[i] is negated_before(i), for every token at once
        return a.negated_flags()[m.tokens[0]] or a.negated_inside(m.tokens)

    def _evidence(
        self, kept: list[Match], had_raw: bool, rejected: list[tuple[Match, str]] | None = None
    ) -> Evidence:
        total, seen = 0.0, set()
        for m in kept:
            key = (m.pattern.source, m.tokens)
            if key not in seen:
                seen.add(key)
                total += m.pattern.score
        threshold = self.rules.threshold
        present = total >= threshold
        if present:
            exact = any(not m.fuzzy for m in kept)
            strength = min(1.0, total / threshold) * (1.0 if exact else FUZZY_FACTOR)
        else:
            strength = 0.7 if (total or had_raw) else 1.0
        rejected = list(rejected or [])
        if not present:  # matches too weak to reach the threshold together
            rejected += [(m, "too little on its own") for m in kept]
        return Evidence(present, kept if present else [], strength, rejected)


def replace_matcher(m: Matcher) -> Matcher:
    """A shallow copy that shares compiled patterns."""
    clone = object.__new__(type(m))
    clone.__dict__.update(m.__dict__)
    return clone


def _customer_words(customer: str) -> frozenset[str]:
    return frozenset(analyse(customer).norms)


def _cue_before(m: Match, ends: list[int], a: Analysis, window: int) -> bool:
    sentence = a.sentence[m.start]
    return any(m.start - window <= e < m.start and a.sentence[e] == sentence for e in ends)


def _cue_after(m: Match, starts: list[int], a: Analysis, window: int) -> bool:
    sentence = a.sentence[m.end]
    return any(m.end < s <= m.end + window and a.sentence[s] == sentence for s in starts)


@register
class PhraseMatcher(Matcher):
    """Phrase patterns only."""

    name = "phrases"


__all__ = [
    "MATCHERS",
    "CompileError",
    "Evidence",
    "MatchRules",
    "Matcher",
    "PatternSpec",
    "PhraseMatcher",
    "compile_list",
    "matcher_class",
    "register",
]
