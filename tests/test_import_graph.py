"""The import graph of app/: no capability imports another in a circle, no module another
inside a capability either, and none depends on what it must not (reports, or anything but
pure Python for scoring).

Every `import` is read with ast, at module level or inside a function alike. A unit is a
package under app/ (a capability, e.g. app.quizzes) or a module directly in app/ (the shared
kernel, e.g. app.events); app/__init__.py, the factory that wires every capability, is left out.

`python -m tests.test_import_graph` prints the graph: each unit with what it imports, in an
order where every unit comes after what it depends on, and the circles (none).
"""

from __future__ import annotations

import ast
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent
FACTORY = "app"
NOT_PURE = ("flask", "sqlalchemy", "werkzeug", "jinja2")  # and flask_* extensions


@dataclass
class ImportGraph:
    # (unit, unit it imports) -> "file:line module" of every import that makes the edge
    edges: dict[tuple[str, str], list[str]] = field(default_factory=lambda: defaultdict(list))
    # unit -> imports of modules outside app/ ("file:line module")
    outside: dict[str, list[str]] = field(default_factory=lambda: defaultdict(list))
    units: set[str] = field(default_factory=set)
    # module -> the modules of app it imports -> "file:line" of each import (the factory,
    # app/__init__.py, left out)
    modules: dict[str, dict[str, list[str]]] = field(
        default_factory=lambda: defaultdict(lambda: defaultdict(list))
    )

    def imports_of(self, unit: str) -> set[str]:
        return {b for a, b in self.edges if a == unit}

    def circles(self) -> list[list[str]]:
        """Groups of units that reach each other (strongly connected components)."""
        return [sorted(c) for c in _components(self.units, self.imports_of) if len(c) > 1]

    def module_circles(self) -> list[list[str]]:
        """Groups of modules that reach each other, inside a capability or across them."""
        nodes = set(self.modules) | {m for found in self.modules.values() for m in found}
        return [
            sorted(c) for c in _components(nodes, lambda m: self.modules.get(m, ())) if len(c) > 1
        ]

    def forbidden(self) -> list[str]:
        found = [
            f"{a} imports reports: {sites[0]}"
            for (a, b), sites in sorted(self.edges.items())
            if b == "app.reports"
        ]
        found += [
            f"app.scoring imports {b}: {sites[0]}"
            for (a, b), sites in sorted(self.edges.items())
            if a == "app.scoring"
        ]
        found += [
            f"app.scoring imports {site.split()[-1]}: {site}"
            for site in self.outside.get("app.scoring", [])
            if _not_pure(site.split()[-1])
        ]
        return found

    def layers(self) -> list[str]:
        """Units in an order where each comes after every unit it imports."""
        placed: list[str] = []
        left = set(self.units)
        while left:
            ready = sorted(u for u in left if self.imports_of(u) <= set(placed))
            ready = ready or sorted(left)  # a circle: place the rest as they are
            placed += ready
            left -= set(ready)
        return placed


def _not_pure(module: str) -> bool:
    top = module.split(".")[0]
    return top in NOT_PURE or top.startswith("flask_")


def _module_name(root: Path, path: Path) -> str:
    parts = path.relative_to(root).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _unit(module: str) -> str | None:
    """The unit a module of app belongs to (its package, or itself directly in app/); None for
    modules outside app/."""
    parts = module.split(".")
    if parts[0] != "app":
        return None
    return FACTORY if len(parts) == 1 else f"app.{parts[1]}"


def _is_module(root: Path, module: str) -> bool:
    path = root.joinpath(*module.split("."))
    return path.with_suffix(".py").is_file() or (path / "__init__.py").is_file()


def _imported_modules(root: Path, module: str, is_package: bool, node: ast.AST) -> list[str]:
    if isinstance(node, ast.Import):
        return [alias.name for alias in node.names]
    if not isinstance(node, ast.ImportFrom):
        return []
    base = node.module or ""
    if node.level:  # relative: from the module's package, up level - 1 more
        package = module.split(".") if is_package else module.split(".")[:-1]
        package = package[: len(package) - (node.level - 1)]
        base = ".".join([*package, base] if base else package)
    # `from app import events` imports the module app.events; `from app.x import name` app.x
    names = [f"{base}.{alias.name}" for alias in node.names]
    found = [name for name in names if _is_module(root, name)]
    # a name that is no module is read from the package itself (its __init__.py)
    return found + [base] if len(found) < len(names) else found


def build_graph(root: Path = REPO_ROOT) -> ImportGraph:
    graph = ImportGraph()
    for path in sorted((root / "app").rglob("*.py")):
        module = _module_name(root, path)
        source = _unit(module)
        if source == FACTORY:
            continue
        graph.units.add(source)
        tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
        for node in ast.walk(tree):
            for target in _imported_modules(root, module, path.name == "__init__.py", node):
                site = f"{path.relative_to(root)}:{node.lineno} {target}"
                unit = _unit(target)
                if unit not in (None, FACTORY) and target != module:
                    graph.modules[module][target].append(site.split()[0])
                if unit is None:
                    graph.outside[source].append(site)
                elif unit != source:
                    graph.edges[(source, unit)].append(site)
                    if unit != FACTORY:
                        graph.units.add(unit)
    return graph


