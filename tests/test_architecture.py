"""The layering of docs/development.md, checked on the source.

Modelled on zulip's custom checks: each rule is a small function over one module's syntax tree, and
each rule carries examples of code it must reject (`bad`) and code it must accept (`good`), so a rule
that stops seeing anything fails its own test instead of passing in silence.

The rules:

- apps import downwards only (core → meetings → decisions → projects → surveys → quality → reports),
  relative imports included; the statistics are free of Django;
- views and API modules neither touch a model manager (`.objects`) nor write (`.save()`, `.delete()`,
  `.create()`, a queryset's `.update()`, ...): reads go through selectors, writes through services;
- selectors never import services (a read that writes is a service);
- an import inside a function says why on the line above it or at its end (a cycle, a slow import, an
  optional dependency): otherwise it belongs at the top of the module;
- every authentication passes the request (the lockout backend counts per request).
"""

from __future__ import annotations

import ast
import io
import textwrap
import tokenize
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest

SRC = Path(__file__).resolve().parents[1] / "src" / "klynge"
ORDER = ["core", "meetings", "decisions", "projects", "surveys", "quality", "reports"]
# Assemblers at the top may read every app.
TOP = {"api", "demo"}


def source_files():
    return [p for p in sorted(SRC.rglob("*.py")) if "migrations" not in p.parts]


def app_of(path: Path) -> str:
    return path.relative_to(SRC).parts[0]


def is_view_module(path: Path) -> bool:
    """Modules that answer requests: pages, API handlers and the account pages (log-in, passkeys)."""
    rel = path.relative_to(SRC)
    return (
        path.name in {"views.py", "api.py"}
        or rel.parts[0] == "api"
        or str(rel) in {"core/accounts/passkeys.py", "core/accounts/middleware.py"}
    )


def is_selector_module(path: Path) -> bool:
    return path.name == "selectors.py"


# The checks ----------------------------------------------------------------------------------------


def _absolute(module: str | None, level: int, importer: str) -> str:
    """`from ..meetings import x` in klynge.decisions.views → klynge.meetings (a package's own module
    is named `<package>.__init__`, so that `.` is the package itself there too)."""
    if level == 0:
        return module or ""
    base = importer.split(".")[:-level]
    return ".".join(base + ([module] if module else []))


def imported_modules(tree: ast.AST, package: str) -> set[str]:
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = _absolute(node.module, node.level, package)
            names.add(base)
            # `from klynge import meetings` and `from . import services` name modules too.
            names.update(f"{base}.{alias.name}" for alias in node.names)
    return names


def check_imports_downwards(tree: ast.AST, package: str) -> list[str]:
    app = package.split(".")[1] if "." in package else ""
    if app not in ORDER:
        return []
    allowed = set(ORDER[: ORDER.index(app) + 1])
    problems = []
    for module in sorted(imported_modules(tree, package)):
        parts = module.split(".")
        if parts[0] == "klynge" and len(parts) > 1:
            if parts[1] in ORDER and parts[1] not in allowed:
                problems.append(f"imports {module}, an app above {app}")
            if parts[1] in TOP:
                problems.append(f"imports the assembler {module}")
    return problems


ORM_WRITES = {"save", "delete", "create", "bulk_create", "bulk_update", "get_or_create", "update_or_create"}
QUERYSET_CALLS = {"filter", "exclude", "all", "select_for_update", "select_related", "order_by"}


def check_no_orm_in_views(tree: ast.AST, package: str) -> list[str]:
    problems = []
    # `@router.delete(...)` declares an API route; it deletes nothing.
    decorators = {
        id(d)
        for node in ast.walk(tree)
        for d in getattr(node, "decorator_list", [])
        if isinstance(d, ast.Call)
    }
    for node in ast.walk(tree):
        if id(node) in decorators:
            continue
        if isinstance(node, ast.Attribute) and node.attr == "objects":
            problems.append(f"line {node.lineno}: .objects in a view (read through a selector)")
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute):
            name, receiver = node.func.attr, node.func.value
            # The session is not a record of ours (Django's session middleware saves it).
            if name in ORM_WRITES and not (
                isinstance(receiver, ast.Attribute) and receiver.attr == "session"
            ):
                problems.append(f"line {node.lineno}: .{name}() in a view (write through a service)")
            elif (
                name == "update"
                and isinstance(receiver, ast.Call)
                and isinstance(receiver.func, ast.Attribute)
                and receiver.func.attr in QUERYSET_CALLS
            ):
                problems.append(f"line {node.lineno}: queryset .update() in a view (write through a service)")
    return problems


