"""The term index: every single-word term of a set of patterns, looked up once per token.

Terms come in five modes:
  stem     plain word; English by Snowball stem, Arabic by the word among the token's clitic
           variants; typo-tolerant
  surface  the normalised word itself (English) or among the clitic variants (Arabic);
           typo-tolerant (used for key points, where "moves" must not count as "moving")
  exact    the normalised word itself, no stemming, no clitics, no typo tolerance (`=word`)
  prefix   any key of the token starts with it (`word*`)
  acronym  the word typed in capitals (`^RMA`), so "ban" is not "BAN"; `#acronym` stands for any
           unfamiliar word of 2-6 letters typed in capitals (see `is_unfamiliar_acronym`)
  number   any number (`#num`)
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from itertools import compress

from rapidfuzz import process
from rapidfuzz.distance import OSA

from app.scoring import packdata
from app.scoring.analysis import Analysis
from app.scoring.lexicon import term_key, token_keys
from app.scoring.normalize import is_arabic, is_number

MODES = ("stem", "surface", "exact", "prefix", "acronym", "number")
_CACHE_LIMIT = 100_000
ANY_ACRONYM = "#"  # the acronym-table key of `#acronym`
# Words typed in capitals that a customer knows: everyday acronyms, units, currencies and brands,
# and ordinary words typed in capitals for emphasis. Any other 2-6 letters in capitals are
# matched by `#acronym` as unexplained internal jargon (HOTAC, SKU, MCC).
EVERYDAY_CAPITALS = packdata.words("en", "everyday_capitals")
_ACRONYM_LETTERS = re.compile(r"^[a-z]{2,6}$")
_MIN_PREFIX = 2
# Frequent English words one typo away from a pattern word ("well"/"will", "sent"/"send").
_NO_FUZZ = packdata.words("en", "no_typo_tolerance")


def max_edits(word: str) -> int:
    """Edits tolerated for a word of this length: none when short, then one, then two."""
    n = len(word)
    if is_arabic(word):
        return 0 if n < 6 else 1 if n < 9 else 2
    return 0 if n < 4 else 1 if n < 8 else 2


class TermIndex:
    """Assigns ids to terms and finds, for each token of a reply, the ids it matches."""

    def __init__(self) -> None:
        self._ids: dict[tuple[str, str], int] = {}
        self._keyed: dict[str, set[int]] = {}
        self._exact: dict[str, set[int]] = {}
        self._surface: dict[str, set[int]] = {}
        self._prefix: dict[str, set[int]] = {}
        self._acronym: dict[str, set[int]] = {}
        self._number: dict[str, set[int]] = {}
        self._vocab: dict[str, set[int]] = {}
        self._buckets: dict[str, list[str]] = {}
        # per normalised word: its term ids, and whether it matched them only by a typo
        self._ids_cache: dict[str, frozenset[int]] = {}
        self._fuzzy_cache: dict[str, bool] = {}
        # compiled pattern slots by their text, filled by patterns.compile_pattern
        self.slot_cache: dict[str, tuple[tuple[tuple[int, ...], ...], bool]] = {}

    def __len__(self) -> int:
        return len(self._ids)

    def copy(self) -> TermIndex:
        """A new index holding the same terms under the same ids."""
        clone = TermIndex()
        for mode, norm in self._ids:
            clone.add(mode, norm)
        return clone

    def add(self, mode: str, norm: str) -> int:
        """Register a term (mode, normalised word) and return its id."""
        ident = self._ids.get((mode, norm))
        if ident is not None:
            return ident
        ident = len(self._ids)
        self._ids[(mode, norm)] = ident
        self._table(mode, norm).setdefault(self._table_key(mode, norm), set()).add(ident)
        if mode in ("stem", "surface") and max_edits(norm) and not is_number(norm):
            if norm not in self._vocab:
                self._buckets.setdefault(norm[0], []).append(norm)
            self._vocab.setdefault(norm, set()).add(ident)
        self._ids_cache.clear()
        self._fuzzy_cache.clear()
        return ident

    def _table(self, mode: str, norm: str) -> dict[str, set[int]]:
        if mode == "surface" and is_arabic(norm):
            return self._keyed
        return {
            "stem": self._keyed,
            "surface": self._surface,
            "exact": self._exact,
            "prefix": self._prefix,
            "acronym": self._acronym,
            "number": self._number,
        }[mode]

    @staticmethod
    def _table_key(mode: str, norm: str) -> str:
        return term_key(norm) if mode == "stem" else norm

    def lookup(self, a: Analysis) -> tuple[list[frozenset[int]], list[bool]]:
        """Term ids per token of the analysis, and whether each token matched only by a typo."""
        norms = a.norms
        # replies reuse a small vocabulary: map the cached words at C speed, then fill the rest
        terms = list(map(self._ids_cache.get, norms))
        fuzzy = list(map(self._fuzzy_cache.get, norms))
        if None in terms:
            for i, norm in enumerate(norms):
                if terms[i] is None:
                    terms[i], fuzzy[i] = self._token(norm, a.keys[i])
        acronym = self._acronym
        if acronym and True in a.upper:
            unfamiliar = acronym.get(ANY_ACRONYM)
            shouting = None  # whether the reply is typed in capitals, read when first needed
            for i in compress(range(len(norms)), a.upper):
                norm = norms[i]
                if norm in acronym:
                    terms[i] = terms[i] | acronym[norm]
                elif unfamiliar and is_unfamiliar_acronym(norm) and (fuzzy[i] or not terms[i]):
                    if shouting is None:
                        shouting = _shouting(a)
                    if not shouting:
                        # a word the rubric knows ("DONE", "CALL") is emphasis, not an acronym
                        terms[i] = terms[i] | unfamiliar
        return terms, fuzzy

    def _token(self, norm: str, keys: frozenset[str]) -> tuple[frozenset[int], bool]:
        ids = self._ids_cache.get(norm)
        if ids is not None:  # the word came earlier in the same reply
            return ids, self._fuzzy_cache[norm]
        ids, fuzzy = self._resolve(norm, keys)
        if len(self._ids_cache) >= _CACHE_LIMIT:
            self._ids_cache.clear()
            self._fuzzy_cache.clear()
        self._ids_cache[norm] = ids
        self._fuzzy_cache[norm] = fuzzy
        return ids, fuzzy

    def _resolve(self, norm: str, keys: frozenset[str]) -> tuple[frozenset[int], bool]:
        ids: set[int] = set()
        _collect(ids, self._keyed, keys)
        _collect(ids, self._exact, (norm,))
        _collect(ids, self._surface, (norm,))
        if self._prefix:
            _collect(ids, self._prefix, _prefixes(keys))
        if self._number and is_number(norm):
            _collect(ids, self._number, ("#",))
        if ids or is_number(norm):
            return frozenset(ids), False
        if is_arabic(norm):
            # dialect spelling swaps letters that sound alike (بعتزر for بعتذر), at any length
            for variant in _sound_alike(norm):
                _collect(ids, self._keyed, token_keys(variant))
            if ids:
                return frozenset(ids), True
        if not max_edits(norm) or norm in _NO_FUZZ:
            return frozenset(ids), False
        close = self._closest(norm)
        return (frozenset(self._vocab[close]), True) if close else (frozenset(), False)

    def _closest(self, norm: str) -> str | None:
        # Typos rarely hit the first letter, so only words sharing it are compared.
        bucket = self._buckets.get(norm[0])
        if not bucket:
            return None
        limit = max_edits(norm)
        found = process.extract(norm, bucket, scorer=OSA.distance, score_cutoff=limit, limit=8)
        for word, dist, _ in sorted(found, key=lambda f: (f[1], f[0])):
            if dist <= max_edits(word) and plausible_typo(norm, word):
                return word
        return None


def is_unfamiliar_acronym(norm: str) -> bool:
    """Whether a word typed in capitals looks like an internal acronym (HOTAC, SKU, MCC) rather
    than an everyday one (OK, PIN, ATM) or a word in capitals for emphasis (NOT, NOW)."""
    return bool(_ACRONYM_LETTERS.match(norm)) and norm not in EVERYDAY_CAPITALS


def _shouting(a: Analysis) -> bool:
    """Whether most Latin words of the reply are typed in capitals (a reply typed in capitals)."""
    latin = [
        up for norm, up in zip(a.norms, a.upper, strict=True) if norm.isascii() and norm.isalpha()
    ]
    return len(latin) >= 4 and sum(latin) * 2 > len(latin)


def plausible_typo(typed: str, word: str) -> bool:
    """Whether `typed` looks like a slip for `word` rather than another word.

    Dropped, doubled and swapped letters are typical slips. A changed letter often makes a
    different word ("chasing"/"ceasing"), so in short words it only counts between Arabic
    letters that dialect spelling confuses (ذ/ز, ث/ت, ض/ظ, ق/ك...).
    """
    if len(typed) != len(word) or len(word) >= 8:
        return True
    diffs = [(a, b) for a, b in zip(typed, word, strict=True) if a != b]
    if len(diffs) == 2 and diffs[0] == diffs[1][::-1]:
        return True  # two neighbouring letters swapped
    return len(diffs) == 1 and frozenset(diffs[0]) in _CONFUSABLE


# Letters that dialect spelling confuses (packs: engine.confusable_letters), and the consonants
# tried swapped in short words, each mapped to the letters typed in its place.
_CONFUSABLE = frozenset(frozenset(pair) for pair in packdata.all_words("confusable_letters"))
_SOUND_ALIKE: dict[str, str] = {}
for _pair in (p for language in packdata.ENGINES
              for p in packdata.sequence(language, "sound_alike_letters")):  # fmt: skip
    _SOUND_ALIKE[_pair[0]] = _SOUND_ALIKE.get(_pair[0], "") + _pair[1]
    _SOUND_ALIKE[_pair[1]] = _SOUND_ALIKE.get(_pair[1], "") + _pair[0]


def _sound_alike(norm: str) -> list[str]:
    """The word with one sound-alike consonant swapped, in every possible place."""
    if len(norm) < 4:
        return []
    return [
        norm[:i] + alt + norm[i + 1 :]
        for i, ch in enumerate(norm)
        for alt in _SOUND_ALIKE.get(ch, "")
    ]


def _collect(ids: set[int], table: dict[str, set[int]], keys: Iterable[str]) -> None:
    for key in keys:
        found = table.get(key)
        if found:
            ids.update(found)


def _prefixes(keys: frozenset[str]) -> set[str]:
    out: set[str] = set()
    for key in keys:
        out.update(key[:n] for n in range(_MIN_PREFIX, len(key) + 1))
    return out
