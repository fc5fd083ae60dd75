"""``ai-cost-policy inventory``: every AI resource as the scan sees it, four formats.

The real command runs on the fixtures; its JSON is compared with the JSON report of
``scan`` on the same paths, so the inventory lists exactly the resources the rules
judge, with the same canonical models, and its approval state and missing tags agree
with the verdicts of CKV_AICOST_2 and CKV_AICOST_1.
"""

from __future__ import annotations

import csv
import io
import json
import subprocess
from pathlib import Path

import pytest
from conftest import CLI, REPO
from markdown_it import MarkdownIt
from test_formats import CANARY, SOURCE_CANARY, copy_scenario, sensitive_scenario
from verdicts import scan_json

INVENTORY_FORMATS = ("table", "json", "csv", "markdown")


def run_inventory(*args: str, cwd: Path = REPO) -> subprocess.CompletedProcess[str]:
    completed = subprocess.run(
        [CLI, "inventory", *args], cwd=cwd, capture_output=True, text=True, timeout=120
    )
    assert "Traceback" not in completed.stderr, completed.stderr
    return completed


def inventory_json(*paths: str, cwd: Path = REPO) -> tuple[dict, int]:
    completed = run_inventory("--format", "json", *paths, cwd=cwd)
    return json.loads(completed.stdout), completed.returncode


@pytest.fixture(scope="module")
def fixtures() -> tuple[dict, dict]:
    """(inventory, scan report) of terraform_fixtures."""
    inventory, code = inventory_json("terraform_fixtures")
    assert code == 0
    report, _ = scan_json("terraform_fixtures")
    return inventory, report


def by_resource(inventory: dict) -> dict[tuple[str, str], dict]:
    return {(item["address"], item["file"]): item for item in inventory["resources"]}


def verdict(report: dict, rule: str) -> dict[tuple[str, str], dict]:
    return {
        (f["resource"], f["file"]): f for f in report["findings"] if f["rule"] == rule
    }


def test_inventory_lists_every_resource_the_scan_judges(fixtures):
    inventory, report = fixtures

    listed = [(i["address"], i["file"], i["line"]) for i in inventory["resources"]]
    judged = {(f["resource"], f["file"], f["line"]) for f in report["findings"]}

    assert len(listed) == len(set(listed))
    assert set(listed) == judged
    assert inventory["summary"]["resources"] == len(listed)
    # HCL and plans alike.
    assert {i["engine"] for i in inventory["resources"]} == {
        "terraform",
        "terraform_plan",
    }


def test_inventory_models_are_the_canonical_models_the_rules_judged(fixtures):
    inventory, report = fixtures
    approved_model = verdict(report, "CKV_AICOST_2")

    for key, item in by_resource(inventory).items():
        model = approved_model[key]["model"]
        written = " ".join(dict.fromkeys(m["written"] for m in item["models"]))
        canonical = [m["canonical"] for m in item["models"] if m["canonical"]]
        if model is None:
            assert item["models"] == [], key
        else:
            assert written == model["written"], key
            assert (" ".join(dict.fromkeys(canonical)) or None) == model["canonical"]


