"""The test doubles stay out of production: nothing the pipeline deploys may import `ig_sandbox`."""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PRODUCTION = ("ig_resources", "ig_assets", "sensors", "schedules", "definitions.py")


def _imported_modules(path: Path) -> set[str]:
    modules: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(), str(path))):
        if isinstance(node, ast.Import):
            modules.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            modules.add(node.module)
    return modules


def test_production_code_does_not_import_the_sandbox() -> None:
    files = [
        p
        for name in PRODUCTION
        for p in ([ROOT / name] if name.endswith(".py") else (ROOT / name).rglob("*.py"))
    ]
    assert len(files) > 50  # the scan found the packages
    offenders = sorted(
        f"{path.relative_to(ROOT)}: {module}"
        for path in files
        for module in _imported_modules(path)
        if module == "ig_sandbox" or module.startswith("ig_sandbox.")
    )
    assert offenders == []
