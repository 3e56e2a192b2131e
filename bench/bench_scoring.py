"""Benchmark of the role-play scorer.

Prints: replies scored per second on one core for the development replies and for 60-80-word
replies, the slowest single reply, the time to load and compile the rubric, and precision/recall/F1
per criterion with macro F1 per language on the labelled development replies (and a held-out split
of them) and on the `examples:` answers of the shipped role-play quizzes.

    python bench/bench_scoring.py [--rounds 10] [--dev PATH] [--speed-only]

--speed-only prints the speed and load figures and skips every agreement table. Times are the
process's CPU time (time.process_time): on one pinned core that is the time the scorer itself
took, and a busy machine (other processes waiting for the same core) does not inflate it.

The labelled replies are read from --dev, else $KHIDMA_ROLEPLAY_DEV, else ../shared/roleplay-dev
next to the repository.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO_ROOT))

from app.scoring import Rubric, score_reply  # noqa: E402
from app.scoring.evaluation import (  # noqa: E402
    LabelledReply,
    evaluate,
    format_report,
    load_labelled,
    load_quiz_examples,
    predict,
)

RUBRIC = REPO_ROOT / "quizzes" / "rubrics" / "complaint-handling.yaml"
QUIZZES = REPO_ROOT / "quizzes"
UNSEEN = REPO_ROOT / "bench" / "data" / "unseen_scenarios.yaml"
LONG_WORDS = (60, 80)
# Scenarios kept out of pattern development, to estimate agreement on unseen wording.
HELD_OUT = ("ar-dialect-technician-no-show", "en-wrongful-suspension")
TARGET_PER_SECOND = 2000

# Used for the speed figures when the labelled replies are not available.
_FALLBACK = [
    ("en", "I'm so sorry the engineer didn't turn up on Tuesday after you took the morning off. "
     "I know how frustrating that is. Thank you for bearing with us. I've booked a new visit for "
     "9 am tomorrow and I'll call you at 8:30 to confirm he's on his way."),
    ("ar", "نعتذر منك على تأخر الفني يوم الثلاثاء، وأتفهم إن الموقف مزعج وأنت أخذت إجازة. شكرًا على "
     "صبرك. حجزت لك موعد بكرة الساعة ٩ الصبح، وبتصل عليك الساعة ٨ ونص أتأكد إنه في الطريق."),
    ("en", "Per our policy the fee stands. You'll need to call our billing team on 0800 000 000."),
    ("ar", "يا فندم ده حسب سياسة الشركة، ولازم تكلم قسم الحسابات، والغلط مش من عندنا."),
]  # fmt: skip


def pin_to_one_core() -> str:
    """Run on a single CPU where the platform allows it."""
    if hasattr(os, "sched_setaffinity"):
        cpu = min(os.sched_getaffinity(0))
        os.sched_setaffinity(0, {cpu})
        return f"pinned to CPU {cpu}"
    return "not pinned (platform has no sched_setaffinity)"


def time_load(rounds: int) -> tuple[float, float]:
    """(first, median) milliseconds to read and compile the rubric."""
    times = []
    for _ in range(rounds):
        start = time.process_time()
        Rubric.load(RUBRIC)
        times.append((time.process_time() - start) * 1000)
    return times[0], statistics.median(times)


def workload(rubric: Rubric, replies: list[LabelledReply]) -> list[tuple[str, Rubric, str]]:
    """(text, bound rubric, language) for every reply; the rubric is bound once per scenario."""
    if not replies:
        bound = rubric.for_question()
        return [(text, bound, lang) for lang, text in _FALLBACK]
    by_scenario: dict[str, Rubric] = {}
    out = []
    for r in replies:
        if r.scenario not in by_scenario:
            by_scenario[r.scenario] = rubric.for_question(
                r.key_points, dict(r.overrides or {}), r.customer
            )
        out.append((r.text, by_scenario[r.scenario], r.language))
    return out


def time_replies(
    work: list[tuple[str, Rubric, str]], rounds: int, second_opinion: bool = True
) -> dict[str, float]:
    """Replies/s on the first pass and the best later pass; slowest reply (ms) of each."""
    slowest = [0.0] * (rounds + 1)
    passes = []
    for n in range(rounds + 1):
        start = time.process_time()
        for text, bound, lang in work:
            one = time.process_time()
            score_reply(text, bound, lang, second_opinion=second_opinion)
            slowest[n] = max(slowest[n], time.process_time() - one)
        passes.append(len(work) / (time.process_time() - start))
    return {
        "cold": passes[0],
        "best": max(passes[1:]),
        "slowest_cold": slowest[0] * 1000,
        "slowest_warm": min(slowest[1:]) * 1000,
    }


def longer(work: list[tuple[str, Rubric, str]]) -> list[tuple[str, Rubric, str]]:
    """60-80-word replies: consecutive replies of the same scenario joined until the text is
    long enough, keeping those that land in the range."""
    low, high = LONG_WORDS
    out = []
    for n, (text, bound, lang) in enumerate(work):
        words = text.split()
        for other, other_bound, _ in work[n + 1 :] + work[:n]:
            if len(words) >= low or other_bound is not bound:
                continue
            words += other.split()
        if low <= len(words) <= high:
            out.append((" ".join(words), bound, lang))
    return out or [(a[0] + " " + b[0], a[1], a[2]) for a, b in zip(work, work[1:], strict=False)]


def report_speed(label: str, work: list[tuple[str, Rubric, str]], rounds: int) -> None:
    """Print the speed figures for one workload: the rule stage alone (the target applies to
    it), then the whole scorer with the learned second opinion."""
    words = statistics.mean(len(text.split()) for text, _, _ in work)
    print(f"\n{label}: {len(work)}, mean {words:.0f} words")
    for stage, second in (("rule stage", False), ("whole scorer", True)):
        t = time_replies(work, rounds, second)
        ratio = t["best"] / TARGET_PER_SECOND
        verdict = "ok" if ratio >= 1 else "BELOW TARGET"
        print(f"  {stage}: replies/second, one core: {t['best']:,.0f} "
              f"({ratio:.2f} of the {TARGET_PER_SECOND:,} target: {verdict}); "
              f"first pass {t['cold']:,.0f}; "
              f"slowest {t['slowest_warm']:.2f} ms ({t['slowest_cold']:.2f} ms cold)")  # fmt: skip


def agreement(rubric: Rubric, replies: list[LabelledReply], examples: list[LabelledReply]) -> None:
    """Print the F1 tables: development replies, their held-out scenarios, quiz examples."""
    if replies:
        print("\n# Agreement with human labels (all development replies)")
        print(format_report(evaluate(predict(rubric, replies), replies)))
        held = [r for r in replies if r.scenario in HELD_OUT]
        if held:
            print(f"\n# Held-out scenarios only: {', '.join(HELD_OUT)}")
            print(format_report(evaluate(predict(rubric, held), held)))
    if examples:
        print(f"\n# Agreement on the shipped quiz examples ({QUIZZES.name}/*.yaml)")
        print(format_report(evaluate(predict(rubric, examples), examples)))
    unseen = load_labelled(UNSEEN)
    print("\n# Unseen scenarios: replies the rubric was never adjusted for and the learned")
    print(f"# second opinion never trained on ({UNSEEN.name})")
    print(format_report(evaluate(predict(rubric, unseen), unseen)))
    rules = evaluate(predict(rubric, unseen, second_opinion=False), unseen)
    print("rules alone: " + ", ".join(f"{k} {rules[k].macro_f1:.3f}" for k in ("ar", "en")))


def dev_replies(path: str | None) -> list[LabelledReply]:
    """The labelled replies, or [] when the folder is missing."""
    default = REPO_ROOT.parent / "shared" / "roleplay-dev"
    folder = Path(path or os.environ.get("KHIDMA_ROLEPLAY_DEV", default))
    if not (folder / "scenarios.yaml").is_file():
        print(f"(no labelled replies at {folder}; speed uses built-in replies, no F1 table)")
        return []
    return load_labelled(folder)


def main() -> None:
    """Run the benchmark and print the figures."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=10)
    parser.add_argument("--dev", default=None)
    parser.add_argument(
        "--speed-only", action="store_true", help="speed and load figures, no agreement tables"
    )
    args = parser.parse_args()
    print(f"# Role-play scoring benchmark ({pin_to_one_core()})")
    first, median = time_load(5)
    print(f"load + compile rubric: first {first:.1f} ms, median {median:.1f} ms (target < 100 ms)")
    rubric = Rubric.load(RUBRIC)
    replies = dev_replies(args.dev)
    examples = load_quiz_examples(QUIZZES)
    work = workload(rubric, replies or examples)
    label = "development replies" if replies else "quiz example replies"
    for name, replies_set in ((label, work), ("60-80-word replies", longer(work))):
        report_speed(name, replies_set, args.rounds)
    if args.speed_only:
        return
    agreement(rubric, replies, examples)


if __name__ == "__main__":
    main()
