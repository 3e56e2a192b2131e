"""Negators, clause breaks and question cues in Arabic (MSA and dialects) and English.

The words are data in the language packs (app/scoring/packdata.py); these functions decide
with them whether a match is negated ("I won't transfer you", "مش هحولك") and whether it
sits inside a question ("would you like a refund?"), where an offer is not yet a commitment.
"""

from __future__ import annotations

from app.scoring import packdata

NEGATION_WINDOW = 5

_EN_NEGATORS = packdata.words("en", "negators")
_AR_NEGATORS = packdata.words("ar", "negators")
# "ما" after these words is a conjunction ("بعد ما"، "كل ما"، "أول ما"), not a negator.
_MA_CONJUNCTIONS = packdata.words("ar", "ma_conjunctions")
_EN_NOT_AFTER = packdata.words("en", "not_negating_before")
_CIRCUMFIX_EXCEPTIONS = packdata.words("ar", "circumfix_exceptions")

_CANDIDATES = _EN_NEGATORS | _AR_NEGATORS | {"و" + w for w in _AR_NEGATORS}
_CANDIDATES |= {"ف" + w for w in _AR_NEGATORS}

CLAUSE_BREAK_WORDS = packdata.all_words("clause_breaks")
_EN_QUESTION_CUES = packdata.words("en", "question_cues")
_AR_QUESTION_CUES = packdata.words("ar", "question_cues")
_AR_OPENING_QUESTION_CUES = packdata.words("ar", "opening_question_cues")


# "rather than passing you on", "instead of blaming you": the second word opens a negation
_EN_PAIR_NEGATORS = {k: str(v) for k, v in packdata.mapping("en", "pair_negators").items()}


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
