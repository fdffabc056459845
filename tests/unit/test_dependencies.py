"""pyproject.toml is the one list of dependencies, and requirements*.txt are generated from it
(`make lock`): every package the code imports is declared there (the app's among the runtime
dependencies, the tests' at least among the dev extra), and every declared one is pinned, the
runtime pins alike in both files. A fresh `pip install .` or `-r requirements.txt` therefore
gets a working app."""

import ast
import re
import sys
import tomllib
from importlib.metadata import packages_distributions
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
OWN = {"app", "workflows", "tests", "config", "wsgi", "migrations"}
APP_CODE = ["app", "workflows", "migrations", "config.py", "wsgi.py", "gunicorn.conf.py"]


def normalised(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def requirement_name(requirement: str) -> str:
    return normalised(re.split(r"[\[<>=!~;\s]", requirement, maxsplit=1)[0])


def declared() -> tuple[set[str], set[str]]:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    runtime = {requirement_name(r) for r in project["dependencies"]}
    dev = {requirement_name(r) for r in project["optional-dependencies"]["dev"]}
    return runtime, dev


def pins(file: str) -> dict[str, str]:
    lines = (ROOT / file).read_text().splitlines()
    found = (re.match(r"^([A-Za-z0-9_.\-]+)==(\S+)", line) for line in lines)
    return {normalised(m[1]): m[2] for m in found if m}


def imported_distributions(places: list[str]) -> dict[str, str]:
    """Each third-party distribution the code in `places` imports → one file importing it."""
    owners = packages_distributions()
    found = {}
    for place in places:
        path = ROOT / place
        for file in [path] if path.is_file() else sorted(path.rglob("*.py")):
            for node in ast.walk(ast.parse(file.read_text())):
                if isinstance(node, ast.Import):
                    modules = [alias.name for alias in node.names]
                elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                    modules = [node.module]
                else:
                    continue
                for module in modules:
                    top = module.split(".")[0]
                    if top in OWN or top in sys.stdlib_module_names:
                        continue
                    for distribution in owners.get(top, [top]):
                        found.setdefault(normalised(distribution), str(file.relative_to(ROOT)))
    return found


def test_every_package_the_app_imports_is_a_runtime_dependency():
    runtime, _ = declared()
    missing = {d: f for d, f in imported_distributions(APP_CODE).items() if d not in runtime}
    assert not missing, f"add to [project] dependencies in pyproject.toml: {missing}"


def test_every_package_the_tests_import_is_declared():
    runtime, dev = declared()
    used = imported_distributions(["tests"])
    missing = {d: f for d, f in used.items() if d not in runtime | dev}
    assert not missing, f"add to the dev extra in pyproject.toml: {missing}"


def test_every_declared_package_is_pinned_and_the_runtime_pins_agree():
    runtime, dev = declared()
    runtime_pins, dev_pins = pins("requirements.txt"), pins("requirements-dev.txt")
    assert runtime <= set(runtime_pins), "run `make lock`"
    assert runtime | dev <= set(dev_pins), "run `make lock`"
    assert {n: v for n, v in dev_pins.items() if n in runtime_pins} == runtime_pins
