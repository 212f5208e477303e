"""The layers of the code, checked on the imports of every module in git (parsed with ast, so an
import counts wherever it stands):

- the domain apps (catalog below orders below documents and ratings) import neither beckn/ nor
  web/, and an app never imports one above it; documents and ratings stand side by side and
  neither imports the other;
- beckn/ never imports web/;
- in the domain apps, beckn/ and web/, no import hides in a function (one under
  `if TYPE_CHECKING:` is only for type checkers): an import circle must be broken, not hidden
  (tests/beckn/test_imports.py checks that beckn/ has none).
"""

import ast
import shutil
import subprocess
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
# Each domain app's rank: an app imports only apps of a lower rank (and itself).
DOMAIN_RANKS = {
    "catalog": 0,
    "orders": 1,
    "documents": 2,
    "ratings": 2,
    "payments": 2,
    "notices": 3,
}
NETWORK, PAGES = "beckn", "web"
DYNAMIC_IMPORTS = {"import_module", "__import__"}
GIT = shutil.which("git") or "git"


def connects_receivers(i: "Import") -> bool:
    """Django connects signal receivers in AppConfig.ready(), once every model is loaded: apps.py
    is imported before the models, so it cannot import the receivers (which use them) at the
    top. This is Django's documented way, not an import circle."""
    return i.path.endswith("/apps.py") and i.function.endswith("Config.ready")


@dataclass(frozen=True)
class Import:
    path: str  # the importing file, relative to the repository
    line: int
    module: str  # the module imported, absolute ("orders.models")
    function: str  # the function the import stands in ("Config.ready"), "" at module level
    type_checking: bool  # under `if TYPE_CHECKING:`

    @property
    def app(self) -> str:
        return self.path.split("/", 1)[0]

    @property
    def imported_app(self) -> str:
        return self.module.split(".", 1)[0]

    def __str__(self) -> str:
        where = f" in {self.function}()" if self.function else ""
        return f"{self.path}:{self.line}{where} imports {self.module}"


def _is_type_checking(test: ast.expr) -> bool:
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING"
    )


class _ImportFinder(ast.NodeVisitor):
    def __init__(self, path: str) -> None:
        self.path = path
        self.package = path.removesuffix(".py").split("/")[:-1]
        self.scope: list[str] = []
        self.functions: list[str] = []
        self.type_checking = False
        self.found: list[Import] = []

    def _add(self, node: ast.AST, module: str) -> None:
        function = ".".join(self.scope) if self.functions else ""
        self.found.append(Import(self.path, node.lineno, module, function, self.type_checking))

    def visit_ClassDef(self, node: ast.ClassDef) -> None:
        self.scope.append(node.name)
        self.generic_visit(node)
        self.scope.pop()

    def visit_FunctionDef(self, node: ast.FunctionDef | ast.AsyncFunctionDef) -> None:
        self.scope.append(node.name)
        self.functions.append(node.name)
        self.generic_visit(node)
        self.functions.pop()
        self.scope.pop()

    visit_AsyncFunctionDef = visit_FunctionDef

    def visit_If(self, node: ast.If) -> None:
        if not _is_type_checking(node.test):
            self.generic_visit(node)
            return
        outer, self.type_checking = self.type_checking, True
        for statement in node.body:
            self.visit(statement)
        self.type_checking = outer
        for statement in node.orelse:
            self.visit(statement)

    def visit_Import(self, node: ast.Import) -> None:
        for alias in node.names:
            self._add(node, alias.name)

    def visit_ImportFrom(self, node: ast.ImportFrom) -> None:
        if node.level:  # relative: from the importing module's package, `level` - 1 up
            base = self.package[: len(self.package) - node.level + 1]
            module = ".".join([*base, node.module] if node.module else base)
        else:
            module = node.module or ""
        self._add(node, module)

    def visit_Call(self, node: ast.Call) -> None:
        """import_module("x") and __import__("x") import as much as an import statement."""
        name = getattr(node.func, "id", None) or getattr(node.func, "attr", None)
        if name in DYNAMIC_IMPORTS and node.args and isinstance(node.args[0], ast.Constant):
            self._add(node, str(node.args[0].value))
        self.generic_visit(node)


def imports_of(path: str, source: str) -> list[Import]:
    finder = _ImportFinder(path)
    finder.visit(ast.parse(source, filename=path))
    return finder.found


