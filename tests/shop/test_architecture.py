"""The map (docs/architecture.md) stays true of the code: every app is on it and on a floor of
the import-linter contracts, every domain signal is in its signal table, every row lock is taken
in a locks module, and no module of recommendations or search grows into a dumping ground."""

import ast
import re
import tomllib
from pathlib import Path

from django.apps import apps
from django.conf import settings

ROOT = Path(settings.BASE_DIR)
DOC = (ROOT / "docs" / "architecture.md").read_text()
CONTRACTS = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["importlinter"]


def project_apps() -> list[str]:
    return sorted(
        config.name for config in apps.get_app_configs() if Path(config.path).parent == ROOT
    )


def source_files():
    for app in project_apps():
        for path in (ROOT / app).rglob("*.py"):
            if "migrations" not in path.parts:
                yield app, path


def test_every_app_is_on_the_map_and_on_a_floor_of_the_contracts():
    floors = {
        name.strip()
        for contract in CONTRACTS["contracts"]
        if contract["type"] == "layers"
        for layer in contract["layers"]
        for name in layer.split("|")
    }
    for app in project_apps():
        assert f"`{app}`" in DOC, f"{app} is missing from docs/architecture.md"
        assert app in CONTRACTS["root_packages"], f"{app} is not checked by import-linter"
        assert app in floors, f"{app} is on no floor of the layers contract"


def test_every_domain_signal_is_in_the_signal_table():
    for app, path in source_files():
        if path.name != "signals.py":
            continue
        for node in ast.parse(path.read_text()).body:
            if isinstance(node, ast.Assign) and "Signal()" in ast.unparse(node.value):
                name = f"{app}.signals.{node.targets[0].id}"
                assert f"`{name}`" in DOC, f"{name} is missing from docs/architecture.md"


def test_every_row_lock_is_taken_in_a_locks_module():
    outside = [
        f"{path.relative_to(ROOT)}:{number}"
        for _app, path in source_files()
        if path.name != "locks.py"
        for number, line in enumerate(path.read_text().splitlines(), 1)
        if "select_for_update(" in line and not line.lstrip().startswith("#")
    ]
    assert outside == []


def test_no_module_of_recommendations_or_search_is_over_500_lines():
    long = {
        str(path.relative_to(ROOT)): n
        for app, path in source_files()
        if app in {"recommendations", "search"} and (n := len(path.read_text().splitlines())) > 500
    }
    assert long == {}


def test_the_lock_order_the_locks_modules_point_to_is_on_the_map():
    assert "## The lock order" in DOC
    for _app, path in source_files():
        if path.name == "locks.py":
            text = path.read_text()
            assert re.search(r"docs/architecture\.md", text), f"{path} does not point to the map"
