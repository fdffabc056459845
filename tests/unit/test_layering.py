"""Packages depend one way: the layers drawn in docs/ARCHITECTURE.md ("Which part may import
which"), checked on every import statement of app/ and workflows/ (those inside functions
too). A part may import its own layer's shared modules and any layer below it, never one
above; what a lower part needs from above is announced or asked for through app/effects.py.
And no parts import each other in a loop, not even within one layer."""

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

# Bottom to top. A part is a package under app/ or a top-level module of app/.
LAYERS: list[set[str]] = [
    {"workflows"},
    # foundation: no domain knowledge
    {
        "app.extensions",
        "app.database",
        "app.timeutil",
        "app.pagination",
        "app.logs",
        "app.errors",
        "app.roles",
        "app.swedish_numbers",
        "app.number_format",
        "app.time_format",
        "app.urls",
        "app.session_memo",
        "app.translation",
        # the per-process cache: each result kept with the version its caller reads
        "app.caching",
        # events announced below and handled above (app/effects.py)
        "app.effects",
    },
    # words and helpers the pages share
    {
        "app.labels",
        "app.workflow_messages",
        "app.forms_support",
        "app.navigation",
        "app.figure_words",
        "app.confirmation",
    },
    # the audit trail: any part records its events; the actor is a user id
    {"app.audit"},
    {"app.accounts"},
    {"app.cycles"},
    # the consultation on a planned cycle's questionnaire, frozen with the cycle's dataset
    {"app.consultation"},
    {"app.submissions"},
    {"app.review"},
    {"app.datasets"},
    {"app.reports"},
    # the ministries' view: published results of a ministry's agencies, read through reports
    {"app.ministry", "app.self_assessment"},
    {"app.notifications"},
    # the administrator's pages of a cycle: its submissions, dataset and mail (app/cycle_admin)
    {"app.cycle_admin"},
    {"app.api"},
    # composition: the factory, the web hooks, the model registry, demo data, CLI helpers
    {
        "app",
        "app.web",
        "app.models",
        "app.seed",
        "app.demo_agencies",
        "app.demo_values",
        "app.backup",
        "app.wsgi_filters",
    },
]


def layer_of(part: str) -> int:
    """Its layer; an unplaced part counts as the top (test_every_part_is_placed_… fails)."""
    return next((index for index, parts in enumerate(LAYERS) if part in parts), len(LAYERS))


def part_of(module: str) -> str | None:
    names = module.split(".")
    if names[0] == "workflows":
        return "workflows"
    if names[0] != "app":
        return None
    return "app" if len(names) == 1 else f"app.{names[1]}"


def module_name(file: Path) -> str:
    names = list(file.relative_to(ROOT).with_suffix("").parts)
    return ".".join(names[:-1] if names[-1] == "__init__" else names)


def _type_checking_only(tree: ast.Module) -> set[ast.AST]:
    """The imports under `if TYPE_CHECKING:`: they name a type, they load nothing."""
    skipped: set[ast.AST] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.If) and getattr(node.test, "id", None) == "TYPE_CHECKING":
            skipped |= {inner for statement in node.body for inner in ast.walk(statement)}
    return skipped


def imported_modules(file: Path) -> set[str]:
    package = module_name(file).split(".")
    if file.name != "__init__.py":
        package = package[:-1]
    found = set()
    tree = ast.parse(file.read_text())
    skipped = _type_checking_only(tree)
    for node in ast.walk(tree):
        if node in skipped:
            continue
        if isinstance(node, ast.Import):
            found |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom):
            if node.level == 0:
                found.add(node.module or "")
            else:
                base = package[: len(package) - node.level + 1]
                found.add(".".join(base + ([node.module] if node.module else [])))
    return found


def imports_against_the_layers() -> set[tuple[str, str]]:
    found = set()
    files = sorted((ROOT / "app").rglob("*.py")) + sorted((ROOT / "workflows").rglob("*.py"))
    for file in files:
        source = part_of(module_name(file))
        for module in imported_modules(file):
            target = part_of(module)
            if target is None or target == source:
                continue
            if layer_of(target) > layer_of(source):
                found.add((str(file.relative_to(ROOT)), target))
    return found


def test_every_part_is_placed_in_a_layer():
    parts = {part_of(module_name(f)) for f in (ROOT / "app").rglob("*.py")}
    parts |= {"workflows"}
    placed = set().union(*LAYERS)
    assert parts <= placed, f"place in LAYERS: {sorted(parts - placed)}"


def test_no_import_goes_up_the_layers():
    assert sorted(imports_against_the_layers()) == [], "an import against the layers"


def part_imports() -> dict[str, set[str]]:
    """Each part of app/ and workflows/ with the other parts it imports."""
    graph: dict[str, set[str]] = {}
    files = sorted((ROOT / "app").rglob("*.py")) + sorted((ROOT / "workflows").rglob("*.py"))
    for file in files:
        source = part_of(module_name(file))
        assert source is not None
        targets = {part_of(module) for module in imported_modules(file)}
        graph.setdefault(source, set()).update(t for t in targets if t and t != source)
    return graph


def import_loops(graph: dict[str, set[str]]) -> list[list[str]]:
    """The strongly connected components of more than one part (Tarjan's algorithm)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    loops: list[list[str]] = []

    def visit(part: str) -> None:
        index[part] = low[part] = len(index)
        stack.append(part)
        for other in sorted(graph.get(part, ())):
            if other not in index:
                visit(other)
                low[part] = min(low[part], low[other])
            elif other in stack:
                low[part] = min(low[part], index[other])
        if low[part] == index[part]:
            component = []
            while True:
                member = stack.pop()
                component.append(member)
                if member == part:
                    break
            if len(component) > 1:
                loops.append(sorted(component))

    for part in sorted(graph):
        if part not in index:
            visit(part)
    return loops


def test_import_loops_are_found():
    graph = {"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}, "e": {"f"}, "f": {"e"}}
    assert sorted(import_loops(graph)) == [["a", "b", "c"], ["e", "f"]]


def test_no_parts_import_each_other_in_a_loop():
    assert import_loops(part_imports()) == []


def is_route_module(module: str) -> bool:
    last = module.rsplit(".", 1)[-1]
    return last == "routes" or last.endswith("_routes")


def test_route_modules_are_imported_only_by_the_app_factory():
    """A view module is a leaf: what another module needs from it belongs in a service or a
    policy."""
    found = set()
    for file in sorted((ROOT / "app").rglob("*.py")):
        importer = module_name(file)
        if importer == "app":
            continue  # the factory registers the views
        found |= {(importer, m) for m in imported_modules(file) if is_route_module(m)}
    assert sorted(found) == []


# Data rather than code: the default questionnaire's items, one literal per item.
DATA_MODULES = {"app/cycles/default_questionnaire.py"}


def test_no_module_is_over_500_lines():
    files = sorted((ROOT / "app").rglob("*.py")) + sorted((ROOT / "workflows").rglob("*.py"))
    files = [f for f in files if str(f.relative_to(ROOT)) not in DATA_MODULES]
    long = {
        str(f.relative_to(ROOT)): n for f in files if (n := len(f.read_text().splitlines())) > 500
    }
    assert long == {}
