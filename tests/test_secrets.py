"""Sensitive values never reach any output, however they are built.

Every secret below holds ``qzx`` (checked case-insensitively, because ``lower()`` and
``upper()`` change its case): a tag key made from a sensitive variable, a
transformed secret, a ``sensitive("...")`` literal, a three-letter secret, the keys
of a wholly sensitive map variable, the same through a module input, a sensitive
key or index that finds nothing (the message must not say what it looked for), and
a plan whose tag maps are sensitive as a whole. Every scan and inventory format is
searched, stdout and stderr.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from test_formats import FORMATS
from test_inventory import INVENTORY_FORMATS, run_inventory
from verdicts import run_scan

from ai_cost_policy.pulumi_inputs import Secret, resolve
from ai_cost_policy.rules.tags import provenance
from ai_cost_policy.terraform.module import resolve_root_module
from ai_cost_policy.values import Unknown

CANARY = "qzx"

POLICY = """\
version: 1
tags:
  required:
    cost-center: {pattern: "cc-[0-9]{4}"}
    owner: {}
    environment: {allowed: [dev, staging, prod]}
  model_tag: ai-model
models:
  bedrock:
    approved: ["anthropic.claude-3-*"]
  denied: ["*deepseek*"]
unknown: warn
"""

MODEL = "anthropic.claude-3-haiku-20240307-v1:0"

ROOT_HCL = f"""
variable "key_part" {{
  type      = string
  sensitive = true
  default   = "qzxkeypart"
}}

variable "owner" {{
  type      = string
  sensitive = true
  default   = "QZXOWNER"
}}

variable "short" {{
  sensitive = true
  default   = "qzx"
}}

variable "model" {{
  sensitive = true
  default   = "DEEPSEEK.QZXMODEL-V1:0"
}}

variable "secret_tags" {{
  sensitive = true
  default   = {{ "qzx-map-key" = "qzx-map-value", cost-center = "cc-1234" }}
}}

locals {{
  common = {{ owner = var.owner }}
}}

resource "aws_bedrockagent_agent" "key_from_secret" {{
  agent_name       = "a"
  foundation_model = "{MODEL}"
  tags = merge(local.common, {{
    "k-${{var.key_part}}" = "v"
    cost-center          = "cc-1234"
    environment          = "prod"
    ai-model             = "{MODEL}"
  }})
}}

resource "aws_bedrockagent_agent" "transformed_secret" {{
  agent_name       = "b"
  foundation_model = lower(var.model)
  tags = {{
    owner       = lower(var.owner)
    cost-center = upper(var.owner)
    environment = trimspace(var.owner)
    ai-model    = "m-${{lower(var.owner)}}"
  }}
}}

resource "aws_bedrockagent_agent" "sensitive_function" {{
  agent_name       = "c"
  foundation_model = sensitive("{MODEL}")
  tags = {{
    cost-center = sensitive("cc-qzx1")
    owner       = format("%s", sensitive("qzxformat"))
    environment = sensitive(upper("qzxupper"))
    ai-model    = "{MODEL}"
  }}
}}

resource "aws_bedrockagent_agent" "short_secret" {{
  agent_name       = "d"
  foundation_model = "{MODEL}"
  tags = {{
    cost-center = "cc-1234"
    owner       = var.short
    environment = "${{var.short}}"
    ai-model    = "{MODEL}"
  }}
}}

resource "aws_bedrockagent_agent" "whole_secret_map" {{
  agent_name       = "e"
  foundation_model = "{MODEL}"
  tags             = merge(var.secret_tags, {{ owner = "team" }})
}}

resource "aws_bedrockagent_agent" "for_over_secret" {{
  agent_name       = "g"
  foundation_model = "{MODEL}"
  tags             = {{ for key, value in var.secret_tags : "t-${{key}}" => value }}
}}

resource "aws_bedrockagent_agent" "heredoc_secret" {{
  agent_name       = "h"
  foundation_model = "{MODEL}"
  tags = {{
    cost-center = "cc-1234"
    owner       = "team"
    environment = <<-EOT
      ${{var.short}}-env
      EOT
    ai-model    = "{MODEL}"
  }}
}}

resource "aws_bedrockagent_agent" "missing_secret_key" {{
  agent_name       = "i"
  foundation_model = "{MODEL}"
  tags = {{
    cost-center = "cc-1234"
    owner       = lookup({{ platform = "ml" }}, var.owner)
    environment = {{ prod = "prod" }}[var.owner]
    ai-model    = ["{MODEL}"][var.owner]
  }}
}}

