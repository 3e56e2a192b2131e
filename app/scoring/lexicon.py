"""Word-level language knowledge: contractions, number words, light stemming, clitics.

A token is reduced to a small set of keys; a pattern term matches a token when its key is in
that set. English keys are the word and its Snowball stem. Arabic keys are the word and the
forms left after stripping clitics (conjunctions, prepositions, the article, future and
aspect markers, attached pronouns), because Arabic glues them onto the word. The words are
data in the language packs (app/scoring/packdata.py).
"""

from __future__ import annotations

import threading
from functools import lru_cache

import snowballstemmer

from app.scoring import packdata
from app.scoring.normalize import is_arabic, is_number

_NOT_FORMS = {k: str(v).split() for k, v in packdata.mapping("en", "contractions").items()}
_SUFFIX_FORMS = {k: str(v) for k, v in packdata.mapping("en", "contraction_endings").items()}
_S_PRONOUNS = packdata.words("en", "is_after")
# Apostrophe-less spellings and chat abbreviations that agents really type.
_SHORTHAND = {k: str(v) for k, v in packdata.mapping("en", "shorthand").items()}
_EN_NUMBERS = {k: str(v) for k, v in packdata.mapping("en", "number_words").items()}
_AR_NUMBERS = {
    str(w): n for n, spellings in packdata.mapping("ar", "number_words").items() for w in spellings
}
# Clitics, longest first so the most specific strip is tried before the shorter one.
_AR_CONJ = packdata.sequence("ar", "conjunctions")
_AR_PREFIXES = packdata.sequence("ar", "prefixes")
_AR_SUFFIXES = packdata.sequence("ar", "suffixes")
_MIN_AR_STEM = 2


@lru_cache(maxsize=65536)
def expand_english_cached(norm: str) -> tuple[str, ...]:
    """expand_english, cached, as a tuple."""
    return tuple(expand_english(norm))


@lru_cache(maxsize=65536)
def number_of(norm: str) -> str | None:
    """The number a normalised word stands for ("5", "خمسه", "five"), or None."""
    if is_number(norm):
        return norm
    return next((k for k in sorted(token_keys(norm)) if is_number(k)), None)


def expand_english(norm: str) -> list[str]:
    """Expand contractions and chat shorthand into plain words ("won't" -> will, not)."""
    if norm in _NOT_FORMS:
        return list(_NOT_FORMS[norm])
    if "'" in norm:
        return _expand_apostrophe(norm)
    if norm in _SHORTHAND:
        return _SHORTHAND[norm].split()
    return [norm]


def _expand_apostrophe(norm: str) -> list[str]:
    if norm.endswith("n't"):
        return [norm[:-3], "not"]
    for suffix, word in _SUFFIX_FORMS.items():
        if norm.endswith(suffix):
            return [norm[: -len(suffix)], word]
    if norm.endswith("'s"):
        base = norm[:-2]
        return [base, "is"] if base in _S_PRONOUNS else [base]
    if norm == "let's":
        return ["let", "us"]
    return [norm.replace("'", "")]


def canonical_number(word: str) -> str | None:
    """The digits a number word stands for, in English or Arabic, or None."""
    return _EN_NUMBERS.get(word) or _AR_NUMBERS.get(word)


_STEMMER = snowballstemmer.stemmer("english")
_STEMMER_LOCK = threading.Lock()  # a Snowball stemmer keeps its working state between calls


@lru_cache(maxsize=65536)
def english_stem(word: str) -> str:
    """The English Snowball (Porter2) stem of a word, so "apologised", "apologising" and
    "apologise" share a key. Patterns and replies go through the same function; each word is
    stemmed once per process (cached), by PyStemmer's C build where it is installed (as the
    requirements pin it; the same stems as snowballstemmer's Python on the 7,684 English words
    of the corpus and rubrics). Words of three letters or fewer, and words with anything but
    letters, are kept as they are."""
    if len(word) <= 3 or not word.isalpha():
        return word
    with _STEMMER_LOCK:
        return _STEMMER.stemWord(word)


@lru_cache(maxsize=65536)
def token_keys(norm: str) -> frozenset[str]:
    """All keys a normalised token can be matched by."""
    if is_number(norm) or not norm:
        return frozenset((norm,))
    if is_arabic(norm):
        return arabic_variants(norm)
    keys = {norm, english_stem(norm)}
    number = _EN_NUMBERS.get(norm)
    if number:
        keys.add(number)
    return frozenset(keys)


def arabic_variants(norm: str) -> frozenset[str]:
    """The word plus the forms left after stripping clitics (never below two letters)."""
    cores = {norm}
    for conj_free in _strip_conj(norm):
        cores.add(conj_free)
        cores.update(_strip_prefix(conj_free))
    out = set(cores)
    for core in cores:
        out.update(_strip_suffix(core))
    numbers = {_AR_NUMBERS[v] for v in out if v in _AR_NUMBERS}
    return frozenset(out | numbers)


def _strip_conj(word: str) -> list[str]:
    forms = [word]
    if word[0] in _AR_CONJ and len(word) - 1 >= _MIN_AR_STEM:
        forms.append(word[1:])
    return forms


