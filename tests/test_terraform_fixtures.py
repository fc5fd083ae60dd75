"""Every Terraform scenario and plan gets the verdicts its expected file records,
from `ai-cost-policy scan` and from the real Checkov with the shipped checks."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import (
    FIXTURES,
    PLANS,
    default_policy_plans,
    expected_verdicts,
    plan_files,
    plan_policy,
    scenarios,
)
from verdicts import checkov_verdicts, report_verdicts, run_checkov, scan_json


@pytest.mark.parametrize("scenario", scenarios(), ids=lambda path: path.name)
def test_scan_gives_the_expected_verdicts_for_hcl(scenario):
    report, _ = scan_json(str(scenario.relative_to(FIXTURES.parent)))

    assert report["errors"] == []
    assert report_verdicts(report) == expected_verdicts(scenario / "expected.yaml")


@pytest.mark.parametrize("plan", plan_files(), ids=lambda path: path.stem)
def test_scan_gives_the_expected_verdicts_for_plans(plan):
    # Plans share a folder; each is judged by its scenario's policy.
    report, _ = scan_json(
        "--config", str(plan_policy(plan)), str(plan.relative_to(FIXTURES.parent))
    )

    assert report["errors"] == []
    expected = plan.with_name(plan.stem + ".expected.yaml")
    assert report_verdicts(report) == expected_verdicts(expected)


def test_a_scan_of_the_whole_tree_gives_every_verdict_file_its_verdicts():
    # What `make example` runs: each folder judged by its nearest policy file, in
    # one scan, must agree with the scenario-by-scenario verdicts.
    report, _ = scan_json(FIXTURES.name)
    found: dict[str, dict[tuple[str, str], str]] = {}
    for finding in report["findings"]:
        relative = finding["file"].removeprefix(f"{FIXTURES.name}/")
        where = relative if relative.startswith("plans/") else relative.split("/")[0]
        found.setdefault(where, {})[(finding["resource"], finding["rule"])] = finding[
            "verdict"
        ]

    expected = {
        scenario.name: expected_verdicts(scenario / "expected.yaml")
        for scenario in scenarios()
    }
    expected.update(
        {
            f"plans/{plan.name}": expected_verdicts(
                plan.with_name(plan.stem + ".expected.yaml")
            )
            for plan in plan_files()
        }
    )
    assert report["errors"] == []
    assert found == expected


@pytest.fixture(scope="module")
def checkov_results():
    return checkov_verdicts(
        run_checkov("-d", str(FIXTURES), "--framework", "terraform", "terraform_plan")
    )


@pytest.mark.parametrize("scenario", scenarios(), ids=lambda path: path.name)
def test_checkov_agrees_with_the_expected_verdicts_for_hcl(checkov_results, scenario):
    # A scenario may spread over several files and local modules.
    found = {
        key: verdict
        for path, verdicts in checkov_results.items()
        if path.startswith(f"/{scenario.name}/")
        for key, verdict in verdicts.items()
    }

    assert found == expected_verdicts(scenario / "expected.yaml")


@pytest.mark.parametrize("plan", plan_files(), ids=lambda path: path.stem)
def test_checkov_agrees_with_the_expected_verdicts_for_plans(checkov_results, plan):
    if plan in default_policy_plans():
        found = checkov_results.get(f"/{PLANS.name}/{plan.name}")
    else:
        reports = run_checkov(
            "-f", str(plan), "--framework", "terraform_plan", policy=plan_policy(plan)
        )
        (found,) = checkov_verdicts(reports).values()

    expected = plan.with_name(plan.stem + ".expected.yaml")
    assert found == expected_verdicts(expected)


def test_checkov_judges_a_single_plan_file_given_with_f():
    plan = PLANS / "agent_missing_tag.json"
    results = checkov_verdicts(
        run_checkov("-f", str(plan), "--framework", "terraform_plan")
    )

    (found,) = results.values()
    assert found == expected_verdicts(plan.with_name(plan.stem + ".expected.yaml"))


TEAM_AGENT = """\
resource "aws_bedrockagent_agent" "agent" {
  agent_name              = "agent"
  agent_resource_role_arn = "arn:aws:iam::111122223333:role/agent"
  foundation_model        = "anthropic.claude-3-haiku-20240307-v1:0"
  tags = {
    cost-center = "cc-1234"
    owner       = "ml"
    ai-model    = "anthropic.claude-3-haiku-20240307-v1:0"
  }
}
"""


def test_checkov_tells_apart_resources_of_the_same_address_in_two_roots(tmp_path):
    # Every team has its `agent`: each must be judged in its own root, by its own
    # folder's policy, as `ai-cost-policy scan` judges it.
    (tmp_path / ".git").mkdir()
    (tmp_path / "ai-cost-policy.yaml").write_text("version: 1\n")
    for team in ("team-a", "team-b"):
        (tmp_path / team).mkdir()
        (tmp_path / team / "main.tf").write_text(TEAM_AGENT)
    (tmp_path / "team-b" / "ai-cost-policy.yaml").write_text(
        "version: 1\nmodels:\n  bedrock: {approved: ['amazon.*']}\n"
    )

    found = checkov_verdicts(
        run_checkov("-d", str(tmp_path), "--framework", "terraform")
    )
    report, _ = scan_json(str(tmp_path))

    scanned: dict[str, dict[tuple[str, str], str]] = {}
    for finding in report["findings"]:
        where = "/" + str(Path(finding["file"]).relative_to(tmp_path))
        scanned.setdefault(where, {})[(finding["resource"], finding["rule"])] = finding[
            "verdict"
        ]
    assert found == scanned
    assert found["/team-b/main.tf"][
        ("aws_bedrockagent_agent.agent", "CKV_AICOST_2")
    ] == ("failed")
    assert found["/team-a/main.tf"][
        ("aws_bedrockagent_agent.agent", "CKV_AICOST_2")
    ] == ("passed")