def check_selectors_never_import_services(tree: ast.AST, package: str) -> list[str]:
    return [
        f"imports {module}"
        for module in sorted(imported_modules(tree, package))
        if module.split(".")[-1] == "services" or ".services." in module
    ]


def _comment_lines(source: str) -> set[int]:
    lines = set()
    for token in tokenize.generate_tokens(io.StringIO(source).readline):
        if token.type == tokenize.COMMENT:
            lines.add(token.start[0])
    return lines


def check_inline_imports_say_why(tree: ast.AST, package: str, source: str) -> list[str]:
    """An import in a function body has a comment at its end or on the line above the run of imports
    it belongs to. AppConfig.ready() is Django's place for such imports and needs none."""
    comments = _comment_lines(source)
    problems: set[str] = set()
    for function in ast.walk(tree):
        if not isinstance(function, ast.FunctionDef | ast.AsyncFunctionDef) or function.name == "ready":
            continue
        for node in ast.walk(function):
            for body in (getattr(node, name, None) for name in ("body", "orelse", "finalbody", "handlers")):
                if not isinstance(body, list):
                    continue
                run_start = None
                for statement in body:
                    if not isinstance(statement, ast.Import | ast.ImportFrom):
                        run_start = None
                        continue
                    # A run of imports (blank lines between groups included) shares one comment.
                    run_start = run_start or statement.lineno
                    ends = range(statement.lineno, statement.end_lineno + 1)
                    if run_start - 1 not in comments and not any(line in comments for line in ends):
                        problems.add(
                            f"line {statement.lineno}: import inside a function without a comment saying why"
                        )
    return sorted(problems)


def check_authentication_passes_request(tree: ast.AST, package: str) -> list[str]:
    """The lockout backend lets a call without a request through (Django's test client logs in that
    way), so no product code may call authenticate() without one."""
    problems = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Call):
            name = getattr(node.func, "id", None) or getattr(node.func, "attr", None)
            if name == "authenticate" and not (node.args or any(k.arg == "request" for k in node.keywords)):
                problems.append(f"line {node.lineno}: authenticate() without the request")
    return problems


def check_statistics_free_of_django(tree: ast.AST, package: str) -> list[str]:
    return [f"imports {m}" for m in sorted(imported_modules(tree, package)) if m.split(".")[0] == "django"]


@dataclass
class Rule:
    name: str
    check: Callable[..., list[str]]
    applies: Callable[[Path], bool]
    bad: list[str]
    good: list[str]
    # Where the examples pretend to live (their package decides relative imports and the app).
    package: str = "klynge.decisions.views"
    # Modules allowed to break the rule, each with its reason (zulip's `exclude`); keep it short.
    exclude: dict[str, str] | None = None

    def run(self, source: str, package: str) -> list[str]:
        tree = ast.parse(textwrap.dedent(source))
        if self.check is check_inline_imports_say_why:
            return self.check(tree, package, textwrap.dedent(source))
        return self.check(tree, package)


