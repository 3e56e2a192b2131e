"""Settle the corpus's labels and report how far the labellers agree.

    python bench/settle_labels.py            # writes bench/corpus/labels/final/, prints kappa

Every reply has three independent labels made against bench/corpus/GUIDE.md: its writer's, and
two labellers' (`a`, `b`) who saw only the guide, the customer's message and the reply. Each
criterion is settled by the majority of the three. Cohen's kappa per criterion between the two
labellers is the human agreement the scorer is compared with.
"""

from __future__ import annotations

import sys
from pathlib import Path

import yaml

REPO_ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO_ROOT))

from app.scoring.corpus import Corpus  # noqa: E402
from app.scoring.evaluation import (  # noqa: E402
    CRITERIA_IDS,
    FORBIDDEN_IDS,
    REQUIRED_IDS,
    cohen_kappa,
)

CORPUS = REPO_ROOT / "bench" / "corpus"
SETS = ("writer", "a", "b")


def settle(corpus: Corpus) -> dict[str, dict[int, frozenset[str]]]:
    """Scenario -> reply -> the labels at least two of the three sets give."""
    out = {}
    for sid, scenario in corpus.scenarios.items():
        out[sid] = {}
        for n in scenario.texts:
            votes = [corpus.labels[s][sid][n] for s in SETS]
            out[sid][n] = frozenset(c for c in CRITERIA_IDS if sum(c in v for v in votes) >= 2)
    return out


def write_final(corpus: Corpus, final) -> None:
    folder = CORPUS / "labels" / "final"
    folder.mkdir(parents=True, exist_ok=True)
    for sid, replies in final.items():
        labels = [
            {"n": n, "criteria": [c for c in REQUIRED_IDS if c in found],
             "violations": [c for c in FORBIDDEN_IDS if c in found]}
            for n, found in sorted(replies.items())
        ]  # fmt: skip
        header = f"# Settled labels of {sid}: the majority of writer, a and b (settle_labels.py)\n"
        body = yaml.safe_dump({"scenario": sid, "labels": labels}, allow_unicode=True,
                              sort_keys=False, default_flow_style=None, width=100)  # fmt: skip
        (folder / f"{sid}.yaml").write_text(header + body, encoding="utf-8")


def report(corpus: Corpus, final) -> None:
    keys = [(sid, n) for sid, s in corpus.scenarios.items() for n in s.texts]
    by_language = {lang: [k for k in keys if corpus.scenarios[k[0]].language == lang]
                   for lang in ("ar", "en")}  # fmt: skip
    print(f"{len(keys)} replies, {len(corpus.scenarios)} scenarios, "
          f"{len({s.industry for s in corpus.scenarios.values()})} industries")  # fmt: skip
    print(f"{'criterion':18} {'kappa a-b':>9} {'ar':>6} {'en':>6} {'w-a':>6} {'w-b':>6}"
          f" {'pos ar':>7} {'pos en':>7}")  # fmt: skip
    for cid in CRITERIA_IDS:

        def kappa(first, second, chosen=keys, cid=cid):
            x = [cid in corpus.labels[first][s][n] for s, n in chosen]
            y = [cid in corpus.labels[second][s][n] for s, n in chosen]
            return cohen_kappa(x, y)

        positives = [sum(cid in final[s][n] for s, n in by_language[lang]) for lang in ("ar", "en")]
        print(f"{cid:18} {kappa('a', 'b'):9.2f} {kappa('a', 'b', by_language['ar']):6.2f} "
              f"{kappa('a', 'b', by_language['en']):6.2f} {kappa('writer', 'a'):6.2f} "
              f"{kappa('writer', 'b'):6.2f} {positives[0]:7d} {positives[1]:7d}")  # fmt: skip


def main() -> int:
    corpus = Corpus(CORPUS, SETS)
    final = settle(corpus)
    write_final(corpus, final)
    report(corpus, final)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