@pytest.mark.parametrize(
    ("address", "file", "written", "canonical"),
    [
        (
            'aws_bedrockagent_agent.pass_geo_profile_id["eu"]',
            "terraform_fixtures/aws_bedrock_model_id_forms/main.tf",
            "eu.anthropic.claude-3-haiku-20240307-v1:0",
            "anthropic.claude-3-haiku-20240307-v1:0",
        ),
        (
            "aws_bedrock_provisioned_model_throughput.pass_context_suffix_throughput",
            "terraform_fixtures/aws_bedrock_model_id_forms/main.tf",
            "arn:aws:bedrock:us-east-1::foundation-model/"
            "anthropic.claude-3-haiku-20240307-v1:0:200k",
            "anthropic.claude-3-haiku-20240307-v1:0",
        ),
        (
            "azurerm_cognitive_deployment.na_chat",
            "terraform_fixtures/azure_deployment_cost_on_account/main.tf",
            "gpt-4o (version 2024-11-20, format OpenAI)",
            "gpt-4o@2024-11-20",
        ),
        (
            "azurerm_cognitive_deployment.fail_no_version",
            "terraform_fixtures/azure_deployment_without_version/main.tf",
            "gpt-4o (no version, format OpenAI)",
            "gpt-4o@",
        ),
        (
            "google_vertex_ai_reasoning_engine.pass_default_and_resource_labels",
            "terraform_fixtures/gcp_label_rules/main.tf",
            "projects/acme-ml-prod/locations/us-central1/publishers/google/models/"
            "gemini-2.5-flash",
            "google/gemini-2.5-flash",
        ),
        (
            "google_vertex_ai_endpoint_with_model_garden_deployment"
            ".pass_hugging_face_not_governed",
            "terraform_fixtures/gcp_model_garden/main.tf",
            "Qwen/Qwen3-0.6B",
            "huggingface/qwen/qwen3-0.6b",
        ),
        (
            "aws_sagemaker_hub_content_reference.pass_jumpstart_llama",
            "terraform_fixtures/aws_sagemaker_jumpstart_hub_content/main.tf",
            "arn:aws:sagemaker:us-east-1:aws:hub-content/SageMakerPublicHub/Model/"
            "meta-textgeneration-llama-3-1-8b-instruct",
            "jumpstart/meta-textgeneration-llama-3-1-8b-instruct",
        ),
        (
            "aws_sagemaker_model.pass_hf_model",
            "terraform_fixtures/plans/aws_sagemaker_huggingface_endpoint.json",
            "meta-llama/Meta-Llama-3.1-8B-Instruct",
            "huggingface/meta-llama/meta-llama-3.1-8b-instruct",
        ),
    ],
)
def test_inventory_shows_model_as_written_and_canonical(
    fixtures, address, file, written, canonical
):
    inventory, _ = fixtures

    item = by_resource(inventory)[(address, file)]

    assert {"written": written, "canonical": canonical} in item["models"]


@pytest.mark.parametrize(
    ("address", "file", "approval"),
    [
        (
            "aws_bedrockagent_agent.pass_bare_model_id",
            "terraform_fixtures/aws_bedrock_model_id_forms/main.tf",
            "approved",
        ),
        (
            "aws_bedrockagent_agent.fail_unapproved_model",
            "terraform_fixtures/aws_bedrock_model_id_forms/main.tf",
            "not approved",
        ),
        (
            "aws_bedrockagent_agent.fail_denied_model",
            "terraform_fixtures/aws_bedrock_model_id_forms/main.tf",
            "denied",
        ),
        (
            "azurerm_cognitive_deployment.na_chat",
            "terraform_fixtures/azure_deployment_cost_on_account/main.tf",
            "approved",  # by the scenario's own policy file, nearest to it
        ),
        (
            "aws_sagemaker_model.pass_hf_model",
            "terraform_fixtures/aws_sagemaker_huggingface_endpoint/main.tf",
            "not governed",
        ),
        (
            "aws_bedrockagent_agent.warn_literal_application_profile_arn",
            "terraform_fixtures/aws_application_inference_profile/main.tf",
            "unknown",
        ),
        (
            "azurerm_cognitive_account.pass_shared_account",
            "terraform_fixtures/azure_deployment_cost_on_account/main.tf",
            "no model",
        ),
    ],
)
def test_approval_state_names_each_outcome_of_the_approved_model_rule(
    fixtures, address, file, approval
):
    inventory, _ = fixtures

    item = by_resource(inventory)[(address, file)]

    assert item["approval"] == approval
    assert item["approval_message"]


def test_approval_state_agrees_with_the_scan_verdicts(fixtures):
    inventory, report = fixtures
    approved_model = verdict(report, "CKV_AICOST_2")

    for key, item in by_resource(inventory).items():
        found = approved_model[key]
        assert item["approval_message"] == found["message"], key
        if item["approval"] in ("denied", "not approved"):
            assert found["verdict"] in ("failed", "warning"), key
        elif item["approval"] in ("approved", "not governed"):
            assert found["verdict"] == "passed", key
        elif item["approval"] == "no model":
            assert found["verdict"] == "not-applicable", key


