"""One rule, one verdict, whichever engine asks.

For every scenario, the real engines judge the same infrastructure three ways: the
Terraform code (`ai-cost-policy scan`; Checkov gives the same verdicts, see
test_terraform_fixtures.py), its plan, and its Pulumi twin through the real policy
pack. Their verdicts must be the scenario's, except where the scenario's
expected.yaml declares a divergence for that engine, with the reason.
"""

from __future__ import annotations

import pytest
from conftest import FIXTURES, PLANS, REPO, load_expected, scenarios
from pulumi_harness import PROGRAMS, Pack, capture_all, configure, default_levels, judge
from verdicts import report_verdicts, scan_json

ENGINES = ("terraform_plan", "pulumi")


def twin_verdicts(scenario, engine: str) -> dict[tuple[str, str], str]:
    expected = load_expected(scenario / "expected.yaml")
    verdicts = {
        (resource, rule): verdict
        for resource, rules in expected["verdicts"].items()
        for rule, verdict in rules.items()
    }
    divergences = (expected.get("divergences") or {}).get(engine) or {}
    for resource, rules in divergences.items():
        for rule, divergence in rules.items():
            assert divergence["reason"].strip(), (scenario.name, resource, rule)
            assert (resource, rule) in verdicts, "a divergence must name a verdict"
            verdicts[(resource, rule)] = divergence["verdict"]
    return verdicts


@pytest.fixture(scope="module")
def pulumi_results():
    programs = [PROGRAMS / scenario.name for scenario in scenarios()]
    captures = capture_all(programs)
    results = {}
    with Pack() as pack:
        levels = default_levels(pack.info())
        for program in programs:
            policy = program / load_expected(program / "expected.yaml")["policy"]
            configure(pack, levels, policy.resolve())
            results[program.name] = judge(pack, captures[program.name])
    return results


@pytest.mark.parametrize("scenario", scenarios(), ids=lambda path: path.name)
def test_every_engine_has_a_twin_of_the_scenario(scenario):
    assert (PLANS / f"{scenario.name}.json").is_file()
    assert (PROGRAMS / scenario.name / "__main__.py").is_file()
    for twin_file in (
        PLANS / f"{scenario.name}.expected.yaml",
        PROGRAMS / scenario.name / "expected.yaml",
    ):
        twin = load_expected(twin_file)
        assert (twin_file.parent / twin["twin"]).resolve() == scenario
        assert (twin_file.parent / twin["policy"]).resolve() == (
            FIXTURES / "ai-cost-policy.yaml"
        )
    assert set(load_expected(scenario / "expected.yaml")["divergences"] or {}) <= set(
        ENGINES
    )


@pytest.mark.parametrize("scenario", scenarios(), ids=lambda path: path.name)
def test_engines_agree_except_for_declared_divergences(scenario, pulumi_results):
    hcl, _ = scan_json(str(scenario.relative_to(REPO)))
    plan, _ = scan_json(str((PLANS / f"{scenario.name}.json").relative_to(REPO)))

    assert report_verdicts(hcl) == twin_verdicts(scenario, "terraform")
    assert report_verdicts(plan) == twin_verdicts(scenario, "terraform_plan")
    assert pulumi_results[scenario.name] == twin_verdicts(scenario, "pulumi")
