"""The rules are pure: importing one loads neither Dagster, SQLAlchemy nor httpx (tests/sandbox/
test_layering.py keeps the test doubles out of production)."""

import ast
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
STACK = ("dagster", "sqlalchemy", "httpx")
#: modules of rules by another name than rules.py: the trust policy, the scan policy, clustering,
#: interaction states, metrics and e-mail extraction
NAMED = [
    "ig_assets.network.trust",
    "ig_assets.network.scan_policy",
    "ig_assets.network.interaction",
    "ig_assets.faces.clustering",
    "ig_assets.discovery.metrics",
    "ig_assets.discovery.emails",
    "ig_resources.urls",
    "ig_resources.records",
]


def _module(path: Path) -> str:
    return ".".join(path.relative_to(ROOT).with_suffix("").parts)


RULES = sorted(
    {
        *(_module(p) for top in ("ig_assets", "ig_resources") for p in (ROOT / top).rglob("*rules.py")),
        *NAMED,
    }
)


def test_every_domain_has_rules_to_check() -> None:
    assert len(RULES) >= 12, RULES


@pytest.mark.parametrize("module", RULES)
def test_a_rules_module_imports_without_the_stack(module: str) -> None:
    probe = f"import sys, {module}; print(','.join(m for m in {STACK!r} if m in sys.modules))"
    loaded = subprocess.run(
        [sys.executable, "-c", probe], cwd=ROOT, capture_output=True, text=True, check=True
    ).stdout.strip()
    assert loaded == "", f"{module} loads {loaded}"


def _imports(path: Path) -> set[str]:
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(), str(path))):
        if isinstance(node, ast.Import):
            found |= {a.name for a in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.add(node.module)
    return found


def test_domain_packages_do_not_import_their_assets() -> None:
    for init in (ROOT / "ig_assets").glob("*/__init__.py"):
        assert _imports(init) == set(), f"{init.relative_to(ROOT)} imports {_imports(init)}"
