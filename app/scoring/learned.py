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
from functools import lru_cache, partial
from itertools import chain, compress, islice
from operator import eq, is_not, itemgetter, methodcaller
from pathlib import Path
from typing import NamedTuple

from app.scoring.analysis import Analysis, analyse
from app.scoring.collector import collector_paused
from app.scoring.language import clause_cue_names, clause_cues, cue_features

PACKS = Path(__file__).with_name("packs")
FORMAT = 2  # 2: counts over the square root of the occurrences (1: log counts, unit length)
_WORD_CACHE = 65536
_MIN_WORD = 3
_CHAR_SIZES = (3,)


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
    """What a word says wherever it stands: itself, and its pieces of 3 letters, with its edges
    marked, for spellings never seen. Pieces of 3 and 4 letters were measured against 3 alone
    on writing rounds the model never saw (mean macro F1 of the two languages): 0.890 and 0.890
    over twelve rounds each held out, 0.899 and 0.901 on the two newest before they joined.
    The same agreement from a smaller model: the shipped one has 38,186 features (with pieces
    of 4 letters too, a model trained on fewer replies had 52,553)."""
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
    shared, numbers = _overlap_counts(a, customer)
    return [f"ov:{shared}", f"ovn:{numbers}"]


def _overlap_counts(a: Analysis, customer: Analysis) -> tuple[int, int]:
    """(shared content words, at most 6; shared numbers, at most 2)."""
    theirs, numbers = _customer_words(customer)
    shared = theirs.intersection(chain.from_iterable(a.keys))
    same_numbers = numbers.intersection([a.norms[i] for i in a.numbers])
    return min(len(shared), 6), min(len(same_numbers), 2)


# the customer's content words (keys of 4 letters or more) and numbers, kept per analysis of
# a customer's message (those are kept too: customer_analysis)
_CUSTOMER_WORDS: dict[int, tuple[Analysis, frozenset[str], frozenset[str]]] = {}


def _customer_words(customer: Analysis) -> tuple[frozenset[str], frozenset[str]]:
    found = _CUSTOMER_WORDS.get(id(customer))
    if found is None or found[0] is not customer:
        theirs = frozenset(k for keys in customer.keys for k in keys if len(k) >= 4)
        numbers = frozenset(customer.norms[i] for i in customer.numbers)
        if len(_CUSTOMER_WORDS) >= 1024:
            _CUSTOMER_WORDS.clear()
        found = _CUSTOMER_WORDS[id(customer)] = (customer, theirs, numbers)
    return found[1], found[2]


def vector(names: list[str], vocabulary: dict[str, int]) -> list[tuple[int, float]]:
    """(index, value) pairs: the count of each known feature over the square root of the
    number of known feature occurrences (so long replies do not shout). Every occurrence then
    adds the same, which lets the app sum a reply's rows without counting its features.
    Against log(1 + count) scaled to unit length (format 1), leave-scenario-out on the 666
    development scenarios of rounds 1-102 (macro F1 ar / en): 0.931 / 0.924 against
    0.931 / 0.924; the whole scorer then takes 3.06 million instructions a 60-80-word reply
    against 3.51 million (callgrind)."""
    known = [i for i in map(vocabulary.get, names) if i is not None]
    norm = math.sqrt(len(known)) or 1.0
    return [(i, c / norm) for i, c in Counter(known).items()]


class Opinion(NamedTuple):
    """The model's probability for one criterion, and its decision: True or False where it is
    sure enough to decide (further than the criterion's margin from its threshold), None where
    it leaves the decision to the rules."""

    probability: float
    present: bool | None


