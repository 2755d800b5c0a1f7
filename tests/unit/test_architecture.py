"""The layout's rules hold: domain packages know no request and no blueprint; youth reaches no staff code.

The import graph is read from the source with `ast`, so a rule is checked the moment a new
module exists, with nothing to register.
"""

from __future__ import annotations

import ast
from collections.abc import Iterable, Mapping
from pathlib import Path

import participation

PACKAGE_ROOT = Path(participation.__file__).parent
DOMAIN = (
    "accounts",
    "activities",
    "answering",
    "safeguarding",
    "figures",
    "follow_up",
    "privacy",
    "exports",
    "models",
)
BLUEPRINTS = ("youth", "studio", "results", "research", "auth", "admin")
STAFF_BLUEPRINTS = ("studio", "results", "research", "auth", "admin")
# Names bound to the request being served; domain code takes plain arguments instead.
REQUEST_BOUND = {
    "flask": {"request", "g", "session", "abort", "has_request_context"},
    "flask_login": {"current_user", "login_required"},
    "participation.db": {"get_session"},
}
FRAME_ROOT_LIMIT = 12


def module_name(path: Path) -> str:
    """The dotted module name of a file under the package root."""
    parts = path.relative_to(PACKAGE_ROOT.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def source_tree() -> dict[str, str]:
    """Every module of the package, by dotted name (migrations excepted: they are scripts)."""
    return {
        module_name(path): path.read_text(encoding="utf-8")
        for path in PACKAGE_ROOT.rglob("*.py")
        if "migrations" not in path.parts
    }


def imports_of(source: str, name: str) -> list[tuple[str, str | None]]:
    """(module, imported name or None) for every import statement in `source`."""
    found: list[tuple[str, str | None]] = []
    package = name if source_is_package(name) else name.rpartition(".")[0]
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            found.extend((alias.name, None) for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join([*anchor, base]) if base else ".".join(anchor)
            found.extend((base, alias.name) for alias in node.names)
    return found


def source_is_package(name: str) -> bool:
    """Whether the dotted `name` is a package (an __init__ module) of this project."""
    return (PACKAGE_ROOT.parent / name.replace(".", "/") / "__init__.py").exists()


def edges(tree: Mapping[str, str]) -> dict[str, set[str]]:
    """Which project modules each module imports (a `from pkg import mod` counts as mod)."""
    graph: dict[str, set[str]] = {}
    for name, source in tree.items():
        targets = set()
        for module, imported in imports_of(source, name):
            if imported and f"{module}.{imported}" in tree:
                targets.add(f"{module}.{imported}")
            elif module in tree:
                targets.add(module)
        graph[name] = targets
    return graph


def reachable(graph: Mapping[str, set[str]], start: Iterable[str]) -> set[str]:
    """Every module reachable from `start` through imports."""
    seen: set[str] = set()
    todo = list(start)
    while todo:
        current = todo.pop()
        if current in seen:
            continue
        seen.add(current)
        todo.extend(graph.get(current, ()))
    return seen


def in_package(name: str, packages: Iterable[str]) -> bool:
    """Whether `name` is one of `participation.<package>` or below it."""
    return any(
        name == f"participation.{p}" or name.startswith(f"participation.{p}.") for p in packages
    )


def violations(tree: Mapping[str, str]) -> list[str]:
    """Every broken rule of the layout, as a sentence naming the modules."""
    problems = []
    graph = edges(tree)
    for name, source in tree.items():
        if not in_package(name, DOMAIN):
            continue
        for module, imported in imports_of(source, name):
            if imported in REQUEST_BOUND.get(module, ()):
                problems.append(f"{name} imports {module}.{imported}, which is bound to a request")
        problems.extend(
            f"{name} imports the blueprint module {target}"
            for target in graph[name]
            if in_package(target, BLUEPRINTS)
        )
    youth = [name for name in tree if in_package(name, ("youth",))]
    problems.extend(
        f"the youth blueprint reaches staff code: {name}"
        for name in sorted(reachable(graph, youth))
        if in_package(name, STAFF_BLUEPRINTS)
    )
    return problems


def test_the_real_tree_keeps_every_rule():
    assert violations(source_tree()) == []


def new_violations(extra: Mapping[str, str]) -> list[str]:
    """The violations that adding the `extra` modules to the real tree would bring."""
    before = set(violations(source_tree()))
    return [problem for problem in violations({**source_tree(), **extra}) if problem not in before]


def test_a_domain_module_reading_the_request_is_caught():
    assert new_violations({"participation.figures.sneaky": "from flask import request\n"}) == [
        "participation.figures.sneaky imports flask.request, which is bound to a request"
    ]


def test_a_domain_module_importing_a_blueprint_or_current_user_is_caught():
    sneaky = "from flask_login import current_user\nfrom participation.results import common\n"
    assert new_violations({"participation.exports.sneaky": sneaky}) == [
        "participation.exports.sneaky imports flask_login.current_user, which is bound to a request",
        "participation.exports.sneaky imports the blueprint module participation.results.common",
    ]


def test_youth_reaching_staff_code_through_a_domain_module_is_caught():
    found = new_violations(
        {
            "participation.answering.bridge": "from participation.auth import access\n",
            "participation.youth.extra": "from participation.answering import bridge\n",
        }
    )
    assert "the youth blueprint reaches staff code: participation.auth.access" in found
    assert (
        "participation.answering.bridge imports the blueprint module participation.auth.access"
        in found
    )


def test_the_package_root_holds_only_the_frame():
    modules = sorted(path.stem for path in PACKAGE_ROOT.glob("*.py"))
    assert len(modules) <= FRAME_ROOT_LIMIT, modules
