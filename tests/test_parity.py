"""One rule, one verdict, whichever engine asks.

For every scenario, the real engines judge the same infrastructure three ways: the
Terraform code (`ai-cost-policy scan`; Checkov gives the same verdicts, see
test_terraform_fixtures.py), its plan, and its Pulumi twin through the real policy
pack. Their verdicts must be the scenario's, except where the scenario's
expected.yaml declares a divergence for that engine, with the reason.
"""

from __future__ import annotations

import pytest
from conftest import FIXTURES, PLANS, REPO, load_expected, plan_policy, scenarios
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


def plan_twin(scenario):
    plan = PLANS / f"{scenario.name}.json"
    return plan if plan.is_file() else None


def pulumi_twin(scenario):
    program = PROGRAMS / scenario.name
    return program if (program / "expected.yaml").is_file() else None


TWINNED = [
    scenario for scenario in scenarios() if plan_twin(scenario) or pulumi_twin(scenario)
]


@pytest.fixture(scope="module")
def pulumi_results():
    programs = [pulumi_twin(scenario) for scenario in scenarios()]
    programs = [program for program in programs if program is not None]
    captures = capture_all(programs)
    results = {}
    with Pack() as pack:
        levels = default_levels(pack.info())
        for program in programs:
            policy = program / load_expected(program / "expected.yaml")["policy"]
            configure(pack, levels, policy.resolve())
            results[program.name] = judge(pack, captures[program.name])
    return results


def twin_files():
    for path in sorted(PLANS.glob("*.expected.yaml")):
        yield path
    for path in sorted(PROGRAMS.glob("*/expected.yaml")):
        yield path


@pytest.mark.parametrize("twin_file", list(twin_files()), ids=str)
def test_every_twin_names_its_scenario_and_policy(twin_file):
    twin = load_expected(twin_file)
    scenario = (twin_file.parent / twin["twin"]).resolve()

    assert scenario.parent == FIXTURES
    assert (scenario / "expected.yaml").is_file()
    expected = load_expected(scenario / "expected.yaml")
    assert (twin_file.parent / twin["policy"]).resolve() == (
        scenario / expected.get("policy", "../ai-cost-policy.yaml")
    ).resolve()


@pytest.mark.parametrize("scenario", scenarios(), ids=lambda path: path.name)
def test_divergences_name_known_engines_and_give_reasons(scenario):
    expected = load_expected(scenario / "expected.yaml")
    divergences = expected.get("divergences") or {}

    assert set(divergences) <= set(ENGINES)
    for engine in divergences:
        twin_verdicts(scenario, engine)


@pytest.mark.parametrize("scenario", TWINNED, ids=lambda path: path.name)
def test_engines_agree_except_for_declared_divergences(scenario, pulumi_results):
    hcl, _ = scan_json(str(scenario.relative_to(REPO)))
    assert report_verdicts(hcl) == twin_verdicts(scenario, "terraform")

    if plan_twin(scenario):
        twin = plan_twin(scenario)
        plan, _ = scan_json(
            "--config", str(plan_policy(twin)), str(twin.relative_to(REPO))
        )
        assert report_verdicts(plan) == twin_verdicts(scenario, "terraform_plan")
    if pulumi_twin(scenario):
        found = pulumi_results[scenario.name]
        assert found == twin_verdicts(scenario, "pulumi")
