"""Plan JSON through the real command line.

Bad input is exit 2 with a message naming the file and the problem, and the findings
for a good plan given beside it are still reported; a file is a plan by its content,
whatever its name; a directory scan reads a JSON file as a plan only when its content
looks like one; values Terraform marks sensitive never reach any output.
"""

from __future__ import annotations

import json
import re
import subprocess
from pathlib import Path
from typing import Any

import pytest
from conftest import (
    CHECKOV,
    CLI,
    FIXTURES,
    PLANS,
    REPO,
    expected_verdicts,
    load_expected,
)
from verdicts import checkov_verdicts, report_verdicts, run_checkov, run_scan

POLICY = FIXTURES / "ai-cost-policy.yaml"
# A real plan with one failing resource: alone it exits 1.
GOOD = PLANS / "agent_missing_tag.json"
GOOD_VERDICTS = expected_verdicts(PLANS / "agent_missing_tag.expected.yaml")


def scan(*args: str) -> tuple[dict, subprocess.CompletedProcess[str]]:
    completed = run_scan("--config", str(POLICY), "--format", "json", *args)
    assert "Traceback" not in completed.stderr, completed.stderr
    return json.loads(completed.stdout), completed


def good_plan() -> dict[str, Any]:
    return json.loads(GOOD.read_text("utf-8"))


