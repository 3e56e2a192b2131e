"""A learned second opinion on the rule decisions, kept as data (`packs/learned-<rubric>.json`).

The rules (patterns, negation, key points) decide first. For each criterion a linear model then
reads the same analysis of the reply: its words with the scope they sit in (negated, in a
question), word pairs inside a clause, pieces of words (for dialect spellings and typos), what the
rules found for every criterion, and how much of the customer's message the reply takes up. Where
its probability crosses the criterion's threshold the other way from the rules, it decides, and the
outcome says so. The weights are trained by `bench/train_scorer.py` on the labelled corpus, only
ever on scenarios other than the ones a figure is reported for.

Pure Python: the model is a vocabulary and one weight per word of it and criterion.
"""

from __future__ import annotations

import json
import math
from array import array
from collections import Counter
from dataclasses import dataclass
from functools import lru_cache
from operator import itemgetter
from pathlib import Path

from app.scoring.analysis import Analysis, analyse
from app.scoring.language import cue_features

PACKS = Path(__file__).with_name("packs")
FORMAT = 1
_WORD_CACHE = 65536
_MIN_WORD = 3
_CHAR_SIZES = (3, 4)


def features(a: Analysis, rule_found: dict[str, float], customer: Analysis | None) -> list[str]:
    """The named features of one analysed reply (names repeat as counts): each word's own
    (`word_features`), then those of its context (`context_features`)."""
    out = []
    for word in a.norms:
        out.extend(word_features(word))
    out.extend(context_features(a, rule_found, customer))
    return out


@lru_cache(maxsize=65536)
def word_features(word: str) -> tuple[str, ...]:
    """What a word says wherever it stands: itself, and its pieces (3 and 4 letters, with its
    edges marked) for spellings never seen."""
    if len(word) < _MIN_WORD:
        return ("w:" + word,)
    padded = f"<{word}>"
    pieces = (padded[j : j + size] for size in _CHAR_SIZES for j in range(len(padded) - size + 1))
    return ("w:" + word, *("c:" + piece for piece in pieces))


def context_features(
    a: Analysis, rule_found: dict[str, float], customer: Analysis | None
) -> list[str]:
    """What depends on where words stand: a word inside a question or negated, word pairs in
    a clause, the rules' findings, length, the clause cues of the language packs, and how much
    of the customer's message the reply takes up. (The speech acts of app.scoring.acts reach
    the model through the rules' findings: as features of their own they lowered the
    leave-scenario-out figures.)"""
    out = []
    norms = a.norms
    clause = a.clause
    negated, negator, in_question = a.negated_flags(), a.negator, a.in_question
    last = len(norms) - 1
    for i, word in enumerate(norms):
        if in_question[i]:
            out.append("q:" + word)
        elif negated[i] and not negator[i]:
            out.append("n:" + word)
        if i < last and clause[i + 1] == clause[i]:
            out.append("b:" + word + "_" + norms[i + 1])
    for cid, strength in rule_found.items():
        out.append("r:" + cid)
        if strength < 1.0:
            out.append("rw:" + cid)
    out.append(f"len:{min(len(norms) // 15, 8)}")
    out.extend(cue_features(a))
    if customer is not None:
        out.extend(_overlap(a, customer))
    return out


def _overlap(a: Analysis, customer: Analysis) -> list[str]:
    """How much of the customer's own message the reply takes up: shared content words and
    shared numbers, bucketed."""
    theirs = {k for keys in customer.keys for k in keys if len(k) >= 4}
    shared = {k for keys in a.keys for k in keys if k in theirs}
    numbers = {customer.norms[i] for i in customer.numbers}
    same_numbers = {a.norms[i] for i in a.numbers} & numbers
    return [f"ov:{min(len(shared), 6)}", f"ovn:{min(len(same_numbers), 2)}"]


def vector(names: list[str], vocabulary: dict[str, int]) -> list[tuple[int, float]]:
    """(index, value) pairs: log(1 + count) of each known feature, scaled to unit length (so
    a word said three times counts less than three words, and long replies do not shout)."""
    counts = Counter(i for i in map(vocabulary.get, names) if i is not None)
    scaled = [(i, math.log1p(c)) for i, c in counts.items()]
    norm = math.sqrt(sum(v * v for _, v in scaled)) or 1.0
    return [(i, v / norm) for i, v in scaled]


