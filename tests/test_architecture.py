"""The layout holds: pure engine and policy, one-way imports, small modules, no cycle."""

from __future__ import annotations

import ast
from pathlib import Path

BOT = Path(__file__).resolve().parent.parent / "bot"
SHELL_LIBRARIES = ("nio", "aiosqlite", "aiohttp", "watchfiles")
MAX_MODULE_LINES = 400
MAX_CLASS_LINES = 250
# What each package may import from the others (the engine, nothing of the rest).
ALLOWED = {
    "engine": {"engine"},
    "conversation": {"engine", "conversation", "config"},
}


def modules() -> dict[str, Path]:
    out = {}
    for path in sorted(BOT.rglob("*.py")):
        parts = path.relative_to(BOT.parent).with_suffix("").parts
        name = ".".join(parts[:-1] if parts[-1] == "__init__" else parts)
        out[name] = path
    return out


def imports(path: Path) -> set[str]:
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.add(node.module)
            found.update(f"{node.module}.{alias.name}" for alias in node.names)
    return found


def package(module: str) -> str:
    parts = module.split(".")
    return parts[1] if len(parts) > 1 else ""


def test_engine_and_conversation_are_pure():
    wrong = []
    for name, path in modules().items():
        top = package(name)
        if top not in ALLOWED:
            continue
        for imported in imports(path):
            root = imported.split(".")[0]
            if root in SHELL_LIBRARIES:
                wrong.append(f"{name} imports {imported}")
            if root == "bot" and imported.count(".") >= 1:
                target = imported.split(".")[1]
                if target in modules_top() and target not in ALLOWED[top]:
                    wrong.append(f"{name} imports {imported}")
    assert wrong == []


def modules_top() -> set[str]:
    return {package(m) for m in modules() if package(m)}


def test_size_limits():
    big = []
    for name, path in modules().items():
        text = path.read_text(encoding="utf-8")
        if len(text.splitlines()) > MAX_MODULE_LINES:
            big.append(f"{name}: {len(text.splitlines())} lines")
        for node in ast.walk(ast.parse(text)):
            if isinstance(node, ast.ClassDef) and node.end_lineno is not None:
                length = node.end_lineno - node.lineno + 1
                if length > MAX_CLASS_LINES:
                    big.append(f"{name}.{node.name}: {length} lines")
    assert big == []


def test_few_modules_at_the_top():
    top = [p.name for p in BOT.glob("*.py")]
    assert len(top) <= 6, top


def test_no_import_cycle():
    mods = modules()
    graph = {
        name: {
            target
            for imported in imports(path)
            for target in (imported, imported.rsplit(".", 1)[0])
            if target in mods and target != name
        }
        for name, path in mods.items()
    }
    # Packages' __init__ modules are docstrings only: an edge to one is not an import of its parts.
    state: dict[str, int] = {}
    cycles: list[list[str]] = []

    def visit(node: str, stack: list[str]) -> None:
        state[node] = 1
        for nxt in sorted(graph[node]):
            if state.get(nxt) == 1:
                cycles.append([*stack[stack.index(nxt) :], nxt])
            elif nxt not in state:
                visit(nxt, [*stack, nxt])
        state[node] = 2

    for name in sorted(graph):
        if name not in state:
            visit(name, [name])
    assert cycles == []
