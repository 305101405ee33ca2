"""The project's layers point one way: a module may import its own layer and those below it.

Every module's imports are read with ``ast``, including imports inside functions, so a cycle
cannot hide in a lazy import. A module that fits no layer fails too: a new app or top-level
package has to be placed here.
"""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

# Bottom first. A module belongs to the layer of the longest prefix that names it.
LAYERS: list[tuple[str, tuple[str, ...]]] = [
    # The core: the custom User, audit trail, mail, Markdown, rate limiting, the workflow
    # runner, shared responses, forms and template tags. It knows no app above it.
    ("core", ("cil",)),
    # Study programmes, the catalogue, and the programme roles with their predicates
    # (activities/roles.py).
    ("activities", ("activities",)),
    ("portfolio", ("portfolio",)),
    ("certificates", ("certificates",)),
    # Retention periods carried out, and erasure on request: they reach into every app's data.
    ("retention", ("retention",)),
    # Project wiring, which names or fills every app: settings, root URLs, the URL table and
    # its system check, the landing page and /home/ dispatcher, the navigation's context
    # processor, the core app's AppConfig (whose ready() registers that check; Django loads it
    # by name from INSTALLED_APPS and nothing imports it), the metrics (which count diplomas),
    # the WSGI entry point, the accounts' adapter and the second-factor middleware (named in
    # the settings; they ask about roles), the sign-in link for after graduation (refused to
    # staff: it asks about roles), the demo and scale data, and the benchmark.
    (
        "project",
        (
            "cil.settings",
            "cil.urls",
            "cil.policy",
            "cil.checks",
            "cil.views",
            "cil.metrics",
            "cil.context_processors",
            "cil.apps",
            "cil.wsgi",
            "cil.adapters",
            "cil.saml",
            "cil.mfa",
            "cil.signin_link",
            "demo",
            "bench",
        ),
    ),
]

NOT_LAYERED = {"tests", "node_modules", "static", "templates", "locale", "docs", "scripts"}


def layer_of(module: str) -> int | None:
    """Index of the module's layer in LAYERS, or None for a module outside the project."""
    best: tuple[int, int] | None = None  # (prefix length, layer index)
    for index, (_, prefixes) in enumerate(LAYERS):
        for prefix in prefixes:
            if (module == prefix or module.startswith(prefix + ".")) and (
                best is None or len(prefix) > best[0]
            ):
                best = (len(prefix), index)
    return None if best is None else best[1]


def module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def project_modules() -> dict[str, Path]:
    """Every Python module of every top-level package of the project, by dotted name."""
    modules = {}
    for package in sorted(ROOT.iterdir()):
        if package.name in NOT_LAYERED or package.name.startswith("."):
            continue
        if not (package / "__init__.py").is_file():
            continue
        for path in package.rglob("*.py"):
            if "__pycache__" not in path.parts:
                modules[module_name(path)] = path
    return modules


def imported_modules(
    module: str, source: str, known: set[str], *, is_package: bool = False
) -> list[tuple[str, int]]:
    """(imported module, line) for every import statement anywhere in the source.

    ``from a import b`` counts as importing ``a.b`` when that is a module of the project,
    else ``a``; relative imports are resolved against the module's package.
    """
    package = module if is_package else module.rpartition(".")[0]
    found = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            found += [(alias.name, node.lineno) for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")[: len(package.split(".")) - (node.level - 1)]
                base = ".".join([*anchor, base] if base else anchor)
            for alias in node.names:
                candidate = f"{base}.{alias.name}"
                found.append((candidate if candidate in known else base, node.lineno))
    return found


def upward_imports(
    module: str, source: str, known: set[str], *, is_package: bool = False
) -> list[str]:
    """A line for every import of the module that reaches a layer above its own."""
    own = layer_of(module)
    assert own is not None, f"{module} is in no layer of LAYERS"
    problems = []
    imports = imported_modules(module, source, known, is_package=is_package)
    for target, line in dict.fromkeys(imports):  # one line per module named on a line
        target_layer = layer_of(target)
        if target_layer is not None and target_layer > own:
            problems.append(
                f"{module} (line {line}) imports {target}: "
                f"{LAYERS[own][0]} may not import {LAYERS[target_layer][0]}"
            )
    return problems


def test_every_module_of_the_project_is_in_a_layer() -> None:
    modules = project_modules()
    assert "cil.models" in modules and "demo.seed" in modules  # the walk found the project
    assert [name for name in modules if layer_of(name) is None] == []


def test_no_module_imports_a_layer_above_its_own() -> None:
    modules = project_modules()
    known = set(modules)
    problems = []
    for name, path in sorted(modules.items()):
        source = path.read_text(encoding="utf-8")
        problems += upward_imports(name, source, known, is_package=path.name == "__init__.py")
    assert problems == []


def test_the_checker_catches_an_upward_import_hidden_in_a_function() -> None:
    known = set(project_modules())
    source = (
        "from cil import audit\n"
        "from cil.models import User\n"
        "\n"
        "def allowed(user):\n"
        "    from cil.policy import URL_RULES\n"
        "    return URL_RULES\n"
    )
    assert upward_imports("activities.services", source, known) == [
        "activities.services (line 5) imports cil.policy: activities may not import project"
    ]


def test_the_checker_resolves_submodules_and_relative_imports() -> None:
    known = set(project_modules())
    # The core importing the project's views by "from cil import views".
    assert upward_imports("cil.mail", "from cil import views\n", known) == [
        "cil.mail (line 1) imports cil.views: core may not import project"
    ]
    # An app reaching up with a relative import out of its package.
    assert upward_imports("portfolio.views", "from ..certificates import models\n", known) == [
        "portfolio.views (line 1) imports certificates.models: "
        "portfolio may not import certificates"
    ]
    # Downwards and sideways within a layer is allowed.
    assert upward_imports("certificates.views.review", "from . import forms\n", known) == []
    assert upward_imports("demo.seed", "from certificates import workflow\n", known) == []
    assert upward_imports("cil.urls", "from cil import views\n", known) == []
