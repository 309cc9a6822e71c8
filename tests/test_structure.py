"""The layout's rules (issue 14): screens report up by messages and never import the
app; no import circle in ``quiz/``; no screen reaches past the session to the store."""

from __future__ import annotations

import ast
from pathlib import Path

import quiz

PACKAGE = Path(quiz.__file__).resolve().parent


def _module_name(path: Path) -> str:
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _imports(path: Path) -> set[str]:
    """Every ``quiz.*`` module ``path`` imports, at the top or inside a function,
    under TYPE_CHECKING or not: a circle through a lazy import is still a circle."""
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found |= {a.name for a in node.names if a.name.startswith("quiz")}
        elif isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("quiz"):
            found.add(node.module)
            # "from quiz.tui import messages": the submodule is what is imported.
            found |= {f"{node.module}.{a.name}" for a in node.names}
    return found


def _graph() -> dict[str, set[str]]:
    modules = {_module_name(p): p for p in PACKAGE.rglob("*.py")}
    graph = {}
    for name, path in modules.items():
        graph[name] = {m for m in _imports(path) if m in modules and m != name}
    return graph


def test_the_graph_reader_sees_a_known_import() -> None:
    """The check below is only as good as this reader: it must see real imports."""
    graph = _graph()
    assert "quiz.session" in graph["quiz.practice"]
    assert "quiz.tui.messages" in graph["quiz.tui.screens.review"]


def test_no_import_circle_in_quiz() -> None:
    graph = _graph()
    state: dict[str, int] = {}  # 1: on the current path, 2: done
    path: list[str] = []

    def visit(node: str) -> None:
        state[node] = 1
        path.append(node)
        for nxt in sorted(graph[node]):
            if state.get(nxt) == 1:
                circle = [*path[path.index(nxt) :], nxt]
                raise AssertionError("import circle: " + " -> ".join(circle))
            if nxt not in state:
                visit(nxt)
        path.pop()
        state[node] = 2

    for node in sorted(graph):
        if node not in state:
            visit(node)


def test_no_screen_or_widget_imports_the_app_or_the_store() -> None:
    graph = _graph()
    offenders = {
        name: sorted(graph[name] & {"quiz.tui.app", "quiz.store"})
        for name in graph
        if name.startswith(("quiz.tui.screens.", "quiz.tui.widgets."))
    }
    assert {k: v for k, v in offenders.items() if v} == {}
