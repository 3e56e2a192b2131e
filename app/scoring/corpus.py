"""The labelled role-play corpus: scenario files, independent label sets, folds.

A corpus is a folder:

    scenarios/<scenario id>.yaml   id, language, industry, customer, key_points (may be
                                   empty), responses (each response: n, variety, text),
                                   optionally batch (the writing round it came from)
    labels/<set>/<scenario id>.yaml  scenario, labels: [{n, criteria, violations, note}]
    folds.yaml                     fold name -> scenario ids (dev, validation, locked)

`labels/final` holds the settled labels the scorer is measured against; the other sets (the
writer's intent and two independent labellers) are kept to report agreement. Every problem is
reported as `path: item: message`.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

import yaml

from app.scoring.evaluation import CRITERIA_IDS, FORBIDDEN_IDS, REQUIRED_IDS, LabelledReply

_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
LANGUAGES = ("ar", "en")


class CorpusError(ValueError):
    """The corpus has problems; `problems` lists each as `path: item: message`."""

    def __init__(self, problems: list[str]):
        super().__init__("\n".join(problems))
        self.problems = problems


@dataclass(frozen=True)
class Scenario:
    id: str
    language: str
    industry: str
    customer: str
    key_points: list[list[str]]
    texts: dict[int, str]
    varieties: dict[int, str]
    # who wrote it and how: scenarios written in one round share a batch ("" for the first),
    # so leave-scenario-out figures can be read per batch
    batch: str = ""


def _read(path: Path, problems: list[str]):
    try:
        with open(path, encoding="utf-8") as fh:
            return yaml.load(fh, Loader=_LOADER)  # noqa: S506 (a safe loader)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"{path}:{mark.line + 1}" if mark else str(path)
        problems.append(f"{where}: not valid YAML: {getattr(exc, 'problem', exc)}")
    except OSError as exc:
        problems.append(f"{path}: cannot be read: {exc.strerror}")
    return None


def read_scenario(path: Path, problems: list[str]) -> Scenario | None:
    """One scenario file, checked; problems are appended, None when unusable."""
    doc = _read(path, problems)
    if not isinstance(doc, dict):
        if doc is not None:
            problems.append(f"{path}: top level must be a mapping")
        return None
    before = len(problems)
    sid = doc.get("id")
    if sid != path.stem:
        problems.append(f"{path}: id: must equal the file name ({path.stem!r}), found {sid!r}")
    if doc.get("language") not in LANGUAGES:
        problems.append(f"{path}: language: must be ar or en")
    for field in ("customer", "industry"):
        if not isinstance(doc.get(field), str) or not doc[field].strip():
            problems.append(f"{path}: {field}: must be a non-empty string")
    kps = doc.get("key_points")
    # An empty list is allowed: real conversations have no key points, and the scorer then
    # judges restating against the customer's message alone.
    if not isinstance(kps, list) or not all(
        isinstance(k, list) and k and all(isinstance(p, (str, int)) for p in k) for k in kps
    ):
        problems.append(f"{path}: key_points: must be a list of non-empty lists of phrases")
    texts, varieties = {}, {}
    for i, resp in enumerate(doc.get("responses") or [], 1):
        if not isinstance(resp, dict) or not isinstance(resp.get("text"), str):
            problems.append(f"{path}: responses[{i}]: needs a text")
            continue
        n = resp.get("n", i)
        if n != i:
            problems.append(f"{path}: responses[{i}]: n must be {i}, found {n!r}")
        texts[i] = resp["text"]
        varieties[i] = str(resp.get("variety") or "")
    if not texts:
        problems.append(f"{path}: responses: none")
    batch = doc.get("batch", "")
    if not isinstance(batch, str):
        problems.append(f"{path}: batch: must be a string")
    if len(problems) > before:
        return None
    key_points = [[str(p) for p in k] for k in kps]
    return Scenario(sid, doc["language"], doc["industry"], doc["customer"], key_points, texts,
                    varieties, batch)  # fmt: skip


def read_labels(path: Path, scenario: Scenario, problems: list[str]) -> dict[int, frozenset[str]]:
    """One label file for one scenario: reply number -> labels (criteria and violations)."""
    doc = _read(path, problems)
    if not isinstance(doc, dict) or not isinstance(doc.get("labels"), list):
        if doc is not None:
            problems.append(f"{path}: top level must be a mapping with a 'labels' list")
        return {}
    out: dict[int, frozenset[str]] = {}
    for i, item in enumerate(doc["labels"], 1):
        where = f"{path}: labels[{i}]"
        if not isinstance(item, dict) or item.get("n") not in scenario.texts:
            problems.append(f"{where}: n: must be a reply number of {scenario.id}")
            continue
        if item["n"] in out:
            problems.append(f"{where}: n: reply {item['n']} is labelled twice")
        labels = set()
        for field, allowed in (("criteria", REQUIRED_IDS), ("violations", FORBIDDEN_IDS)):
            value = item.get(field) or []
            if not isinstance(value, list):
                problems.append(f"{where}: {field}: must be a list")
                continue
            for cid in value:
                if cid not in allowed:
                    problems.append(f"{where}: {field}: unknown id {cid!r}")
            labels.update(c for c in value if c in allowed)
        out[item["n"]] = frozenset(labels)
    missing = sorted(set(scenario.texts) - set(out))
    if missing:
        problems.append(f"{path}: labels: replies {missing} have no label")
    return out


class Corpus:
    """Scenarios and their label sets, read and checked as a whole."""

    def __init__(self, root: str | Path, label_sets: Iterable[str] = ("final",)):
        self.root = Path(root)
        problems: list[str] = []
        self.scenarios: dict[str, Scenario] = {}
        for path in sorted((self.root / "scenarios").glob("*.yaml")):
            scenario = read_scenario(path, problems)
            if scenario:
                self.scenarios[scenario.id] = scenario
        if not self.scenarios and not problems:
            problems.append(f"{self.root / 'scenarios'}: no scenario files")
        self.labels: dict[str, dict[str, dict[int, frozenset[str]]]] = {}
        for name in label_sets:
            self.labels[name] = {}
            for sid, scenario in self.scenarios.items():
                path = self.root / "labels" / name / f"{sid}.yaml"
                self.labels[name][sid] = read_labels(path, scenario, problems)
        self.folds = self._folds(problems)
        if problems:
            raise CorpusError(problems)

    def _folds(self, problems: list[str]) -> dict[str, list[str]]:
        path = self.root / "folds.yaml"
        if not path.exists():
            return {}
        doc = _read(path, problems) or {}
        folds: dict[str, list[str]] = {}
        seen: dict[str, str] = {}
        for fold, ids in doc.items():
            for sid in ids or []:
                if sid not in self.scenarios:
                    problems.append(f"{path}: {fold}: unknown scenario {sid!r}")
                elif sid in seen:
                    problems.append(f"{path}: {fold}: {sid} is already in {seen[sid]}")
                seen[sid] = fold
            folds[fold] = list(ids or [])
        return folds

    def replies(self, label_set: str = "final", fold: str | None = None) -> list[LabelledReply]:
        """Labelled replies of one label set, of one fold or of every scenario."""
        ids = self.folds[fold] if fold else list(self.scenarios)
        out = []
        for sid in ids:
            s = self.scenarios[sid]
            for n, text in s.texts.items():
                out.append(LabelledReply(f"{sid}/{n}", sid, s.language, s.customer, s.key_points,
                                         text, self.labels[label_set][sid][n]))  # fmt: skip
        return out


def check_files(root: str | Path, label_sets: Iterable[str]) -> list[str]:
    """Every problem of a corpus folder (empty when it is sound)."""
    try:
        Corpus(root, label_sets)
    except CorpusError as exc:
        return exc.problems
    return []


__all__ = ["CRITERIA_IDS", "Corpus", "CorpusError", "Scenario", "check_files"]


def main(argv: list[str] | None = None) -> int:
    """`python -m app.scoring.corpus SCENARIO.yaml [LABELS.yaml ...]`: check single files."""
    import sys

    args = sys.argv[1:] if argv is None else argv
    if not args:
        print(main.__doc__)
        return 2
    problems: list[str] = []
    scenario = read_scenario(Path(args[0]), problems)
    for label_path in args[1:]:
        if scenario:
            labels = read_labels(Path(label_path), scenario, problems)
            print(f"{label_path}: {len(labels)} replies labelled")
    for p in problems:
        print(p)
    if scenario and not problems:
        print(f"{args[0]}: ok, {len(scenario.texts)} replies")
    return 1 if problems else 0


if __name__ == "__main__":
    raise SystemExit(main())
