"""The rule pages in docs/rules/ are generated from the rules; they must be current."""

from __future__ import annotations

import importlib.util

from conftest import REPO


def test_generated_rule_docs_are_current():
    spec = importlib.util.spec_from_file_location(
        "generate_rule_docs", REPO / "scripts" / "generate_rule_docs.py"
    )
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)

    stale = [
        str(path.relative_to(REPO))
        for path, text in module.pages().items()
        if not path.is_file() or path.read_text(encoding="utf-8") != text
    ]

    assert stale == [], "run scripts/generate_rule_docs.py"


def test_every_rule_page_the_cli_links_to_exists():
    from ai_cost_policy.rules import RULES

    for rule in RULES:
        assert rule.docs_url().endswith(f"docs/rules/{rule.id}.md")
        assert (REPO / "docs" / "rules" / f"{rule.id}.md").is_file()


def test_generated_catalog_page_is_current():
    spec = importlib.util.spec_from_file_location(
        "generate_catalog_docs", REPO / "scripts" / "generate_catalog_docs.py"
    )
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)

    page = REPO / "docs" / "catalog.md"

    assert page.read_text(encoding="utf-8") == module.render(), (
        "run scripts/generate_catalog_docs.py"
    )
