"""Speech acts: for each clause of an analysed reply, who acts and how.

Who acts (the agent as I or we, the customer as you, or a third party: a colleague, a team, the
records, the page), when (done, now, or about to; with a time or not), in what mood (a question,
a request, a condition, a hypothesis, a duty), whether the clause is negated and whether it is
quoted. The markers are data in the language packs' `acts:` sections (future prefixes of every
dialect, "I'll", "we've", conditionals, quotation marks, ...); this module only reads them.

The rule stage uses the acts: a criterion may set aside candidates whose clause is not a firm
act of the agent (`reject_acts` in the rubric: "if you send the photos, we will refund you",
"the courier will call you"), and a pattern may count only in a clause that is a given act
(`acts: commitment`). The explanation names the act that set a candidate aside.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

from app.scoring.analysis import Analysis
from app.scoring.language import PACKS, load_acts, load_proclitics

PERSONS = {"first_person": "first", "second_person": "second", "third_person": "third"}
ASPECTS = ("future", "done", "now")  # the first one a clause holds is its aspect
MODALITIES = ("conditional", "request", "hypothetical", "obligation")  # likewise, after question
# the reasons a criterion can set candidates aside for (rubric field `reject_acts`)
REASONS = {
    "conditional": "conditional",
    "hypothetical": "hypothetical",
    "request": "a request to the customer",
    "quoted": "quoted",
    "third_party": "refers to a third party",
    "second_person": "the customer acts, not the agent",
}
# what a pattern can require of its clause (rubric pattern option `acts`)
REQUIRED_ACTS = ("commitment", "customer_fault")
# a conditional that opens its clause ("If you send the photos, we will...") governs the next
# clause of the sentence too; it may follow this many words ("and if", "و لو")
_OPENING = 2


@dataclass(frozen=True, slots=True)
class ClauseAct:
    """The act of one clause: tokens first..last of the reply."""

    first: int
    last: int
    person: str  # first / second / third / "" (no marker)
    aspect: str  # future / done / now / ""
    timed: bool
    modality: str  # question / conditional / request / hypothetical / obligation / ""
    negated: bool
    quoted: bool
    markers: frozenset[str]

    @property
    def commitment(self) -> bool:
        """A firm act of the agent: I or we, done or about to be done, stated plainly."""
        return (
            self.person == "first"
            and self.aspect != ""
            and self.modality == ""
            and not self.negated
            and not self.quoted
        )

    @property
    def customer_fault(self) -> bool:
        """The customer made the agent of a failure: "you should have", "you didn't", "if you
        had read", or the records or the page set against "you"."""
        you = self.person == "second" or (
            self.person == "third" and "second_person" in self.markers
        )
        if self.quoted or not you:
            return False
        if self.modality == "obligation":
            return True
        if self.aspect == "done" and (self.modality == "conditional" or self.negated):
            return True  # "if you had read the terms", "you didn't answer the door"
        return self.person == "third"  # "our records show you..."

    def reason(self, reject: tuple[str, ...]) -> str | None:
        """Why a candidate in this clause is set aside, among the `reject` reasons, or None."""
        for name in reject:
            if (
                (name == "quoted" and self.quoted)
                or (name in ("conditional", "hypothetical", "request") and self.modality == name)
                or (
                    name == "third_party"
                    and self.person == "third"
                    and "first_person" not in self.markers
                )
                or (name == "second_person" and self.person == "second")
            ):
                return REASONS[name]
        return None

    def is_(self, required: str) -> bool:
        """Whether the clause is the act a pattern requires (one of REQUIRED_ACTS)."""
        return self.commitment if required == "commitment" else self.customer_fault

    def why_not(self, required: str) -> str:
        """Why the clause is not the act a pattern requires, in the words of the explanation."""
        if self.quoted:
            return "quoted"
        if self.modality == "question":
            return "a question"
        if self.negated:
            return "negated"
        if self.modality:
            return REASONS.get(self.modality, self.modality)
        if required == "commitment":
            if self.person == "third":
                return "refers to a third party"
            if self.person == "second":
                return REASONS["second_person"]
            return "not a done or promised act of the agent"
        return "does not make the customer the one at fault"


@dataclass(frozen=True)
class _Lookup:
    phrases: dict[str, list[tuple[str, tuple[str, ...]]]]
    affixes: list  # (marker, WordClass) for the markers with prefixes or suffixes
    proclitics: tuple[str, ...]
    quotes: dict[str, str]  # opening -> closing
    particles: frozenset[str]  # one-word future markers ("رح", "will")
    imperfect: dict[str, str]  # first letter of the verb after a particle -> person marker


@lru_cache(maxsize=1)
def _lookup() -> _Lookup:
    phrases: dict[str, list[tuple[str, tuple[str, ...]]]] = {}
    affixes = []
    proclitics: tuple[str, ...] = ()
    quotes: dict[str, str] = {}
    imperfect: dict[str, str] = {}
    for path in sorted(PACKS.glob("lang-*.yaml")):
        proclitics += load_proclitics(path)
        acts = load_acts(path)
        quotes.update(acts.quotes)
        imperfect.update(acts.imperfect_persons)
        for name, word_class in acts.markers.items():
            for phrase in word_class.phrases:
                phrases.setdefault(phrase[0], []).append((name, phrase))
            if word_class.prefixes or word_class.suffixes:
                affixes.append((name, word_class))
    particles = frozenset(
        p[0] for name, p in phrases_of(phrases) if name == "future" and len(p) == 1
    )
    return _Lookup(phrases, affixes, proclitics, quotes, particles, imperfect)