def test_cost_tags_show_values_and_missing_keys_like_the_required_tags_rule(
    fixtures,
):
    inventory, report = fixtures
    resources = by_resource(inventory)
    required_tags = verdict(report, "CKV_AICOST_1")

    missing_owner = resources[
        (
            "aws_bedrockagent_agent.fail_missing_owner",
            "terraform_fixtures/agent_missing_tag/main.tf",
        )
    ]
    assert missing_owner["missing_tags"] == ["owner"]
    assert missing_owner["tags"]["cost-center"] == "cc-1234"

    may_come_from_variable = resources[
        (
            "aws_bedrockagent_agent.warn_merge_unknown",
            "terraform_fixtures/agent_merge_unknown_variable/main.tf",
        )
    ]
    assert may_come_from_variable["missing_tags"] == []
    assert may_come_from_variable["unresolved_tags"] == ["owner"]

    for key, item in resources.items():
        if item["tags"] is None:
            assert required_tags[key]["verdict"] == "not-applicable", key
        elif required_tags[key]["verdict"] == "passed":
            assert item["missing_tags"] == [] or item["missing_tags"] == ["ai-model"], (
                key
            )


def test_untaggable_resource_names_the_parent_that_carries_its_cost(fixtures):
    inventory, _ = fixtures

    job = by_resource(inventory)[
        (
            "aws_bedrock_model_invocation_job.na_job_through_profile",
            "terraform_fixtures/aws_invocation_job_cost_parent/main.tf",
        )
    ]

    assert job["tags"] is None
    assert job["missing_tags"] == []
    assert job["cost_parent"] == "aws_bedrock_inference_profile.pass_batch_profile"


def test_cost_attributes_are_read_from_code_and_from_plans(fixtures):
    inventory, _ = fixtures
    resources = by_resource(inventory)
    address = "aws_bedrock_provisioned_model_throughput.pass_context_suffix_throughput"

    from_code = resources[
        (address, "terraform_fixtures/aws_bedrock_model_id_forms/main.tf")
    ]
    from_plan = resources[
        (address, "terraform_fixtures/plans/aws_bedrock_model_id_forms.json")
    ]

    assert from_code["cost_attributes"] == {
        "model_units": "1",
        "commitment_duration": "OneMonth",
    }
    assert from_plan["cost_attributes"] == from_code["cost_attributes"]
    deployment = resources[
        (
            "azurerm_cognitive_deployment.na_chat",
            "terraform_fixtures/azure_deployment_cost_on_account/main.tf",
        )
    ]
    assert deployment["cost_attributes"]["sku[0].name"] == "GlobalStandard"


def test_csv_has_one_row_per_resource_with_a_column_per_cost_tag(fixtures):
    inventory, _ = fixtures

    completed = run_inventory("--format", "csv", "terraform_fixtures")

    assert completed.returncode == 0
    rows = list(csv.DictReader(io.StringIO(completed.stdout)))
    assert [(r["address"], r["file"], int(r["line"])) for r in rows] == [
        (i["address"], i["file"], i["line"]) for i in inventory["resources"]
    ]
    for row, item in zip(rows, inventory["resources"], strict=True):
        assert row["approval"] == item["approval"]
        assert row["models_canonical"].split("; ") == [
            m["canonical"] or "(unknown)" for m in item["models"]
        ] or (row["models_canonical"] == "" and item["models"] == [])
        for key, value in (item["tags"] or {}).items():
            assert row[f"tag:{key}"] == value
        assert row["missing_tags"] == "; ".join(item["missing_tags"])


