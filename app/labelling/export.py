"""Human judgements written as a labelled corpus in the scorer's format (app/scoring/corpus.py),
so that `flask quizzes evaluate` measures the scorer on real replies.

One scenario per language, customer message and key points (industry "real-use"), its replies
numbered from 1; `labels/final` holds each reply's full label set: what people decided, and for
the criteria nobody judged, the automatic decision the reviewing person left standing. Each
label's note names the criteria a person decided. `folds.yaml` puts every scenario in the fold
`real-use`. The folder is written beside OUT_DIR, read back as a corpus, and only then moved
into place: a failure leaves nothing behind.
"""

from __future__ import annotations

import hashlib
import json
import shutil
import tempfile
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from app.scoring.corpus import Corpus, CorpusError
from app.scoring.evaluation import CRITERIA_IDS, FORBIDDEN_IDS, REQUIRED_IDS
from app.scoring.judgements import HumanJudgement

FOLD = "real-use"
INDUSTRY = "real-use"


class ExportError(Exception):
    """Why nothing was written."""


@dataclass
class Reply:
    """One reply and what is known about its labels."""

    language: str
    customer: str
    key_points: tuple[tuple[str, ...], ...]
    text: str
    decided: dict[str, HumanJudgement] = field(default_factory=dict)  # criterion -> newest
    auto_present: frozenset[str] | None = None

    def take(self, judgement: HumanJudgement) -> None:
        earlier = self.decided.get(judgement.criterion)
        if earlier is None or judgement.decided_at > earlier.decided_at:
            self.decided[judgement.criterion] = judgement
        if self.auto_present is None:
            self.auto_present = judgement.auto_present

    @property
    def scenario_key(self) -> tuple:
        return (self.language, self.customer, self.key_points)


@dataclass(frozen=True)
class ExportReport:
    replies: int
    scenarios: int
    judgements: int
    left_out: int  # replies without a customer message or a text: no scenario can hold them


def group_replies(judgements: Iterable[HumanJudgement]) -> list[Reply]:
    """Judgements gathered per reply (by its reference, else by its text and scenario), keeping
    only the rubric criteria a corpus knows."""
    replies: dict[tuple, Reply] = {}
    for j in judgements:
        if j.criterion not in CRITERIA_IDS:
            continue
        key = ("ref", j.reply_ref) if j.reply_ref else ("text", j.language, j.customer,
                                                          j.key_points, j.text)  # fmt: skip
        reply = replies.get(key)
        if reply is None:
            reply = replies[key] = Reply(j.language, j.customer, j.key_points, j.text)
        reply.take(j)
    return list(replies.values())


AutoLabels = Callable[[list[Reply]], list[frozenset[str]]]


def write_corpus(out_dir: Path, judgements: Iterable[HumanJudgement],
                 auto_labels: AutoLabels) -> ExportReport:  # fmt: skip
    """Write the corpus folder; `auto_labels` gives the scorer's decisions for replies whose
    automatic decisions were not kept with the judgements. Raises ExportError."""
    out_dir = Path(out_dir)
    if out_dir.exists() and (not out_dir.is_dir() or any(out_dir.iterdir())):
        raise ExportError(
            f"{out_dir}: already exists and is not an empty folder; nothing was written"
        )
    judgements = sorted(judgements, key=lambda j: (j.decided_at, j.source_ref))  # oldest first
    grouped = group_replies(judgements)
    replies = [r for r in grouped if r.customer.strip() and r.text.strip()]
    if not replies:
        raise ExportError("no human judgements to export (nothing was written)")
    left_out = len(grouped) - len(replies)
    unknown = [r for r in replies if r.auto_present is None]
    for reply, found in zip(unknown, auto_labels(unknown) if unknown else [], strict=True):
        reply.auto_present = found
    out_dir.parent.mkdir(parents=True, exist_ok=True)
    work = Path(tempfile.mkdtemp(prefix=f".{out_dir.name}-", dir=out_dir.parent))
    try:
        scenarios = _write_files(work, replies)
        Corpus(work, ["final"])  # read back exactly as `quizzes evaluate` will
        if out_dir.exists():
            out_dir.rmdir()
        work.rename(out_dir)
    except CorpusError as exc:
        shutil.rmtree(work, ignore_errors=True)
        raise ExportError("the corpus did not read back:\n" + "\n".join(exc.problems)) from None
    except BaseException:
        shutil.rmtree(work, ignore_errors=True)
        raise
    used = sum(len(r.decided) for r in replies)
    return ExportReport(len(replies), scenarios, used, left_out)


def scenario_id(language: str, customer: str, key_points) -> str:
    digest = hashlib.sha256(
        json.dumps([language, customer, key_points], ensure_ascii=False).encode()
    ).hexdigest()
    return f"real-use-{language}-{digest[:12]}"


def _write_files(root: Path, replies: list[Reply]) -> int:
    by_scenario: dict[tuple, list[Reply]] = {}
    for reply in replies:
        by_scenario.setdefault(reply.scenario_key, []).append(reply)
    (root / "scenarios").mkdir()
    (root / "labels" / "final").mkdir(parents=True)
    ids = []
    for (language, customer, key_points), members in sorted(by_scenario.items()):
        sid = scenario_id(language, customer, key_points)
        ids.append(sid)
        scenario = {
            "id": sid, "language": language, "industry": INDUSTRY, "customer": customer,
            "key_points": [list(group) for group in key_points],
            "responses": [
                {"n": n, "variety": _variety(r), "text": r.text}
                for n, r in enumerate(members, start=1)
            ],
        }  # fmt: skip
        labels = {"scenario": sid, "labels": [_label(n, r) for n, r in enumerate(members, 1)]}
        _dump(root / "scenarios" / f"{sid}.yaml", scenario)
        _dump(root / "labels" / "final" / f"{sid}.yaml", labels)
    _dump(root / "folds.yaml", {FOLD: ids})
    return len(ids)


def _variety(reply: Reply) -> str:
    return "+".join(sorted({j.source for j in reply.decided.values()}))


def _label(n: int, reply: Reply) -> dict:
    present = set(reply.auto_present or ())
    for criterion, judgement in reply.decided.items():
        (present.add if judgement.human_met else present.discard)(criterion)
    people = ", ".join(
        f"{cid} ({reply.decided[cid].source})" for cid in CRITERIA_IDS if cid in reply.decided
    )
    return {
        "n": n,
        "criteria": [c for c in REQUIRED_IDS if c in present],
        "violations": [c for c in FORBIDDEN_IDS if c in present],
        "note": f"decided by a person: {people}; the other criteria as the scorer decided",
    }


def _dump(path: Path, data) -> None:
    with open(path, "w", encoding="utf-8") as fh:
        yaml.safe_dump(data, fh, allow_unicode=True, sort_keys=False, width=100)
