"""The shape ARCHITECTURE.md describes: one package per feature noun in bot/, the same nouns in
storage/ and handlers/, and no import circle anywhere in bot/ (imports under `if TYPE_CHECKING:`
count too). import-linter checks the layers (tests/test_quality.py); this is a second, small
check of our own over the import graph, so that a circle cannot hide behind a contract typo."""

from __future__ import annotations

import tomllib
from pathlib import Path

import grimp
import pytest

ROOT = Path(__file__).resolve().parent.parent
KERNEL = {"config", "errors", "i18n", "texts", "ports", "unit_of_work", "outbox", "when"}
HANDLER_INFRA = {
    "app",
    "callbacks",
    "common",
    "context",
    "deliveries",
    "errors",
    "format",
    "home",  # the private chat's home keyboard: routes to the features' commands
    "language",
    "live_cards",
    "menus",
    "outbox",
    "pipeline",
    "rate_limit",
    "start",
    "throttle",
    "timers",  # durable timers: what every feature's jobs.py arms through
}
STORAGE_INFRA = {"backup", "database", "inbox", "migrate", "outbox", "rows"}


def module_cycles(graph: grimp.ImportGraph, modules: set[str]) -> list[list[str]]:
    """Strongly connected components of more than one module (or a module importing itself),
    by Tarjan's algorithm over direct imports."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    cycles: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for nxt in sorted(graph.find_modules_directly_imported_by(node) & modules):
            if nxt not in index:
                visit(nxt)
                low[node] = min(low[node], low[nxt])
            elif nxt in on_stack:
                low[node] = min(low[node], index[nxt])
        if low[node] == index[node]:
            component = []
            while True:
                top = stack.pop()
                on_stack.discard(top)
                component.append(top)
                if top == node:
                    break
            if len(component) > 1 or graph.direct_import_exists(importer=node, imported=node):
                cycles.append(sorted(component))

    for module in sorted(modules):
        if module not in index:
            visit(module)
    return cycles


def features(package: str) -> set[str]:
    return {
        p.name if p.is_dir() else p.stem
        for p in (ROOT / package).iterdir()
        if not p.name.startswith("_") and (p.suffix == ".py" or (p / "__init__.py").exists())
    }


@pytest.mark.parametrize("package", ["bot", "handlers", "storage"])
def test_no_import_circle_between_modules(package: str) -> None:
    graph = grimp.build_graph(package, exclude_type_checking_imports=False, cache_dir=None)
    assert module_cycles(graph, set(graph.modules)) == []


def test_the_cycle_check_finds_a_circle() -> None:
    graph = grimp.ImportGraph()
    for name in ("pkg", "pkg.a", "pkg.b", "pkg.c", "pkg.d"):
        graph.add_module(name)
    graph.add_import(importer="pkg.a", imported="pkg.b")
    graph.add_import(importer="pkg.b", imported="pkg.c")
    graph.add_import(importer="pkg.c", imported="pkg.a")
    graph.add_import(importer="pkg.d", imported="pkg.a")
    assert module_cycles(graph, set(graph.modules)) == [["pkg.a", "pkg.b", "pkg.c"]]


def test_every_feature_has_a_model_and_the_use_cases_beside_it() -> None:
    for feature in features("bot") - KERNEL:
        assert (ROOT / "bot" / feature / "model.py").exists(), feature
        assert (ROOT / "bot" / feature / "ports.py").exists(), feature


def test_the_feature_layers_contract_names_every_package_of_bot() -> None:
    config = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    contracts = config["tool"]["importlinter"]["contracts"]
    stack = next(c for c in contracts if c["name"].startswith("The features of bot/ stack"))
    named = {
        part.strip().removeprefix("bot.")
        for layer in stack["layers"]
        for part in layer.replace(":", "|").split("|")
    }
    assert named == features("bot")


def test_storage_and_handlers_use_the_feature_nouns() -> None:
    nouns = features("bot") - KERNEL
    with_repositories = {
        f for f in nouns if "Repo(Protocol)" in (ROOT / "bot" / f / "ports.py").read_text()
    }
    assert features("storage") - STORAGE_INFRA == with_repositories
    assert features("handlers") - HANDLER_INFRA <= nouns
