"""The generator's modules import each other in one direction, and only public names: a test
walks every import with ``ast``, those for type hints included."""

from __future__ import annotations

import ast
from pathlib import Path

PACKAGE = Path(__file__).resolve().parents[2] / "generator"


def module_name(path: Path) -> str:
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def all_imports(tree: ast.Module) -> list[ast.ImportFrom | ast.Import]:
    """Every import of a module, those for types only (``if TYPE_CHECKING:``) included: a
    circle through type hints is a circle in the design all the same."""
    return [node for node in ast.walk(tree) if isinstance(node, ast.ImportFrom | ast.Import)]


def import_graph() -> tuple[dict[str, set[str]], list[str]]:
    """Module -> the generator modules it imports; and every import of another module's
    ``_private`` name, as 'importer: module.name'."""
    modules = {module_name(path): path for path in PACKAGE.rglob("*.py")}
    graph: dict[str, set[str]] = {name: set() for name in modules}
    private: list[str] = []
    for name, path in modules.items():
        for node in all_imports(ast.parse(path.read_text("utf-8"))):
            if isinstance(node, ast.Import):
                graph[name] |= {a.name for a in node.names if a.name in modules}
                continue
            if not node.module or node.module not in modules:
                continue
            for alias in node.names:
                full = f"{node.module}.{alias.name}"
                graph[name].add(full if full in modules else node.module)
                if alias.name.startswith("_") and not alias.name.startswith("__"):
                    private.append(f"{name}: {full}")
    return graph, private


def find_cycle(graph: dict[str, set[str]]) -> list[str] | None:
    state: dict[str, int] = {}  # 1: on the current path, 2: done
    path: list[str] = []

    def visit(node: str) -> list[str] | None:
        state[node] = 1
        path.append(node)
        for target in sorted(graph[node]):
            if state.get(target) == 1:
                return [*path[path.index(target):], target]
            if target not in state and (found := visit(target)):
                return found
        state[node] = 2
        path.pop()
        return None

    for node in sorted(graph):
        if node not in state and (found := visit(node)):
            return found
    return None


def test_imports_generator_modules_form_no_circle() -> None:
    graph, _ = import_graph()
    assert find_cycle(graph) is None


def test_imports_no_module_imports_another_modules_private_name() -> None:
    _, private = import_graph()
    assert private == []


def test_imports_find_cycle_reports_a_circle() -> None:
    assert find_cycle({"a": {"b"}, "b": {"c"}, "c": {"a"}}) == ["a", "b", "c", "a"]
    assert find_cycle({"a": {"b"}, "b": set()}) is None
