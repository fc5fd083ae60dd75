"""The plan adapter: committed real plans judged end to end, and hand-written plans
for the corners a real plan of the fixtures does not reach."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
import yaml

from ai_cost_policy.engine import evaluate
from ai_cost_policy.policy import Policy, load_policy_file
from ai_cost_policy.resource import AIResource
from ai_cost_policy.rules import Finding
from ai_cost_policy.terraform.plan import (
    ENGINE,
    SOURCE_MERGED_TAGS,
    SOURCE_PROVIDER_DEFAULTS,
    SOURCE_RESOURCE_TAGS,
    PlanError,
    load_plan,
    resources_from_plan,
)
from ai_cost_policy.values import ABSENT, Known, Unknown

FIXTURES = Path(__file__).resolve().parents[1] / "terraform_fixtures"
PLANS = FIXTURES / "plans"
EXPECTED_FILES = sorted(PLANS.glob("*.expected.yaml"))
POLICY_FILE = FIXTURES / "ai-cost-policy.yaml"
HAIKU = "anthropic.claude-3-haiku-20240307-v1:0"


def _scenario(expected_file: Path) -> str:
    return expected_file.name.removesuffix(".expected.yaml")


def _verdicts(findings: list[Finding]) -> dict[str, dict[str, str]]:
    verdicts: dict[str, dict[str, str]] = {}
    for finding in findings:
        verdicts.setdefault(finding.resource, {})[finding.rule] = finding.verdict
    return verdicts


@pytest.fixture(scope="module")
def policy() -> Policy:
    return load_policy_file(POLICY_FILE)


# --- committed plans ------------------------------------------------------------------


@pytest.mark.parametrize("expected_file", EXPECTED_FILES, ids=_scenario)
def test_plan_verdicts_match_expected_file(expected_file: Path) -> None:
    expected = yaml.safe_load(expected_file.read_text("utf-8"))
    policy = load_policy_file(expected_file.parent / expected["policy"])
    plan_file = PLANS / f"{_scenario(expected_file)}.json"
    plan = load_plan(plan_file)
    assert plan is not None

    findings = evaluate(resources_from_plan(plan, plan_file.name), policy)

    got = _verdicts(findings)
    assert set(got) == set(expected["verdicts"])
    for address, rules in expected["verdicts"].items():
        assert {rule: got[address].get(rule) for rule in rules} == rules, address


def test_every_scenario_has_a_committed_plan_and_expectations() -> None:
    scenarios = {path.parent.name for path in FIXTURES.glob("*/main.tf")}
    assert {path.stem for path in PLANS.glob("*.json")} == scenarios
    assert {_scenario(path) for path in EXPECTED_FILES} == scenarios


@pytest.mark.parametrize(
    "plan_file", sorted(PLANS.glob("*.json")), ids=lambda p: p.stem
)
def test_committed_plans_hold_no_provider_credentials(plan_file: Path) -> None:
    data = json.loads(plan_file.read_text("utf-8"))
    for name, provider in data["configuration"]["provider_config"].items():
        expressions = provider.get("expressions", {})
        for argument in ("access_key", "secret_key", "token"):
            written = expressions.get(argument, {}).get("constant_value")
            assert written in (None, "REDACTED"), f"{name}.{argument}"


@pytest.mark.parametrize(
    "plan_file", sorted(PLANS.glob("*.json")), ids=lambda p: p.stem
)
def test_resource_line_is_where_its_resource_changes_entry_opens(
    plan_file: Path,
) -> None:
    lines = plan_file.read_text("utf-8").splitlines()
    plan = load_plan(plan_file)
    assert plan is not None

    resources = resources_from_plan(plan, "plans/x.json")

    assert resources
    for resource in resources:
        assert resource.engine == ENGINE
        assert resource.file == "plans/x.json"
        assert resource.line is not None
        assert lines[resource.line - 1].strip() == "{"
        assert lines[resource.line].strip() == (
            f'"address": {json.dumps(resource.address)},'
        )
        # The entry in resource_changes, not the one in planned_values.
        assert '"change": {' in "\n".join(lines[resource.line : resource.line + 8])


# --- hand-written plans ---------------------------------------------------------------


def agent_change(
    address: str = "aws_bedrockagent_agent.agent",
    *,
    after: dict[str, Any] | None = None,
    after_unknown: dict[str, Any] | None = None,
    after_sensitive: dict[str, Any] | bool | None = None,
    actions: tuple[str, ...] = ("create",),
    module_address: str | None = None,
) -> dict[str, Any]:
    name = address.rsplit("aws_bedrockagent_agent.", 1)[1].split("[", 1)[0]
    change: dict[str, Any] = {
        "address": address,
        "mode": "managed",
        "type": "aws_bedrockagent_agent",
        "name": name,
        "provider_name": "registry.terraform.io/hashicorp/aws",
        "change": {
            "actions": list(actions),
            "before": None,
            "after": {"foundation_model": HAIKU, **(after or {})},
            "after_unknown": {"id": True, **(after_unknown or {})},
            "before_sensitive": False,
            "after_sensitive": after_sensitive if after_sensitive is not None else {},
        },
    }
    if module_address:
        change["module_address"] = module_address
    return change


def plan_data(
    *changes: dict[str, Any],
    providers: dict[str, Any] | None = None,
    resources: list[dict[str, Any]] | None = None,
    module_calls: dict[str, Any] | None = None,
) -> dict[str, Any]:
    root: dict[str, Any] = {"resources": resources or []}
    if module_calls:
        root["module_calls"] = module_calls
    return {
        "format_version": "1.2",
        "terraform_version": "1.11.4",
        "planned_values": {"root_module": {}},
        "resource_changes": list(changes),
        "configuration": {
            "provider_config": providers if providers is not None else {"aws": {}},
            "root_module": root,
        },
    }


def config_resource(
    name: str = "agent",
    provider: str = "aws",
    expressions: dict[str, Any] | None = None,
) -> dict[str, Any]:
    return {
        "address": f"aws_bedrockagent_agent.{name}",
        "mode": "managed",
        "type": "aws_bedrockagent_agent",
        "name": name,
        "provider_config_key": provider,
        "expressions": expressions or {},
    }


def provider_with_default_tags(key: str, tags: dict[str, Any]) -> dict[str, Any]:
    name, _, alias = key.partition(".")
    provider: dict[str, Any] = {
        "name": name,
        "expressions": {"default_tags": [{"tags": tags}]},
    }
    if alias:
        provider["alias"] = alias
    return provider


def write_plan(directory: Path, data: Any, *, pretty: bool = True) -> Path:
    path = directory / "plan.json"
    path.write_text(json.dumps(data, indent=2 if pretty else None), "utf-8")
    return path


def resources_of(directory: Path, data: dict[str, Any]) -> list[AIResource]:
    plan = load_plan(write_plan(directory, data))
    assert plan is not None
    return resources_from_plan(plan, "plan.json")


def only(directory: Path, data: dict[str, Any]) -> AIResource:
    (resource,) = resources_of(directory, data)
    return resource


def finding(resource: AIResource, policy: Policy, rule: str) -> Finding:
    (found,) = [f for f in evaluate([resource], policy) if f.rule == rule]
    return found


def test_whole_tags_all_unknown_still_sees_provider_default_tag_keys(
    tmp_path: Path, policy: Policy
) -> None:
    data = plan_data(
        agent_change(
            after={"tags": {"owner": "ml-team", "ai-model": HAIKU}},
            after_unknown={"tags": {"role": True}, "tags_all": True},
        ),
        providers={
            "aws": provider_with_default_tags(
                "aws", {"constant_value": {"cost-center": "cc-1234", "owner": "finops"}}
            )
        },
        resources=[config_resource()],
    )

    resource = only(tmp_path, data)

    tags = resource.tags
    assert tags is not None
    assert tags.hidden == ()
    assert tags.attribute == "tags"
    assert tags.tags["cost-center"].value == Known("cc-1234")
    assert tags.tags["cost-center"].source == SOURCE_PROVIDER_DEFAULTS
    # Resource tags win over default tags, as the provider merges them.
    assert tags.tags["owner"].value == Known("ml-team")
    assert tags.tags["owner"].source == SOURCE_RESOURCE_TAGS
    assert isinstance(tags.tags["role"].value, Unknown)
    assert finding(resource, policy, "CKV_AICOST_1").verdict == "passed"
    assert finding(resource, policy, "CKV_AICOST_3").verdict == "passed"


def test_default_tags_written_with_references_hide_their_keys(
    tmp_path: Path, policy: Policy
) -> None:
    data = plan_data(
        agent_change(
            after={"tags": {"cost-center": "cc-1234"}},
            after_unknown={"tags": {"role": True}, "tags_all": True},
        ),
        providers={
            "aws": provider_with_default_tags(
                "aws", {"references": ["var.default_tags"]}
            )
        },
        resources=[config_resource()],
    )

    resource = only(tmp_path, data)

    assert resource.tags is not None
    (hidden,) = resource.tags.hidden
    assert "var.default_tags" in hidden.expression
    owner = finding(resource, policy, "CKV_AICOST_1")
    assert owner.verdict == "warning"
    assert "required tag 'owner' may come from" in owner.message


def test_whole_resource_tags_unknown_is_hidden_with_its_reference(
    tmp_path: Path, policy: Policy
) -> None:
    data = plan_data(
        agent_change(after_unknown={"tags": True, "tags_all": True}),
        resources=[
            config_resource(
                expressions={
                    "tags": {"references": ["module.labels.tags", "module.labels"]}
                }
            )
        ],
    )

    resource = only(tmp_path, data)

    assert resource.tags is not None
    assert resource.tags.hidden == (
        Unknown("module.labels.tags", "known only after apply"),
    )
    assert finding(resource, policy, "CKV_AICOST_1").verdict == "warning"


def test_known_tags_all_without_defaults_from_unknown_default_tags_is_not_missing(
    tmp_path: Path, policy: Policy
) -> None:
    # The AWS provider plans tags_all without any default tag when default_tags
    # hold a value known only after apply, so owner may yet come from them.
    data = plan_data(
        agent_change(
            after={
                "tags": {"cost-center": "cc-1234"},
                "tags_all": {"cost-center": "cc-1234"},
            },
            after_unknown={"tags": {}, "tags_all": {}},
        ),
        providers={
            "aws": provider_with_default_tags(
                "aws",
                {"references": ["aws_iam_role.agent.unique_id", "aws_iam_role.agent"]},
            )
        },
        resources=[config_resource()],
    )

    resource = only(tmp_path, data)

    assert resource.tags is not None
    (hidden,) = resource.tags.hidden
    assert hidden.expression == (
        "default_tags of provider aws from aws_iam_role.agent.unique_id"
    )
    assert finding(resource, policy, "CKV_AICOST_1").verdict == "warning"


def test_known_tags_all_with_merged_default_keys_is_trusted(
    tmp_path: Path, policy: Policy
) -> None:
    data = plan_data(
        agent_change(
            after={
                "tags": {"cost-center": "cc-1234"},
                "tags_all": {"cost-center": "cc-1234", "team": "search"},
            },
        ),
        providers={
            "aws": provider_with_default_tags("aws", {"references": ["var.defaults"]})
        },
        resources=[config_resource()],
    )

    resource = only(tmp_path, data)

    assert resource.tags is not None
    assert resource.tags.hidden == ()
    assert resource.tags.tags["team"].source == SOURCE_MERGED_TAGS
    assert finding(resource, policy, "CKV_AICOST_1").verdict == "failed"


def test_per_key_unknown_tag_has_an_unknown_value(
    tmp_path: Path, policy: Policy
) -> None:
    data = plan_data(
        agent_change(
            after={"tags_all": {"owner": "ml-team", "ai-model": HAIKU}},
            after_unknown={"tags_all": {"cost-center": True}},
        ),
    )

    resource = only(tmp_path, data)

    assert resource.tags is not None
    assert resource.tags.hidden == ()
    assert resource.tags.tags["cost-center"].value == Unknown(
        'tags_all["cost-center"]', "known only after apply"
    )
    # cost-center has a pattern, so its unknown value decides by `unknown: warn`.
    tagged = finding(resource, policy, "CKV_AICOST_1")
    assert tagged.verdict == "warning"
    assert 'tags_all["cost-center"]' in tagged.message


def test_per_key_unknown_value_of_unconstrained_key_passes(
    tmp_path: Path, policy: Policy
) -> None:
    data = plan_data(
        agent_change(
            after={"tags_all": {"cost-center": "cc-1234", "ai-model": HAIKU}},
            after_unknown={"tags_all": {"owner": True}},
        ),
    )

    resource = only(tmp_path, data)

    assert finding(resource, policy, "CKV_AICOST_1").verdict == "passed"


def test_sensitive_tag_value_is_flagged_and_never_printed(
    tmp_path: Path, policy: Policy
) -> None:
    secret = "secret-cost-centre-42"
    data = plan_data(
        agent_change(
            after={
                "tags": {"cost-center": secret},
                "tags_all": {"cost-center": secret, "owner": "ml-team"},
            },
            after_sensitive={"tags": {"cost-center": True}, "tags_all": {}},
        ),
    )

    resource = only(tmp_path, data)

    assert resource.tags is not None
    assert resource.tags.tags["cost-center"].sensitive
    assert not resource.tags.tags["owner"].sensitive
    findings = evaluate([resource], policy)
    assert finding(resource, policy, "CKV_AICOST_1").verdict == "failed"
    for found in findings:
        assert secret not in found.message
        assert all(secret not in line for line in found.details)


def test_whole_sensitive_tags_all_marks_every_tag(tmp_path: Path) -> None:
    data = plan_data(
        agent_change(
            after={"tags_all": {"cost-center": "cc-1234", "owner": "ml-team"}},
            after_sensitive={"tags_all": True, "foundation_model": True},
        ),
    )

    resource = only(tmp_path, data)

    assert resource.tags is not None
    assert all(tag.sensitive for tag in resource.tags.tags.values())
    (model,) = resource.models
    assert model.sensitive


def test_unknown_model_names_its_reference(tmp_path: Path, policy: Policy) -> None:
    change = agent_change(after_unknown={"foundation_model": True})
    del change["change"]["after"]["foundation_model"]
    data = plan_data(
        change,
        resources=[
            config_resource(
                expressions={
                    "foundation_model": {
                        "references": [
                            "aws_bedrock_inference_profile.support.arn",
                            "aws_bedrock_inference_profile.support",
                        ]
                    }
                }
            )
        ],
    )

    resource = only(tmp_path, data)

    (model,) = resource.models
    assert model.written == Unknown(
        "aws_bedrock_inference_profile.support.arn", "known only after apply"
    )
    approved = finding(resource, policy, "CKV_AICOST_2")
    assert approved.verdict == "warning"
    assert "aws_bedrock_inference_profile.support.arn" in approved.message


def test_null_model_is_absent(tmp_path: Path) -> None:
    resource = only(tmp_path, plan_data(agent_change(after={"foundation_model": None})))

    (model,) = resource.models
    assert model.written is ABSENT


@pytest.mark.parametrize(
    "actions", [("delete",), ("no-op",), ("read",), ("forget",)], ids="+".join
)
def test_change_that_leaves_nothing_behind_is_not_judged(
    tmp_path: Path, actions: tuple[str, ...]
) -> None:
    assert resources_of(tmp_path, plan_data(agent_change(actions=actions))) == []


@pytest.mark.parametrize(
    "actions",
    [("create",), ("update",), ("delete", "create"), ("create", "delete")],
    ids="+".join,
)
def test_create_update_and_replace_are_judged(
    tmp_path: Path, actions: tuple[str, ...]
) -> None:
    assert len(resources_of(tmp_path, plan_data(agent_change(actions=actions)))) == 1


def test_deposed_object_is_not_judged(tmp_path: Path) -> None:
    change = agent_change(actions=("delete",))
    change["deposed"] = "00000001"

    assert resources_of(tmp_path, plan_data(change)) == []


def test_module_for_each_keeps_address_and_uses_module_provider(
    tmp_path: Path, policy: Policy
) -> None:
    address = 'module.ai["eu"].aws_bedrockagent_agent.x["us"]'
    data = plan_data(
        agent_change(
            address,
            module_address='module.ai["eu"]',
            after={"tags": {"ai-model": HAIKU}},
            after_unknown={"tags": {"role": True}, "tags_all": True},
        ),
        providers={
            "aws": {"name": "aws"},
            "aws.finops": provider_with_default_tags(
                "aws.finops",
                {"constant_value": {"cost-center": "cc-1234", "owner": "finops"}},
            ),
        },
        module_calls={
            "ai": {
                "source": "./modules/ai",
                "module": {"resources": [config_resource("x", provider="aws.finops")]},
            }
        },
    )

    resource = only(tmp_path, data)

    assert resource.address == address
    assert resource.tags is not None
    assert resource.tags.tags["owner"].value == Known("finops")
    assert finding(resource, policy, "CKV_AICOST_1").resource == address
    assert finding(resource, policy, "CKV_AICOST_1").verdict == "passed"


def test_types_outside_the_catalog_are_ignored(tmp_path: Path) -> None:
    change = agent_change()
    change["type"] = "aws_s3_bucket"

    assert resources_of(tmp_path, plan_data(change)) == []


@pytest.mark.parametrize(
    "content",
    [
        {"format_version": "1.0", "values": {"root_module": {}}},
        {"format_version": "1.2"},
        {"planned_values": {}},
        [1, 2, 3],
        "just a string",
    ],
    ids=["state", "no-planned-values", "no-format-version", "list", "string"],
)
def test_json_that_is_not_a_plan_returns_none(tmp_path: Path, content: Any) -> None:
    assert load_plan(write_plan(tmp_path, content)) is None


def test_truncated_json_raises_plan_error_naming_the_file(tmp_path: Path) -> None:
    text = json.dumps(plan_data(agent_change()), indent=2)
    path = tmp_path / "plan.json"
    path.write_text(text[: len(text) // 2], "utf-8")

    with pytest.raises(PlanError) as raised:
        load_plan(path)

    assert raised.value.file == str(path)
    assert str(raised.value).startswith(f"{path}: ")
    assert "ends early" in raised.value.message
    assert "line " in raised.value.message


def test_invalid_json_names_line_and_column(tmp_path: Path) -> None:
    path = tmp_path / "plan.json"
    path.write_text('{\n  "format_version": "1.2",\n  oops\n}\n', "utf-8")

    with pytest.raises(PlanError, match=r"line 3 column 3"):
        load_plan(path)


def test_empty_file_raises_plan_error(tmp_path: Path) -> None:
    path = tmp_path / "plan.json"
    path.write_text("", "utf-8")

    with pytest.raises(PlanError, match="empty"):
        load_plan(path)


def test_missing_file_raises_plan_error_naming_the_file(tmp_path: Path) -> None:
    path = tmp_path / "missing.json"

    with pytest.raises(PlanError, match=f"^{path}: cannot read"):
        load_plan(path)


@pytest.mark.parametrize("version", ["0.2", "2.0", 1])
def test_unsupported_format_version_raises_plan_error(
    tmp_path: Path, version: Any
) -> None:
    data = plan_data(agent_change())
    data["format_version"] = version
    path = write_plan(tmp_path, data)

    with pytest.raises(PlanError) as raised:
        load_plan(path)

    assert raised.value.file == str(path)
    assert "format_version" in raised.value.message


def test_single_line_plan_has_no_line_numbers(tmp_path: Path) -> None:
    path = write_plan(tmp_path, plan_data(agent_change()), pretty=False)
    plan = load_plan(path)
    assert plan is not None

    (resource,) = resources_from_plan(plan, "plan.json")

    assert resource.line is None


def test_line_lookup_is_not_fooled_by_look_alike_strings(tmp_path: Path) -> None:
    address = "aws_bedrockagent_agent.agent"
    decoy = f'"resource_changes": [\n{{"address": "{address}"'
    data = {
        "format_version": "1.2",
        "planned_values": {"root_module": {}, "decoy": decoy},
        "resource_changes": [agent_change(address)],
        "configuration": {"provider_config": {}, "root_module": {}},
    }
    path = write_plan(tmp_path, data)
    lines = path.read_text("utf-8").splitlines()
    plan = load_plan(path)
    assert plan is not None

    (resource,) = resources_from_plan(plan, "plan.json")

    assert resource.line is not None
    assert lines[resource.line - 2].strip() == '"resource_changes": ['
    assert lines[resource.line].strip() == f'"address": "{address}",'


def test_utf16_plan_written_by_windows_powershell_is_read(tmp_path: Path) -> None:
    text = json.dumps(plan_data(agent_change()), indent=2)
    path = tmp_path / "plan.json"
    path.write_text(text, "utf-16")

    plan = load_plan(path)

    assert plan is not None
    (resource,) = resources_from_plan(plan, "plan.json")
    assert resource.line == text.splitlines().index('  "resource_changes": [') + 2
