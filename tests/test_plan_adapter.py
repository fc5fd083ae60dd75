"""The plan adapter: committed real plans judged end to end, and hand-written plans
for the corners a real plan of the fixtures does not reach."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
import yaml

from ai_cost_policy.catalog import load_catalog
from ai_cost_policy.engine import evaluate
from ai_cost_policy.policy import Policy, load_policy_file
from ai_cost_policy.resource import AIResource
from ai_cost_policy.rules import Finding
from ai_cost_policy.terraform.plan import (
    ENGINE,
    PlanError,
    load_plan,
    resources_from_plan,
)
from ai_cost_policy.values import Known, Unknown

FIXTURES = Path(__file__).resolve().parents[1] / "terraform_fixtures"
PLANS = FIXTURES / "plans"
EXPECTED_FILES = sorted(PLANS.glob("*.expected.yaml"))
POLICY_FILE = FIXTURES / "ai-cost-policy.yaml"
HAIKU = "anthropic.claude-3-haiku-20240307-v1:0"
SONNET = "anthropic.claude-3-5-sonnet-20240620-v1:0"
RESOURCE_TAGS = "tags in plan"
MERGED_TAGS = "tags_all in plan (provider default_tags merged)"
PROVIDER_DEFAULT_TAGS = "provider default_tags in plan configuration"


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


def test_every_committed_plan_has_its_scenario_and_expectations() -> None:
    # A scenario may be HCL-only until its plan is made; a plan never stands alone.
    scenarios = {path.parent.name for path in FIXTURES.glob("*/main.tf")}
    plans = {path.stem for path in PLANS.glob("*.json")}
    assert plans <= scenarios
    assert {_scenario(path) for path in EXPECTED_FILES} == plans


def test_every_catalog_type_is_judged_in_some_committed_plan() -> None:
    judged: set[str] = set()
    for plan_file in sorted(PLANS.glob("*.json")):
        plan = load_plan(plan_file)
        assert plan is not None
        judged |= {
            resource.entry.terraform_type
            for resource in resources_from_plan(plan, plan_file.name)
        }

    assert set(load_catalog().terraform_types) - judged == set()


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
    assert tags.attribute == "tags + provider default_tags"
    assert tags.tags["cost-center"].value == Known("cc-1234")
    assert tags.tags["cost-center"].source == PROVIDER_DEFAULT_TAGS
    # Resource tags win over default tags, as the provider merges them.
    assert tags.tags["owner"].value == Known("ml-team")
    assert tags.tags["owner"].source == RESOURCE_TAGS
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
    assert resource.tags.tags["team"].source == MERGED_TAGS
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


def test_null_model_is_no_model(tmp_path: Path, policy: Policy) -> None:
    resource = only(tmp_path, plan_data(agent_change(after={"foundation_model": None})))

    assert resource.models == ()
    assert finding(resource, policy, "CKV_AICOST_2").verdict == "not-applicable"


@pytest.mark.parametrize("actions", [("delete",), ("read",), ("forget",)], ids="+".join)
def test_change_that_leaves_nothing_behind_is_not_judged(
    tmp_path: Path, actions: tuple[str, ...]
) -> None:
    assert resources_of(tmp_path, plan_data(agent_change(actions=actions))) == []


@pytest.mark.parametrize(
    "actions",
    [("create",), ("update",), ("no-op",), ("delete", "create"), ("create", "delete")],
    ids="+".join,
)
def test_every_object_left_after_apply_is_judged(
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


# --- other catalog types: nested paths, references, parents, labels -------------------

PROFILE_ARN = "arn:aws:bedrock:us-east-1::foundation-model/" + HAIKU
GPT_4O = {"format": "OpenAI", "name": "gpt-4o", "version": "2024-11-20"}
DEPLOYMENTS = "Microsoft.CognitiveServices/accounts/deployments"
VERTEX_MODELS = "projects/p/locations/us-central1/publishers/google/models"
OWNED = {"cost-center": "cc-1234", "owner": "ml-team"}


@pytest.fixture(scope="module")
def cloud_policy(tmp_path_factory: pytest.TempPathFactory) -> Policy:
    path = tmp_path_factory.mktemp("policy") / "ai-cost-policy.yaml"
    path.write_text(
        yaml.safe_dump(
            {
                "version": 1,
                "tags": {
                    "required": {
                        "cost-center": {"pattern": "cc-[0-9]{4}"},
                        "owner": {},
                    },
                    "model_tag": "ai-model",
                },
                "models": {
                    "azure": {"approved": ["gpt-4o@2024-11-20"]},
                    "vertex": {
                        "approved": ["google/gemini-2.5-*", "google/text-embedding-*"]
                    },
                },
                "unknown": "warn",
            }
        ),
        "utf-8",
    )
    return load_policy_file(path)


def resource_change(
    address: str,
    resource_type: str,
    after: dict[str, Any],
    *,
    after_unknown: dict[str, Any] | None = None,
    after_sensitive: dict[str, Any] | None = None,
    module_address: str | None = None,
) -> dict[str, Any]:
    name = address.rsplit(f"{resource_type}.", 1)[1].split("[", 1)[0]
    change: dict[str, Any] = {
        "address": address,
        "mode": "managed",
        "type": resource_type,
        "name": name,
        "change": {
            "actions": ["create"],
            "before": None,
            "after": after,
            "after_unknown": {"id": True, **(after_unknown or {})},
            "before_sensitive": False,
            "after_sensitive": after_sensitive or {},
        },
    }
    if module_address:
        change["module_address"] = module_address
    return change


def config_block(
    resource_type: str,
    name: str,
    expressions: dict[str, Any] | None = None,
    provider: str | None = None,
) -> dict[str, Any]:
    return {
        "address": f"{resource_type}.{name}",
        "mode": "managed",
        "type": resource_type,
        "name": name,
        "provider_config_key": provider or resource_type.split("_", 1)[0],
        "expressions": expressions or {},
    }


def refers_to(*references: str) -> dict[str, Any]:
    return {"references": list(references)}


def by_address(resources: list[AIResource]) -> dict[str, AIResource]:
    return {resource.address: resource for resource in resources}


def prompt_change(
    model_ids: list[str | None], tags: dict[str, str], **marks: Any
) -> dict[str, Any]:
    variants = [
        {"name": f"v{index}", "template_type": "TEXT", "model_id": model_id}
        for index, model_id in enumerate(model_ids)
    ]
    return resource_change(
        "aws_bedrockagent_prompt.support",
        "aws_bedrockagent_prompt",
        {"name": "support", "variant": variants, "tags": tags, "tags_all": tags},
        **marks,
    )


@pytest.mark.parametrize(
    ("model_tag", "verdict"),
    [(f"{HAIKU} {SONNET}", "passed"), (HAIKU, "failed")],
    ids=["tag-names-both", "tag-names-one"],
)
def test_prompt_variants_give_one_model_slot_each(
    tmp_path: Path, policy: Policy, model_tag: str, verdict: str
) -> None:
    data = plan_data(prompt_change([HAIKU, SONNET], {**OWNED, "ai-model": model_tag}))

    resource = only(tmp_path, data)

    assert [(slot.attribute, slot.written) for slot in resource.models] == [
        ("variant[0].model_id", Known(HAIKU)),
        ("variant[1].model_id", Known(SONNET)),
    ]
    assert finding(resource, policy, "CKV_AICOST_2").verdict == "passed"
    assert finding(resource, policy, "CKV_AICOST_3").verdict == verdict


def test_unknown_variant_model_names_the_expression_of_that_variant(
    tmp_path: Path, policy: Policy
) -> None:
    data = plan_data(
        prompt_change(
            [HAIKU, None],
            {**OWNED, "ai-model": HAIKU},
            after_unknown={"variant": [{}, {"model_id": True}]},
        ),
        resources=[
            config_block(
                "aws_bedrockagent_prompt",
                "support",
                {
                    "variant": [
                        {"model_id": {"constant_value": HAIKU}},
                        {"model_id": refers_to("var.model_id")},
                    ]
                },
            )
        ],
    )
    # Terraform writes null for an unknown element's value; drop it as well.
    del data["resource_changes"][0]["change"]["after"]["variant"][1]["model_id"]

    resource = only(tmp_path, data)

    assert resource.models[1].attribute == "variant[1].model_id"
    assert resource.models[1].written == Unknown(
        "var.model_id", "known only after apply"
    )
    assert resource.models[1].reference is None
    assert finding(resource, policy, "CKV_AICOST_2").verdict == "warning"


def profile_change(address: str, **kwargs: Any) -> dict[str, Any]:
    return resource_change(
        address,
        "aws_bedrock_inference_profile",
        {
            "name": "support",
            "model_source": [{"copy_from": PROFILE_ARN}],
            "tags": {**OWNED, "ai-model": HAIKU},
            "tags_all": {**OWNED, "ai-model": HAIKU},
        },
        after_unknown={"arn": True, "models": True, "status": True},
        **kwargs,
    )


def test_unknown_agent_model_resolves_through_a_profile_in_the_same_plan(
    tmp_path: Path, policy: Policy
) -> None:
    agent = agent_change(
        after={"tags_all": {**OWNED, "ai-model": HAIKU}},
        after_unknown={"foundation_model": True},
    )
    del agent["change"]["after"]["foundation_model"]
    profile_arn = "aws_bedrock_inference_profile.support.arn"
    data = plan_data(
        profile_change("aws_bedrock_inference_profile.support"),
        agent,
        resources=[
            config_resource(
                expressions={
                    "foundation_model": refers_to(
                        profile_arn, "aws_bedrock_inference_profile.support"
                    )
                }
            )
        ],
    )

    resources = by_address(resources_of(tmp_path, data))

    # The slot now is the profile's model, reached through the reference.
    (model,) = resources["aws_bedrockagent_agent.agent"].models
    assert model.attribute.startswith("foundation_model")
    assert "aws_bedrock_inference_profile.support.model_source[0]" in model.attribute
    assert model.written == Known(PROFILE_ARN)
    agent_resource = resources["aws_bedrockagent_agent.agent"]
    assert finding(agent_resource, policy, "CKV_AICOST_2").verdict == "passed"
    assert finding(agent_resource, policy, "CKV_AICOST_3").verdict == "passed"


def test_reference_keeps_module_prefix_and_instance_key(tmp_path: Path) -> None:
    module = 'module.ai["eu"]'
    agent = agent_change(
        f"{module}.aws_bedrockagent_agent.agent",
        module_address=module,
        after_unknown={"foundation_model": True},
    )
    del agent["change"]["after"]["foundation_model"]
    profile = f'{module}.aws_bedrock_inference_profile.support["a"]'
    keyed = 'aws_bedrock_inference_profile.support["a"]'
    data = plan_data(
        profile_change(profile, module_address=module),
        agent,
        module_calls={
            "ai": {
                "source": "./modules/ai",
                "module": {
                    "resources": [
                        config_resource(
                            expressions={
                                "foundation_model": refers_to(
                                    f"{keyed}.arn",
                                    keyed,
                                    "aws_bedrock_inference_profile.support",
                                )
                            }
                        )
                    ]
                },
            }
        },
    )

    resources = by_address(resources_of(tmp_path, data))

    (model,) = resources[f"{module}.aws_bedrockagent_agent.agent"].models
    assert f"{profile}.model_source[0]" in model.attribute
    assert model.written == Known(PROFILE_ARN)


def keyed_profiles_and_agents(
    keys: list[str], agent_keys: list[str], *references: str
) -> dict[str, Any]:
    """Profiles of their own model per key, and agents referring to the profiles.

    The agents' foundation_model is written as Terraform records ``p[<expr>].arn``:
    the resource without a key, then the references inside the key expression.
    """
    profiles = []
    for key in keys:
        profile = profile_change(f"aws_bedrock_inference_profile.support{key}")
        profile["change"]["after"]["model_source"] = [{"copy_from": f"model-{key}"}]
        profiles.append(profile)
    agents = []
    for key in agent_keys:
        agent = agent_change(
            f"aws_bedrockagent_agent.agent{key}",
            after_unknown={"foundation_model": True},
        )
        del agent["change"]["after"]["foundation_model"]
        agents.append(agent)
    expression = refers_to("aws_bedrock_inference_profile.support", *references)
    return plan_data(
        *profiles,
        *agents,
        resources=[config_resource(expressions={"foundation_model": expression})],
    )


def agent_models(resources: list[AIResource]) -> dict[str, Known | Unknown]:
    return {
        resource.address: resource.models[0].written
        for resource in resources
        if resource.entry.terraform_type == "aws_bedrockagent_agent"
    }


@pytest.mark.parametrize(
    ("keys", "own_key"),
    [(['["a"]', '["b"]'], "each.key"), (["[0]", "[1]"], "count.index")],
    ids=["for_each", "count"],
)
def test_reference_keyed_by_own_key_names_the_instance_with_the_same_key(
    tmp_path: Path, keys: list[str], own_key: str
) -> None:
    data = keyed_profiles_and_agents(keys, keys, own_key)

    models = agent_models(resources_of(tmp_path, data))

    assert models == {
        f"aws_bedrockagent_agent.agent{key}": Known(f"model-{key}") for key in keys
    }


def test_reference_with_an_expression_key_names_the_only_instance(
    tmp_path: Path,
) -> None:
    data = keyed_profiles_and_agents(['["chat"]'], [""], "local.profile_key")

    models = agent_models(resources_of(tmp_path, data))

    assert models == {"aws_bedrockagent_agent.agent": Known('model-["chat"]')}


@pytest.mark.parametrize(
    ("agent_key", "references"),
    [("", ("var.profile_key",)), ('["c"]', ("each.key",))],
    ids=["key-from-a-variable", "no-instance-with-the-same-key"],
)
def test_reference_that_could_name_several_instances_leaves_the_model_unknown(
    tmp_path: Path, policy: Policy, agent_key: str, references: tuple[str, ...]
) -> None:
    data = keyed_profiles_and_agents(['["a"]', '["b"]'], [agent_key], *references)

    resources = by_address(resources_of(tmp_path, data))

    agent = resources[f"aws_bedrockagent_agent.agent{agent_key}"]
    (model,) = agent.models
    assert model.reference is None
    assert isinstance(model.written, Unknown)
    assert "aws_bedrock_inference_profile.support" in model.written.expression
    assert finding(agent, policy, "CKV_AICOST_2").verdict == "warning"


def test_known_model_is_read_as_written_even_when_it_is_a_reference(
    tmp_path: Path,
) -> None:
    # An ARN the plan already knows names the model (or is opaque) by itself.
    data = plan_data(
        agent_change(after={"foundation_model": PROFILE_ARN}),
        resources=[
            config_resource(
                expressions={
                    "foundation_model": refers_to("data.aws_bedrock_foundation_model.x")
                }
            )
        ],
    )

    (model,) = only(tmp_path, data).models

    assert model.written == Known(PROFILE_ARN)
    assert model.reference is None


def azure_plan(account_model_tag: str | None, *, with_account: bool = True) -> dict:
    account_tags = {**OWNED}
    if account_model_tag is not None:
        account_tags["ai-model"] = account_model_tag
    account = resource_change(
        "azurerm_cognitive_account.main",
        "azurerm_cognitive_account",
        {"name": "oai", "kind": "OpenAI", "sku_name": "S0", "tags": account_tags},
        after_unknown={"endpoint": True},
    )
    deployment = resource_change(
        "azurerm_cognitive_deployment.chat",
        "azurerm_cognitive_deployment",
        {
            "name": "chat",
            "model": [dict(GPT_4O)],
            "sku": [{"name": "Standard", "capacity": 10}],
        },
        after_unknown={"cognitive_account_id": True},
    )
    return plan_data(
        *([account] if with_account else []),
        deployment,
        providers={"azurerm": {"name": "azurerm"}},
        resources=[
            config_block("azurerm_cognitive_account", "main"),
            config_block(
                "azurerm_cognitive_deployment",
                "chat",
                {
                    "cognitive_account_id": refers_to(
                        "azurerm_cognitive_account.main.id",
                        "azurerm_cognitive_account.main",
                    ),
                    "model": [
                        {
                            "format": {"constant_value": "OpenAI"},
                            "name": {"constant_value": "gpt-4o"},
                            "version": {"constant_value": "2024-11-20"},
                        }
                    ],
                },
            ),
        ],
    )


@pytest.mark.parametrize(
    ("model_tag", "verdict"),
    [("gpt-4o", "passed"), ("gpt-4o-mini", "failed"), (None, "failed")],
)
def test_azure_deployment_cost_and_model_tag_land_on_its_account(
    tmp_path: Path, cloud_policy: Policy, model_tag: str | None, verdict: str
) -> None:
    resources = by_address(resources_of(tmp_path, azure_plan(model_tag)))

    deployment = resources["azurerm_cognitive_deployment.chat"]
    account = resources["azurerm_cognitive_account.main"]
    assert deployment.tags is None
    (model,) = deployment.models
    assert (model.attribute, model.form, model.written) == (
        "model[0]",
        "azure_parts",
        Known(GPT_4O),
    )
    assert deployment.parent_reference == "azurerm_cognitive_account.main"
    assert deployment.parent_in_view
    (attributed,) = account.attributed_models
    assert attributed.attribute.startswith("azurerm_cognitive_deployment.chat")
    assert attributed.attribute.endswith("model[0]")
    assert attributed.written == Known(GPT_4O)
    untagged = finding(deployment, cloud_policy, "CKV_AICOST_1")
    assert untagged.verdict == "not-applicable"
    assert "azurerm_cognitive_account.main" in untagged.message
    assert "checked in its place" in untagged.message
    assert finding(deployment, cloud_policy, "CKV_AICOST_2").verdict == "passed"
    assert finding(account, cloud_policy, "CKV_AICOST_1").verdict == "passed"
    assert finding(account, cloud_policy, "CKV_AICOST_3").verdict == verdict


def test_azure_deployment_without_its_account_in_the_plan_says_where_cost_goes(
    tmp_path: Path, cloud_policy: Policy
) -> None:
    deployment = only(tmp_path, azure_plan("gpt-4o", with_account=False))

    assert deployment.parent_reference == "azurerm_cognitive_account.main"
    assert not deployment.parent_in_view
    message = finding(deployment, cloud_policy, "CKV_AICOST_1").message
    assert "azurerm_cognitive_account.main" in message
    assert "not in the scanned code" in message


def test_azure_model_with_a_sensitive_part_is_flagged(tmp_path: Path) -> None:
    data = azure_plan("gpt-4o", with_account=False)
    data["resource_changes"][0]["change"]["after_sensitive"] = {
        "model": [{"name": True}]
    }

    (model,) = only(tmp_path, data).models

    assert model.sensitive


def test_azure_model_part_known_only_after_apply_is_unknown(tmp_path: Path) -> None:
    data = azure_plan("gpt-4o", with_account=False)
    change = data["resource_changes"][0]["change"]
    del change["after"]["model"][0]["version"]
    change["after_unknown"]["model"] = [{"version": True}]
    data["configuration"]["root_module"]["resources"][1]["expressions"]["model"][0][
        "version"
    ] = refers_to("var.gpt_version")

    (model,) = only(tmp_path, data).models

    assert model.written == Unknown("var.gpt_version", "known only after apply")


def azapi_change(
    name: str,
    api_version: str,
    *,
    tags: dict[str, str] | None = None,
    body_tags: dict[str, str] | None = None,
    resource_type: str = DEPLOYMENTS,
    after_unknown: dict[str, Any] | None = None,
) -> dict[str, Any]:
    body: dict[str, Any] = {
        "properties": {"model": dict(GPT_4O)},
        "sku": {"name": "Standard", "capacity": 10},
    }
    if body_tags is not None:
        body["tags"] = body_tags
    return resource_change(
        f"azapi_resource.{name}",
        "azapi_resource",
        {
            "type": f"{resource_type}@{api_version}",
            "name": name,
            "body": body,
            "tags": tags,
        },
        after_unknown={"output": True, "parent_id": True, **(after_unknown or {})},
    )


def azapi_config(name: str, **expressions: Any) -> dict[str, Any]:
    return config_block(
        "azapi_resource",
        name,
        {
            "parent_id": refers_to(
                "azurerm_cognitive_account.main.id", "azurerm_cognitive_account.main"
            ),
            **expressions,
        },
    )


def test_azapi_deployment_before_tags_api_version_has_its_account_pay(
    tmp_path: Path, cloud_policy: Policy
) -> None:
    data = plan_data(
        azapi_change("old", "2023-05-01"),
        azapi_change("new", "2024-10-01", tags={**OWNED, "ai-model": "gpt-4o"}),
        azapi_change(
            "storage", "2023-01-01", resource_type="Microsoft.Storage/storageAccounts"
        ),
        providers={"azapi": {"name": "azapi"}},
        resources=[
            azapi_config("old"),
            azapi_config("new", tags={"constant_value": {**OWNED}}),
            azapi_config("storage"),
        ],
    )

    resources = by_address(resources_of(tmp_path, data))

    assert set(resources) == {"azapi_resource.old", "azapi_resource.new"}
    old, new = resources["azapi_resource.old"], resources["azapi_resource.new"]
    assert old.tags is None
    assert old.parent_reference == "azurerm_cognitive_account.main"
    assert finding(old, cloud_policy, "CKV_AICOST_1").verdict == "not-applicable"
    assert new.tags is not None
    assert new.tags.attribute == "tags"
    assert new.parent_reference is None
    (model,) = new.models
    assert (model.attribute, model.written) == ("body.properties.model", Known(GPT_4O))
    for rule in ("CKV_AICOST_1", "CKV_AICOST_2", "CKV_AICOST_3"):
        found = finding(new, cloud_policy, rule)
        assert found.verdict == "passed", found.message


DEFAULTS = {"cost-center": "cc-9999", "owner": "platform"}


@pytest.mark.parametrize(
    ("written", "body_tags", "planned", "attribute", "source"),
    [
        ({"owner": "ml-team"}, None, {"owner": "ml-team"}, "tags", "tags in plan"),
        (None, {"owner": "ml-team"}, {"owner": "ml-team"}, "body.tags", None),
        (
            None,
            None,
            DEFAULTS,
            "tags (provider default_tags)",
            "provider default_tags in plan configuration",
        ),
    ],
    ids=["resource-tags", "body-tags", "default-tags"],
)
def test_azapi_default_tags_apply_only_to_a_resource_that_sets_no_tags(
    tmp_path: Path,
    written: dict[str, str] | None,
    body_tags: dict[str, str] | None,
    planned: dict[str, str],
    attribute: str,
    source: str | None,
) -> None:
    # azapi plans in `tags` what it will send: no merge with default_tags.
    expressions = {"tags": {"constant_value": written}} if written else {}
    data = plan_data(
        azapi_change("dep", "2024-10-01", tags=planned, body_tags=body_tags),
        providers={
            "azapi": {
                "name": "azapi",
                "expressions": {"default_tags": {"constant_value": DEFAULTS}},
            }
        },
        resources=[azapi_config("dep", **expressions)],
    )

    tags = only(tmp_path, data).tags

    assert tags is not None
    assert tags.attribute == attribute
    assert {key: tag.value for key, tag in tags.tags.items()} == {
        key: Known(value) for key, value in planned.items()
    }
    expected_source = source or "body.tags in plan"
    assert {tag.source for tag in tags.tags.values()} == {expected_source}


def test_azapi_tags_unknown_are_read_from_body_tags(tmp_path: Path) -> None:
    change = azapi_change(
        "dep",
        "2024-10-01",
        body_tags={"cost-center": "cc-1234"},
        after_unknown={"tags": True, "body": {"tags": {"owner": True}}},
    )
    del change["change"]["after"]["tags"]
    data = plan_data(
        change,
        providers={
            "azapi": {
                "name": "azapi",
                "expressions": {"default_tags": {"constant_value": DEFAULTS}},
            }
        },
        resources=[azapi_config("dep")],
    )

    tags = only(tmp_path, data).tags

    assert tags is not None
    assert tags.attribute == "body.tags"
    assert tags.tags["cost-center"].value == Known("cc-1234")
    assert tags.tags["owner"].value == Unknown(
        'body.tags["owner"]', "known only after apply"
    )


def test_azapi_tags_unknown_without_body_tags_are_the_default_tags(
    tmp_path: Path,
) -> None:
    change = azapi_change(
        "dep", "2024-10-01", after_unknown={"tags": True, "body": {"sku": True}}
    )
    del change["change"]["after"]["tags"]
    data = plan_data(
        change,
        providers={
            "azapi": {
                "name": "azapi",
                "expressions": {"default_tags": {"constant_value": DEFAULTS}},
            }
        },
        resources=[azapi_config("dep")],
    )

    tags = only(tmp_path, data).tags

    assert tags is not None
    assert tags.attribute == "provider default_tags"
    assert tags.tags["owner"].value == Known("platform")


def reasoning_engine_plan(
    labels: dict[str, str], terraform_labels: dict[str, str] | None, **marks: Any
) -> dict[str, Any]:
    after: dict[str, Any] = {
        "display_name": "support",
        "labels": labels,
        "context_spec": [
            {
                "memory_bank_config": [
                    {
                        "generation_config": [
                            {"model": f"{VERTEX_MODELS}/gemini-2.5-flash"}
                        ],
                        "similarity_search_config": [
                            {"embedding_model": f"{VERTEX_MODELS}/text-embedding-005"}
                        ],
                    }
                ]
            }
        ],
    }
    if terraform_labels is not None:
        after["terraform_labels"] = terraform_labels
        after["effective_labels"] = terraform_labels
    return plan_data(
        resource_change(
            "google_vertex_ai_reasoning_engine.support",
            "google_vertex_ai_reasoning_engine",
            after,
            **marks,
        ),
        providers={
            "google": {
                "name": "google",
                "expressions": {"default_labels": {"constant_value": {"team": "ai"}}},
            }
        },
        resources=[config_block("google_vertex_ai_reasoning_engine", "support")],
    )


MODEL_LABEL = "gemini-2_5-flash text-embedding-005"


def test_google_terraform_labels_are_read_with_goog_labels_left_to_the_rules(
    tmp_path: Path, cloud_policy: Policy
) -> None:
    labels = {**OWNED, "ai-model": MODEL_LABEL}
    data = reasoning_engine_plan(
        labels, {**labels, "team": "ai", "goog-terraform-provisioned": "true"}
    )

    resource = only(tmp_path, data)

    tags = resource.tags
    assert tags is not None
    assert tags.labels
    assert tags.attribute == "terraform_labels"
    assert tags.hidden == ()
    assert "goog-terraform-provisioned" in tags.tags
    assert tags.tags["team"].source == (
        "terraform_labels in plan (provider default_labels merged)"
    )
    assert tags.tags["owner"].source == "labels in plan"
    assert [slot.attribute for slot in resource.models] == [
        "context_spec[0].memory_bank_config[0].generation_config[0].model",
        "context_spec[0].memory_bank_config[0].similarity_search_config[0]"
        ".embedding_model",
    ]
    for rule in ("CKV_AICOST_1", "CKV_AICOST_2", "CKV_AICOST_3"):
        found = finding(resource, cloud_policy, rule)
        assert found.verdict == "passed", rule
        assert all("goog-" not in line for line in found.details)


def test_google_terraform_labels_unknown_are_rebuilt_from_labels_and_defaults(
    tmp_path: Path, cloud_policy: Policy
) -> None:
    # A label known only after apply leaves terraform_labels unknown as a whole.
    data = reasoning_engine_plan(
        {"ai-model": MODEL_LABEL},
        None,
        after_unknown={
            "labels": {"cost-center": True},
            "terraform_labels": True,
            "effective_labels": True,
        },
    )

    resource = only(tmp_path, data)

    tags = resource.tags
    assert tags is not None
    assert tags.labels
    assert tags.attribute == "labels + provider default_labels"
    assert tags.tags["team"].source == "provider default_labels in plan configuration"
    assert tags.tags["cost-center"].value == Unknown(
        'labels["cost-center"]', "known only after apply"
    )
    assert resource.notes == (
        "terraform_labels is known only after apply; effective labels were rebuilt "
        "from labels and the provider's default_labels",
    )
    # owner is missing for certain; cost-center's pattern cannot be checked.
    assert finding(resource, cloud_policy, "CKV_AICOST_1").verdict == "failed"


def test_sensitive_nested_model_is_flagged_and_never_printed(
    tmp_path: Path, policy: Policy
) -> None:
    secret = "deepseek.r1-v1:0"
    data = plan_data(
        prompt_change(
            [secret, HAIKU],
            {**OWNED, "ai-model": HAIKU},
            after_sensitive={"variant": [{"model_id": True}, {}]},
        )
    )

    resource = only(tmp_path, data)

    assert [slot.sensitive for slot in resource.models] == [True, False]
    assert finding(resource, policy, "CKV_AICOST_2").verdict == "failed"
    for found in evaluate([resource], policy):
        assert secret not in found.message
        assert all(secret not in line for line in found.details)
        assert all(secret not in model.shown() for model in found.models)
