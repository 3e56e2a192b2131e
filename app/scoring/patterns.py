"""The pattern language: parse pattern strings and compile them against a term index.

A pattern is a sequence of slots separated by spaces; each slot must match in order.
  sorry                 one word (stemmed for English, clitic-aware for Arabic, typo-tolerant)
  apologise|apologize   alternatives for one slot
  thank_you|thanks      `_` joins words into a multi-word alternative
  @sorry                every phrase of the word class `sorry`
  =sorry  ^RMA  refund* exact word / typed in capitals / word prefix
  #num                  any number
  #acronym              any unfamiliar word typed in capitals (HOTAC, SKU; not OK, PIN, NOT)
  ?really               optional slot
  ~3                    up to 3 other words may come before the next slot (default 0)
  ..                    any number of words before the next slot, within the sentence
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache

from app.scoring.index import ANY_ACRONYM, TermIndex
from app.scoring.lexicon import expand_english
from app.scoring.negation import is_negator
from app.scoring.normalize import is_arabic, normalize_word, segment

ANY_GAP = -1
MAX_GAP = 20
_GAP_RE = re.compile(r"^~(\d+)$")
_CLASS_RE = re.compile(r"^@[a-z0-9_]+$")

TermSpec = tuple[str, str]  # (mode, normalised word)
Phrase = tuple[TermSpec, ...]


class PatternError(ValueError):
    """A pattern or word-class entry that cannot be parsed."""


@dataclass(frozen=True, slots=True)
class Slot:
    """One position of a pattern: alternatives (each a run of term ids), gap before, optional."""

    alts: tuple[tuple[int, ...], ...]
    gap: int
    optional: bool
    by_first: dict[int, tuple[tuple[int, ...], ...]] = field(default_factory=dict, compare=False)
    first_ids: frozenset[int] = field(default=frozenset(), compare=False)
    single_words: bool = field(default=False, compare=False)
    # the ids of the one-word alternatives, and the longer ones grouped by their first id
    word_ids: frozenset[int] = field(default=frozenset(), compare=False)
    phrases: dict[int, tuple[tuple[int, ...], ...]] = field(default_factory=dict, compare=False)

    def __post_init__(self) -> None:
        # alternatives grouped by their first term: a token is tried only against those
        grouped: dict[int, list[tuple[int, ...]]] = {}
        for alt in self.alts:
            grouped.setdefault(alt[0], []).append(alt)
        self.by_first.update({k: tuple(v) for k, v in grouped.items()})
        object.__setattr__(self, "first_ids", frozenset(grouped))
        object.__setattr__(self, "single_words", all(len(alt) == 1 for alt in self.alts))
        object.__setattr__(self, "word_ids", frozenset(a[0] for a in self.alts if len(a) == 1))
        for first, alts in grouped.items():
            longer = tuple(alt for alt in alts if len(alt) > 1)
            if longer:
                self.phrases[first] = longer


@dataclass(frozen=True, slots=True)
class Pattern:
    """A compiled pattern plus the options that decide whether its matches count."""

    source: str
    slots: tuple[Slot, ...]
    score: float = 1.0
    questions: str | None = None
    negation: bool | None = None
    has_negator: bool = False
    # the speech act the match's clause must be (app.scoring.acts.REQUIRED_ACTS), or None
    acts: str | None = None

    @property
    def anchors(self) -> frozenset[int]:
        """Term ids that can start a match."""
        return frozenset(alt[0] for alt in self.slots[0].alts)


@lru_cache(maxsize=8192)
def parse_word(raw: str) -> Phrase:
    """Parse one pattern word with its modifiers into one or more term specs."""
    if raw == "#num":
        return (("number", "#"),)
    if raw == "#acronym":
        return (("acronym", ANY_ACRONYM),)
    mode = "stem"
    word = raw
    if word[:1] in ("=", "^"):
        mode = "exact" if word[0] == "=" else "acronym"
        word = word[1:]
    is_prefix = word.endswith("*")
    word = word.rstrip("*")
    if any(ch in word for ch in "=^*@~|#"):
        raise PatternError(f"misplaced modifier in {raw!r}")
    norms = normalise_words(word)
    if not norms:
        raise PatternError(f"{raw!r} contains no word")
    specs = [(mode, norm) for norm in norms]
    if is_prefix:
        specs[-1] = ("prefix", norms[-1])
    return tuple(specs)


def normalise_words(word: str) -> list[str]:
    """The normalised words of a plain text, contractions expanded."""
    if word.isalpha():
        norm = normalize_word(word)
        return [norm] if is_arabic(norm) else expand_english(norm)
    norms: list[str] = []
    for tok in segment(word).tokens:
        norms.extend([tok.norm] if is_arabic(tok.norm) else expand_english(tok.norm))
    return [n for n in norms if n]


def parse_phrase(text: str) -> Phrase:
    """Parse a class entry or key point: words separated by spaces (or `_`)."""
    words = text.replace("_", " ").split()
    if not words:
        raise PatternError("empty phrase")
    return tuple(spec for w in words for spec in parse_word(w))


def parse_classes(raw: dict[str, list[str]]) -> dict[str, list[Phrase]]:
    """Parse every word class; raises PatternError naming the class and entry."""
    out: dict[str, list[Phrase]] = {}
    for name, entries in raw.items():
        phrases = []
        for n, entry in enumerate(entries):
            try:
                phrases.append(parse_phrase(entry))
            except PatternError as exc:
                raise PatternError(f"class {name!r} entry {n}: {exc}") from exc
        out[name] = phrases
    return out


def compile_pattern(
    source: str, classes: dict[str, list[Phrase]], index: TermIndex, **options: object
) -> Pattern:
    """Parse a pattern string and register its terms in the index."""
    slots: list[Slot] = []
    gap: int | None = None
    negator = False
    for element in source.split():
        new_gap = _parse_gap(element)
        if new_gap is not None:
            if gap is not None or not slots:
                raise PatternError(f"gap {element!r} must sit between two words")
            gap = new_gap
            continue
        optional = element.startswith("?") and len(element) > 1
        body = element[1:] if optional else element
        known = index.slot_cache.get(body)
        if known is None:
            # the same slot text ("@sorry", "you|your") recurs across patterns: compile it once
            phrases = _parse_slot(body, classes)
            negates = any(_phrase_negates(p) for p in phrases)
            alts = tuple(tuple(index.add(mode, norm) for mode, norm in p) for p in phrases)
            known = index.slot_cache[body] = (alts, negates)
        alts, negates = known
        negator = negator or negates
        slots.append(Slot(alts, gap or 0, optional))
        gap = None
    _check_slots(slots, gap)
    return Pattern(source, tuple(slots), has_negator=negator, **options)  # type: ignore[arg-type]


def _check_slots(slots: list[Slot], trailing_gap: int | None) -> None:
    if not slots:
        raise PatternError("pattern has no words")
    if trailing_gap is not None:
        raise PatternError("pattern ends with a gap")
    if slots[0].optional:
        raise PatternError("the first slot cannot be optional")


def _parse_gap(element: str) -> int | None:
    if element == "..":
        return ANY_GAP
    m = _GAP_RE.match(element)
    if not m:
        return None
    value = int(m.group(1))
    if value > MAX_GAP:
        raise PatternError(f"gap {element!r} is over {MAX_GAP}")
    return value


def _parse_slot(element: str, classes: dict[str, list[Phrase]]) -> list[Phrase]:
    phrases: list[Phrase] = []
    for alt in element.split("|"):
        if not alt:
            raise PatternError(f"empty alternative in {element!r}")
        if alt.startswith("@"):
            if not _CLASS_RE.match(alt) or alt[1:] not in classes:
                raise PatternError(f"unknown word class {alt!r}")
            phrases.extend(classes[alt[1:]])
        else:
            phrases.append(tuple(s for w in alt.split("_") if w for s in parse_word(w)))
    return phrases


@lru_cache(maxsize=8192)
def _phrase_negates(phrase: Phrase) -> bool:
    return any(is_negator(norm, "", "") for _, norm in phrase)
