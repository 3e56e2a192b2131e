"""One reply, analysed once: tokens with offsets, keys, clauses, negators and question scope."""

from __future__ import annotations

from dataclasses import dataclass, field

from app.scoring.lexicon import expand_english, token_keys
from app.scoring.negation import (
    NEGATION_WINDOW,
    is_clause_break,
    is_negator,
    is_question_cue,
)
from app.scoring.normalize import is_arabic, segment


@dataclass(slots=True)
class Analysis:
    """Parallel per-token lists for one text; index i describes token i."""

    text: str
    norms: list[str] = field(default_factory=list)
    spans: list[tuple[int, int]] = field(default_factory=list)
    upper: list[bool] = field(default_factory=list)
    keys: list[frozenset[str]] = field(default_factory=list)
    sentence: list[int] = field(default_factory=list)
    clause: list[int] = field(default_factory=list)
    negator: list[bool] = field(default_factory=list)
    in_question: list[bool] = field(default_factory=list)

    def __len__(self) -> int:
        return len(self.norms)

    def surface(self, i: int) -> str:
        """The token as it was typed."""
        start, end = self.spans[i]
        return self.text[start:end]

    def negated_before(self, start: int, window: int = NEGATION_WINDOW) -> bool:
        """Whether a negator governs the token at `start` (same clause, a few words back)."""
        clause = self.clause[start]
        for i in range(start - 1, max(-1, start - 1 - window), -1):
            if self.clause[i] != clause or is_clause_break(self.norms[i]):
                return False
            if self.negator[i]:
                return True
        return False

    def negated_inside(self, tokens: tuple[int, ...]) -> bool:
        """Whether a negator sits in a gap between matched tokens ("you did nothing wrong")."""
        if tokens[-1] - tokens[0] + 1 == len(tokens):
            return False
        matched = set(tokens)
        return any(self.negator[i] for i in range(tokens[0], tokens[-1]) if i not in matched)


def analyse(text: str) -> Analysis:
    """Tokenise and annotate a text (see Analysis)."""
    seg = segment(text)
    out = Analysis(text)
    for tok, sent, clause in zip(seg.tokens, seg.sentence, seg.clause, strict=True):
        words = [tok.norm] if is_arabic(tok.norm) else expand_english(tok.norm)
        for word in words:
            out.norms.append(word)
            out.spans.append((tok.start, tok.end))
            out.upper.append(tok.upper)
            out.keys.append(token_keys(word))
            out.sentence.append(sent)
            out.clause.append(clause)
    out.in_question = _question_scope(out, seg.question_sentences)
    out.negator = _negators(out.norms, out.in_question)
    return out


def _negators(norms: list[str], in_question: list[bool]) -> list[bool]:
    flags = []
    last = len(norms) - 1
    for i, norm in enumerate(norms):
        prev = norms[i - 1] if i else ""
        nxt = norms[i + 1] if i < last else ""
        # in a question "ولا" offers an alternative ("...ولا تفضل؟"), it does not negate
        flags.append(is_negator(norm, prev, nxt) and not (in_question[i] and norm == "ولا"))
    return flags


def _question_scope(a: Analysis, questions: set[int]) -> list[bool]:
    # In a question sentence the asking starts at its first cue word ("would you", "ولا تفضل");
    # what comes before the cue is still a statement ("I'll send it today, or would you...").
    flags = [False] * len(a.norms)
    if not questions:
        return flags
    by_sentence: dict[int, list[int]] = {}
    for i, sent in enumerate(a.sentence):
        if sent in questions:
            by_sentence.setdefault(sent, []).append(i)
    for idx in by_sentence.values():
        start = next(
            (i for n, i in enumerate(idx) if is_question_cue(a.norms[i], a.keys[i], n == 0)),
            idx[0],
        )
        for i in idx:
            flags[i] = i >= start
    return flags
