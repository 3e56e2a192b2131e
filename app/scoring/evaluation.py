"""Agreement between the scorer and human labels: precision, recall, F1 and macro F1.

Each criterion id is a binary label ("present" for a required behaviour, "committed" for a
forbidden one). Per slice (a language, or everything): TP, FP, FN per criterion; P = TP/(TP+FP),
R = TP/(TP+FN), F1 = 2PR/(P+R), each 0 when its denominator is 0; macro F1 is the plain mean
of the per-criterion F1 values.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path

import yaml

from app.scoring.normalize import reply_language
from app.scoring.rubric import Rubric
from app.scoring.scorer import score_reply

REQUIRED_IDS = (
    "apology",
    "empathy",
    "restate",
    "ask_resolution",
    "commit_action",
    "thanks",
    "follow_up",
)
FORBIDDEN_IDS = ("policy_speak", "needless_transfer", "blame_customer", "jargon")
CRITERIA_IDS = REQUIRED_IDS + FORBIDDEN_IDS


@dataclass(frozen=True)
class LabelledReply:
    """One labelled reply of a scenario file, keyed `<scenario id>/<n>` (n from 1)."""

    key: str
    scenario: str
    language: str
    customer: str
    key_points: list[list[str]]
    text: str
    labels: frozenset[str]
    overrides: Mapping | None = None


@dataclass(frozen=True)
class CriterionScore:
    """Counts and P/R/F1 of one criterion in one slice."""

    tp: int
    fp: int
    fn: int
    precision: float
    recall: float
    f1: float


@dataclass(frozen=True)
class SliceReport:
    """Per-criterion scores and macro F1 of one slice."""

    name: str
    size: int
    per_criterion: dict[str, CriterionScore]
    macro_f1: float


def load_labelled(path: str | Path) -> list[LabelledReply]:
    """Read a scenarios file (or the folder holding scenarios.yaml)."""
    path = Path(path)
    if path.is_dir():
        path = path / "scenarios.yaml"
    with open(path, encoding="utf-8") as fh:
        doc = yaml.load(fh, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))  # noqa: S506
    return [reply for s in doc["scenarios"] for reply in _replies(s)]


def load_quiz_examples(folder: str | Path) -> list[LabelledReply]:
    """The `examples:` answers of the role-play questions and dialogue turns of every quiz file
    in a folder (files named in capitals are documentation and skipped), keyed
    `<quiz id>/<question id>[/<turn id>]/<n>`."""
    out: list[LabelledReply] = []
    for path in sorted(Path(folder).glob("*.yaml")):
        if path.stem.isupper():
            continue
        with open(path, encoding="utf-8") as fh:
            doc = yaml.load(fh, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))  # noqa: S506
        for q in (doc or {}).get("questions") or []:
            if q.get("type") == "roleplay":
                spots = [(f"{doc['id']}/{q['id']}", q)]
            elif q.get("type") == "roleplay_dialogue":
                spots = [(f"{doc['id']}/{q['id']}/{t['id']}", t) for t in q.get("turns") or []]
            else:
                continue
            for name, spot in spots:
                out.extend(_examples(name, q.get("language"), spot))
    return out


def _examples(name: str, language: str | None, spot: dict) -> Iterable[LabelledReply]:
    """A spot's examples. A spot may give the customer and key points per language
    ({ar: ..., en: ...}); each example is then read with those of the language it is written in."""
    for n, ex in enumerate(spot.get("examples") or [], 1):
        labels = frozenset(ex.get("criteria") or []) | frozenset(ex.get("violations") or [])
        lang = reply_language(ex["text"], language or "ar")
        customer, key_points = spot["customer"], spot.get("key_points") or []
        scenario = name
        if isinstance(customer, dict):
            customer, scenario = (
                customer.get(lang) or next(iter(customer.values())),
                f"{name}@{lang}",
            )
        if isinstance(key_points, dict):
            key_points = key_points.get(lang) or []
        yield LabelledReply(
            f"{name}/{n}", scenario, lang, customer, key_points, ex["text"], labels,
            spot.get("criteria") or None,
        )  # fmt: skip


def _replies(s: dict) -> Iterable[LabelledReply]:
    for n, resp in enumerate(s["responses"], 1):
        labels = frozenset(resp.get("criteria") or []) | frozenset(resp.get("violations") or [])
        yield LabelledReply(
            f"{s['id']}/{n}", s["id"], s["language"], s["customer"], s["key_points"],
            resp["text"], labels,
        )  # fmt: skip


def predict(
    rubric: Rubric, replies: Iterable[LabelledReply], second_opinion: bool = True
) -> dict[str, frozenset[str]]:
    """Ids found present or committed for each reply, binding the rubric per scenario (with
    `second_opinion` False, what the rules alone find)."""
    bound: dict[str, Rubric] = {}
    out: dict[str, frozenset[str]] = {}
    for r in replies:
        if r.scenario not in bound:
            bound[r.scenario] = rubric.for_question(
                key_points=r.key_points, overrides=dict(r.overrides or {}), customer=r.customer
            )
        result = score_reply(r.text, bound[r.scenario], r.language, second_opinion=second_opinion)
        out[r.key] = frozenset(o.id for o in result.outcomes() if o.present)
    return out


def prf(tp: int, fp: int, fn: int) -> tuple[float, float, float]:
    """Precision, recall and F1, each 0 when undefined."""
    p = tp / (tp + fp) if tp + fp else 0.0
    r = tp / (tp + fn) if tp + fn else 0.0
    f = 2 * p * r / (p + r) if p + r else 0.0
    return p, r, f


def score_slice(
    name: str,
    predictions: Mapping[str, Iterable[str]],
    labels: Mapping[str, Iterable[str]],
    ids: Iterable[str] = CRITERIA_IDS,
) -> SliceReport:
    """P/R/F1 per criterion and macro F1 over the replies whose keys are in `labels`."""
    per: dict[str, CriterionScore] = {}
    for cid in ids:
        tp = fp = fn = 0
        for key, gold in labels.items():
            is_gold, is_pred = cid in gold, cid in set(predictions.get(key) or ())
            tp += is_gold and is_pred
            fp += is_pred and not is_gold
            fn += is_gold and not is_pred
        per[cid] = CriterionScore(tp, fp, fn, *prf(tp, fp, fn))
    macro = sum(s.f1 for s in per.values()) / len(per) if per else 0.0
    return SliceReport(name, len(labels), per, macro)


def evaluate(
    predictions: Mapping[str, Iterable[str]], replies: list[LabelledReply]
) -> dict[str, SliceReport]:
    """Reports for the `ar` slice, the `en` slice and `all`."""
    out = {}
    for name in ("ar", "en", "all"):
        chosen = [r for r in replies if name == "all" or r.language == name]
        out[name] = score_slice(name, predictions, {r.key: r.labels for r in chosen})
    return out


def format_report(reports: Mapping[str, SliceReport]) -> str:
    """A plain-text table: one block per slice, one row per criterion, then macro F1."""
    lines = []
    for rep in reports.values():
        lines.append(f"== {rep.name} ({rep.size} replies) ==")
        lines.append(f"{'criterion':18} {'P':>5} {'R':>5} {'F1':>5}  {'tp':>3} {'fp':>3} {'fn':>3}")
        for cid, s in rep.per_criterion.items():
            lines.append(
                f"{cid:18} {s.precision:5.2f} {s.recall:5.2f} {s.f1:5.2f}  "
                f"{s.tp:3d} {s.fp:3d} {s.fn:3d}"
            )
        lines.append(f"macro F1 = {rep.macro_f1:.3f}")
    return "\n".join(lines)


def mismatches(
    predictions: Mapping[str, Iterable[str]], replies: list[LabelledReply]
) -> list[tuple[LabelledReply, str, str]]:
    """(reply, criterion, kind) for every disagreement: kind is "missed" (labelled, not found)
    or "false" (found, not labelled)."""
    out = []
    for r in replies:
        found = set(predictions.get(r.key) or ())
        for cid in CRITERIA_IDS:
            if (cid in r.labels) != (cid in found):
                out.append((r, cid, "missed" if cid in r.labels else "false"))
    return out


def format_precision_recall(reports: Mapping[str, SliceReport]) -> str:
    """Per slice: one line per criterion with P, R, F1 and the confusion counts."""
    lines = []
    for rep in reports.values():
        lines.append(f"== {rep.name}: {rep.size} replies, macro F1 {rep.macro_f1:.3f} ==")
        lines.append(f"{'criterion':18} {'P':>5} {'R':>5} {'F1':>5} {'tp':>4} {'fp':>4} {'fn':>4}")
        for cid, s in rep.per_criterion.items():
            lines.append(
                f"{cid:18} {s.precision:5.2f} {s.recall:5.2f} {s.f1:5.2f} "
                f"{s.tp:4d} {s.fp:4d} {s.fn:4d}"
            )
    return "\n".join(lines)


def cohen_kappa(first: list[bool], second: list[bool]) -> float:
    """Cohen's kappa of two raters' yes/no decisions on the same items: observed agreement
    corrected for the agreement their base rates give by chance (1 when they agree on every
    item; 1.0 too when both say the same thing throughout, where chance explains nothing)."""
    if len(first) != len(second) or not first:
        raise ValueError("kappa needs two equally long, non-empty lists")
    n = len(first)
    observed = sum(a == b for a, b in zip(first, second, strict=True)) / n
    p1, p2 = sum(first) / n, sum(second) / n
    chance = p1 * p2 + (1 - p1) * (1 - p2)
    return 1.0 if chance == 1 else (observed - chance) / (1 - chance)