def truncated() -> str:
    text = GOOD.read_text("utf-8")
    return text[: len(text) // 2]


def with_change(edit) -> dict[str, Any]:
    plan = good_plan()
    edit(plan["resource_changes"])
    return plan


def _set_actions(changes: list[Any]) -> None:
    changes[0]["change"]["actions"] = 5


def _replace_entry(changes: list[Any]) -> None:
    changes[0] = 5


# name -> (file content, what the message must say)
BAD_PLANS: dict[str, tuple[Any, str]] = {
    "not_json": (
        "terraform plan output, not JSON\n",
        "invalid JSON at line 1 column 1",
    ),
    "json_that_is_not_a_plan": (
        {"name": "web", "version": "1.0.0", "dependencies": {}},
        "not a Terraform plan",
    ),
    "unsupported_format_version": (
        {**good_plan(), "format_version": "2.0"},
        "unsupported plan format_version '2.0'",
    ),
    "truncated": (truncated(), "truncated file?"),
    "empty": ("", "the file is empty"),
    "json_array": ([good_plan()], "not a Terraform plan"),
    "resource_changes_not_a_list": (
        {**good_plan(), "resource_changes": {"aws_bedrockagent_agent.x": {}}},
        "resource_changes is not a list",
    ),
    # A malformed entry must not make its resource vanish from the verdicts.
    "actions_not_a_list": (with_change(_set_actions), "resource_changes"),
    "resource_change_not_an_object": (with_change(_replace_entry), "resource_changes"),
}


def write(path: Path, content: Any) -> Path:
    text = content if isinstance(content, str) else json.dumps(content, indent=2)
    path.write_text(text, "utf-8")
    return path


def same_file(reported: str, path: Path) -> bool:
    return (REPO / reported).resolve() == path.resolve()


@pytest.mark.parametrize("case", list(BAD_PLANS), ids=str)
def test_a_bad_plan_is_exit_2_naming_the_file_and_the_problem(tmp_path, case):
    content, problem = BAD_PLANS[case]
    bad = write(tmp_path / "plan.json", content)

    report, completed = scan(str(bad), str(GOOD))

    assert completed.returncode == 2, report
    (error,) = report["errors"]
    assert same_file(error["file"], bad), error
    assert problem in error["message"], error
    # The good plan beside it is still judged.
    good = [f for f in report["findings"] if same_file(f["file"], GOOD)]
    assert report_verdicts({"findings": good}) == GOOD_VERDICTS


@pytest.mark.parametrize("case", list(BAD_PLANS), ids=str)
def test_the_cli_report_names_the_bad_plan_and_the_problem(tmp_path, case):
    content, problem = BAD_PLANS[case]
    bad = write(tmp_path / "plan.json", content)

    completed = run_scan("--config", str(POLICY), str(bad), str(GOOD))

    said = completed.stdout + completed.stderr
    assert completed.returncode == 2, said
    assert "Traceback" not in said
    line = next(line for line in said.splitlines() if str(bad) in line)
    assert problem in line, said
    assert "fail_missing_owner" in said, "the good plan's failure is still shown"


@pytest.mark.parametrize("name", ["tfplan.out.json", "my.plan", "plan"])
def test_a_plan_given_by_path_is_read_by_its_content_whatever_its_name(tmp_path, name):
    plan = write(tmp_path / name, GOOD.read_text("utf-8"))

    report, completed = scan(str(plan))

    assert completed.returncode == 1
    assert report["errors"] == []
    assert report_verdicts(report) == GOOD_VERDICTS
    assert {finding["file"] for finding in report["findings"]} == {str(plan)}


def test_a_one_line_plan_from_terraform_show_is_read(tmp_path):
    # Raw `terraform show -json` output: one line, no line numbers to report.
    plan = write(tmp_path / "tfplan.json", json.dumps(good_plan()))

    report, completed = scan(str(plan))

    assert completed.returncode == 1
    assert report_verdicts(report) == GOOD_VERDICTS


def test_a_directory_scan_reads_only_json_that_looks_like_a_plan(tmp_path):
    (tmp_path / ".git").mkdir()
    write(
        tmp_path / "package.json",
        '{\n  // comments: not JSON at all\n  "name": "x"\n}\n',
    )
    write(tmp_path / "tsconfig.json", '{ "compilerOptions": { /* strict */ } }\n')
    write(tmp_path / "renovate.json", {"extends": ["config:base"], "format_version": 1})
    write(tmp_path / "tfplan.out.json", GOOD.read_text("utf-8"))

    report, completed = scan(str(tmp_path))

    assert completed.returncode == 1, report
    assert report["errors"] == []
    assert report_verdicts(report) == GOOD_VERDICTS
    files = {finding["file"] for finding in report["findings"]}
    assert [Path(file).name for file in files] == ["tfplan.out.json"]


@pytest.mark.parametrize("encoding", ["utf-16", "utf-8-sig"])
def test_a_directory_scan_finds_a_plan_written_by_powershell(tmp_path, encoding):
    # Windows PowerShell's `>` writes UTF-16 with a byte order mark.
    (tmp_path / ".git").mkdir()
    (tmp_path / "plan.json").write_text(GOOD.read_text("utf-8"), encoding)

    report, completed = scan(str(tmp_path))

    assert completed.returncode == 1, report
    assert report_verdicts(report) == GOOD_VERDICTS


def test_a_directory_scan_finds_a_plan_whose_variables_come_first_and_are_long(
    tmp_path,
):
    (tmp_path / ".git").mkdir()
    plan = json.loads(GOOD.read_text("utf-8"))
    long = {"variables": {"blob": {"value": "x" * (3 * 1024 * 1024)}}}
    write(tmp_path / "plan.json", {**long, **plan})
    assert (tmp_path / "plan.json").read_bytes().find(b'"planned_values"') > 3e6

    report, completed = scan(str(tmp_path))

    assert completed.returncode == 1, report
    assert report_verdicts(report) == GOOD_VERDICTS


def test_a_state_json_met_in_a_directory_is_not_read_as_a_plan(tmp_path):
    # `terraform show -json` without a plan file prints the state: format_version
    # and terraform_version, but values instead of planned_values.
    (tmp_path / ".git").mkdir()
    state = {
        "format_version": "1.0",
        "terraform_version": "1.11.4",
        "values": {"root_module": {"resources": []}},
    }
    write(tmp_path / "state.json", state)
    write(tmp_path / "tfplan.json", GOOD.read_text("utf-8"))

    report, completed = scan(str(tmp_path))

    assert report["errors"] == []
    assert completed.returncode == 1
    assert report_verdicts(report) == GOOD_VERDICTS


def test_a_broken_plan_met_in_a_directory_is_an_error(tmp_path):
    (tmp_path / ".git").mkdir()
    bad = write(tmp_path / "tfplan.json", truncated())
    (tmp_path / "other").mkdir()
    write(tmp_path / "other" / "plan.json", GOOD.read_text("utf-8"))

    report, completed = scan(str(tmp_path))

    assert completed.returncode == 2
    (error,) = report["errors"]
    assert same_file(error["file"], bad)
    assert "truncated file?" in error["message"]
    assert report_verdicts(report) == GOOD_VERDICTS


TWIN_FILES = sorted(PLANS.glob("*.expected.yaml"))


def _twin_policy(twin_file: Path) -> Path:
    return (twin_file.parent / load_expected(twin_file)["policy"]).resolve()


@pytest.mark.parametrize(
    "twin_file", TWIN_FILES, ids=lambda path: path.name.split(".")[0]
)
def test_every_plan_gets_its_verdicts_under_the_policy_its_twin_names(twin_file):
    plan = PLANS / (twin_file.name.removesuffix(".expected.yaml") + ".json")

    completed = run_scan(
        "--config",
        str(_twin_policy(twin_file)),
        "--format",
        "json",
        str(plan.relative_to(REPO)),
    )

    report = json.loads(completed.stdout)
    assert report["errors"] == []
    assert report_verdicts(report) == expected_verdicts(twin_file)


# Plans written by hand (no provider for them in the local mirror): Checkov's own
# plan parser must take them, and the checks give the same verdicts, under the
# policy of their scenario.
HAND_WRITTEN = [
    "azure_azapi_deployments",
    "azure_deployment_cost_on_account",
    "gcp_label_rules",
    "gcp_model_garden",
]


@pytest.mark.parametrize("name", HAND_WRITTEN)
def test_checkov_judges_a_hand_written_plan_as_its_twin_says(name, monkeypatch):
    twin_file = PLANS / f"{name}.expected.yaml"
    monkeypatch.setenv("AI_COST_POLICY_CONFIG", str(_twin_policy(twin_file)))

    results = checkov_verdicts(
        run_checkov("-f", str(PLANS / f"{name}.json"), "--framework", "terraform_plan")
    )

    (found,) = results.values()
    assert found == expected_verdicts(twin_file)


def test_a_failing_plan_in_modules_names_full_instance_addresses():
    plan = PLANS / "plan_module_count_for_each.json"

    completed = run_scan(str(plan.relative_to(REPO)))

    assert completed.returncode == 1
    failed = [
        line for line in completed.stdout.splitlines() if line.startswith("FAILED")
    ]
    assert any(
        'module.ai["us"].aws_bedrockagent_agent.assistant["fast"]' in line
        for line in failed
    ), completed.stdout
    assert any(
        'module.batch[1].aws_bedrockagent_agent.assistant["fast"]' in line
        for line in failed
    ), completed.stdout


# --- sensitive values ----------------------------------------------------------------

# Every sensitive value in these inputs holds the canary: the sensitive variables of
# plan_sensitive_values (in its code and its plan), and the access keys the azure
# plan's prior state holds for an existing account.
CANARY = "zq7canary"
SENSITIVE_INPUTS = [
    PLANS / "plan_sensitive_values.json",
    FIXTURES / "plan_sensitive_values",
    PLANS / "azure_deployment_cost_on_account.json",
]


def formats(command: str) -> list[str]:
    """The output formats `ai-cost-policy <command> --help` lists today."""
    completed = subprocess.run(
        [CLI, command, "--help"], capture_output=True, text=True, timeout=60
    )
    match = re.search(r"--format \{([a-z0-9_,-]+)\}", completed.stdout)
    assert match, completed.stdout
    return match.group(1).split(",")


def test_the_canary_is_in_the_inputs():
    for path in SENSITIVE_INPUTS:
        files = [path] if path.is_file() else sorted(path.glob("*.tf"))
        assert any(CANARY in file.read_text("utf-8") for file in files), path


@pytest.mark.parametrize("output_format", formats("scan"))
def test_scan_never_prints_a_sensitive_value(tmp_path, output_format):
    inputs = [str(path.relative_to(REPO)) for path in SENSITIVE_INPUTS]
    report = tmp_path / "report"

    printed = run_scan("--format", output_format, *inputs)
    written = run_scan("--format", output_format, "--output", str(report), *inputs)

    for completed in (printed, written):
        assert completed.returncode == 1, completed.stderr
        assert CANARY not in completed.stdout + completed.stderr
    assert report.read_text("utf-8")
    assert CANARY not in report.read_text("utf-8")


def test_scan_judges_sensitive_values_and_says_they_are_hidden():
    completed = run_scan(str((PLANS / "plan_sensitive_values.json").relative_to(REPO)))

    assert completed.returncode == 1
    assert "(sensitive value)" in completed.stdout


@pytest.mark.parametrize("output_format", formats("inventory"))
def test_inventory_never_prints_a_sensitive_value(output_format):
    inputs = [str(path.relative_to(REPO)) for path in SENSITIVE_INPUTS]

    completed = subprocess.run(
        [CLI, "inventory", "--format", output_format, *inputs],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=120,
    )

    assert completed.returncode in (0, 1), completed.stderr
    assert completed.stdout
    assert CANARY not in completed.stdout + completed.stderr


# Checkov prints, beside each result, its own rendering of the resource: the source
# lines (code_block; for a plan, the plan's JSON lines with the values in clear) and,
# from HCL, the resolved tags (entity_tags). The checks cannot change that; what
# they say (check name, details) must never hold a sensitive value, and with
# --compact Checkov prints no code block.
CHECKOV_OWN_RENDERING = {"code_block", "entity_tags"}
CHECKOV_TARGETS = [
    ("-f", str(PLANS / "plan_sensitive_values.json"), "--framework", "terraform_plan"),
    ("-d", str(FIXTURES / "plan_sensitive_values"), "--framework", "terraform"),
]


def _strings(node: Any, path: tuple = ()) -> list[tuple[tuple, str]]:
    if isinstance(node, dict):
        return [
            item
            for key, value in node.items()
            for item in _strings(value, path + (key,))
        ]
    if isinstance(node, list):
        return [
            item
            for i, value in enumerate(node)
            for item in _strings(value, path + (i,))
        ]
    return [(path, node)] if isinstance(node, str) else []


@pytest.mark.parametrize("target", CHECKOV_TARGETS, ids=["plan", "hcl"])
def test_the_checkov_checks_never_say_a_sensitive_value(target):
    reports = run_checkov(*target)

    records = [
        record
        for report in reports
        for kind in ("passed_checks", "failed_checks")
        for record in report.get("results", {}).get(kind, [])
    ]
    assert {record["check_id"] for record in records} == {
        "CKV_AICOST_1",
        "CKV_AICOST_2",
        "CKV_AICOST_3",
    }
    for record in records:
        leaks = [
            path
            for path, text in _strings(record)
            if CANARY in text and path[0] not in CHECKOV_OWN_RENDERING
        ]
        assert leaks == [], (record["resource"], record["check_id"], leaks)


@pytest.mark.parametrize("target", CHECKOV_TARGETS, ids=["plan", "hcl"])
def test_checkov_compact_output_holds_no_sensitive_value(target):
    completed = subprocess.run(
        [
            CHECKOV,
            *target,
            "--external-checks-dir",
            str(REPO / "checks"),
            "--check",
            "CKV_AICOST_*",
            "--skip-download",
            "--compact",
        ],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=300,
    )

    assert completed.returncode == 1, completed.stderr[-2000:]
    assert "CKV_AICOST_2" in completed.stdout
    assert CANARY not in completed.stdout + completed.stderr
