"""How beckn/ hangs together: no import circle (the delivery engine finds the answers through a
registry, not an import), no import inside a function to hide one, and a domain that does not
know beckn exists. Read from the source, without importing it."""

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
DOMAIN_APPS = ("catalog", "orders", "documents", "ratings", "payments")


def module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def sources(package: str) -> dict[str, tuple[Path, ast.Module]]:
    return {
        module_name(path): (path, ast.parse(path.read_text(), str(path)))
        for path in sorted((ROOT / package).rglob("*.py"))
        if "migrations" not in path.parts
    }


def imported(module: str, path: Path, node: ast.Import | ast.ImportFrom) -> list[str]:
    """The modules an import statement names (`from package import submodule` names the
    submodule; a package's own __init__ is not counted as imported by its submodules)."""
    if isinstance(node, ast.Import):
        return [alias.name for alias in node.names]
    base = node.module or ""
    if node.level:
        package = module.split(".") if path.name == "__init__.py" else module.split(".")[:-1]
        package = package[: len(package) - node.level + 1]
        base = ".".join([*package, base] if base else package)
    return [base] + [f"{base}.{alias.name}" for alias in node.names]


def imports(package: str) -> dict[str, set[str]]:
    """Each module of `package` -> the modules it imports, wherever the import statement is."""
    found = sources(package)
    return {
        module: {
            name
            for node in ast.walk(tree)
            if isinstance(node, ast.Import | ast.ImportFrom)
            for name in imported(module, path, node)
        }
        for module, (path, tree) in found.items()
    }


def test_no_import_circle_in_beckn() -> None:
    graph = imports("beckn")
    edges = {
        module: {name for name in names if name in graph and name != module}
        for module, names in graph.items()
    }
    circles = []
    done: set[str] = set()

    def visit(module: str, path: list[str]) -> None:
        if module in path:
            circles.append([*path[path.index(module) :], module])
            return
        if module in done:
            return
        for name in sorted(edges[module]):
            visit(name, [*path, module])
        done.add(module)

    for module in sorted(edges):
        visit(module, [])
    assert circles == []


def test_beckn_imports_at_the_top_of_its_modules() -> None:
    """Only an AppConfig's ready() imports late, as Django wants."""
    late = []
    for module, (_, tree) in sources("beckn").items():
        for function in ast.walk(tree):
            if not isinstance(function, ast.FunctionDef | ast.AsyncFunctionDef):
                continue
            if module == "beckn.apps" and function.name == "ready":
                continue
            late += [
                f"{module}.{function.name}:{node.lineno}"
                for node in ast.walk(function)
                if isinstance(node, ast.Import | ast.ImportFrom)
            ]
    assert late == []


def test_the_domain_apps_do_not_import_beckn() -> None:
    for app in DOMAIN_APPS:
        for module, names in imports(app).items():
            assert not [n for n in names if n == "beckn" or n.startswith("beckn.")], module
