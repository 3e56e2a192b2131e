"""Language packs: word classes, per language, that the scorer reads clause by clause.

A pack is data (`packs/lang-<language>.yaml`, documented in its header): classes such as "I or
we, about to act" (future markers and verb prefixes across dialects), "the customer's duty or
omission", "the company's records", "policy words", with phrases, word prefixes and exceptions.
`clause_cues` says which classes each clause of an analysed reply holds, and in what scope
(negated, inside a question); the learned second opinion reads these cues beside the words, so
a linguist who adds a dialect's future marker improves every criterion that depends on it.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from itertools import compress
from pathlib import Path

import yaml

from app.scoring.analysis import Analysis, analyse

PACKS = Path(__file__).with_name("packs")
_MIN_STEM = 2  # letters a word must have beyond a prefix


class PackError(ValueError):
    """A language pack is not usable; the message names the file and the class."""


@dataclass(frozen=True)
class WordClass:
    name: str
    phrases: tuple[tuple[str, ...], ...]
    prefixes: tuple[str, ...]
    exceptions: frozenset[str]
    suffixes: tuple[str, ...] = ()
    # `except` entries written with a final * : no word beginning with one of these is claimed
    excepted_starts: tuple[str, ...] = ()

    def claims(self, word: str) -> bool:
        """Whether a prefix or suffix of the class claims one word (phrases are matched by the
        caller, across words)."""
        if word in self.exceptions or (
            self.excepted_starts and word.startswith(self.excepted_starts)
        ):
            return False
        return any(
            len(word) >= len(p) + _MIN_STEM and word.startswith(p) for p in self.prefixes
        ) or any(len(word) >= len(x) + _MIN_STEM and word.endswith(x) for x in self.suffixes)


def _words(text: str) -> tuple[str, ...]:
    """An entry as the scorer reads a reply: normalised tokens, contractions expanded."""
    return tuple(analyse(str(text)).norms)


_CLASS_KEYS = ("phrases", "prefixes", "suffixes", "except")

# A class phrase whose first word is "#" begins with any number: "# am" is "10 am", never the
# "am" of "I am".
NUMBER = "#"


def _phrase(entry) -> tuple[str, ...]:
    text = str(entry).strip()
    if text == NUMBER or text.startswith(NUMBER + " "):
        return (NUMBER, *_words(text[1:]))
    return _words(text)


def _read_class(path: Path, name: str, spec) -> WordClass:
    if not isinstance(spec, dict) or not set(spec) <= set(_CLASS_KEYS):
        raise PackError(
            f"{path}: {name}: needs phrases, prefixes, suffixes or except lists, nothing else"
        )
    for key in _CLASS_KEYS:
        entries = spec.get(key, [])
        if not isinstance(entries, list):
            raise PackError(f"{path}: {name}: {key} must be a list")
        for entry in entries:
            if not isinstance(entry, (str, int)) or not str(entry).strip():
                raise PackError(f"{path}: {name}: {key}: {entry!r} is not a word")
    phrases = tuple(p for p in map(_phrase, spec.get("phrases", [])) if p)
    if name.startswith("acts.") and any(NUMBER in p for p in phrases):
        raise PackError(f"{path}: {name}: '{NUMBER}' stands for a number in classes only")
    prefixes = tuple(w for x in spec.get("prefixes", []) for w in _words(x))
    suffixes = tuple(w for x in spec.get("suffixes", []) for w in _words(x))
    written = [str(x) for x in spec.get("except", [])]
    exceptions = frozenset(w for x in written if not x.endswith("*") for w in _words(x))
    starts = tuple(w for x in written if x.endswith("*") for w in _words(x[:-1]))
    if not phrases and not prefixes and not suffixes:
        raise PackError(f"{path}: {name}: an empty class")
    return WordClass(name, phrases, prefixes, exceptions, suffixes, starts)


def load_pack(path: Path) -> list[WordClass]:
    """The classes of one pack file; PackError names the file and class of a problem."""
    try:
        with open(path, encoding="utf-8") as fh:
            data = yaml.load(fh, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))  # noqa: S506
    except (OSError, yaml.YAMLError) as exc:
        raise PackError(f"{path}: cannot be read: {exc}") from None
    if not isinstance(data, dict) or not isinstance(data.get("classes"), dict):
        raise PackError(f"{path}: needs language, version and a classes mapping")
    if not isinstance(data.get("proclitics", []), list):
        raise PackError(f"{path}: proclitics must be a list")
    return [_read_class(path, name, spec) for name, spec in data["classes"].items()]


def load_proclitics(path: Path) -> tuple[str, ...]:
    """The pack's proclitics (letters looked through before a prefix), normalised."""
    with open(path, encoding="utf-8") as fh:
        data = yaml.load(fh, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))  # noqa: S506
    return tuple(w for x in (data or {}).get("proclitics") or [] for w in _words(x))


