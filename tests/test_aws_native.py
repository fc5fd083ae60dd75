"""pulumi-aws-native resources: catalogued as Pulumi-only twins of Terraform types,
with tags as a map on some types and a list of ``{key, value}`` on others."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from ai_cost_policy.catalog import load_catalog
from ai_cost_policy.engine import evaluate
from ai_cost_policy.policy import load_policy_file
from ai_cost_policy.pulumi_inputs import (
    SECRET_SIG,
    SIG_KEY,
    UNKNOWN,
    PulumiProvider,
    Secret,
    resolve,
)
from ai_cost_policy.values import Known, Unknown

REPO = Path(__file__).resolve().parent.parent
AGENT = "aws-native:bedrock:Agent"
PROFILE = "aws-native:bedrock:ApplicationInferenceProfile"
ENDPOINT = "aws-native:sagemaker:Endpoint"
HAIKU = "anthropic.claude-3-haiku-20240307-v1:0"
HAIKU_ARN = f"arn:aws:bedrock:us-east-1::foundation-model/{HAIKU}"
STRING_UNKNOWN = "04da6b54-80e4-46f7-96ec-b56ff0331ba9"
SECRET_VALUE = "cc-leaked-value"


@pytest.fixture(scope="module")
def policy():
    return load_policy_file(REPO / "terraform_fixtures" / "ai-cost-policy.yaml")


def verdicts(resource, policy) -> dict[str, object]:
    return {finding.rule: finding for finding in evaluate([resource], policy)}


def profile(tags, **extra):
    props = {"modelSource": {"copyFrom": HAIKU_ARN}, "tags": tags, **extra}
    return resolve(PROFILE, "profile", "urn:profile", props)


def all_text(findings) -> str:
    return "\n".join(
        "\n".join((finding.message, *finding.details)) for finding in findings
    )


# --- Catalog -----------------------------------------------------------------------


def test_pulumi_only_entries_are_found_by_token_and_never_by_terraform_type():
    catalog = load_catalog()

    entries = catalog.for_terraform_type("aws_bedrockagent_agent")

    assert [entry.pulumi_type for entry in entries] == [
        "aws:bedrock/agentAgent:AgentAgent"
    ]
    assert catalog.entry_for("aws_bedrockagent_agent", {}) is entries[0]
    assert catalog.by_terraform_type("aws_bedrock_inference_profile") is not None
    native = catalog.by_pulumi_type(AGENT)
    assert native is not None and native.pulumi_only
    assert native.terraform_type == "aws_bedrockagent_agent"


def test_terraform_types_list_no_duplicates_and_no_pulumi_only_entry():
    catalog = load_catalog()
    types = catalog.terraform_types

    assert len(types) == len(set(types))
    assert set(types) == {
        entry.terraform_type for entry in catalog.entries if not entry.pulumi_only
    }
    assert all(
        entry.pulumi_type in catalog.pulumi_types
        for entry in catalog.entries
        if entry.pulumi_only
    )


def test_tag_shapes_come_from_the_catalog():
    catalog = load_catalog()

    assert catalog.by_pulumi_type(AGENT).tags.pulumi_shape == "map"
    assert catalog.by_pulumi_type(PROFILE).tags.pulumi_shape == "list"
    assert catalog.by_pulumi_type(ENDPOINT).tags.pulumi_shape == "list"
    assert catalog.by_pulumi_type(ENDPOINT).models == ()


# --- Map tags ------------------------------------------------------------------------


def test_an_agent_with_map_tags_passes_and_reads_like_its_terraform_twin(policy):
    agent = resolve(
        AGENT,
        "agent",
        "urn:agent",
        {
            "foundationModel": HAIKU,
            "tags": {"owner": "ml", "cost-center": "cc-1234", "ai-model": HAIKU},
        },
    )

    found = verdicts(agent, policy)

    assert {rule: finding.verdict for rule, finding in found.items()} == {
        "CKV_AICOST_1": "passed",
        "CKV_AICOST_2": "passed",
        "CKV_AICOST_3": "passed",
    }
    assert found["CKV_AICOST_1"].resource_type == "aws_bedrockagent_agent"


# --- List tags -----------------------------------------------------------------------


def test_list_tags_missing_owner_fail_rule_1(policy):
    resource = profile(
        [
            {"key": "cost-center", "value": "cc-1234"},
            {"key": "ai-model", "value": HAIKU},
        ]
    )

    found = verdicts(resource, policy)["CKV_AICOST_1"]

    assert found.verdict == "failed"
    assert "required tag 'owner' is missing" in found.message
    assert found.resource_type == "aws_bedrock_inference_profile"


def test_list_tags_are_read_as_a_map_with_capitalised_fields_too(policy):
    resource = profile(
        [
            {"Key": "cost-center", "Value": "cc-1234"},
            {"key": "owner", "value": "ml"},
            {"Key": "ai-model", "Value": HAIKU},
        ]
    )

    assert resource.tags.tags["cost-center"].value == Known("cc-1234")
    assert resource.tags.hidden == ()
    assert {f.rule: f.verdict for f in evaluate([resource], policy)} == {
        "CKV_AICOST_1": "passed",
        "CKV_AICOST_2": "passed",
        "CKV_AICOST_3": "passed",
    }


def test_an_unknown_value_for_a_key_without_a_constraint_passes(policy):
    resource = profile(
        [
            {"key": "cost-center", "value": "cc-1234"},
            {"key": "owner", "value": STRING_UNKNOWN},
        ]
    )

    tag = resource.tags.tags["owner"]
    found = verdicts(resource, policy)["CKV_AICOST_1"]

    assert tag.value == Unknown("tags[1].value", "unknown during preview")
    assert found.verdict == "passed"


def test_an_unknown_value_for_a_constrained_key_is_unknown_not_missing(policy):
    resource = profile(
        [{"key": "cost-center", "value": UNKNOWN}, {"key": "owner", "value": "ml"}]
    )

    found = verdicts(resource, policy)["CKV_AICOST_1"]

    assert found.verdict == "warning"  # unknown: warn
    assert "tags[0].value" in found.message


def test_an_unknown_element_hides_its_key(policy):
    resource = profile([{"key": "cost-center", "value": "cc-1234"}, UNKNOWN])

    found = verdicts(resource, policy)["CKV_AICOST_1"]

    assert resource.tags.hidden == (Unknown("tags[1]", "unknown during preview"),)
    assert found.verdict == "warning"
    assert "may come from tags[1]" in found.message


def test_an_unknown_key_hides_the_element(policy):
    resource = profile(
        [{"key": "cost-center", "value": "cc-1234"}, {"key": UNKNOWN, "value": "ml"}]
    )

    assert resource.tags.hidden == (Unknown("tags[1].key", "unknown during preview"),)
    assert verdicts(resource, policy)["CKV_AICOST_1"].verdict == "warning"


def test_a_whole_unknown_list_hides_every_key(policy):
    resource = profile(STRING_UNKNOWN)

    assert resource.tags.tags == {}
    assert resource.tags.hidden == (Unknown("tags", "unknown during preview"),)
    assert verdicts(resource, policy)["CKV_AICOST_1"].verdict == "warning"


@pytest.mark.parametrize(
    "secret",
    [
        lambda element: {**element, "value": Secret(element["value"])},
        lambda element: Secret(element),
        lambda element: {SIG_KEY: SECRET_SIG, "value": element},
    ],
    ids=["secret value", "secret element", "secret envelope"],
)
def test_a_secret_list_tag_value_is_never_printed(policy, secret):
    resource = profile(
        [
            secret({"key": "cost-center", "value": SECRET_VALUE}),
            {"key": "owner", "value": "ml"},
        ]
    )

    findings = evaluate([resource], policy)
    rule_1 = next(f for f in findings if f.rule == "CKV_AICOST_1")

    assert resource.tags.tags["cost-center"].sensitive
    assert rule_1.verdict == "failed"  # the value does not match cc-[0-9]{4}
    assert "(sensitive value)" in rule_1.message
    assert SECRET_VALUE not in all_text(findings)


def test_a_secret_whole_list_hides_values_but_keeps_keys(policy):
    resource = profile(
        Secret(
            [
                {"key": "cost-center", "value": SECRET_VALUE},
                {"key": "owner", "value": "ml"},
            ]
        )
    )

    findings = evaluate([resource], policy)

    assert set(resource.tags.tags) == {"cost-center", "owner"}
    assert all(tag.sensitive for tag in resource.tags.tags.values())
    assert SECRET_VALUE not in all_text(findings)


def test_malformed_elements_are_ignored_with_a_note_never_an_exception(policy):
    resource = profile(
        [
            "owner=ml",
            {"key": "owner"},
            {"value": "orphan"},
            {"key": {"nested": 1}, "value": "x"},
            None,
            {"key": "cost-center", "value": "cc-1234"},
        ]
    )

    assert set(resource.tags.tags) == {"cost-center"}
    assert resource.tags.hidden == ()
    notes = "\n".join(resource.notes)
    for position in range(5):
        assert f"tags[{position}]" in notes
    found = verdicts(resource, policy)["CKV_AICOST_1"]
    assert found.verdict == "failed"
    assert "required tag 'owner' is missing" in found.message


def test_a_sagemaker_endpoint_has_list_tags_and_no_model(policy):
    endpoint = resolve(
        ENDPOINT,
        "endpoint",
        "urn:endpoint",
        {
            "endpointConfigName": "chat-config",
            "tags": [{"key": "cost-center", "value": "cc-1234"}],
        },
    )

    assert endpoint.models == ()
    assert endpoint.resource_type == "aws_sagemaker_endpoint"
    found = verdicts(endpoint, policy)["CKV_AICOST_1"]
    assert found.verdict == "failed"
    assert "'owner' is missing" in found.message


# --- Provider defaults -----------------------------------------------------------


def test_aws_native_provider_default_tags_are_merged_under_list_tags(policy):
    provider = PulumiProvider(
        "pulumi:providers:aws-native",
        "native",
        {"defaultTags": json.dumps({"tags": {"owner": "ml", "cost-center": "x"}})},
    )
    resource = resolve(
        PROFILE,
        "profile",
        "urn:profile",
        {
            "modelSource": {"copyFrom": HAIKU_ARN},
            "tags": [{"key": "cost-center", "value": "cc-1234"}],
        },
        provider,
    )

    tags = resource.tags.tags
    assert tags["owner"].source == "defaultTags of provider native"
    assert tags["cost-center"].value == Known("cc-1234")  # the resource's own wins
    assert verdicts(resource, policy)["CKV_AICOST_1"].verdict == "passed"


def test_a_pulumi_aws_provider_adds_nothing_to_an_aws_native_resource():
    provider = PulumiProvider(
        "pulumi:providers:aws", "classic", {"defaultTags": {"tags": {"owner": "ml"}}}
    )
    resource = resolve(PROFILE, "p", "urn:p", {"tags": []}, provider)

    assert resource.tags.tags == {}
