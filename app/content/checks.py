"""Checks across content files: references that must exist, and prerequisites without cycles."""

from __future__ import annotations

from app.content.catalogue import Catalogue
from app.conversations.scorecards import file_problems
from app.yaml_source import Problem


def cross_check(catalogue: Catalogue, criterion_ids: set[str]) -> list[Problem]:
    problems: list[Problem] = []
    _check_course_references(catalogue, problems)
    _check_cycles(catalogue, problems)
    _check_quiz_courses(catalogue, problems)
    _check_placements(catalogue, problems)
    _check_paths(catalogue, problems)
    _check_standards(catalogue, criterion_ids, problems)
    _check_certifications(catalogue, problems)
    _check_scorecards(catalogue, problems)
    return problems


def _check_course_references(catalogue: Catalogue, problems: list[Problem]) -> None:
    standard_ids = _standard_ids(catalogue)
    for loaded in catalogue.courses.values():
        course, source = loaded.course, loaded.source
        for i, required in enumerate(course.requires):
            if required not in catalogue.courses and required not in catalogue.broken:
                problems.append(source.problem(("requires", i), f"unknown course {required!r}"))
        for i, quiz_id in enumerate(course.quizzes):
            if quiz_id not in catalogue.quizzes and quiz_id not in catalogue.broken:
                problems.append(source.problem(("quizzes", i), f"unknown quiz {quiz_id!r}"))
        if standard_ids is None:
            continue
        for i, standard in enumerate(course.standards):
            if standard not in standard_ids:
                problems.append(source.problem(("standards", i), f"unknown standard {standard!r}"))


def _standard_ids(catalogue: Catalogue) -> set[str] | None:
    if catalogue.standards is None:
        return None
    return {s.id for s in catalogue.standards.standards}


def _check_cycles(catalogue: Catalogue, problems: list[Problem]) -> None:
    """Report each prerequisite cycle once, at the 'requires' of its first course."""
    graph = {cid: [r for r in c.course.requires if r in catalogue.courses]
             for cid, c in catalogue.courses.items()}  # fmt: skip
    state: dict[str, int] = {}  # 1 = on the current path, 2 = done
    reported: set[frozenset] = set()

    def visit(node: str, trail: list[str]) -> None:
        state[node] = 1
        for nxt in graph[node]:
            if state.get(nxt) == 1:
                cycle = trail[trail.index(nxt) :] + [nxt]
                if frozenset(cycle) not in reported:
                    reported.add(frozenset(cycle))
                    source = catalogue.courses[nxt].source
                    problems.append(
                        source.problem(("requires",), "prerequisite cycle: " + " -> ".join(cycle))
                    )
            elif state.get(nxt) is None:
                visit(nxt, [*trail, nxt])
        state[node] = 2

    for course_id in sorted(graph):
        if state.get(course_id) is None:
            visit(course_id, [course_id])


def _check_quiz_courses(catalogue: Catalogue, problems: list[Problem]) -> None:
    for loaded in catalogue.quizzes.values():
        if loaded.quiz.placement:
            continue  # checked by _check_placements
        if loaded.quiz.course is None:
            message = "a quiz needs a course (only a placement quiz has none)"
            problems.append(loaded.source.problem(("course",), message))
            continue
        course = catalogue.courses.get(loaded.quiz.course)
        if course is None and loaded.quiz.course in catalogue.broken:
            continue
        if course is None:
            problems.append(
                loaded.source.problem(("course",), f"unknown course {loaded.quiz.course!r}")
            )
        elif loaded.quiz.id not in course.course.quizzes:
            message = f"course {course.course.id!r} does not list this quiz under quizzes"
            problems.append(loaded.source.problem(("course",), message))


def _check_placements(catalogue: Catalogue, problems: list[Problem]) -> None:
    """A placement quiz has no course and sections that share out all its questions, one
    section per tier, each tier with courses to recognise; other quizzes have no sections."""
    tiers = {c.course.tier for c in catalogue.courses.values()}
    for loaded in catalogue.quizzes.values():
        quiz, source = loaded.quiz, loaded.source
        if not quiz.placement:
            for key in ("sections", "offer_days"):
                if key in source.data:
                    problems.append(source.problem((key,), "only a placement quiz has " + key))
            continue
        if quiz.course is not None:
            message = "a placement quiz belongs to no course: leave course out"
            problems.append(source.problem(("course",), message))
        if not quiz.sections:
            problems.append(source.problem(("placement",), "a placement quiz needs sections"))
        _check_sections(loaded, tiers, problems)


