"""Teams add their own AI resource types in the policy file; they are judged alike."""

from __future__ import annotations

import subprocess

from conftest import CLI
from verdicts import report_verdicts, scan_json

POLICY = """\
version: 1
resource_types:
  - terraform_type: acme_llm_gateway
    platform: bedrock
    models:
      - {terraform: "route[*].model_id"}
    tags: {terraform: tags}
    source: "https://example.com/docs/acme_llm_gateway"
models:
  bedrock: {approved: ["anthropic.claude-3-*"]}
"""

GATEWAY = """\
resource "acme_llm_gateway" "fail_untagged_unapproved" {
  route {
    model_id = "anthropic.claude-3-haiku-20240307-v1:0"
  }
  route {
    model_id = "meta.llama3-8b-instruct-v1:0"
  }
}
"""


def test_user_defined_type_is_judged_by_every_rule(tmp_path):
    (tmp_path / ".git").mkdir()
    (tmp_path / "ai-cost-policy.yaml").write_text(POLICY)
    (tmp_path / "main.tf").write_text(GATEWAY)

    report, code = scan_json(str(tmp_path))

    assert code == 1
    address = "acme_llm_gateway.fail_untagged_unapproved"
    assert report_verdicts(report) == {
        (address, "CKV_AICOST_1"): "failed",
        (address, "CKV_AICOST_2"): "failed",
        (address, "CKV_AICOST_3"): "failed",
    }
    (approval,) = [f for f in report["findings"] if f["rule"] == "CKV_AICOST_2"]
    assert "meta.llama3-8b-instruct-v1:0" in approval["message"]


def test_user_type_that_shadows_a_built_in_one_is_rejected_with_its_line(tmp_path):
    policy = tmp_path / "ai-cost-policy.yaml"
    policy.write_text(POLICY.replace("acme_llm_gateway", "aws_bedrockagent_agent", 1))

    completed = subprocess.run(
        [CLI, "config", "validate", str(policy)], capture_output=True, text=True
    )

    assert completed.returncode == 2
    assert f"{policy}:3: resource_types[0].terraform_type" in completed.stderr
    assert "already in the built-in catalog" in completed.stderr


def test_user_type_with_a_bad_path_is_rejected(tmp_path):
    policy = tmp_path / "ai-cost-policy.yaml"
    policy.write_text(POLICY.replace("route[*].model_id", "route[x.model_id"))

    completed = subprocess.run(
        [CLI, "config", "validate", str(policy)], capture_output=True, text=True
    )

    assert completed.returncode == 2
    assert "resource_types[0].models[0].terraform" in completed.stderr
    assert "not a catalog path" in completed.stderr
