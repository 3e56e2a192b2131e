"""Checks across content files: references that must exist, and prerequisites without cycles."""

from __future__ import annotations

from app.content.catalogue import Catalogue
from app.yaml_source import Problem


def cross_check(catalogue: Catalogue, criterion_ids: set[str]) -> list[Problem]:
    problems: list[Problem] = []
    _check_course_references(catalogue, problems)
    _check_cycles(catalogue, problems)
    _check_quiz_courses(catalogue, problems)
    _check_paths(catalogue, problems)
    _check_standards(catalogue, criterion_ids, problems)
    _check_certifications(catalogue, problems)
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