def _components(nodes: set[str], successors) -> list[list[str]]:
    """Tarjan's strongly connected components, iteratively."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []
    for start in sorted(nodes):
        if start in index:
            continue
        work = [(start, iter(sorted(successors(start))))]
        index[start] = low[start] = len(index)
        stack.append(start)
        on_stack.add(start)
        while work:
            node, children = work[-1]
            child = next(children, None)
            if child is not None:
                if child not in index:
                    index[child] = low[child] = len(index)
                    stack.append(child)
                    on_stack.add(child)
                    work.append((child, iter(sorted(successors(child)))))
                elif child in on_stack:
                    low[node] = min(low[node], index[child])
                continue
            work.pop()
            if work:
                low[work[-1][0]] = min(low[work[-1][0]], low[node])
            if low[node] == index[node]:
                component = []
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    component.append(member)
                    if member == node:
                        break
                found.append(component)
    return found


def describe(graph: ImportGraph) -> str:
    lines = [f"{len(graph.units)} units, {len(graph.edges)} edges between them", ""]
    for unit in graph.layers():
        imported = sorted(u.removeprefix("app.") for u in graph.imports_of(unit))
        lines.append(f"{unit:22} -> {', '.join(imported) or '-'}")
    circles = graph.circles()
    lines.append("")
    lines.append("circles: " + ("; ".join(" <-> ".join(c) for c in circles) or "none"))
    lines.append("circles of modules: " + ("; ".join(_module_circle_sites(graph)) or "none"))
    lines.append("forbidden edges: " + ("; ".join(graph.forbidden()) or "none"))
    return "\n".join(lines)


# --- the rules, on this repository ----------------------------------------------------------


def test_no_circle_between_capabilities():
    graph = build_graph()
    circles = graph.circles()
    details = [
        f"{a} -> {b}: {', '.join(sites[:3])}"
        for circle in circles
        for (a, b), sites in sorted(graph.edges.items())
        if a in circle and b in circle
    ]
    assert not circles, "import circles:\n" + "\n".join(details)
    assert {"app.quizzes", "app.courses", "app.standards", "app.certification"} <= graph.units


def _module_circle_sites(graph: ImportGraph) -> list[str]:
    """Each circle of modules, with where each of its modules imports the next."""
    out = []
    for circle in graph.module_circles():
        sites = [f"{a} -> {b} ({', '.join(graph.modules[a][b][:2])})"
                 for a in circle for b in circle if b in graph.modules.get(a, {})]  # fmt: skip
        out.append("; ".join(sites))
    return out


def test_no_circle_between_modules():
    found = _module_circle_sites(build_graph())
    assert not found, "modules importing each other:\n" + "\n".join(found)


def test_no_forbidden_edge():
    assert build_graph().forbidden() == []


# --- the checker finds what it is meant to find -----------------------------------------------


def _tree(root: Path, files: dict[str, str]) -> Path:
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    return root


def test_a_circle_inside_one_capability_is_found(tmp_path):
    root = _tree(tmp_path, {
        "app/__init__.py": "",
        "app/standards/__init__.py": "",
        "app/standards/services.py": "def f():\n    from app.standards.statuses import recompute\n",
        "app/standards/statuses.py": "from app.standards import definitions, services\n",
        "app/standards/definitions.py": "",
    })  # fmt: skip
    graph = build_graph(root)
    assert graph.circles() == []
    assert graph.module_circles() == [["app.standards.services", "app.standards.statuses"]]


def test_a_name_read_from_a_package_beside_its_modules_is_an_edge_to_the_package(tmp_path):
    root = _tree(tmp_path, {
        "app/__init__.py": "",
        "app/quizzes/__init__.py": "from app.quizzes import a\nX = 1\n",
        "app/quizzes/a.py": "from app.quizzes import b, X\n",
        "app/quizzes/b.py": "",
    })  # fmt: skip
    assert build_graph(root).module_circles() == [["app.quizzes", "app.quizzes.a"]]


def test_a_circle_through_a_function_level_import_is_found(tmp_path):
    root = _tree(tmp_path, {
        "app/__init__.py": "from app.reports import views\n",
        "app/events.py": "",
        "app/quizzes/__init__.py": "",
        "app/quizzes/services.py": "from app import events\nfrom app.courses.models import Course\n",
        "app/courses/__init__.py": "",
        "app/courses/models.py": "",
        "app/courses/services.py": "def f():\n    from ..quizzes import services\n",
        "app/reports/__init__.py": "",
        "app/reports/views.py": "",
    })  # fmt: skip
    graph = build_graph(root)
    assert graph.circles() == [["app.courses", "app.quizzes"]]
    assert graph.module_circles() == []  # the modules themselves do not meet in a circle
    assert ("app.quizzes", "app.events") in graph.edges
    assert graph.forbidden() == []  # the factory may import reports


def test_forbidden_edges_are_found(tmp_path):
    root = _tree(tmp_path, {
        "app/__init__.py": "",
        "app/certification/__init__.py": "",
        "app/certification/views.py": "from app.reports import views as report_views\n",
        "app/reports/__init__.py": "",
        "app/reports/views.py": "",
        "app/clock.py": "",
        "app/scoring/__init__.py": "import re\nfrom app.scoring import rubric\n",
        "app/scoring/rubric.py": "def f():\n    from flask import current_app\n    import flask_babel\n"
                                 "    from sqlalchemy import select\n    from app import clock\n",
    })  # fmt: skip
    found = build_graph(root).forbidden()
    assert len(found) == 5, found
    assert found[0].startswith("app.certification imports reports: app/certification/views.py:1")
    assert any("app.scoring imports app.clock" in f for f in found)
    assert sum("imports flask" in f or "imports sqlalchemy" in f for f in found) == 3


if __name__ == "__main__":
    print(describe(build_graph()))
