"""Negators, clause breaks and question cues in Arabic (MSA and dialects) and English.

These decide whether a match is negated ("I won't transfer you", "مش هحولك") and whether it
sits inside a question ("would you like a refund?"), where an offer is not yet a commitment.
"""

from __future__ import annotations

NEGATION_WINDOW = 5

_EN_NEGATORS = frozenset({"not", "no", "never", "nothing", "nobody", "none", "neither", "nor"})
_AR_NEGATORS = frozenset(
    [
        "ما",
        "مش",
        "مو",
        "مب",
        "موب",
        "ليس",
        "ليست",
        "لست",
        "لسنا",
        "لن",
        "لا",
        "لم",
        "مافي",
        "مافيه",
        "ماني",
        "مانيش",
        "محد",
        "محدش",
        "ماحد",
        "مهوش",
        "مهيش",
        "مارح",
        "ماراح",
        "مابي",
        "ولا",
    ]
)
# "ما" after these words is a conjunction ("بعد ما"، "كل ما"، "أول ما"), not a negator.
_MA_CONJUNCTIONS = frozenset(
    [
        "كل",
        "بعد",
        "اول",
        "حسب",
        "مثل",
        "زي",
        "قبل",
        "عند",
        "لما",
        "بين",
        "الا",
        "حين",
        "طالما",
        "مهما",
        "بما",
        "فيما",
    ]
)
_EN_NOT_AFTER = frozenset({"only", "matter", "doubt", "later", "longer"})
_CIRCUMFIX_EXCEPTIONS = frozenset(["مشمش", "معاش", "منعش", "مغشوش", "مدهش", "مفتش", "مرعش"])

_CANDIDATES = _EN_NEGATORS | _AR_NEGATORS | {"و" + w for w in _AR_NEGATORS}
_CANDIDATES |= {"ف" + w for w in _AR_NEGATORS}

CLAUSE_BREAK_WORDS = frozenset(
    [
        "but",
        "however",
        "although",
        "though",
        "yet",
        "بس",
        "لكن",
        "ولكن",
        "لكنه",
        "لكنها",
        "بل",
        "انما",
        "وانما",
    ]
)

_EN_QUESTION_CUES = frozenset(
    [
        "what",
        "which",
        "how",
        "would",
        "do",
        "does",
        "did",
        "shall",
        "should",
        "could",
        "can",
        "is",
        "are",
        "or",
        "when",
        "where",
        "who",
        "whether",
    ]
)
_AR_QUESTION_CUES = frozenset(
    [
        "هل",
        "شو",
        "ايش",
        "وش",
        "ايه",
        "اي",
        "ايهما",
        "انهي",
        "ماذا",
        "متى",
        "كيف",
        "ليش",
        "لماذا",
        "ولا",
        "او",
        "ام",
        "تحب",
        "تبي",
        "بدك",
        "تفضل",
        "بتفضل",
        "بتحب",
        "يناسبك",
        "بيناسبك",
        "ترغب",
        "تريد",
        "عايز",
        "عاوز",
        "حابب",
        "تحبي",
    ]
)
_AR_OPENING_QUESTION_CUES = frozenset({"ما", "شنو", "وشو"})


# "rather than passing you on", "instead of blaming you": the second word opens a negation
_EN_PAIR_NEGATORS = {"than": "rather", "of": "instead"}


def may_negate(norm: str) -> bool:
    """Whether a word can be a negator in some context (a cheap test made once per word)."""
    return norm in _CANDIDATES or norm[:1] == "م" or norm in _EN_PAIR_NEGATORS


def is_negator(norm: str, prev: str, nxt: str) -> bool:
    """Whether a token opens a negation scope, given its neighbours."""
    if norm not in _CANDIDATES and norm[:1] != "م":
        return prev != "" and _EN_PAIR_NEGATORS.get(norm) == prev
    if norm in _EN_NEGATORS:
        return nxt not in _EN_NOT_AFTER
    if norm in _AR_NEGATORS:
        return not (norm == "ما" and prev in _MA_CONJUNCTIONS)
    if norm[:1] in ("و", "ف") and norm[1:] in _AR_NEGATORS:
        return True
    return _is_egyptian_circumfix(norm)


def _is_egyptian_circumfix(norm: str) -> bool:
    # Egyptian and Levantine wrap a verb in ما...ش: "مقدرش"، "مبيسمحش"، "ماقدرتش"
    return (
        len(norm) >= 4 and norm[0] == "م" and norm[-1] == "ش" and norm not in _CIRCUMFIX_EXCEPTIONS
    )


def is_clause_break(norm: str) -> bool:
    """Whether a word ends the scope of a negation that came before it."""
    return norm in CLAUSE_BREAK_WORDS


def is_question_cue(norm: str, keys: frozenset[str], first_in_sentence: bool) -> bool:
    """Whether a token opens the asking part of a question sentence."""
    if norm in _EN_QUESTION_CUES:
        return True
    if first_in_sentence and norm in _AR_OPENING_QUESTION_CUES:
        return True
    return not keys.isdisjoint(_AR_QUESTION_CUES)
