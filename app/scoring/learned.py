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
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from app.scoring.analysis import Analysis, analyse
from app.scoring.language import cue_features

PACKS = Path(__file__).with_name("packs")
FORMAT = 1
_MIN_WORD = 3
_CHAR_SIZES = (3, 4)
_LOG2 = math.log1p(1)


def features(a: Analysis, rule_found: dict[str, float], customer: Analysis | None) -> list[str]:
    """The named features of one analysed reply (names repeat as counts)."""
    out = []
    norms = a.norms
    clause = a.clause
    for i, word in enumerate(norms):
        out.append("w:" + word)
        if a.in_question[i]:
            out.append("q:" + word)
        elif not a.negator[i] and a.negated_before(i):
            out.append("n:" + word)
        if i + 1 < len(norms) and clause[i + 1] == clause[i]:
            out.append("b:" + word + "_" + norms[i + 1])
        out.extend(_pieces(word))
    for cid, strength in rule_found.items():
        out.append("r:" + cid)
        if strength < 1.0:
            out.append("rw:" + cid)
    out.append(f"len:{min(len(norms) // 15, 8)}")
    out.extend(cue_features(a))
    if customer is not None:
        out.extend(_overlap(a, customer))
    return out


@lru_cache(maxsize=65536)
def _pieces(word: str) -> tuple[str, ...]:
    """Pieces of a word (3 and 4 letters, with its edges marked), for spellings never seen."""
    if len(word) < _MIN_WORD:
        return ()
    padded = f"<{word}>"
    return tuple(
        "c:" + padded[j : j + size] for size in _CHAR_SIZES for j in range(len(padded) - size + 1)
    )


def _overlap(a: Analysis, customer: Analysis) -> list[str]:
    """How much of the customer's own message the reply takes up: shared content words and
    shared numbers, bucketed."""
    theirs = {k for keys in customer.keys for k in keys if len(k) >= 4}
    shared = {k for keys in a.keys for k in keys if k in theirs}
    numbers = {customer.norms[i] for i in customer.numbers}
    same_numbers = {a.norms[i] for i in a.numbers} & numbers
    return [f"ov:{min(len(shared), 6)}", f"ovn:{min(len(same_numbers), 2)}"]


def vector(names: Iterable[str], vocabulary: dict[str, int]) -> list[tuple[int, float]]:
    """(index, value) pairs: log(1 + count) of each known feature, scaled to unit length."""
    counts: dict[int, int] = {}
    for name in names:
        i = vocabulary.get(name)
        if i is not None:
            counts[i] = counts.get(i, 0) + 1
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
        self.weights = [specs[cid]["weights"] for cid in self.ids]

    def opinions(self, names: Iterable[str]) -> dict[str, Opinion]:
        # The same sum as over vector(): features seen once share one value, so their weights
        # are added up first (in C, by map), and the rest one by one.
        counts: dict[int, int] = {}
        vocabulary = self.vocabulary
        for name in names:
            i = vocabulary.get(name)
            if i is not None:
                counts[i] = counts.get(i, 0) + 1
        once = [i for i, c in counts.items() if c == 1]
        more = [(i, math.log1p(c)) for i, c in counts.items() if c > 1]
        norm = math.sqrt(len(once) * _LOG2 * _LOG2 + sum(v * v for _, v in more)) or 1.0
        out = {}
        for cid, bias, weights, (threshold, margin) in zip(
            self.ids, self.biases, self.weights, self.cuts, strict=True
        ):
            total = _LOG2 * sum(map(weights.__getitem__, once))
            total += sum(weights[i] * v for i, v in more)
            z = bias + total / norm
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
