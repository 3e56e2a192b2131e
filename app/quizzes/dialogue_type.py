"""The multi-turn role-play: turns, branches and how a conversation is walked and graded.

The first turn starts the conversation. After each reply the first branch whose conditions hold
names the next customer turn; when none holds (or a turn has no branches) the conversation ends.
Branches may only lead to later turns, so every conversation ends.
"""

from __future__ import annotations

from functools import partial
from typing import Any

from app.quizzes.question_types import Grade, GradingContext, Sitting, register
from app.quizzes.roleplay_types import (
    LANGUAGES,
    Branch,
    Problems,
    RoleplayDialogue,
    RubricScored,
    Turn,
    bind_scenario,
    example_problems,
    grade_reply,
    pass_mark_of,
    reply_view,
    scenario_problems,
)
from app.quizzes.rubrics import rescore, warm
from app.scoring import Rubric


def branch_holds(branch: Branch, detail: dict) -> bool:
    """Every condition the branch gives holds for this scored reply (none given: always)."""
    status = {o["id"]: o["present"] for o in detail["outcomes"]}
    if branch.if_missed and not any(not status.get(c, True) for c in branch.if_missed):
        return False
    if branch.if_committed and not any(status.get(c, False) for c in branch.if_committed):
        return False
    return branch.if_score_below is None or detail["score"] < branch.if_score_below


def next_turn(question: RoleplayDialogue, turn: Turn, detail: dict) -> Turn | None:
    """The customer's next turn after a scored reply to `turn`, or None when the talk ends."""
    by_id = {t.id: t for t in question.turns}
    branch = next((b for b in turn.branches if branch_holds(b, detail)), None)
    return by_id.get(branch.goto) if branch else None


class RoleplayDialogueType(RubricScored):
    """Several customer turns; each reply is scored and picks the next turn. Replies are sent
    one turn at a time while the quiz is open and kept in a draft (app.quizzes.dialogue)."""

    name, schema = "roleplay_dialogue", RoleplayDialogue
    form_template = "quizzes/types/roleplay_dialogue.html"
    result_template = "quizzes/types/roleplay_dialogue_result.html"
    sends_turns = True  # the quiz page sends each reply on its own (quizzes.send_turn)

    def read(self, question: RoleplayDialogue, form, sitting: Sitting) -> list[dict]:
        """The replies sent so far, plus the reply typed for the turn on screen (empty when
        none; it then scores 0). Submitting ends the conversation."""
        from app.quizzes import dialogue  # the draft lives in the database

        return dialogue.final_replies(sitting, question, form)

    def show(self, question: RoleplayDialogue, sitting: Sitting) -> dict:
        from app.quizzes import dialogue

        scored, pending = dialogue.conversation(
            sitting.user, sitting.version_id, question, sitting.context
        )
        transcript = [
            {"customer": t["customer"], "language": t.get("served") or question.language,
             "text": t["text"]}
            for t in scored
        ]  # fmt: skip
        shown = {"transcript": transcript, "pending": pending}
        if pending is not None:
            shown["customer"] = self.pending_customer(question, pending, sitting.context.locale)
        return shown

    def close(self, question: RoleplayDialogue, sitting: Sitting) -> None:
        from app.quizzes import dialogue

        dialogue.drop_draft(sitting.user, sitting.version_id, question.id)

    def example_spots(self, question: RoleplayDialogue, rubrics: dict) -> list[tuple]:
        return [
            (f"{question.id}/{turn.id}", ("turns", t),
             partial(self.turn_rubric, question, turn, rubrics),
             turn.languages(question.language), turn.examples)
            for t, turn in enumerate(question.turns)
        ]  # fmt: skip

    def replies(self, detail: dict) -> list[dict]:
        return [
            reply_view(turn, prefix=f"{turn['turn']}/", turn=number)
            for number, turn in enumerate(detail["turns"], start=1)
        ]

    def criterion_keys(self, detail: dict) -> dict[str, bool]:
        """`turn/criterion` for every criterion of every turn."""
        return {
            f"{turn['turn']}/{o['id']}": o["present"]
            for turn in detail["turns"]
            for o in turn["outcomes"]
        }

    def regrade(self, detail: dict, flags: dict[str, bool]) -> tuple[int, bool]:
        """The mean of the turns regraded, as `grade` takes the mean of the turn scores."""
        results = [
            rescore(turn["outcomes"], _turn_flags(flags, turn["turn"])) for turn in detail["turns"]
        ]
        return round(sum(s for s, _ in results) / len(results)), any(c for _, c in results)

    def turn_rubric(
        self, question: RoleplayDialogue, turn: Turn, rubrics: dict, lang: str | None = None
    ) -> Rubric:
        """The rubric bound to a turn for a reply in `lang` (default: the turn's first)."""
        lang = lang or turn.languages(question.language)[0]
        return bind_scenario(rubrics[question.rubric], turn, turn.criteria, lang, question.language)

    def turn_rubric_for(self, question, turn: Turn, context: GradingContext, lang: str) -> Rubric:
        """The rubric bound to a turn for a reply in `lang`, kept with the version."""
        return context.bound_rubric((question.id, turn.id, lang), lambda: bind_scenario(
            context.compiled_rubric(question.rubric), turn, turn.criteria, lang,
            question.language,
        ))  # fmt: skip

    def prepare(self, question: RoleplayDialogue, context: GradingContext) -> None:
        """Every turn, in both languages a reply may be written in."""
        for turn in question.turns:
            for lang in LANGUAGES:
                warm(self.turn_rubric_for(question, turn, context, lang), lang)

    def problems(self, question: RoleplayDialogue, rubrics: dict) -> Problems:
        if question.rubric not in rubrics:
            known = ", ".join(sorted(rubrics)) or "none"
            return [(("rubric",), f"unknown rubric {question.rubric!r} (known: {known})")]
        found: Problems = _structure_problems(question)
        for i, turn in enumerate(question.turns):
            prefix = ("turns", i)
            data = rubrics[question.rubric]
            turn_found = scenario_problems(data, turn, turn.criteria, question.language, prefix)
            found += turn_found
            if not turn_found:
                rubric = self.turn_rubric(question, turn, rubrics)
                found += example_problems(turn.examples, rubric, prefix)
                found += _branch_criteria_problems(turn, rubric, prefix)
        return found

    def score_turn(
        self, question, turn: Turn, text: str, context: GradingContext, served: str | None = None
    ) -> dict:
        """The stored detail of one reply to one turn: scored in the reply's language, with the
        customer's message as served (in `served`, else in the agent's language)."""
        served = served or turn.served_language(context.locale, question.language)
        scored_in = turn.served_and_scored(text, served, question.language)[1]
        rubric = self.turn_rubric_for(question, turn, context, scored_in)
        pass_mark = pass_mark_of(question, context)
        detail = grade_reply(text, rubric, scored_in, pass_mark, context.locale)
        customer = turn.customer_in(served, question.language)
        return detail | {"turn": turn.id, "customer": customer, "served": served}

    def pending_customer(self, question: RoleplayDialogue, turn: Turn, locale: str) -> dict:
        """The customer's message of the turn waiting for a reply, as an agent in `locale`
        is served it: {"text", "language"}."""
        served = turn.served_language(locale, question.language)
        return {"text": turn.customer_in(served, question.language), "language": served}

    def walk(self, question: RoleplayDialogue, replies: list[dict], context: GradingContext):
        """Score replies along the conversation: (scored turns, the turn now waiting for a reply
        or None when the conversation is over). A reply naming another turn than the one the
        customer is on ends the walk: the conversation cannot be steered from outside."""
        turn: Turn | None = question.turns[0]
        scored: list[dict] = []
        for reply in replies:
            if turn is None or not isinstance(reply, dict) or reply.get("turn") != turn.id:
                break
            text = reply.get("text") if isinstance(reply.get("text"), str) else ""
            served = (
                reply.get("served")
                if reply.get("served") in turn.languages(question.language)
                else None
            )
            detail = self.score_turn(question, turn, text, context, served)
            scored.append(detail)
            turn = next_turn(question, turn, detail)
        return scored, turn

    def grade(self, question: RoleplayDialogue, answer: Any, context: GradingContext | None = None):
        """The mean of the turn scores; any critical violation fails the dialogue."""
        context = context or GradingContext()
        scored, _ = self.walk(question, list(answer or []), context)
        if not scored:  # not even the first turn answered: it counts as an empty reply
            first = question.turns[0]
            scored = [self.score_turn(question, first, "", context)]
        pass_mark = pass_mark_of(question, context)
        score = round(sum(t["score"] for t in scored) / len(scored))
        critical = any(t["critical_failure"] for t in scored)
        detail = {
            "kind": "dialogue",
            "turns": scored,
            "score": score,
            "passed": score >= pass_mark and not critical,
            "critical_failure": critical,
            "confidence": min(t["confidence"] for t in scored),
            "pass_mark": pass_mark,
        }
        return Grade(question.points * score / 100, question.points, detail["passed"], detail)


