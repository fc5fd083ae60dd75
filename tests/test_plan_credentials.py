"""Provider credentials and sensitive values written into a plan are never printed.

`terraform show -json` stores provider arguments verbatim in
configuration.provider_config, variable values in `variables` (sensitive ones too),
and sensitive resource values in clear beside their after_sensitive marks. A real
plan of agent_missing_tag gets all of these planted, each holding the canary, and
every scan and inventory format is searched for it, on stdout, stderr and in the
--output file.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from conftest import PLANS
from test_formats import FORMATS
from test_inventory import INVENTORY_FORMATS, run_inventory
from verdicts import run_scan

CANARY = "qv8plant"
ACCESS_KEY = f"AKIA{CANARY.upper()}EXAMPLE"
SECRET_KEY = f"wJalrXUtnFEMI/{CANARY}/bPxRfiCYEXAMPLEKEY"
SESSION_TOKEN = f"FwoGZXIvYXdzE-{CANARY}-token"
EXTERNAL_ID = f"external-{CANARY}"
VARIABLE_SECRET = f"var-{CANARY}-secret"
SENSITIVE_OWNER = f"owner-{CANARY}"
SENSITIVE_TAG = f"Owner-{CANARY}"


def planted_plan() -> dict[str, Any]:
    plan = json.loads((PLANS / "agent_missing_tag.json").read_text("utf-8"))

    # Credentials written as constants into the provider block, and into an
    # aliased provider through variables (the plan shows their names only).
    aws = plan["configuration"]["provider_config"]["aws"]["expressions"]
    aws["access_key"] = {"constant_value": ACCESS_KEY}
    aws["secret_key"] = {"constant_value": SECRET_KEY}
    aws["token"] = {"constant_value": SESSION_TOKEN}
    aws["assume_role"] = [
        {
            "role_arn": {"constant_value": "arn:aws:iam::111122223333:role/ci"},
            "external_id": {"constant_value": EXTERNAL_ID},
        }
    ]
    plan["configuration"]["provider_config"]["aws.ci"] = {
        "name": "aws",
        "full_name": "registry.terraform.io/hashicorp/aws",
        "alias": "ci",
        "expressions": {
            "access_key": {"references": ["var.aws_access_key"]},
            "secret_key": {"references": ["var.aws_secret_key"]},
        },
    }
    plan["variables"] = {
        "aws_access_key": {"value": ACCESS_KEY},
        "aws_secret_key": {"value": SECRET_KEY},
        "db_password": {"value": VARIABLE_SECRET},
    }
    plan["configuration"]["root_module"]["variables"] = {
        "aws_access_key": {"sensitive": True},
        "aws_secret_key": {"sensitive": True},
        "db_password": {"sensitive": True},
    }

    # Sensitive tag values: the passing agent's owner, the failing agent's near
    # miss `Owner`, the one its message names.
    values = {
        "aws_bedrockagent_agent.pass_complete": ("owner", SENSITIVE_OWNER),
        "aws_bedrockagent_agent.fail_missing_owner": ("Owner", SENSITIVE_TAG),
    }
    for change in plan["resource_changes"]:
        key, value = values[change["address"]]
        body = change["change"]
        for attribute in ("tags", "tags_all"):
            body["after"][attribute][key] = value
            body["after_sensitive"][attribute] = {key: True}
    for resource in plan["planned_values"]["root_module"]["resources"]:
        key, value = values[resource["address"]]
        for attribute in ("tags", "tags_all"):
            resource["values"][attribute][key] = value
            resource["sensitive_values"][attribute] = {key: True}
    return plan


@pytest.fixture(scope="module")
def plan_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    directory = tmp_path_factory.mktemp("credentials")
    path = directory / "plan.json"
    path.write_text(json.dumps(planted_plan(), indent=2), "utf-8")
    # The scenario's own policy, so the lookup finds no other.
    (directory / "ai-cost-policy.yaml").write_text(
        (PLANS.parent / "ai-cost-policy.yaml").read_text("utf-8"), "utf-8"
    )
    return path


def test_every_planted_secret_holds_the_canary(plan_file: Path) -> None:
    text = plan_file.read_text("utf-8")
    secrets = (
        ACCESS_KEY,
        SECRET_KEY,
        SESSION_TOKEN,
        EXTERNAL_ID,
        VARIABLE_SECRET,
        SENSITIVE_OWNER,
        SENSITIVE_TAG,
    )
    for secret in secrets:
        assert CANARY in secret.lower()
        assert secret in text


def test_the_planted_plan_is_still_judged(plan_file: Path) -> None:
    completed = run_scan("--format", "json", str(plan_file), cwd=plan_file.parent)

    assert completed.returncode == 1, completed.stderr
    verdicts = {
        (finding["resource"], finding["rule"]): finding["verdict"]
        for finding in json.loads(completed.stdout)["findings"]
    }
    assert verdicts[("aws_bedrockagent_agent.fail_missing_owner", "CKV_AICOST_1")] == (
        "failed"
    )
    assert verdicts[("aws_bedrockagent_agent.pass_complete", "CKV_AICOST_1")] == (
        "passed"
    )


@pytest.mark.parametrize("output_format", FORMATS)
def test_no_scan_format_prints_a_credential_or_sensitive_value(
    plan_file: Path, output_format: str
) -> None:
    report = plan_file.parent / f"report.{output_format}"

    printed = run_scan("--format", output_format, str(plan_file), cwd=plan_file.parent)
    written = run_scan(
        "--format",
        output_format,
        "--output",
        str(report),
        str(plan_file),
        cwd=plan_file.parent,
    )

    for completed in (printed, written):
        assert completed.returncode == 1, completed.stderr
        assert CANARY not in (completed.stdout + completed.stderr).lower()
    assert report.read_text("utf-8")
    assert CANARY not in report.read_text("utf-8").lower()


@pytest.mark.parametrize("output_format", INVENTORY_FORMATS)
def test_no_inventory_format_prints_a_credential_or_sensitive_value(
    plan_file: Path, output_format: str
) -> None:
    completed = run_inventory(
        "--format", output_format, str(plan_file), cwd=plan_file.parent
    )

    assert completed.returncode in (0, 1), completed.stderr
    assert completed.stdout
    assert CANARY not in (completed.stdout + completed.stderr).lower()