def phrases_of(phrases: dict[str, list[tuple[str, tuple[str, ...]]]]):
    """Every (marker, phrase) of a first-word table."""
    return [entry for entries in phrases.values() for entry in entries]


# per word: (markers its affixes carry, phrases that start with it, whether it is a future
# particle); most words are none of these and share _PLAIN
_WordInfo = tuple[tuple[str, ...], tuple[tuple[str, tuple[str, ...]], ...], bool]
_PLAIN: _WordInfo = ((), (), False)
_CACHE_LIMIT = 65536


_WORDS: dict[str, _WordInfo] = {}


def _word_info(lookup: _Lookup, word: str) -> _WordInfo:
    if len(_WORDS) >= _CACHE_LIMIT:
        _WORDS.clear()
    info = (_affix_markers(word), tuple(lookup.phrases.get(word, ())), word in lookup.particles)
    return info if any(info) else _PLAIN


@lru_cache(maxsize=65536)
def _affix_markers(word: str) -> tuple[str, ...]:
    """Markers a word carries in itself ("سأتصل": first person, future), also after a
    proclitic ("وسأتصل")."""
    lookup = _lookup()
    forms = [word] + [
        word[len(c) :] for c in lookup.proclitics if word.startswith(c) and len(word) > len(c) + 2
    ]
    return tuple(
        name for name, word_class in lookup.affixes if any(word_class.claims(f) for f in forms)
    )


def clause_acts(a: Analysis) -> list[ClauseAct]:
    """The act of every clause of the reply, by clause id (computed once per analysis)."""
    if a.acts is None:
        a.acts = _clause_acts(a)
    return a.acts


def act_at(a: Analysis, token: int) -> ClauseAct:
    """The act of the clause that holds a token."""
    return clause_acts(a)[a.clause[token]]


def _clause_acts(a: Analysis) -> list[ClauseAct]:
    norms, clause = a.norms, a.clause
    if not norms:
        return []
    lookup = _lookup()
    count = clause[-1] + 1
    found: list[dict[str, int]] = [{} for _ in range(count)]  # marker -> first position
    words = _WORDS
    after_particle = False
    for i, word in enumerate(norms):
        info = words.get(word)
        if info is None:
            info = words[word] = _word_info(lookup, word)
        if info is _PLAIN and not after_particle:
            continue
        here = found[clause[i]]
        if after_particle and i and clause[i - 1] == clause[i]:
            person = lookup.imperfect.get(word[:1])
            if person:
                here.setdefault(person, i)
        after_particle = info[2]
        for name in info[0]:
            here.setdefault(name, i)
        if not info[1]:
            continue
        # the longest phrase that starts here decides ("لو سمحت" is a request, not "لو" a
        # condition; "you have to" a duty, not "have" a done act)
        longest, names = 0, []
        for name, phrase in info[1]:
            end = i + len(phrase)
            if end <= len(norms) and clause[end - 1] == clause[i] and tuple(norms[i:end]) == phrase:
                if len(phrase) > longest:
                    longest, names = len(phrase), [name]
                elif len(phrase) == longest:
                    names.append(name)
        for name in names:
            here.setdefault(name, i)
    bounds = _bounds(clause, count)
    quoted = _quoted_tokens(a, lookup.quotes)
    numbers = {clause[i] for i in a.numbers}
    out = []
    inherited = False  # the previous clause opened with a condition
    for c, (first, last) in enumerate(bounds):
        markers = found[c]
        modality = _modality(a, first, last, markers)
        if not modality and inherited and a.sentence[first] == a.sentence[first - 1]:
            modality = "conditional"
        inherited = markers.get("conditional", last + 1) - first < _OPENING
        people = [(pos, PERSONS[m]) for m, pos in markers.items() if m in PERSONS]
        out.append(
            ClauseAct(
                first=first,
                last=last,
                person=min(people)[1] if people else "",
                aspect=next((m for m in ASPECTS if m in markers), ""),
                timed="time" in markers or c in numbers,
                modality=modality,
                negated=any(a.negator[first : last + 1]),
                quoted=bool(quoted) and all(i in quoted for i in range(first, last + 1)),
                markers=frozenset(markers),
            )
        )
    return out


def _modality(a: Analysis, first: int, last: int, markers: dict[str, int]) -> str:
    if any(a.in_question[first : last + 1]):
        return "question"
    return next((m for m in MODALITIES if m in markers), "")


def _bounds(clause: list[int], count: int) -> list[tuple[int, int]]:
    """(first, last) token of every clause id."""
    out = [(0, 0)] * count
    start = 0
    for i in range(1, len(clause) + 1):
        if i == len(clause) or clause[i] != clause[start]:
            out[clause[start]] = (start, i - 1)
            start = i
    return out


def _quoted_tokens(a: Analysis, quotes: dict[str, str]) -> set[int]:
    """Tokens that stand between an opening and its closing quotation mark."""
    text = a.text
    if not any(mark in text for mark in quotes):
        return set()
    ranges = []
    opened: tuple[int, str] | None = None
    for pos, ch in enumerate(text):
        if opened is not None and ch == opened[1]:
            ranges.append((opened[0], pos))
            opened = None
        elif opened is None and ch in quotes:
            opened = (pos, quotes[ch])
    return {i for i, (start, _) in enumerate(a.spans) if any(lo < start < hi for lo, hi in ranges)}