@dataclass(frozen=True)
class Opinion:
    """The model's probability for one criterion, and its decision: True or False where it is
    sure enough to decide (further than the criterion's margin from its threshold), None where
    it leaves the decision to the rules."""

    probability: float
    present: bool | None


class LearnedModel:
    """Per-criterion logistic models over a shared vocabulary."""

    def __init__(self, data: dict):
        if data.get("format") != FORMAT:
            raise ValueError(f"learned model format {data.get('format')!r}, expected {FORMAT}")
        self.vocabulary = {name: i for i, name in enumerate(data["vocabulary"])}
        specs = data["criteria"]
        self.ids = list(specs)
        self.biases = [specs[cid]["bias"] for cid in self.ids]
        self.cuts = [(specs[cid]["threshold"], specs[cid].get("margin", 0.0)) for cid in self.ids]
        # one column per criterion, the weight of each feature, packed (array of doubles: a
        # reply reads a few hundred scattered weights per criterion, and packed they stay in
        # the processor's cache)
        self.weights = [array("d", specs[cid]["weights"]) for cid in self.ids]
        self._words: dict[str, tuple[int, ...]] = {}

    def opinions(self, names: list[str]) -> dict[str, Opinion]:
        """The model's opinion on each criterion, from a reply's feature names."""
        return self._decide(self._sums(Counter(i for i in map(self.vocabulary.get, names)
                                               if i is not None)))  # fmt: skip

    def review(
        self, a: Analysis, rule_found: dict[str, float], customer: Analysis | None
    ) -> dict[str, Opinion]:
        """The same as opinions(features(...)), with each word's feature indices cached."""
        indices: list[int] = []
        words = self._words
        for word in a.norms:
            found = words.get(word)
            indices += found if found is not None else self._word_indices(word)
        vocabulary = self.vocabulary
        indices += [i for i in map(vocabulary.get, context_features(a, rule_found, customer))
                    if i is not None]  # fmt: skip
        return self._decide(self._sums(Counter(indices)))

    def _sums(self, counts: Counter) -> list[float]:
        """bias + w . vector, per criterion. Features seen equally often share one value, so
        their weights are gathered per criterion in one C-level call (itemgetter) and summed."""
        by_count: dict[int, list[int]] = {}
        for i, c in counts.items():
            found = by_count.get(c)
            if found is None:
                by_count[c] = [i]
            else:
                found.append(i)
        columns = self.weights
        totals = [0.0] * len(columns)
        square = 0.0
        for c, indices in by_count.items():
            value = math.log1p(c)
            square += len(indices) * value * value
            if len(indices) == 1:
                i = indices[0]
                totals = [t + value * col[i] for t, col in zip(totals, columns, strict=True)]
                continue
            gather = itemgetter(*indices)
            totals = [t + value * sum(gather(col)) for t, col in zip(totals, columns, strict=True)]
        norm = math.sqrt(square) or 1.0
        return [b + t / norm for b, t in zip(self.biases, totals, strict=True)]

    def _word_indices(self, word: str) -> tuple[int, ...]:
        """The vocabulary indices of a word's own features (cached)."""
        found = self._words.get(word)
        if found is None:
            vocabulary = self.vocabulary
            found = tuple(i for i in map(vocabulary.get, word_features(word)) if i is not None)
            if len(self._words) >= _WORD_CACHE:
                self._words.clear()
            self._words[word] = found
        return found

    def _decide(self, sums: list[float]) -> dict[str, Opinion]:
        out = {}
        for cid, z, (threshold, margin) in zip(self.ids, sums, self.cuts, strict=True):
            p = 1.0 / (1.0 + math.exp(-max(-30.0, min(30.0, z))))
            sure = abs(p - threshold) >= margin
            out[cid] = Opinion(round(p, 3), (p >= threshold) if sure else None)
        return out


@lru_cache(maxsize=8)
def model_for(rubric_id: str) -> LearnedModel | None:
    """The learned model shipped for a rubric, or None (the rules then decide alone)."""
    path = PACKS / f"learned-{rubric_id}.json"
    if not path.exists():
        return None
    with open(path, encoding="utf-8") as fh:
        return LearnedModel(json.load(fh))


@lru_cache(maxsize=512)
def customer_analysis(customer: str) -> Analysis:
    return analyse(customer)