RULES = [
    Rule(
        name="apps import downwards only",
        check=check_imports_downwards,
        applies=lambda path: app_of(path) in ORDER,
        package="klynge.meetings.views",
        bad=[
            "from klynge.decisions.models import Poll",
            "from ..decisions import selectors",
            "import klynge.reports.danish",
            "from klynge import api",
            "from klynge.demo.builder import build",
        ],
        good=[
            "from klynge.core.models import Cluster",
            "from . import selectors",
            "from ..core import selectors",
            "from .models import Meeting",
        ],
    ),
    Rule(
        name="no ORM in views and API modules",
        check=check_no_orm_in_views,
        applies=is_view_module,
        bad=[
            "Poll.objects.filter(cluster=cluster)",
            "form.save()",
            "request.user.save(update_fields=['language'])",
            "poll.options.create(label='Ja')",
            "device.delete()",
            "Token.objects.get_or_create(person=p)",
            "poll.options.filter(pk=1).update(label='Nej')",
        ],
        good=[
            "selectors.cluster_polls(cluster=cluster)",
            "services.poll_create(cluster=cluster, **form.cleaned_data)",
            "context.update(extra)",
            "request.session.save()",
            "response.delete_cookie('x')",
            """
            @router.delete("/k/{slug}/projekter/{project_id}")
            def project_delete(request, slug, project_id):
                services.project_delete(project=project_get(request, slug, project_id))
            """,
        ],
    ),
    Rule(
        name="selectors never import services",
        check=check_selectors_never_import_services,
        applies=is_selector_module,
        package="klynge.decisions.selectors",
        bad=[
            "from . import services",
            "from .services import poll_close",
            "from klynge.core.services import outbox_enqueue",
            "from klynge.core import services as core_services",
        ],
        good=["from . import models", "from klynge.core.selectors import cluster_people"],
    ),
    Rule(
        name="an import inside a function says why",
        check=check_inline_imports_say_why,
        applies=lambda path: True,
        bad=[
            """
            def page(request):
                from klynge.projects.selectors import cluster_projects
                return cluster_projects()
            """,
            """
            def export():
                # WeasyPrint takes a second to import; only the PDF export needs it.
                from weasyprint import HTML
                html = HTML(string="")
                from docx import Document
            """,
        ],
        good=[
            """
            def page(request):
                # Circular: projects.selectors imports this module.
                from klynge.projects.selectors import cluster_projects
                return cluster_projects()
            """,
            """
            def export():
                # WeasyPrint and python-docx take a second to import; only the exports need them.
                from weasyprint import HTML
                from docx import Document
            """,
            """
            def export():
                import polars as pl  # slow to import; only the import page needs it
            """,
            """
            class Config:
                def ready(self):
                    from . import signals
            """,
        ],
    ),
    Rule(
        name="every authentication passes the request",
        check=check_authentication_passes_request,
        applies=lambda path: True,
        bad=["authenticate(username=email, password=password)"],
        good=[
            "authenticate(request, username=email, password=password)",
            "authenticate(request=request, username=email, password=password)",
        ],
    ),
    Rule(
        name="statistics are plain Python",
        check=check_statistics_free_of_django,
        applies=lambda path: path.is_relative_to(SRC / "quality" / "stats"),
        package="klynge.quality.stats.runchart",
        bad=["from django.utils import timezone", "import django"],
        good=["import math", "from .spc import limits"],
    ),
]


def _module_name(path: Path) -> str:
    return ".".join(path.relative_to(SRC.parent).with_suffix("").parts)


@pytest.mark.parametrize("rule", RULES, ids=lambda r: r.name)
def test_rule_rejects_its_bad_examples(rule):
    for example in rule.bad:
        assert rule.run(example, rule.package), f"{rule.name} does not see:\n{example}"


@pytest.mark.parametrize("rule", RULES, ids=lambda r: r.name)
def test_rule_accepts_its_good_examples(rule):
    for example in rule.good:
        assert not rule.run(example, rule.package), f"{rule.name} rejects:\n{example}"


@pytest.mark.parametrize("rule", RULES, ids=lambda r: r.name)
def test_source_keeps_the_rule(rule):
    problems = []
    checked = 0
    for path in source_files():
        if not rule.applies(path):
            continue
        rel = str(path.relative_to(SRC))
        if rule.exclude and rel in rule.exclude:
            continue
        checked += 1
        source = path.read_text(encoding="utf-8")
        problems += [f"{rel}: {p}" for p in rule.run(source, _module_name(path))]
    assert checked, f"{rule.name} checked no module"
    assert not problems, f"{rule.name}:\n" + "\n".join(problems)
