"""Runtime dependencies are honest: every library the product imports is installed by `make run`."""

from __future__ import annotations

import ast
import re
import subprocess
import sys
import textwrap
import tomllib
from importlib.metadata import packages_distributions
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PACKAGE = ROOT / "participation"
# Imported only inside the functions that need them, so web workers stay small and each new
# worker starts quickly (gunicorn replaces every worker after a few thousand requests).
HEAVY = (
    "pandas",
    "pyreadstat",
    "numpy",
    "weasyprint",
    # Staff-only: passkeys, PowerPoint and Word reports, QR codes and images, password strength.
    "webauthn",
    "pptx",
    "docx",
    "qrcode",
    "PIL",
    "zxcvbn",
)


def canonical(name: str) -> str:
    """A distribution name as PEP 503 compares them."""
    return re.sub(r"[-_.]+", "-", name).lower()


def runtime_dependencies(pyproject: Path) -> set[str]:
    """The canonical names of the distributions in `[project.dependencies]`."""
    project = tomllib.loads(pyproject.read_text())["project"]
    names = set()
    for requirement in project["dependencies"]:
        match = re.match(r"\s*([A-Za-z0-9][A-Za-z0-9._-]*)", requirement)
        assert match, f"cannot read the requirement {requirement!r}"
        names.add(canonical(match.group(1)))
    return names


def third_party_imports(package: Path) -> dict[str, set[str]]:
    """Top-level third-party modules imported anywhere under `package`, with the files that do."""
    own = package.name
    found: dict[str, set[str]] = {}
    for path in sorted(package.rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(), filename=str(path))):
            if isinstance(node, ast.Import):
                modules = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                modules = [node.module]
            else:
                continue
            for module in modules:
                top = module.split(".")[0]
                if top != own and top not in sys.stdlib_module_names:
                    found.setdefault(top, set()).add(str(path.relative_to(package.parent)))
    return found


def undeclared(package: Path, pyproject: Path) -> list[str]:
    """One line per third-party import that no runtime dependency provides."""
    declared = runtime_dependencies(pyproject)
    providers = packages_distributions()
    problems = []
    for module, files in sorted(third_party_imports(package).items()):
        distributions = {canonical(d) for d in providers.get(module, [])}
        where = ", ".join(sorted(files))
        if not distributions:
            problems.append(f"{module}: no installed distribution provides it ({where})")
        elif not distributions & declared:
            names = " or ".join(sorted(distributions))
            problems.append(f"{module}: add {names} to [project.dependencies] ({where})")
    return problems


def test_every_library_the_product_imports_is_a_runtime_dependency():
    assert undeclared(PACKAGE, ROOT / "pyproject.toml") == []


def test_the_research_pack_libraries_are_runtime_dependencies():
    declared = runtime_dependencies(ROOT / "pyproject.toml")
    assert {"pandas", "pyreadstat"} <= declared


def fake_project(tmp_path: Path, source: str, dependencies: list[str]) -> tuple[Path, Path]:
    """A package `fakeapp` holding one module with `source`, and a pyproject listing `dependencies`."""
    package = tmp_path / "fakeapp"
    (package / "sub").mkdir(parents=True)
    (package / "__init__.py").write_text("")
    (package / "sub" / "module.py").write_text(textwrap.dedent(source))
    pyproject = tmp_path / "pyproject.toml"
    listed = ", ".join(f'"{d}"' for d in dependencies)
    pyproject.write_text(f'[project]\nname = "fakeapp"\ndependencies = [{listed}]\n')
    return package, pyproject


def test_the_check_catches_a_test_only_library_imported_by_the_product(tmp_path):
    package, pyproject = fake_project(
        tmp_path,
        """
        import json
        from . import sibling
        from fakeapp.sub import other
        import flask

        def pack():
            import pandas as pd  # lazily, but still needed at run time
            from bs4 import BeautifulSoup
        """,
        ["Flask>=3", "limits[redis]>=3.13"],
    )
    problems = undeclared(package, pyproject)
    assert [p.split(":")[0] for p in problems] == ["bs4", "pandas"]
    assert "add pandas to [project.dependencies] (fakeapp/sub/module.py)" in problems[1]


def test_the_check_catches_an_import_nothing_installed_provides(tmp_path):
    package, pyproject = fake_project(tmp_path, "import no_such_library_xyz\n", [])
    assert undeclared(package, pyproject) == [
        "no_such_library_xyz: no installed distribution provides it (fakeapp/sub/module.py)"
    ]


def test_the_check_passes_when_names_differ_only_in_spelling(tmp_path):
    package, pyproject = fake_project(
        tmp_path, "import argon2\nimport PIL.Image\n", ["Argon2_CFFI>=23", "Pillow"]
    )
    assert undeclared(package, pyproject) == []


def test_a_web_worker_does_not_load_the_heavy_export_libraries():
    script = textwrap.dedent(
        f"""
        import sys
        from participation import create_app
        app = create_app({{"TESTING": True, "DATABASE_URL": "sqlite://",
                           "SECRET_KEY": "x" * 40}})
        assert app.test_client().get("/join").status_code == 200
        print(",".join(sorted(m for m in {HEAVY!r} if m in sys.modules)))
        """
    )
    result = subprocess.run(
        [sys.executable, "-c", script], cwd=ROOT, capture_output=True, text=True, check=False
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == ""