register(RoleplayDialogueType)


def _turn_flags(flags: dict[str, bool], turn_id: str) -> dict[str, bool]:
    prefix = f"{turn_id}/"
    return {key[len(prefix) :]: value for key, value in flags.items() if key.startswith(prefix)}


def _structure_problems(question: RoleplayDialogue) -> Problems:
    found: Problems = []
    position: dict[str, int] = {}
    for i, turn in enumerate(question.turns):
        if turn.id in position:
            found.append((("turns", i, "id"), f"duplicate turn id {turn.id!r}"))
        else:
            position[turn.id] = i
    for i, turn in enumerate(question.turns):
        for j, branch in enumerate(turn.branches):
            where = ("turns", i, "branches", j, "goto")
            if branch.goto not in position:
                found.append((where, f"unknown turn {branch.goto!r}"))
            elif position[branch.goto] <= i:
                found.append((where, "must name a later turn (a dialogue cannot loop)"))
    found += _unreachable(question, position)
    return found


def _unreachable(question: RoleplayDialogue, position: dict[str, int]) -> Problems:
    reached = {question.turns[0].id}
    for turn in question.turns:  # gotos only lead forward, so one pass in order is enough
        if turn.id in reached:
            reached.update(b.goto for b in turn.branches if b.goto in position)
    return [
        (("turns", i, "id"), f"turn {turn.id!r} cannot be reached from the first turn")
        for i, turn in enumerate(question.turns)
        if turn.id not in reached and position.get(turn.id) == i
    ]


def _branch_criteria_problems(turn: Turn, rubric: Rubric, prefix: tuple) -> Problems:
    known = {
        "if_missed": {c.id for c in rubric.required},
        "if_committed": {c.id for c in rubric.forbidden},
    }
    found: Problems = []
    for j, branch in enumerate(turn.branches):
        for field, ids in known.items():
            for k, cid in enumerate(getattr(branch, field)):
                if cid not in ids:
                    where = (*prefix, "branches", j, field, k)
                    found.append((where, f"unknown criterion {cid!r} for {field}"))
    return found