def python_files() -> list[str]:
    """Every Python file of the repository, committed or not (but not ignored)."""
    listed = subprocess.run(  # noqa: S603 - git, with fixed arguments
        [GIT, "ls-files", "--cached", "--others", "--exclude-standard", "*.py"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    )
    return [path for path in listed.stdout.splitlines() if (ROOT / path).is_file()]


def all_imports() -> Iterator[Import]:
    for path in python_files():
        yield from imports_of(path, (ROOT / path).read_text())


IMPORTS = list(all_imports())


def domain_reaching_out(imports: list[Import]) -> list[Import]:
    """(a) a domain app importing beckn/ or web/."""
    return [i for i in imports if i.app in DOMAIN_RANKS and i.imported_app in (NETWORK, PAGES)]


def domain_reaching_up(imports: list[Import]) -> list[Import]:
    """(b) a domain app importing one that is not below it."""
    return [
        i
        for i in imports
        if i.app in DOMAIN_RANKS
        and i.imported_app in DOMAIN_RANKS
        and i.imported_app != i.app
        and DOMAIN_RANKS[i.imported_app] >= DOMAIN_RANKS[i.app]
    ]


def network_importing_pages(imports: list[Import]) -> list[Import]:
    """(c) beckn/ importing web/."""
    return [i for i in imports if i.app == NETWORK and i.imported_app == PAGES]


def imports_in_functions(imports: list[Import]) -> list[Import]:
    """(d) an import in a function of a domain app, beckn/ or web/ (not for type checkers)."""
    return [
        i
        for i in imports
        if (i.app in DOMAIN_RANKS or i.app in (NETWORK, PAGES))
        and i.function
        and not i.type_checking
    ]


def _listed(violations: list[Import]) -> str:
    return "\n".join(map(str, violations))


def test_the_domain_apps_import_neither_beckn_nor_web() -> None:
    violations = domain_reaching_out(IMPORTS)
    assert not violations, _listed(violations)


def test_a_domain_app_imports_only_the_apps_below_it() -> None:
    violations = domain_reaching_up(IMPORTS)
    assert not violations, _listed(violations)


def test_beckn_never_imports_web() -> None:
    violations = network_importing_pages(IMPORTS)
    assert not violations, _listed(violations)


def test_no_import_hides_in_a_function() -> None:
    violations = [i for i in imports_in_functions(IMPORTS) if not connects_receivers(i)]
    assert not violations, _listed(violations)


def test_the_scan_reads_the_whole_repository() -> None:
    files = {i.path for i in IMPORTS}
    assert {
        "catalog/models.py",
        "orders/models.py",
        "beckn/answers/search.py",
        "web/urls.py",
    } <= files
    assert any(i.app == PAGES and i.imported_app == "orders" for i in IMPORTS)


def test_the_checks_see_imports_wherever_they_stand() -> None:
    source = """
from typing import TYPE_CHECKING
from .. import selectors
from .tasks import receipt_send
from web import frame

if TYPE_CHECKING:
    from ratings.models import Rating

class Receipt:
    def total(self):
        from documents import services
        return services

def reader():
    if True:
        import beckn.mapping
    return importlib.import_module("web.urls")
"""
    found = imports_of("orders/receipts/pdf.py", source)
    assert [(i.module, i.function, i.type_checking) for i in found] == [
        ("typing", "", False),
        ("orders", "", False),
        ("orders.receipts.tasks", "", False),
        ("web", "", False),
        ("ratings.models", "", True),
        ("documents", "Receipt.total", False),
        ("beckn.mapping", "reader", False),
        ("web.urls", "reader", False),
    ]
    assert [i.module for i in domain_reaching_out(found)] == ["web", "beckn.mapping", "web.urls"]
    assert [i.module for i in domain_reaching_up(found)] == ["ratings.models", "documents"]
    assert [i.module for i in imports_in_functions(found)] == [
        "documents",
        "beckn.mapping",
        "web.urls",
    ]
    assert network_importing_pages(imports_of("beckn/views.py", source)) != []
    # documents and ratings side by side; catalog below both
    assert domain_reaching_up(imports_of("documents/x.py", "import ratings.models")) != []
    assert domain_reaching_up(imports_of("ratings/x.py", "from catalog import models")) == []
