"""The engine is a package of modules named by noun, and imports no app that builds on it: the
panels and the catalogue register their own preconditions and effects."""

import ast
from pathlib import Path

import metrohub.cases
from metrohub.cases import services
from metrohub.rulepacks.schema import EFFECTS, PRECONDITIONS, RECORDS

CASES = Path(metrohub.cases.__file__).parent
BUILT_ON_CASES = ("metrohub.panels", "metrohub.catalogue", "metrohub.experts")


def _imports(path: Path) -> set[str]:
    found = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.ImportFrom) and node.module:
            found.add(node.module)
        elif isinstance(node, ast.Import):
            found.update(a.name for a in node.names)
    return found


def test_the_engine_is_a_package_of_nouns():
    modules = {p.stem for p in (CASES / "services").glob("*.py")}
    assert {
        "scope",
        "records",
        "preconditions",
        "effects",
        "transitions",
        "filing",
        "materials",
        "notices",
        "reports",
        "worklists",
        "reminders",
    } <= modules


def test_cases_imports_no_app_built_on_it():
    offenders = [
        f"{path.relative_to(CASES)}: {module}"
        for path in CASES.rglob("*.py")
        for module in _imports(path)
        if module.startswith(BUILT_ON_CASES)
    ]
    assert offenders == []


def test_every_vocabulary_code_has_one_handler_once_the_apps_are_ready():
    assert set(services.PRECONDITIONS) == set(PRECONDITIONS)
    assert set(services.EFFECTS) == set(EFFECTS)
    assert set(services.RECORDS) == set(RECORDS)
    owners = {code: fn.__module__ for code, fn in services.PRECONDITIONS.items()}
    assert owners["experts_recommend"] == owners["score_below_pass"] == "metrohub.panels.procedure"
    assert services.EFFECTS["record_score"].__module__ == "metrohub.panels.procedure"
    assert services.EFFECTS["publish_capabilities"].__module__ == "metrohub.catalogue.procedure"
