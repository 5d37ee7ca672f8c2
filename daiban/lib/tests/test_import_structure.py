"""The direction of dependency a reader can see (docs/architecture.md): no two apps import each other, not even
from inside a function, and an import inside a function is there only with a comment saying why.

The layers themselves are checked by import-linter (`make lint`, .importlinter); these two rules are what it
does not say. Code outside tests/ and migrations/, read as syntax trees, without importing anything."""
from __future__ import annotations

import ast
from collections import defaultdict
from pathlib import Path

PACKAGE = Path(__file__).resolve().parents[2]


def modules() -> list[tuple[Path, str, ast.Module]]:
    found = []
    for path in sorted(PACKAGE.rglob("*.py")):
        parts = path.relative_to(PACKAGE).parts
        if "tests" in parts or "migrations" in parts:
            continue
        app = parts[0].removesuffix(".py")
        found.append((path, app, ast.parse(path.read_text(encoding="utf-8"))))
    return found


def imported_apps(node: ast.Import | ast.ImportFrom) -> set[str]:
    names = [alias.name for alias in node.names] if isinstance(node, ast.Import) else (
        [] if node.level else [node.module or ""])
    return {name.split(".")[1] for name in names if name.startswith("daiban.") and name.count(".") >= 1}


def type_checking_only(node: ast.AST) -> bool:
    return isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test)


def imports_in_functions(tree: ast.Module) -> list[ast.Import | ast.ImportFrom]:
    found = {}
    for function in ast.walk(tree):
        if isinstance(function, ast.FunctionDef | ast.AsyncFunctionDef):
            for node in ast.walk(function):
                if isinstance(node, ast.Import | ast.ImportFrom):
                    found[node.lineno] = node
    return list(found.values())


def all_imports(tree: ast.Module) -> list[ast.Import | ast.ImportFrom]:
    found, stack = [], list(tree.body)
    while stack:
        node = stack.pop()
        if type_checking_only(node):
            continue
        if isinstance(node, ast.Import | ast.ImportFrom):
            found.append(node)
        stack.extend(ast.iter_child_nodes(node))
    return found


def says_why(lines: list[str], node: ast.Import | ast.ImportFrom) -> bool:
    """A comment on the statement (other than a bare `# noqa`), or above the block of imports it belongs to."""
    def why(line: str) -> bool:
        comment = line.partition("#")[2].strip()
        return bool(comment) and not (comment.startswith("noqa") and "(" not in comment)

    if any(why(line) for line in lines[node.lineno - 1:node.end_lineno]):
        return True
    above = node.lineno - 2
    while above >= 0 and (not lines[above].strip() or lines[above].strip().startswith(("from ", "import "))):
        above -= 1
    return above >= 0 and lines[above].strip().startswith("#")


def test_no_two_apps_import_each_other_even_inside_a_function():
    uses: dict[str, set[str]] = defaultdict(set)
    for _, app, tree in modules():
        for node in all_imports(tree):
            uses[app] |= imported_apps(node) - {app}
    pairs = sorted({tuple(sorted((a, b))) for a, used in uses.items() for b in used if a in uses[b]})
    assert pairs == []


def test_every_import_inside_a_function_says_why():
    unexplained = []
    for path, _, tree in modules():
        lines = path.read_text(encoding="utf-8").splitlines()
        unexplained += [f"{path.relative_to(PACKAGE.parent)}:{node.lineno}: {lines[node.lineno - 1].strip()}"
                        for node in imports_in_functions(tree) if not says_why(lines, node)]
    assert unexplained == []