def _strip_prefix(word: str) -> list[str]:
    out = []
    for prefix in _AR_PREFIXES:
        rest = word[len(prefix) :]
        if word.startswith(prefix) and len(rest) >= _MIN_AR_STEM:
            out.append(rest)
    return out


def _strip_suffix(word: str) -> list[str]:
    out = []
    for suffix in _AR_SUFFIXES:
        rest = word[: -len(suffix)]
        if word.endswith(suffix) and len(rest) >= _MIN_AR_STEM + 1:
            out.append(rest)
    return out


def term_key(norm: str) -> str:
    """The key a plain pattern word is matched by: stem for English, the word for Arabic."""
    number = canonical_number(norm)
    if number:
        return number
    if is_arabic(norm) or is_number(norm):
        return norm
    return english_stem(norm)


# Units whose amounts can be compared across wordings: (group, size in the group's base unit).
# Durations are in minutes, so "two weeks" and "14 days" are the same quantity. The words are in
# the packs (engine: units, implied_amounts, implied_pairs, rough_halves, rough_half_units).
_MINUTE, _HOUR, _DAY, _WEEK = 1.0, 60.0, 1440.0, 10080.0
_MONTH, _YEAR = 43200.0, 525600.0
UNITS: dict[str, tuple[str, float]] = {
    "minute": ("time", _MINUTE),
    "hour": ("time", _HOUR),
    "day": ("time", _DAY),
    "week": ("time", _WEEK),
    "month": ("time", _MONTH),
    "year": ("time", _YEAR),
    "riyal": ("money", 1.0),
    "megabit": ("speed", 1.0),
    "gigabyte": ("data", 1.0),
    "time": ("times", 1.0),
}


def _unit(path: str, name: object) -> tuple[str, float]:
    if name not in UNITS:
        raise ValueError(f"{path}: unknown unit {name!r} (known: {', '.join(UNITS)})")
    return UNITS[str(name)]


def _amount(path: str, spec: object) -> tuple[str, float]:
    if not isinstance(spec, list) or len(spec) != 2 or not isinstance(spec[0], (int, float)):
        raise ValueError(f"{path}: must be [amount, unit]")
    group, size = _unit(path, spec[1])
    return group, spec[0] * size


_UNIT_SCALE: dict[str, tuple[str, float]] = {}
# Words that carry a number and a unit at once: Arabic duals and a few fixed phrases.
_IMPLIED: dict[str, tuple[str, float]] = {}
_IMPLIED_PAIRS: dict[tuple[str, str], tuple[str, float]] = {}
for _language in packdata.ENGINES:
    for _name, _words in packdata.mapping(_language, "units").items():
        for _word in _words or ():
            _UNIT_SCALE[str(_word)] = _unit(f"lang-{_language}: engine.units", _name)
    for _word, _spec in packdata.mapping(_language, "implied_amounts").items():
        _IMPLIED[_word] = _amount(f"lang-{_language}: engine.implied_amounts.{_word}", _spec)
    for _pair, _spec in packdata.mapping(_language, "implied_pairs").items():
        _first, _second = _pair.split()
        _where = f"lang-{_language}: engine.implied_pairs.{_pair}"
        _IMPLIED_PAIRS[(_first, _second)] = _amount(_where, _spec)
# "a week and a half" (اسبوع ونص) is said loosely, so it is compared with some tolerance
ROUGH_WORDS = packdata.all_words("rough_halves")
for _language in packdata.ENGINES:
    for _word, _name in packdata.mapping(_language, "rough_half_units").items():
        _group, _size = _unit(f"lang-{_language}: engine.rough_half_units", _name)
        for _half in packdata.words(_language, "rough_halves"):
            _IMPLIED_PAIRS[(_word, _half)] = (_group, 1.5 * _size)


def unit_scale(norm: str) -> tuple[str, float] | None:
    """(group, size) for a unit word, or None when it cannot be compared with other units."""
    return _UNIT_SCALE.get(norm) or _UNIT_SCALE.get(english_stem(norm))


def implied_quantity(norm: str, nxt: str, keys: frozenset[str]) -> tuple[int, str, float] | None:
    """(words used, group, value) when a word (or it and the next) states a quantity by itself:
    "يومين" (two days), "نص ساعة" (half an hour), "fortnight"."""
    if norm in _PAIR_FIRSTS:
        pair = _IMPLIED_PAIRS.get((norm, nxt))
        if pair:
            return 2, pair[0], pair[1]
    if keys.isdisjoint(_IMPLIED_KEYS):
        return None
    if norm in _IMPLIED:
        return 1, *_IMPLIED[norm]
    if is_arabic(norm):
        key = min(keys & _IMPLIED_KEYS)
        return 1, *_IMPLIED[key]
    return None


_IMPLIED_KEYS = frozenset(_IMPLIED)
_PAIR_FIRSTS = frozenset(first for first, _ in _IMPLIED_PAIRS)


def may_imply_quantity(norm: str, keys: frozenset[str]) -> bool:
    """Whether implied_quantity can find something at this word (a cheap test made once)."""
    return norm in _PAIR_FIRSTS or not keys.isdisjoint(_IMPLIED_KEYS)