module "child" {{
  source   = "./child"
  owner_in = var.owner
}}
"""

CHILD_HCL = f"""
variable "owner_in" {{
  type = string
}}

resource "aws_bedrockagent_agent" "through_module" {{
  agent_name       = "f"
  foundation_model = "{MODEL}"
  tags = {{
    cost-center = "cc-1234"
    owner       = var.owner_in
    environment = lower(var.owner_in)
    ai-model    = "{MODEL}"
  }}
}}
"""


def whole_map_plan() -> dict:
    """A plan whose tags and tags_all are sensitive as a whole, keys included."""
    tags = {
        "cost-center": "cc-1234",
        "owner": "qzx-plan-owner",
        "environment": "qzx-plan-env",
        "ai-model": MODEL,
        "KEYQZX-zz": "VALQZX-zz",
    }
    return {
        "format_version": "1.2",
        "terraform_version": "1.9.0",
        "planned_values": {"root_module": {}},
        "resource_changes": [
            {
                "address": "aws_bedrockagent_agent.plan_whole_map",
                "mode": "managed",
                "type": "aws_bedrockagent_agent",
                "name": "plan_whole_map",
                "provider_name": "registry.terraform.io/hashicorp/aws",
                "change": {
                    "actions": ["create"],
                    "before": None,
                    "after": {
                        "agent_name": "a",
                        "foundation_model": MODEL,
                        "tags": tags,
                        "tags_all": tags,
                    },
                    "after_unknown": {},
                    "after_sensitive": {"tags": True, "tags_all": True},
                },
            }
        ],
        "configuration": {},
    }


@pytest.fixture(scope="module")
def repo(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("secrets") / "repo"
    (root / "infra" / "child").mkdir(parents=True)
    (root / ".git").mkdir()
    (root / "ai-cost-policy.yaml").write_text(POLICY, encoding="utf-8")
    (root / "infra" / "main.tf").write_text(ROOT_HCL, encoding="utf-8")
    (root / "infra" / "child" / "main.tf").write_text(CHILD_HCL, encoding="utf-8")
    plan = json.dumps(whole_map_plan())
    (root / "plan.json").write_text(plan, encoding="utf-8")
    return root


def test_every_secret_of_the_scenario_holds_the_canary(repo):
    hcl = (repo / "infra" / "main.tf").read_text(encoding="utf-8")
    for secret in ("qzxkeypart", "QZXOWNER", '"qzx"', "QZXMODEL", "qzx-map-key"):
        assert secret in hcl
    assert 'sensitive("cc-qzx1")' in hcl
    assert "KEYQZX-zz" in (repo / "plan.json").read_text(encoding="utf-8")
    assert CANARY not in str(repo).lower(), "the path itself must not hold it"


def leaks(printed: str) -> list[str]:
    return [line for line in printed.splitlines() if CANARY in line.lower()]


@pytest.mark.parametrize("output_format", FORMATS)
def test_no_scan_format_prints_a_derived_secret(repo, output_format):
    completed = run_scan("--format", output_format, ".", cwd=repo)

    printed = completed.stdout + completed.stderr
    assert "Traceback" not in completed.stderr, completed.stderr
    assert completed.returncode == 1, completed.stderr
    assert not leaks(printed)
    assert "(sensitive value)" in printed


@pytest.mark.parametrize("output_format", INVENTORY_FORMATS)
def test_no_inventory_format_prints_a_derived_secret(repo, output_format):
    completed = run_inventory("--format", output_format, ".", cwd=repo)

    printed = completed.stdout + completed.stderr
    assert completed.returncode == 0, completed.stderr
    assert not leaks(printed)
    assert "(sensitive value)" in printed


def test_sensitive_keys_are_counted_not_named(repo):
    report = json.loads(run_scan("--format", "json", ".", cwd=repo).stdout)
    details = {
        finding["resource"]: " ".join(finding["details"])
        for finding in report["findings"]
        if finding["rule"] == "CKV_AICOST_1"
    }

    assert "(5 sensitive keys)" in details["aws_bedrockagent_agent.key_from_secret"]
    assert "(5 sensitive keys)" in details["aws_bedrockagent_agent.plan_whole_map"]


def verdicts(repo: Path) -> dict[tuple[str, str], tuple[str, str]]:
    completed = run_scan("--format", "json", ".", cwd=repo)
    return {
        (f["resource"], f["rule"]): (f["verdict"], f["message"])
        for f in json.loads(completed.stdout)["findings"]
    }


def test_rules_judge_sensitive_values_on_their_real_value(repo):
    found = verdicts(repo)

    # cc-1234 inside a wholly sensitive plan map still satisfies the pattern, and
    # "cc-qzx1" from sensitive() still fails it, said without the value.
    assert found[("aws_bedrockagent_agent.plan_whole_map", "CKV_AICOST_3")][0] == (
        "passed"
    )
    verdict, message = found[
        ("aws_bedrockagent_agent.sensitive_function", "CKV_AICOST_1")
    ]
    assert verdict == "failed"
    assert "tag 'cost-center' has (sensitive value), which does not match" in message
    verdict, message = found[
        ("aws_bedrockagent_agent.transformed_secret", "CKV_AICOST_2")
    ]
    assert verdict == "failed"
    assert "'(sensitive value)' is denied" in message


def test_a_required_key_is_found_among_sensitive_keys(repo):
    found = verdicts(repo)

    verdict, message = found[("aws_bedrockagent_agent.plan_whole_map", "CKV_AICOST_1")]
    assert verdict == "failed"
    assert "required tag" not in message  # every required key is there
    assert "tag 'environment' has (sensitive value), not one of" in message
    verdict, message = found[
        ("aws_bedrockagent_agent.whole_secret_map", "CKV_AICOST_1")
    ]
    assert "'environment' is missing" in message
    assert "'cost-center'" not in message


def resources(repo: Path) -> dict:
    result = resolve_root_module(repo / "infra")
    return {resource.address: resource for resource in result.resources}


def test_sensitivity_follows_a_value_through_functions_and_modules(repo):
    found = resources(repo)

    transformed = found["aws_bedrockagent_agent.transformed_secret"].tags.tags
    assert all(tag.sensitive for tag in transformed.values())
    assert found["aws_bedrockagent_agent.transformed_secret"].models[0].sensitive
    assert (
        found["aws_bedrockagent_agent.heredoc_secret"]
        .tags.tags["environment"]
        .sensitive
    )
    child = found["module.child.aws_bedrockagent_agent.through_module"].tags.tags
    assert child["owner"].sensitive and child["environment"].sensitive
    assert not child["cost-center"].sensitive


def test_a_map_with_a_sensitive_key_is_sensitive_as_a_whole(repo):
    # As in Terraform: a key computed from a secret, or merge() with a sensitive
    # map, marks the whole map, keys and values.
    found = resources(repo)

    for address in ("key_from_secret", "whole_secret_map", "for_over_secret"):
        tags = found[f"aws_bedrockagent_agent.{address}"].tags.tags
        assert all(tag.sensitive and tag.key_sensitive for tag in tags.values())


def test_sensitive_function_marks_its_value_and_nonsensitive_clears_it(tmp_path):
    (tmp_path / "main.tf").write_text(
        'resource "aws_bedrockagent_agent" "a" {\n'
        f'  foundation_model = sensitive("{MODEL}")\n'
        "  tags = {\n"
        '    owner = nonsensitive(sensitive("team"))\n'
        '    cost-center = sensitive("cc-1")\n'
        "  }\n"
        "}\n",
        encoding="utf-8",
    )

    (resource,) = resolve_root_module(tmp_path).resources

    assert resource.models[0].sensitive
    assert not resource.tags.tags["owner"].sensitive
    assert resource.tags.tags["cost-center"].sensitive


def test_an_expression_with_a_sensitive_call_is_not_quoted(repo):
    tags = resources(repo)["aws_bedrockagent_agent.sensitive_function"].tags.tags

    # format() is not evaluated: the value is unknown, and the expression that
    # would be quoted for it holds the literal given to sensitive().
    assert isinstance(tags["owner"].value, Unknown)
    assert "qzx" not in tags["owner"].value.describe()


def test_a_pulumi_secret_tag_map_hides_its_keys_and_a_secret_key_is_hidden():
    whole = resolve(
        "aws:bedrock/agentAgent:AgentAgent",
        "agent",
        "urn:a",
        {"tags": Secret({"KEYQZX": "v", "owner": "me"})},
    )
    listed = resolve(
        "aws-native:bedrock:Agent",
        "agent",
        "urn:b",
        {"tags": [{"key": Secret("KEYQZX"), "value": "v"}, {"key": "o", "value": "x"}]},
    )

    assert all(tag.key_sensitive for tag in whole.tags.tags.values())
    assert "qzx" not in provenance(whole.tags).lower()
    assert listed.tags.tags["KEYQZX"].key_sensitive
    assert not listed.tags.tags["o"].key_sensitive
    assert provenance(listed.tags).startswith("tags read from tags: o, (1 sensitive")