class LearnedModel:
    """Per-criterion logistic models over a shared vocabulary.

    The sum bias + w . vector adds every occurrence of a feature alike (see `vector`), so it is
    the sum of the rows of a reply's features, one per occurrence, over the square root of
    their number. A word's own features are the same wherever it stands: the sum of their rows
    and their number are kept per word, and a reply adds one kept row per word and one row per
    context feature."""

    def __init__(self, data: dict):
        if data.get("format") != FORMAT:
            raise ValueError(f"learned model format {data.get('format')!r}, expected {FORMAT}")
        names = data["vocabulary"]
        self.vocabulary = {name: i for i, name in enumerate(names)}
        specs = data["criteria"]
        self.ids = list(specs)
        self.biases = [specs[cid]["bias"] for cid in self.ids]
        self.cuts = [(specs[cid]["threshold"], specs[cid].get("margin", 0.0)) for cid in self.ids]
        self._decisions = [(cid, *cut) for cid, cut in zip(self.ids, self.cuts, strict=True)]
        # one row per feature, its weight for each criterion, the rows side by side in one
        # array of doubles (8 bytes a weight, where a float in a tuple took about 37). A row
        # becomes a tuple of floats, kept, when a reply first needs it (its context features); a
        # word's own rows are read from the array when its summed row is kept. Each row's floats
        # are then made together, so they sit together in memory.
        self._width = width = len(self.ids)
        columns = [specs[cid]["weights"] for cid in self.ids]
        self._table = array("d", chain.from_iterable(zip(*columns, strict=True)))
        self._rows: list[tuple[float, ...] | None] = [None] * (len(self._table) // max(width, 1))
        self._zero = (0.0,) * width
        # "b:<word>_<next word>" as first word -> next word -> index, so a reply's word pairs
        # are looked up without building their names (every place the name can be cut is
        # kept, so a pair is found exactly when its name is in the vocabulary)
        self._pairs: dict[str, dict[str, int]] = {}
        for name in filter(methodcaller("startswith", "b:"), names):
            first, _, second = name[2:].partition("_")
            self._pairs.setdefault(first, {})[second] = self.vocabulary[name]
            while "_" in second:  # words hold no "_", but a name is read as written
                more, _, second = second.partition("_")
                first += "_" + more
                self._pairs.setdefault(first, {})[second] = self.vocabulary[name]
        self._rules = {
            cid: (self.vocabulary.get("r:" + cid), self.vocabulary.get("rw:" + cid))
            for cid in self.ids
        }
        self._lengths = [self.vocabulary.get(f"len:{n}") for n in range(9)]
        self._overlaps = [self.vocabulary.get(f"ov:{n}") for n in range(7)]
        self._number_overlaps = [self.vocabulary.get(f"ovn:{n}") for n in range(3)]
        self._words: dict[str, _Word] = {}
        self._cues: dict[frozenset[str], tuple[int, ...]] = {}

    @property
    def weights(self) -> list[tuple[float, ...]]:
        """One column per criterion: the weight of each feature."""
        return [tuple(self._table[k :: self._width]) for k in range(self._width)]

    def _rows_of(self, indices: list[int]) -> list[tuple[float, ...]]:
        """The rows of these features (made and kept where not yet)."""
        rows = list(map(self._rows.__getitem__, indices))
        if not all(rows):  # a row is a non-empty tuple, or None where not yet made
            rows = [
                r if r is not None else self._row(i) for r, i in zip(rows, indices, strict=True)
            ]
        return rows

    def _row(self, i: int) -> tuple[float, ...]:
        width = self._width
        row = self._rows[i] = tuple(self._table[i * width : i * width + width])
        return row

    def opinions(self, names: list[str]) -> dict[str, Opinion]:
        """The model's opinion on each criterion, from a reply's feature names."""
        vocabulary = self.vocabulary
        indices = [i for i in map(vocabulary.get, names) if i is not None]
        return self._decide(self._sums(len(indices), self._rows_of(indices)))

    def review(
        self, a: Analysis, rule_found: dict[str, float], customer: Analysis | None
    ) -> dict[str, Opinion]:
        """The same as opinions(features(...)), read through each word's kept entry."""
        return self._decide(self.sums(a, rule_found, customer))

    def sums(
        self, a: Analysis, rule_found: dict[str, float], customer: Analysis | None
    ) -> list[float]:
        """bias + w . vector(features(a, rule_found, customer)) for each criterion, in the
        order of `ids` (what review decides on)."""
        words = self._words
        entries = list(map(words.get, a.norms))
        if None in entries:
            entries = [
                e if e is not None else self._word(w) for e, w in zip(entries, a.norms, strict=True)
            ]
        found = self._context(a, entries, rule_found, customer)
        parts = list(map(itemgetter(1), entries))
        parts += self._rows_of(found)
        return self._sums(sum(map(itemgetter(0), entries)) + len(found), parts)

    def _sums(self, occurrences: int, parts: list[tuple[float, ...]]) -> list[float]:
        """bias + w . vector per criterion: `parts` are the rows of every occurrence of every
        feature (or kept sums of them), `occurrences` how many occurrences they hold."""
        totals = map(sum, zip(self._zero, *parts, strict=True))
        norm = math.sqrt(occurrences) or 1.0
        return [b + t / norm for b, t in zip(self.biases, totals, strict=True)]

    def _word(self, word: str) -> _Word:
        """A word's entry (kept): the number of its own features, the sum of their rows, the
        indices of its question and negated features, and its pairs with a next word."""
        found = self._words.get(word)
        if found is None:
            vocabulary = self.vocabulary
            own = tuple(i for i in map(vocabulary.get, word_features(word)) if i is not None)
            table, width = self._table, self._width
            summed = tuple(
                sum(column)
                for column in zip(
                    self._zero, *(table[i * width : i * width + width] for i in own), strict=True
                )
            )
            found = (
                len(own),
                summed,
                vocabulary.get("q:" + word),
                vocabulary.get("n:" + word),
                self._pairs.get(word, _NO_PAIRS),
            )
            if len(self._words) >= _WORD_CACHE:
                self._words.clear()
            self._words[word] = found
        return found

    def _context(
        self,
        a: Analysis,
        entries: list[_Word],
        rule_found: dict[str, float],
        customer: Analysis | None,
    ) -> list[int]:
        """The vocabulary indices of context_features(a, rule_found, customer)."""
        out: list[int] = []
        add = out.append
        negated, negator, in_question = a.negated_flags(), a.negator, a.in_question
        if True in in_question:
            for i, entry in enumerate(entries):
                if in_question[i]:
                    if entry[2] is not None:
                        add(entry[2])
                elif negated[i] and not negator[i] and entry[3] is not None:
                    add(entry[3])
        else:  # most replies ask nothing, and few of their words are negated
            for i in compress(range(len(entries)), negated):
                if not negator[i] and entries[i][3] is not None:
                    add(entries[i][3])
        clause = a.clause
        norms = a.norms
        # each word with the next in its clause (the pairs are one fewer than the words)
        pairs = map(dict.get, map(_PAIRS, entries), islice(norms, 1, None))
        out += filter(_KNOWN, compress(pairs, map(eq, clause, islice(clause, 1, None))))
        rules = self._rules
        for cid, strength in rule_found.items():
            ruled, weak = rules.get(cid) or (self.vocabulary.get("r:" + cid),
                                             self.vocabulary.get("rw:" + cid))  # fmt: skip
            if ruled is not None:
                add(ruled)
            if strength < 1.0 and weak is not None:
                add(weak)
        found = self._lengths[min(len(norms) // 15, 8)]
        if found is not None:
            add(found)
        out += self._cue_indices(a)
        if customer is not None:
            shared, numbers = _overlap_counts(a, customer)
            for found in (self._overlaps[shared], self._number_overlaps[numbers]):
                if found is not None:
                    add(found)
        return out

    def _cue_indices(self, a: Analysis) -> list[int]:
        """The vocabulary indices of cue_features(a), kept per set of cues of a clause."""
        out: list[int] = []
        kept = self._cues
        for cues in clause_cues(a):
            if not cues:
                continue
            key = frozenset(cues)
            found = kept.get(key)
            if found is None:
                vocabulary = self.vocabulary
                found = tuple(
                    i for i in map(vocabulary.get, clause_cue_names(cues)) if i is not None
                )
                if len(kept) >= _WORD_CACHE:
                    kept.clear()
                kept[key] = found
            out += found
        return out

    def _decide(self, sums: list[float]) -> dict[str, Opinion]:
        out = {}
        exp = math.exp
        for (cid, threshold, margin), z in zip(self._decisions, sums, strict=True):
            z = -30.0 if z < -30.0 else z if z < 30.0 else 30.0  # max(-30, min(30, z))
            p = 1.0 / (1.0 + exp(-z))
            sure = abs(p - threshold) >= margin
            out[cid] = _opinion((round(p, 3), (p >= threshold) if sure else None))
        return out


# Opinion(probability, present) without the keyword handling of a named tuple's constructor
_opinion = partial(tuple.__new__, Opinion)
_PAIRS = itemgetter(4)
_NO_PAIRS: dict[str, int] = {}  # shared, never written
_KNOWN = partial(is_not, None)

# A word's entry in LearnedModel: (number of its own known features, the sum of their rows, index
# of "q:<word>", index of "n:<word>", next word -> index of the pair)
_Word = tuple[int, tuple[float, ...], int | None, int | None, dict[str, int]]


@lru_cache(maxsize=8)
def model_for(rubric_id: str) -> LearnedModel | None:
    """The learned model shipped for a rubric, or None (the rules then decide alone)."""
    path = PACKS / f"learned-{rubric_id}.json"
    if not path.exists():
        return None
    # Reading makes a few hundred thousand numbers and tens of thousands of rows (in a fresh
    # process the rows took 35-51 ms with the collector running, 16-22 ms paused).
    with collector_paused(), open(path, encoding="utf-8") as fh:
        return LearnedModel(json.load(fh))


@lru_cache(maxsize=512)
def customer_analysis(customer: str) -> Analysis:
    return analyse(customer)
