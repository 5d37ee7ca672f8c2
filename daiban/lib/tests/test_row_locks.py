"""Row locks let other writers point at the locked row (docs/architecture.md, "Locks").

A writer locks a case (or a request, a project, a meeting) and then waits for the audit chain's head; another holds
the head and inserts a document or a public step that points at that row. FOR UPDATE would make the insert wait
for the first writer, which waits for it: a deadlock (CI saw one with the address, the project code and the team
changed at once). FOR NO KEY UPDATE excludes the other lockers all the same and lets the references in, because
no code here changes a primary key. Only a lock taken to delete the row may be a plain FOR UPDATE."""
from __future__ import annotations

import ast

from daiban.lib.tests.test_import_structure import modules


def plain_row_locks() -> list[str]:
    found = []
    for path, _app, tree in modules():
        for function in ast.walk(tree):
            if not isinstance(function, ast.FunctionDef | ast.AsyncFunctionDef):
                continue
            calls = [node for node in ast.walk(function) if isinstance(node, ast.Call)
                     and isinstance(node.func, ast.Attribute)]
            deletes = any(call.func.attr == "delete" for call in calls)  # type: ignore[attr-defined]
            for call in calls:
                if call.func.attr != "select_for_update":  # type: ignore[attr-defined]
                    continue
                no_key = any(k.arg == "no_key" and ast.unparse(k.value) == "True" for k in call.keywords)
                if not no_key and not deletes:
                    found.append(f"{path.name}:{call.lineno} {function.name}")
    return found


def test_every_row_lock_that_is_not_for_deleting_lets_references_in():
    assert plain_row_locks() == []


def test_the_check_finds_a_plain_lock(tmp_path, monkeypatch):
    source = "def f(case):\n    Case.objects.select_for_update().get(pk=case.pk)\n"
    import daiban.lib.tests.test_row_locks as this  # the check itself, fed one module

    monkeypatch.setattr(this, "modules", lambda: [(tmp_path / "x.py", "x", ast.parse(source))])
    assert this.plain_row_locks() == ["x.py:2 f"]
