"""The layering of docs/development.md, checked on the source: apps import downwards only."""

import ast
from pathlib import Path

import pytest

SRC = Path(__file__).resolve().parents[1] / "src" / "klynge"
ORDER = ["core", "meetings", "decisions", "projects", "surveys", "quality", "reports"]
# Assemblers at the top may read every app.
TOP = {"api", "demo"}


def imported_modules(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module)
    return names


@pytest.mark.parametrize("app", ORDER)
def test_apps_import_only_apps_below_them(app):
    allowed = set(ORDER[: ORDER.index(app) + 1])
    problems = []
    for path in (SRC / app).rglob("*.py"):
        for module in imported_modules(path):
            parts = module.split(".")
            if parts[0] == "klynge" and len(parts) > 1:
                target = parts[1]
                if target in ORDER and target not in allowed:
                    problems.append(f"{path.relative_to(SRC)} imports {module}")
                if target in TOP:
                    problems.append(f"{path.relative_to(SRC)} imports the assembler {module}")
    assert not problems, "\n".join(problems)


def test_statistics_have_no_django():
    for path in (SRC / "quality" / "stats").rglob("*.py"):
        assert not any(m.split(".")[0] == "django" for m in imported_modules(path)), path


def test_every_authentication_passes_the_request():
    """The lockout backend lets a call without a request through (Django's test client logs in that
    way), so no product code may call authenticate() without one."""
    problems = []
    for path in SRC.rglob("*.py"):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.Call):
                name = getattr(node.func, "id", None) or getattr(node.func, "attr", None)
                if name == "authenticate" and not isinstance(node.func, ast.Attribute | ast.Name):
                    continue
                if name == "authenticate" and not (
                    node.args or any(k.arg == "request" for k in node.keywords)
                ):
                    problems.append(f"{path.relative_to(SRC)}:{node.lineno}")
    assert not problems, problems