def test_csv_cells_cannot_start_a_spreadsheet_formula():
    from ai_cost_policy.inventory import _csv_cell

    assert _csv_cell("=HYPERLINK(1)") == "'=HYPERLINK(1)"
    assert _csv_cell("@SUM(A1)") == "'@SUM(A1)"
    assert _csv_cell("-1") == "-1"
    assert _csv_cell("cc-1234") == "cc-1234"


def test_markdown_table_has_a_row_per_resource(fixtures):
    inventory, _ = fixtures

    completed = run_inventory("--format", "markdown", "terraform_fixtures")

    tokens = MarkdownIt("commonmark").enable("table").parse(completed.stdout)
    rows = [t for t in tokens if t.type == "tr_open"]
    assert len(rows) == 1 + len(inventory["resources"])


def test_table_lists_each_resource_with_model_approval_and_tags():
    completed = run_inventory("terraform_fixtures/agent_missing_tag")

    assert completed.returncode == 0
    lines = completed.stdout.splitlines()
    assert lines[0].split()[:5] == [
        "Resource",
        "Platform",
        "Model",
        "Approval",
        "Cost",
    ]
    assert any("aws_bedrockagent_agent.fail_missing_owner" in line for line in lines)
    assert any("owner MISSING" in line for line in lines)
    assert any("cost-center=cc-1234" in line for line in lines)
    assert lines[-1].startswith("Inventory: 2 AI resources (2 approved)")


def test_inventory_never_prints_a_sensitive_value_or_a_source_block(tmp_path):
    root = sensitive_scenario(tmp_path)

    for output_format in INVENTORY_FORMATS:
        completed = run_inventory("--format", output_format, ".", cwd=root)

        printed = completed.stdout + completed.stderr
        assert completed.returncode == 0, completed.stderr
        assert CANARY not in printed, output_format
        assert SOURCE_CANARY not in printed, output_format
        assert "(sensitive value)" in printed, output_format

    inventory, _ = inventory_json(".", cwd=root)
    plan_item, hcl_item = sorted(
        inventory["resources"], key=lambda i: i["engine"], reverse=True
    )
    assert plan_item["models"] == [
        {"written": "(sensitive value)", "canonical": "(sensitive value)"}
    ]
    assert plan_item["tags"]["cost-center"] == "(sensitive value)"
    assert hcl_item["tags"]["owner"] == "(sensitive value)"
    assert hcl_item["approval"] == "denied"


def test_inventory_exits_2_on_an_unparsable_file_and_lists_the_rest(tmp_path):
    scenario = copy_scenario(tmp_path, "agent_missing_tag")
    (scenario / "extra").mkdir()
    (scenario / "extra" / "broken.tf").write_text('resource "x" "y" {\n  a = \n}\n')

    inventory, code = inventory_json(str(tmp_path))

    assert code == 2
    assert [e["file"] for e in inventory["errors"]] == [
        str(scenario / "extra" / "broken.tf")
    ]
    assert len(inventory["resources"]) == 2

    completed = run_inventory("--format", "csv", str(tmp_path))
    assert completed.returncode == 2
    assert "broken.tf" in completed.stderr


def test_inventory_of_failing_code_exits_0():
    completed = run_inventory(
        "--format", "json", "terraform_fixtures/agent_missing_tag"
    )

    assert completed.returncode == 0


def test_inventory_output_file_and_bad_format(tmp_path):
    target = tmp_path / "inventory.json"

    written = run_inventory(
        "--format",
        "json",
        "--output",
        str(target),
        "terraform_fixtures/agent_missing_tag",
    )
    bad = run_inventory("--format", "yaml", "terraform_fixtures")

    assert written.returncode == 0 and written.stdout == ""
    assert json.loads(target.read_text(encoding="utf-8"))["summary"]["resources"] == 2
    assert "(report: " in written.stderr
    assert bad.returncode == 2


@pytest.mark.parametrize("output_format", INVENTORY_FORMATS)
def test_inventory_is_byte_identical_across_runs(output_format):
    first = run_inventory("--format", output_format, "terraform_fixtures").stdout
    second = run_inventory("--format", output_format, "terraform_fixtures").stdout

    assert first == second