def check_packs(folder: Path = PACKS) -> list[str]:
    """Every problem of the language packs in a folder, as `file: class: message`."""
    problems = []
    for path in sorted(folder.glob("lang-*.yaml")):
        try:
            load_pack(path)
            load_proclitics(path)
            load_acts(path)
            _check_engine(path)
        except PackError as exc:
            problems.append(str(exc))
    return problems


# The speech-act markers every pack's `acts:` section must define (app/scoring/acts.py).
ACT_MARKERS = (
    "first_person",
    "second_person",
    "third_person",
    "future",
    "done",
    "now",
    "time",
    "conditional",
    "hypothetical",
    "request",
    "obligation",
)


@dataclass(frozen=True)
class ActMarkers:
    """One pack's speech-act markers: a word class per marker, and quotation mark pairs."""

    markers: dict[str, WordClass]
    quotes: tuple[tuple[str, str], ...]
    # first letter of an imperfect verb -> the person marker it carries
    imperfect_persons: dict[str, str]


def load_acts(path: Path) -> ActMarkers:
    """The `acts:` section of one pack; PackError names the file and the section."""
    data = _read_yaml(path)
    acts = data.get("acts")
    if not isinstance(acts, dict):
        raise PackError(f"{path}: acts: must be a mapping of speech-act markers")
    unknown = sorted(set(acts) - set(ACT_MARKERS) - {"quotes", "imperfect_persons"})
    if unknown:
        raise PackError(
            f"{path}: acts.{unknown[0]}: unknown marker (known: {', '.join(ACT_MARKERS)})"
        )
    markers = {}
    for name in ACT_MARKERS:
        if name not in acts:
            raise PackError(f"{path}: acts.{name}: missing")
        markers[name] = _read_class(path, f"acts.{name}", acts[name])
    quotes = acts.get("quotes", [])
    if not isinstance(quotes, list):
        raise PackError(f"{path}: acts.quotes: must be a list of two-character strings")
    for pair in quotes:
        if not isinstance(pair, str) or len(pair) != 2:
            raise PackError(
                f"{path}: acts.quotes: {pair!r} must be two characters, opening then closing"
            )
    persons = acts.get("imperfect_persons", {})
    if not isinstance(persons, dict) or not set(persons) <= {
        "first_person",
        "second_person",
        "third_person",
    }:
        raise PackError(
            f"{path}: acts.imperfect_persons: must map first_person, second_person or "
            "third_person to lists of letters"
        )
    letters = {}
    for person, entries in persons.items():
        if not isinstance(entries, list) or not all(
            isinstance(x, str) and len(x) == 1 for x in entries
        ):
            raise PackError(f"{path}: acts.imperfect_persons.{person}: must be a list of letters")
        letters.update((letter, person) for letter in entries)
    return ActMarkers(markers, tuple((q[0], q[1]) for q in quotes), letters)


def _read_yaml(path: Path) -> dict:
    try:
        with open(path, encoding="utf-8") as fh:
            data = yaml.load(fh, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))  # noqa: S506
    except (OSError, yaml.YAMLError) as exc:
        raise PackError(f"{path}: cannot be read: {exc}") from None
    if not isinstance(data, dict):
        raise PackError(f"{path}: must be a mapping")
    return data


def _check_engine(path: Path) -> None:
    """The rule engine's word lists (app/scoring/packdata.py): lists of words, or mappings."""
    with open(path, encoding="utf-8") as fh:
        data = yaml.load(fh, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))  # noqa: S506
    engine = (data or {}).get("engine")
    if not isinstance(engine, dict):
        raise PackError(f"{path}: engine: must be a mapping of word lists")
    for key, value in engine.items():
        if not isinstance(value, (list, dict)) or not value:
            raise PackError(f"{path}: engine.{key}: must be a non-empty list or mapping")
    _check_amounts(path, engine)


# The units the engine can compare amounts in (app/scoring/lexicon.py UNITS).
_UNIT_NAMES = ("minute", "hour", "day", "week", "month", "year", "riyal", "megabit", "gigabyte")
_UNIT_NAMES += ("time",)


def _check_amounts(path: Path, engine: dict) -> None:
    """The engine's unit words, amounts and letter pairs have the shape lexicon.py and
    index.py read."""

    def unit(where: str, name) -> None:
        if name not in _UNIT_NAMES:
            raise PackError(f"{path}: engine.{where}: unknown unit {name!r}")

    def amount(where: str, spec) -> None:
        if not (isinstance(spec, list) and len(spec) == 2 and isinstance(spec[0], (int, float))):
            raise PackError(f"{path}: engine.{where}: must be [amount, unit]")
        unit(where, spec[1])

    for name, words in (engine.get("units") or {}).items():
        unit("units", name)
        if not isinstance(words, list):
            raise PackError(f"{path}: engine.units.{name}: must be a list of words")
    for word, spec in (engine.get("implied_amounts") or {}).items():
        amount(f"implied_amounts.{word}", spec)
    for pair, spec in (engine.get("implied_pairs") or {}).items():
        if len(str(pair).split()) != 2:
            raise PackError(f"{path}: engine.implied_pairs.{pair}: must be two words")
        amount(f"implied_pairs.{pair}", spec)
    for word, name in (engine.get("rough_half_units") or {}).items():
        unit(f"rough_half_units.{word}", name)
    for key in ("confusable_letters", "sound_alike_letters"):
        for pair in engine.get(key) or []:
            if not isinstance(pair, str) or len(pair) != 2:
                raise PackError(f"{path}: engine.{key}: {pair!r} must be two letters")