def _check_sections(loaded, tiers: set[int], problems: list[Problem]) -> None:
    source = loaded.source
    question_ids = [q.get("id") for q in source.data.get("questions") or [] if isinstance(q, dict)]
    placed: dict[str, str] = {}  # question id -> section id
    seen_ids: set[str] = set()
    seen_tiers: set[int] = set()
    for i, section in enumerate(loaded.quiz.sections):
        loc = ("sections", i)
        if section.id in seen_ids:
            problems.append(source.problem((*loc, "id"), "duplicate section id"))
        if section.tier in seen_tiers:
            problems.append(source.problem((*loc, "tier"), "another section tests this tier"))
        elif section.tier not in tiers:
            message = f"no course is in tier {section.tier}"
            problems.append(source.problem((*loc, "tier"), message))
        seen_ids.add(section.id)
        seen_tiers.add(section.tier)
        for j, question_id in enumerate(section.questions):
            if question_id not in question_ids:
                message = f"unknown question {question_id!r}"
                problems.append(source.problem((*loc, "questions", j), message))
            elif question_id in placed:
                message = f"question {question_id!r} is already in section {placed[question_id]!r}"
                problems.append(source.problem((*loc, "questions", j), message))
            else:
                placed[question_id] = section.id
    for index, question_id in enumerate(question_ids):
        if loaded.quiz.sections and question_id not in placed:
            message = "the question is in no section"
            problems.append(source.problem(("questions", index, "id"), message))


def _check_paths(catalogue: Catalogue, problems: list[Problem]) -> None:
    if catalogue.paths is None:
        return
    seen: set[str] = set()
    for i, path in enumerate(catalogue.paths.paths):
        if path.id in seen:
            problems.append(catalogue.paths_source.problem(("paths", i, "id"), "duplicate path id"))
        seen.add(path.id)
        for j, step in enumerate(path.courses):
            if step.course not in catalogue.courses:
                loc = ("paths", i, "courses", j, "course")
                problems.append(
                    catalogue.paths_source.problem(loc, f"unknown course {step.course!r}")
                )


def _check_standards(
    catalogue: Catalogue, criterion_ids: set[str], problems: list[Problem]
) -> None:
    standards, source = catalogue.standards, catalogue.standards_source
    if standards is None:
        return
    metrics = {m.id for m in standards.metrics}
    if len(metrics) != len(standards.metrics):
        problems.append(source.problem(("metrics",), "duplicate metric id"))
    seen: set[str] = set()
    for i, standard in enumerate(standards.standards):
        loc = ("standards", i)
        if standard.id in seen:
            problems.append(source.problem((*loc, "id"), "duplicate standard id"))
        seen.add(standard.id)
        for j, criterion in enumerate(standard.evidence.criteria):
            if criterion not in criterion_ids:
                where = (*loc, "evidence", "criteria", j)
                problems.append(source.problem(where, f"unknown rubric criterion {criterion!r}"))
        for j, kpi in enumerate(standard.evidence.kpis):
            if kpi.metric not in metrics:
                where = (*loc, "evidence", "kpis", j, "metric")
                problems.append(source.problem(where, f"unknown metric {kpi.metric!r}"))
        course = standard.remedial_course
        if course and course not in catalogue.courses:
            where = (*loc, "remedial_course")
            problems.append(source.problem(where, f"unknown course {course!r}"))


def _check_certifications(catalogue: Catalogue, problems: list[Problem]) -> None:
    """Every course, quiz and standard a certification names must exist."""
    spec, source = catalogue.certifications, catalogue.certifications_source
    if spec is None:
        return
    standard_ids = _standard_ids(catalogue)
    seen: set[str] = set()
    for i, entry in enumerate(spec.certifications):
        loc = ("certifications", i)
        if entry.id in seen:
            problems.append(source.problem((*loc, "id"), "duplicate certification id"))
        seen.add(entry.id)
        if entry.accept_recognised and not entry.requires.courses:
            message = (
                "accept_recognised needs courses under requires: there is nothing to recognise"
            )
            problems.append(source.problem((*loc, "accept_recognised"), message))
        refs = [
            (("requires", "courses"), entry.requires.courses, catalogue.courses, "course"),
            (("requires", "quizzes"), entry.requires.quizzes, catalogue.quizzes, "quiz"),
            (("refresher_courses",), entry.refresher_courses, catalogue.courses, "course"),
        ]
        if standard_ids is not None:
            met = entry.requires.standards_met
            refs.append((("requires", "standards_met"), met, standard_ids, "standard"))
        for where, ids, known, kind in refs:
            for j, ref in enumerate(ids):
                if ref not in known and ref not in catalogue.broken:
                    problems.append(source.problem((*loc, *where, j), f"unknown {kind} {ref!r}"))


def _check_scorecards(catalogue: Catalogue, problems: list[Problem]) -> None:
    """Criteria must be in the named rubric, standards in standards.yaml."""
    spec, source = catalogue.scorecards, catalogue.scorecards_source
    if spec is None:
        return
    found = file_problems(spec, catalogue.rubrics, _standard_ids(catalogue))
    problems.extend(source.problem(loc, message) for loc, message in found)