@dataclass(frozen=True)
class _Lookup:
    """All packs merged: first word -> [(class, phrase)], and prefixes by their first letter."""

    phrases: dict[str, list[tuple[str, tuple[str, ...]]]]
    prefixes: list[tuple[str, str, frozenset[str]]]
    proclitics: tuple[str, ...]


@lru_cache(maxsize=1)
def _lookup() -> _Lookup:
    phrases: dict[str, list[tuple[str, tuple[str, ...]]]] = {}
    prefixes: list[tuple[str, str, frozenset[str]]] = []
    proclitics: tuple[str, ...] = ()
    for path in sorted(PACKS.glob("lang-*.yaml")):
        proclitics += load_proclitics(path)
        for word_class in load_pack(path):
            for phrase in word_class.phrases:
                phrases.setdefault(phrase[0], []).append((word_class.name, phrase))
            prefixes += [(word_class.name, p, word_class.exceptions) for p in word_class.prefixes]
    return _Lookup(phrases, prefixes, proclitics)


@lru_cache(maxsize=65536)
def _prefix_classes(word: str) -> tuple[str, ...]:
    """Classes whose prefix begins the word, or the word after a proclitic ("و" + "سأتصل")."""
    lookup = _lookup()
    forms = [word] + [
        word[len(c) :] for c in lookup.proclitics if word.startswith(c) and len(word) > len(c) + 2
    ]
    return tuple(
        name
        for name, prefix, exceptions in lookup.prefixes
        for form in forms
        if len(form) >= len(prefix) + _MIN_STEM
        and form.startswith(prefix)
        and form not in exceptions
    )


def clause_cues(a: Analysis) -> list[set[str]]:
    """For each clause of the reply, the classes it holds; a class found negated is marked
    "<class>@neg", inside a question "<class>@q"."""
    norms = a.norms
    if not norms:
        return []
    cues: list[set[str]] = [set() for _ in range(a.clause[-1] + 1)]
    # most words hold no cue: only those that may (kept per word) are visited
    infos = list(map(_CUE_WORDS.get, norms))
    if None in infos:
        infos = [
            _cue_word(w) if info is None else info for info, w in zip(infos, norms, strict=True)
        ]
    clause, in_question, negated = a.clause, a.in_question, a.negated_flags()
    last = len(norms) - 1
    for i in compress(range(len(norms)), infos):
        by_scope, by_next = infos[i]
        scope = 1 if in_question[i] else 2 if negated[i] else 0
        if by_scope[scope]:
            cues[clause[i]].update(by_scope[scope])
        if by_next and i < last:
            for name, phrase in by_next.get(norms[i + 1], ()):
                end = i + len(phrase)
                if tuple(norms[i:end]) == phrase and clause[end - 1] == clause[i]:
                    cues[clause[i]].add(name + _SCOPES[scope])
    return cues


_SCOPES = ("", "@q", "@neg")


# per word: (the classes it holds on its own, by a prefix or as a one-word phrase, as they
# are named plain, in a question and negated; the longer phrases starting with it by their
# second word), or () when it starts none
_CUE_WORDS: dict[str, tuple] = {}


def _cue_word(word: str) -> tuple:
    if len(_CUE_WORDS) >= 65536:
        _CUE_WORDS.clear()
    classes = list(_prefix_classes(word))
    by_next: dict[str, list[tuple[str, tuple[str, ...]]]] = {}
    phrases = _lookup().phrases
    entries = phrases.get(word, [])
    if word.isdigit():  # phrases written "# <word>" begin with any number
        entries = entries + [(name, (word, *p[1:])) for name, p in phrases.get(NUMBER, ())]
    for name, phrase in entries:
        if len(phrase) == 1:
            classes.append(name)
        else:
            by_next.setdefault(phrase[1], []).append((name, phrase))
    by_scope = tuple(tuple(name + scope for name in classes) for scope in _SCOPES)
    info = (by_scope, by_next) if classes or by_next else ()
    _CUE_WORDS[word] = info
    return info


def cue_features(a: Analysis) -> list[str]:
    """Feature names from the clause cues: each class, and each pair of classes that stand in
    the same clause (a first-person future with a time; the customer with a duty)."""
    out = []
    for cues in clause_cues(a):
        out += clause_cue_names(cues)
    return out


def clause_cue_names(cues: set[str] | frozenset[str]) -> list[str]:
    """The feature names of one clause's cues (see cue_features)."""
    ordered = sorted(cues)
    return ["k:" + c for c in ordered] + [
        f"k:{x}&{y}" for n, x in enumerate(ordered) for y in ordered[n + 1 :]
    ]
