"""The real policy pack, driven over gRPC as the engine drives it, judges each Pulumi
twin of the Terraform scenarios as its verdict file says, and behaves as DESIGN.md
promises: levels, unknowns, secrets, policy-file errors, no Checkov."""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap
from dataclasses import replace
from pathlib import Path

import pytest
import yaml
from conftest import expected_verdicts, load_expected
from google.protobuf import json_format
from pulumi_harness import (
    FIXTURE_POLICY,
    PACK_DIR,
    PROGRAMS,
    RULE_POLICIES,
    UNKNOWN_POLICY,
    UNKNOWN_STACK_POLICY,
    Captured,
    Pack,
    analyze_request,
    capture,
    capture_all,
    configure,
    default_levels,
    diagnostics,
    judge,
    resources,
    stack_request,
    stack_verdicts,
    verdicts,
)

from ai_cost_policy.catalog import load_catalog
from ai_cost_policy.policy import DEFAULT_ANNOUNCEMENT
from ai_cost_policy.pulumi_inputs import (
    SECRET_SIG,
    SIG_KEY,
    UNKNOWN,
    PulumiProvider,
    Secret,
    resolve,
)
from ai_cost_policy.values import Known, Unknown

AGENT = "aws:bedrock/agentAgent:AgentAgent"
SECRET_MODEL = "meta.llama3-8b-instruct-v1:0"
PROMPT = "aws:bedrock/agentPrompt:AgentPrompt"
KNOWLEDGE_BASE = "aws:bedrock/agentKnowledgeBase:AgentKnowledgeBase"
REASONING_ENGINE = "gcp:vertex/aiReasoningEngine:AiReasoningEngine"
CLASSIC_DEPLOYMENT = "azure:cognitive/deployment:Deployment"
NATIVE_DEPLOYMENT = "azure-native:cognitiveservices:Deployment"
HAIKU = "anthropic.claude-3-haiku-20240307-v1:0"
SONNET = "anthropic.claude-sonnet-4-20250514-v1:0"
TITAN_EMBED_ARN = (
    "arn:aws:bedrock:us-east-1::foundation-model/amazon.titan-embed-text-v2:0"
)
GEMINI = (
    "projects/ml-prod/locations/us-central1/publishers/google/models/gemini-2.5-flash"
)
STRING_UNKNOWN = "04da6b54-80e4-46f7-96ec-b56ff0331ba9"
STACK_POLICIES = {
    "ai-approved-model-stack": "CKV_AICOST_2",
    "ai-model-cost-tag-stack": "CKV_AICOST_3",
}
GPT_4O = {"format": "OpenAI", "name": "gpt-4o", "version": "2024-11-20"}


def programs() -> list[Path]:
    return sorted(path.parent for path in PROGRAMS.glob("*/expected.yaml"))


@pytest.fixture(scope="module")
def captures() -> dict[str, dict]:
    return capture_all(programs())


@pytest.fixture(scope="module")
def pack():
    with Pack() as running:
        yield running


@pytest.fixture(scope="module")
def levels(pack: Pack) -> dict[str, str]:
    return default_levels(pack.info())


def analyze_one(pack: Pack, capture_: dict, name: str):
    (resource,) = [item for item in resources(capture_) if item.name == name]
    return pack.analyze(analyze_request(resource))


# --- Verdicts on the scenario twins ----------------------------------------------


@pytest.mark.parametrize("program", programs(), ids=lambda path: path.name)
def test_pulumi_program_gets_its_expected_verdicts(pack, levels, captures, program):
    expected_file = load_expected(program / "expected.yaml")
    configure(pack, levels, (program / expected_file["policy"]).resolve())

    found = judge(pack, captures[program.name])

    assert found == expected_verdicts(program / "expected.yaml")


def test_stack_policies_say_nothing_where_no_resource_depends_on_another(
    pack, levels, captures
):
    configure(pack, levels)

    for name in ("agent_missing_tag", "aws_near_miss_tag_keys", "gcp_label_rules"):
        response = pack.analyze_stack(stack_request(resources(captures[name])))

        assert list(response.diagnostics) == [], name
        assert list(response.not_applicable) == [], name


def test_stack_policies_are_not_applicable_to_a_stack_without_ai(pack, levels):
    configure(pack, levels)
    bucket = captured("aws:s3/bucket:Bucket", "logs", {"bucket": "logs"})

    response = pack.analyze_stack(stack_request([bucket]))

    assert list(response.diagnostics) == []
    assert {item.policy_name for item in response.not_applicable} == {
        *STACK_POLICIES,
        UNKNOWN_STACK_POLICY,
    }


def test_non_ai_resources_are_not_applicable(pack, levels):
    configure(pack, levels)
    from pulumi.runtime.proto import analyzer_pb2 as apb

    response = pack.analyze(
        apb.AnalyzeRequest(type="aws:s3/bucket:Bucket", name="logs", urn="urn:x")
    )

    assert list(response.diagnostics) == []
    assert {item.policy_name for item in response.not_applicable} == {
        *RULE_POLICIES,
        UNKNOWN_POLICY,
    }


# --- What the pack says about itself ---------------------------------------------


def test_analyzer_info_lists_every_policy_with_its_level_type_and_schema(pack):
    from pulumi.runtime.proto import analyzer_pb2 as apb

    info = pack.info()
    policies = {policy.name: policy for policy in info.policies}

    assert info.name == "ai-cost-policy"
    assert info.supportsConfig
    assert default_levels(info) == {
        "ai-required-cost-tags": "mandatory",
        "ai-approved-model": "mandatory",
        "ai-model-cost-tag": "mandatory",
        UNKNOWN_POLICY: "advisory",
        "ai-approved-model-stack": "mandatory",
        "ai-model-cost-tag-stack": "mandatory",
        UNKNOWN_STACK_POLICY: "advisory",
    }
    for name, policy in policies.items():
        stack = name in STACK_POLICIES or name == UNKNOWN_STACK_POLICY
        assert policy.policy_type == (
            apb.POLICY_TYPE_STACK if stack else apb.POLICY_TYPE_RESOURCE
        ), name
        assert policy.description and policy.remediation_steps, name
        schema = json_format.MessageToDict(policy.configSchema)
        assert set(schema["properties"]) == {"policyFile", "unknown", "overrides"}
        assert schema["properties"]["unknown"]["enum"] == ["fail", "warn", "pass"]
        assert set(schema["properties"]["overrides"]["properties"]) == {
            "tags",
            "models",
            "unknown",
            "rules",
        }
    for name, rule in {**RULE_POLICIES, **STACK_POLICIES}.items():
        assert policies[name].severity == apb.POLICY_SEVERITY_HIGH
        assert policies[name].url.endswith(f"/{rule}.md")


def test_plugin_info_names_the_pulumi_policy_release(pack):
    from importlib.metadata import version

    assert pack.plugin_info().version == version("pulumi-policy")


def test_policy_file_from_the_environment_sets_the_default_levels(tmp_path):
    policy = tmp_path / "ai-cost-policy.yaml"
    policy.write_text(
        "version: 1\nrules:\n  CKV_AICOST_3: {enforcement: advisory}\n",
        encoding="utf-8",
    )

    with Pack(env={"AI_COST_POLICY_CONFIG": str(policy)}) as running:
        found = default_levels(running.info())

    assert found["ai-model-cost-tag"] == "advisory"
    assert found["ai-required-cost-tags"] == "mandatory"


def test_pack_manifest_pins_this_release_and_an_explicit_virtualenv():
    manifest = yaml.safe_load((PACK_DIR / "PulumiPolicy.yaml").read_text("utf-8"))
    requirements = (PACK_DIR / "requirements.txt").read_text("utf-8").split()

    assert manifest["name"] == "ai-cost-policy"
    assert manifest["version"] == "0.1.0"
    assert manifest["runtime"]["name"] == "python"
    assert manifest["runtime"]["options"]["virtualenv"]
    assert "ai-cost-policy[pulumi]==0.1.0" in requirements


def test_pack_imports_no_checkov_module():
    probe = textwrap.dedent(
        f"""
        import runpy, sys
        import pulumi_policy
        pulumi_policy.PolicyPack = lambda **kwargs: None  # do not serve forever
        runpy.run_path({str(PACK_DIR)!r}, run_name="__main__")
        loaded = sorted(m for m in sys.modules if m.split(".")[0] == "checkov")
        print(loaded)
        """
    )
    completed = subprocess.run(
        [sys.executable, "-c", probe],
        cwd=PACK_DIR,
        capture_output=True,
        text=True,
        timeout=120,
    )

    assert completed.returncode == 0, completed.stderr
    assert completed.stdout.strip().splitlines()[-1] == "[]"


# --- Unknowns, enforcement and config --------------------------------------------


def test_unknown_warning_goes_to_ai_unknown_values_naming_its_rule(
    pack, levels, captures
):
    configure(pack, levels)

    response = analyze_one(
        pack, captures["agent_merge_unknown_variable"], "warn_merge_unknown"
    )

    found = diagnostics(response)
    assert {policy for policy, _, _ in found} == {UNKNOWN_POLICY}
    assert all(level == "ADVISORY" for _, level, _ in found)
    said = [message.split("\n", 1)[1] for _, _, message in found]
    assert any(line.startswith("[ai-required-cost-tags] ") for line in said)
    assert all("unknown during preview" in line for line in said)


def test_unknown_fail_in_pack_config_beats_the_policy_file(pack, levels, captures):
    configure(pack, levels, unknown="fail")

    response = analyze_one(
        pack, captures["agent_merge_unknown_variable"], "warn_merge_unknown"
    )

    assert verdicts(response, RULE_POLICIES)["CKV_AICOST_1"] == "failed"
    assert UNKNOWN_POLICY not in {policy for policy, _, _ in diagnostics(response)}


def test_overrides_in_pack_config_beat_the_policy_file(pack, levels, captures):
    configure(pack, levels, overrides={"tags": {"required": {"cost-center": {}}}})

    response = analyze_one(pack, captures["agent_missing_tag"], "fail_missing_owner")

    assert verdicts(response, RULE_POLICIES)["CKV_AICOST_1"] == "passed"


def test_advisory_level_from_configure_turns_failures_into_advisories(
    pack, levels, captures
):
    configure(pack, levels, changed_levels={"ai-required-cost-tags": "advisory"})

    response = analyze_one(pack, captures["agent_missing_tag"], "fail_missing_owner")

    assert [(policy, level) for policy, level, _ in diagnostics(response)] == [
        ("ai-required-cost-tags", "ADVISORY")
    ]
    assert verdicts(response, RULE_POLICIES)["CKV_AICOST_1"] == "warning"


def test_bad_policy_file_is_reported_on_every_rule_not_crashed(
    pack, levels, captures, tmp_path
):
    broken = tmp_path / "ai-cost-policy.yaml"
    broken.write_text("version: 1\ntagz:\n  required: {}\n", encoding="utf-8")
    configure(pack, levels, policy_file=broken)

    response = analyze_one(pack, captures["agent_missing_tag"], "pass_complete")

    found = diagnostics(response)
    assert sorted(policy for policy, _, _ in found) == sorted(RULE_POLICIES)
    for _, level, message in found:
        assert level == "MANDATORY"
        assert f"{broken}:2" in message and "tagz" in message
        assert "Traceback" not in message


def test_bad_override_is_reported_naming_the_key(pack, levels, captures):
    configure(pack, levels, overrides={"unknown": "sometimes"})

    response = analyze_one(pack, captures["agent_missing_tag"], "pass_complete")

    messages = [message for _, _, message in diagnostics(response)]
    assert len(messages) == len(RULE_POLICIES)
    assert all("policy pack config" in m and "unknown" in m for m in messages)


def test_embedded_default_is_announced_once_on_stderr(captures):
    with Pack() as running:
        running.configure(default_levels(running.info()))
        for _ in range(2):
            analyze_one(running, captures["agent_missing_tag"], "fail_missing_owner")
        errors = running.errors()

    assert errors.count("no `policyFile` in the policy pack config") == 1
    assert errors.count(DEFAULT_ANNOUNCEMENT) == 1


# --- Secrets ---------------------------------------------------------------------


SECRET_PROGRAM = f"""
import pulumi
import pulumi_aws as aws

model = pulumi.Output.secret("{SECRET_MODEL}")
vault = aws.Provider(
    "vault",
    region="us-east-1",
    default_tags=aws.ProviderDefaultTagsArgs(
        tags={{"cost-center": pulumi.Output.secret("secret-cc-value")}}
    ),
)
aws.bedrock.AgentAgent(
    "secret_model",
    agent_name="assistant",
    agent_resource_role_arn="arn:aws:iam::111122223333:role/bedrock-agent",
    foundation_model=model,
    tags={{"owner": "ml-platform", "ai-model": model}},
    opts=pulumi.ResourceOptions(provider=vault),
)
aws.bedrock.AgentAgent(
    "secret_model_wrong_tag",
    agent_name="other",
    agent_resource_role_arn="arn:aws:iam::111122223333:role/bedrock-agent",
    foundation_model=model,
    tags={{"owner": "ml-platform", "ai-model": "anthropic.claude-3-haiku-20240307"}},
    opts=pulumi.ResourceOptions(provider=vault),
)
"""


def test_secret_values_never_appear_in_any_diagnostic(pack, levels, tmp_path):
    (tmp_path / "__main__.py").write_text(SECRET_PROGRAM, encoding="utf-8")
    configure(pack, levels)

    found = {}
    messages = []
    sent = resources(capture(tmp_path))
    for resource in sent:
        response = pack.analyze(analyze_request(resource))
        found[resource.name] = verdicts(response, RULE_POLICIES)
        messages += [message for _, _, message in diagnostics(response)]
    messages += [d.message for d in pack.analyze_stack(stack_request(sent)).diagnostics]
    # What the pack logs reaches the engine's output too.
    messages.append(pack.errors())

    assert found["secret_model"] == {
        "CKV_AICOST_1": "failed",
        "CKV_AICOST_2": "failed",
        "CKV_AICOST_3": "passed",
    }
    assert found["secret_model_wrong_tag"]["CKV_AICOST_3"] == "failed"
    text = "\n".join(messages).lower()
    assert "(sensitive value)" in text
    for secret in (SECRET_MODEL, "llama", "secret-cc-value"):
        assert secret not in text


def test_the_secret_owner_of_a_twin_travels_as_a_secret_and_is_never_printed(
    pack, levels, captures
):
    configure(pack, levels)
    sent = resources(captures["aws_near_miss_tag_keys"])

    said = []
    for resource in sent:
        assert resource.inputs["tags"]["owner"] == {
            SIG_KEY: SECRET_SIG,
            "value": "ml-platform",
        }
        response = pack.analyze(analyze_request(resource))
        said += [message for _, _, message in diagnostics(response)]
    said += [d.message for d in pack.analyze_stack(stack_request(sent)).diagnostics]

    assert said and all("ml-platform" not in message for message in said)


# --- Catalog v2 through the real pack ---------------------------------------------

BEDROCK_V2_PROGRAM = f"""
import pulumi_aws as aws

aws.bedrock.AgentPrompt(
    "pass_two_variants",
    name="triage",
    variants=[
        aws.bedrock.AgentPromptVariantArgs(
            name="fast", template_type="TEXT", model_id="{HAIKU}"
        ),
        aws.bedrock.AgentPromptVariantArgs(
            name="deep", template_type="TEXT", model_id="{SONNET}"
        ),
    ],
    tags={{
        "cost-center": "cc-1234",
        "owner": "ml-platform",
        "ai-model": "{HAIKU} {SONNET}",
    }},
)
aws.bedrock.AgentPrompt(
    "fail_tag_names_one_variant",
    name="summary",
    variants=[
        aws.bedrock.AgentPromptVariantArgs(
            name="fast", template_type="TEXT", model_id="{HAIKU}"
        ),
        aws.bedrock.AgentPromptVariantArgs(
            name="deep", template_type="TEXT", model_id="{SONNET}"
        ),
    ],
    tags={{"cost-center": "cc-1234", "owner": "ml-platform", "ai-model": "{HAIKU}"}},
)
aws.bedrock.AgentKnowledgeBase(
    "fail_unapproved_embedding",
    name="docs",
    role_arn="arn:aws:iam::111122223333:role/kb",
    knowledge_base_configuration={{
        "type": "VECTOR",
        "vector_knowledge_base_configuration": {{
            "embedding_model_arn": "{TITAN_EMBED_ARN}",
        }},
    }},
    tags={{
        "cost-center": "cc-1234",
        "owner": "ml-platform",
        "ai-model": "amazon.titan-embed-text-v2:0",
    }},
)
"""


def test_prompt_variants_and_knowledge_base_through_the_pack(pack, levels, tmp_path):
    (tmp_path / "__main__.py").write_text(BEDROCK_V2_PROGRAM, encoding="utf-8")
    configure(pack, levels)

    found, messages = {}, {}
    for resource in resources(capture(tmp_path)):
        response = pack.analyze(analyze_request(resource))
        found[resource.name] = verdicts(response, RULE_POLICIES)
        messages[resource.name] = {policy: m for policy, _, m in diagnostics(response)}

    assert found == {
        "pass_two_variants": {
            "CKV_AICOST_1": "passed",
            "CKV_AICOST_2": "passed",
            "CKV_AICOST_3": "passed",
        },
        "fail_tag_names_one_variant": {
            "CKV_AICOST_1": "passed",
            "CKV_AICOST_2": "passed",
            "CKV_AICOST_3": "failed",
        },
        "fail_unapproved_embedding": {
            "CKV_AICOST_1": "passed",
            "CKV_AICOST_2": "failed",
            "CKV_AICOST_3": "passed",
        },
    }
    assert (
        "claude-sonnet-4" in messages["fail_tag_names_one_variant"]["ai-model-cost-tag"]
    )
    assert (
        "amazon.titan-embed-text-v2:0"
        in messages["fail_unapproved_embedding"]["ai-approved-model"]
    )


def captured(
    resource_type: str, name: str, inputs: dict, provider: dict | None = None
) -> Captured:
    urn = f"urn:pulumi:test::v2::{resource_type}::{name}"
    return Captured(resource_type, name, urn, inputs, provider)


def gcp_default_provider(default_labels: str | None) -> dict:
    inputs = {"project": "ml-prod"}
    if default_labels is not None:
        inputs["defaultLabels"] = default_labels
    return {
        "type": "pulumi:providers:gcp",
        "name": "default",
        "urn": "urn:pulumi:test::v2::pulumi:providers:gcp::default",
        "inputs": inputs,
    }


def test_gcp_and_azure_resources_through_the_pack(pack, levels):
    configure(pack, levels)
    engine = {
        **reasoning_engine_inputs(),
        "labels": {"cost-center": "cc-1234", "ai-model": "gemini-2_5-flash"},
    }
    del engine["contextSpec"]["memoryBankConfig"]["similaritySearchConfig"]
    sent = [
        captured(
            REASONING_ENGINE,
            "pass_owner_from_default_labels",
            engine,
            gcp_default_provider('{"owner": "ml-platform"}'),
        ),
        captured(
            REASONING_ENGINE,
            "fail_no_default_labels",
            engine,
            gcp_default_provider(None),
        ),
        captured(
            CLASSIC_DEPLOYMENT,
            "na_classic_deployment",
            {"cognitiveAccountId": STRING_UNKNOWN, "model": dict(GPT_4O)},
        ),
        captured(
            NATIVE_DEPLOYMENT,
            "pass_native_deployment",
            {
                "accountName": "openai-prod",
                "properties": {"model": dict(GPT_4O)},
                "tags": {
                    "cost-center": "cc-1234",
                    "owner": "ml-platform",
                    "ai-model": "gpt-4o",
                },
            },
        ),
    ]

    found, reasons, messages = {}, {}, {}
    for resource in sent:
        response = pack.analyze(analyze_request(resource))
        found[resource.name] = verdicts(response, RULE_POLICIES)
        reasons[resource.name] = {
            i.policy_name: i.reason for i in response.not_applicable
        }
        messages[resource.name] = {policy: m for policy, _, m in diagnostics(response)}

    assert found == {
        "pass_owner_from_default_labels": {
            "CKV_AICOST_1": "passed",
            "CKV_AICOST_2": "passed",
            "CKV_AICOST_3": "passed",
        },
        "fail_no_default_labels": {
            "CKV_AICOST_1": "failed",
            "CKV_AICOST_2": "passed",
            "CKV_AICOST_3": "passed",
        },
        "na_classic_deployment": {
            "CKV_AICOST_1": "not-applicable",
            "CKV_AICOST_2": "passed",
            "CKV_AICOST_3": "not-applicable",
        },
        "pass_native_deployment": {
            "CKV_AICOST_1": "passed",
            "CKV_AICOST_2": "passed",
            "CKV_AICOST_3": "passed",
        },
    }
    assert (
        "required label 'owner' is missing"
        in messages["fail_no_default_labels"]["ai-required-cost-tags"]
    )
    why = load_catalog().by_pulumi_type(CLASSIC_DEPLOYMENT).cost_parent.why
    assert why in reasons["na_classic_deployment"]["ai-required-cost-tags"]


def test_every_catalog_type_is_judged_by_the_pack_without_an_internal_error(
    pack, levels
):
    configure(pack, levels)

    for pulumi_type in load_catalog().pulumi_types:
        response = pack.analyze(analyze_request(captured(pulumi_type, "bare", {})))

        said = [message for _, _, message in diagnostics(response)]
        said += [item.reason for item in response.not_applicable]
        assert all("internal error" not in text for text in said), pulumi_type
        assert all("not an AI resource" not in text for text in said), pulumi_type


def test_a_literal_reference_to_a_resource_not_in_the_stack_stays_unknown(pack, levels):
    configure(pack, levels)
    endpoint = captured(
        "aws:sagemaker/endpoint:Endpoint",
        "warn_config_not_in_view",
        {"endpointConfigName": "chat-config", "tags": {"owner": "ml-platform"}},
    )

    alone = pack.analyze(analyze_request(endpoint))
    stack = pack.analyze_stack(stack_request([endpoint]))

    reasons = {item.policy_name: item.reason for item in alone.not_applicable}
    assert reasons["ai-approved-model"].startswith(
        "judged by ai-approved-model-stack, which sees the whole stack: "
    )
    assert (
        stack_verdicts(stack, RULE_POLICIES)[(endpoint.urn, "CKV_AICOST_2")]
        == "warning"
    )
    warned = [d.message for d in stack.diagnostics]
    assert any(
        "[ai-approved-model-stack]" in m and "which is not in view" in m for m in warned
    )


def test_types_added_by_the_policy_file_are_judged_by_the_pack(pack, levels, tmp_path):
    policy = tmp_path / "ai-cost-policy.yaml"
    policy.write_text(
        textwrap.dedent(
            """\
            version: 1
            tags:
              required:
                owner: {}
            resource_types:
              - terraform_type: acme_llm_gateway
                pulumi_type: "acme:index/llmGateway:LlmGateway"
                platform: bedrock
                models:
                  - {terraform: model_id, pulumi: modelId}
                tags: {terraform: tags}
                source: "https://example.com/acme/llm_gateway"
            """
        ),
        encoding="utf-8",
    )
    gateway = captured(
        "acme:index/llmGateway:LlmGateway", "gateway", {"modelId": HAIKU, "tags": {}}
    )

    configure(pack, levels)
    without = pack.analyze(analyze_request(gateway))
    configure(pack, levels, policy_file=policy)
    added = pack.analyze(analyze_request(gateway))

    assert set(verdicts(without, RULE_POLICIES).values()) == {"not-applicable"}
    assert verdicts(added, RULE_POLICIES)["CKV_AICOST_1"] == "failed"


# --- pulumi_inputs: Pulumi inputs to the neutral AI resource ---------------------


def aws_provider(default_tags: object, name: str = "finops") -> PulumiProvider:
    return PulumiProvider("pulumi:providers:aws", name, {"defaultTags": default_tags})


def test_default_tags_json_string_of_an_explicit_provider_is_merged_under_tags():
    provider = aws_provider(json.dumps({"tags": {"owner": "a", "cost-center": "x"}}))

    resource = resolve(AGENT, "agent", "urn:a", {"tags": {"owner": "b"}}, provider)

    tags = resource.tags.tags
    assert tags["owner"].value == Known("b")
    assert tags["owner"].source == "resource tags"
    assert tags["cost-center"].source == "defaultTags of provider finops"


def test_default_tags_given_as_a_dict_count_too():
    provider = aws_provider({"tags": {"owner": "a"}})

    resource = resolve(AGENT, "agent", "urn:a", {}, provider)

    assert resource.tags.tags["owner"].value == Known("a")


def test_default_tags_of_another_provider_type_are_ignored():
    provider = PulumiProvider(
        "pulumi:providers:gcp", "g", {"defaultTags": '{"tags": {"owner": "a"}}'}
    )

    resource = resolve(AGENT, "agent", "urn:a", {}, provider)

    assert resource.tags.tags == {}


def test_unknown_tags_map_hides_its_keys():
    for unknown in (UNKNOWN, "04da6b54-80e4-46f7-96ec-b56ff0331ba9"):
        resource = resolve(AGENT, "agent", "urn:a", {"tags": unknown})

        assert resource.tags.hidden == (Unknown("tags", "unknown during preview"),)


def test_unknown_default_tags_hide_their_keys():
    provider = aws_provider("04da6b54-80e4-46f7-96ec-b56ff0331ba9")

    resource = resolve(AGENT, "agent", "urn:a", {"tags": {"owner": "a"}}, provider)

    assert resource.tags.hidden == (
        Unknown("defaultTags of provider finops", "unknown during preview"),
    )
    assert resource.tags.tags["owner"].value == Known("a")


def test_unknown_tag_value_keeps_its_key():
    tags = {"owner": "3eeb2bf0-c639-47a8-9e75-3b44932eb421"}
    resource = resolve(AGENT, "agent", "urn:a", {"tags": tags})

    assert isinstance(resource.tags.tags["owner"].value, Unknown)
    assert resource.tags.hidden == ()


def test_secret_values_are_marked_sensitive():
    props = {
        "foundationModel": Secret("m"),
        "tags": {"owner": {SIG_KEY: SECRET_SIG, "value": "me"}},
    }
    resource = resolve(AGENT, "agent", "urn:a", props)

    (slot,) = resource.models
    assert slot.sensitive and slot.written == Known("m")
    assert resource.tags.tags["owner"].sensitive
    assert resource.tags.tags["owner"].value == Known("me")


def test_unknown_model_is_unknown_and_types_outside_the_catalog_are_none():
    resource = resolve(AGENT, "agent", "urn:a", {"foundationModel": UNKNOWN})

    assert resource.models[0].written == Unknown(
        "foundationModel", "unknown during preview"
    )
    assert resource.engine == "pulumi" and resource.address == "agent"
    assert resolve("aws:s3/bucket:Bucket", "b", "urn:b", {}) is None


# --- pulumi_inputs on catalog v2: paths, families, forms -------------------------


def gcp_provider(default_labels: object, name: str = "labelled") -> PulumiProvider:
    return PulumiProvider(
        "pulumi:providers:gcp", name, {"defaultLabels": default_labels}
    )


def reasoning_engine_inputs() -> dict:
    return {
        "displayName": "memory",
        "labels": {"cost-center": "cc-1234", "owner": "search-team"},
        "contextSpec": {
            "memoryBankConfig": {
                "generationConfig": {"model": GEMINI},
                "similaritySearchConfig": {"embeddingModel": "text-embedding-005"},
            }
        },
    }


def test_prompt_with_two_variants_has_one_model_per_variant():
    props = {"variants": [{"modelId": HAIKU}, {"modelId": SONNET}]}

    resource = resolve(PROMPT, "prompt", "urn:p", props)

    assert [(slot.attribute, slot.written) for slot in resource.models] == [
        ("variants[0].modelId", Known(HAIKU)),
        ("variants[1].modelId", Known(SONNET)),
    ]
    assert {slot.platform for slot in resource.models} == {"bedrock"}


def test_unknown_variant_list_is_one_unknown_model_at_the_list():
    resource = resolve(PROMPT, "prompt", "urn:p", {"variants": STRING_UNKNOWN})

    assert [(slot.attribute, slot.written) for slot in resource.models] == [
        ("variants", Unknown("variants", "unknown during preview"))
    ]


def test_knowledge_base_embedding_model_is_read_through_flattened_blocks():
    props = {
        "knowledgeBaseConfiguration": {
            "type": "VECTOR",
            "vectorKnowledgeBaseConfiguration": {"embeddingModelArn": TITAN_EMBED_ARN},
        }
    }

    resource = resolve(KNOWLEDGE_BASE, "kb", "urn:kb", props)

    (slot,) = resource.models
    assert slot.attribute == (
        "knowledgeBaseConfiguration.vectorKnowledgeBaseConfiguration.embeddingModelArn"
    )
    assert slot.written == Known(TITAN_EMBED_ARN)


def test_secret_object_on_the_way_still_reaches_the_model_and_marks_it():
    props = {
        "knowledgeBaseConfiguration": Secret(
            {"vectorKnowledgeBaseConfiguration": {"embeddingModelArn": TITAN_EMBED_ARN}}
        )
    }

    (slot,) = resolve(KNOWLEDGE_BASE, "kb", "urn:kb", props).models

    assert slot.written == Known(TITAN_EMBED_ARN)
    assert slot.sensitive


def test_model_from_another_resources_output_is_unknown_with_no_reference():
    props = {"variants": [{"modelId": STRING_UNKNOWN}]}

    (slot,) = resolve(PROMPT, "prompt", "urn:p", props).models

    assert slot.written == Unknown("variants[0].modelId", "unknown during preview")
    assert slot.reference is None


def test_reasoning_engine_labels_merge_over_provider_default_labels_json():
    provider = gcp_provider(json.dumps({"owner": "ml-platform", "env": "prod"}))

    resource = resolve(
        REASONING_ENGINE, "memory", "urn:r", reasoning_engine_inputs(), provider
    )

    tags = resource.tags
    assert tags.labels
    assert tags.attribute == "labels + defaultLabels of provider labelled"
    assert tags.tags["owner"].value == Known("search-team")
    assert tags.tags["owner"].source == "resource labels"
    assert tags.tags["env"].source == "defaultLabels of provider labelled"
    assert [(slot.written, slot.platform) for slot in resource.models] == [
        (Known(GEMINI), "vertex"),
        (Known("text-embedding-005"), "vertex"),
    ]


def test_default_labels_given_as_a_dict_count_and_unknown_ones_hide_their_keys():
    as_dict = resolve(
        REASONING_ENGINE, "m", "urn:r", {}, gcp_provider({"owner": "ml-platform"})
    )
    unknown = resolve(REASONING_ENGINE, "m", "urn:r", {}, gcp_provider(STRING_UNKNOWN))

    assert as_dict.tags.tags["owner"].value == Known("ml-platform")
    assert unknown.tags.hidden == (
        Unknown("defaultLabels of provider labelled", "unknown during preview"),
    )


def test_default_labels_do_not_reach_aws_and_default_tags_do_not_reach_gcp():
    gcp = gcp_provider('{"owner": "ml-platform"}')
    aws = aws_provider('{"tags": {"owner": "ml-platform"}}')

    assert resolve(AGENT, "agent", "urn:a", {}, gcp).tags.tags == {}
    assert resolve(REASONING_ENGINE, "m", "urn:r", {}, aws).tags.tags == {}


def test_classic_azure_deployment_cannot_carry_tags_and_names_no_parent():
    props = {
        "cognitiveAccountId": STRING_UNKNOWN,  # the account's id, an output
        "model": dict(GPT_4O),
    }

    resource = resolve(CLASSIC_DEPLOYMENT, "chat", "urn:d", props)

    assert resource.tags is None
    assert resource.parent_reference is None
    (slot,) = resource.models
    assert (slot.attribute, slot.form, slot.platform) == (
        "model",
        "azure_parts",
        "azure",
    )
    assert slot.written == Known(GPT_4O)


def test_azure_native_deployment_reads_tags_and_the_model_object():
    props = {
        "accountName": "openai-prod",
        "properties": {"model": dict(GPT_4O), "versionUpgradeOption": "NoAutoUpgrade"},
        "tags": {"cost-center": "cc-1234"},
    }
    # azure-native has no provider default tags, whatever the provider carries.
    provider = PulumiProvider("pulumi:providers:azure-native", "az", {"location": "x"})

    resource = resolve(NATIVE_DEPLOYMENT, "chat", "urn:d", props, provider)

    (slot,) = resource.models
    assert (slot.attribute, slot.form) == ("properties.model", "azure_parts")
    assert slot.written == Known(GPT_4O)
    assert resource.tags.tags["cost-center"].value == Known("cc-1234")
    assert resource.tags.attribute == "tags"
    assert resource.notes == ()


def test_azure_native_deployment_on_an_api_version_without_tags_is_untaggable():
    versioned = "azure-native:cognitiveservices/v20230501:Deployment"
    tagged = "azure-native:cognitiveservices/v20241001:Deployment"
    props = {"properties": {"model": dict(GPT_4O)}, "tags": {"owner": "a"}}

    old = resolve(versioned, "old", "urn:o", props)
    new = resolve(tagged, "new", "urn:n", props)

    assert old.entry.pulumi_type == NATIVE_DEPLOYMENT and old.tags is None
    assert new.tags.tags["owner"].value == Known("a")


def test_unknown_model_part_is_unknown_and_a_secret_part_marks_the_object():
    unknown = resolve(
        CLASSIC_DEPLOYMENT, "d", "urn:d", {"model": {**GPT_4O, "version": UNKNOWN}}
    )
    secret = resolve(
        CLASSIC_DEPLOYMENT, "d", "urn:d", {"model": {**GPT_4O, "name": Secret("x")}}
    )

    assert unknown.models[0].written == Unknown(
        "model.version", "unknown during preview"
    )
    assert secret.models[0].sensitive


def test_every_pulumi_type_in_the_catalog_resolves_to_its_entry():
    catalog = load_catalog()

    for pulumi_type in catalog.pulumi_types:
        resource = resolve(pulumi_type, "r", "urn:r", {})

        assert resource is not None, pulumi_type
        assert resource.entry is catalog.by_pulumi_type(pulumi_type)


# --- The pack's own helpers ------------------------------------------------------


@pytest.fixture(scope="module")
def pack_module():
    sys.path.insert(0, str(PACK_DIR))
    try:
        import ai_cost_pack

        yield ai_cost_pack
    finally:
        sys.path.remove(str(PACK_DIR))


def test_plain_reads_unknowns_through_the_proxy_without_raising(pack_module):
    from pulumi_policy.proxy import unknown_checking_proxy

    unknown = "04da6b54-80e4-46f7-96ec-b56ff0331ba9"
    props = unknown_checking_proxy(
        {"tags": {"owner": unknown}, "list": [unknown], "whole": unknown}
    )

    assert pack_module.plain(props) == {
        "tags": {"owner": unknown},
        "list": [unknown],
        "whole": unknown,
    }


def test_plain_turns_marked_secrets_into_secret_values(pack_module):
    marked = pack_module._mark_secrets(
        {"model": {SIG_KEY: SECRET_SIG, "value": "m"}, "name": "n"}, False
    )

    assert pack_module.plain(marked) == {"model": Secret("m"), "name": "n"}


def test_scrub_hides_every_secret_whatever_its_case(pack_module):
    text = "model 'EU.Meta.Llama3' (canonical 'meta.llama3') is not approved"

    scrubbed = pack_module.scrub(text, ["eu.meta.llama3", "meta.llama3"])

    assert "llama" not in scrubbed.lower()
    assert scrubbed.count("(sensitive value)") == 2


def test_a_resource_is_resolved_and_judged_once_for_all_policies(
    pack_module, monkeypatch
):
    from pulumi_policy import PolicyResourceOptions, ResourceValidationArgs
    from pulumi_policy.proxy import unknown_checking_proxy

    from ai_cost_policy.rules import RULES

    calls: list[str] = []
    real_resolve = pack_module.resolve
    monkeypatch.setattr(
        pack_module,
        "resolve",
        lambda *args: calls.append(args[1]) or real_resolve(*args),
    )
    config = {"policyFile": str(FIXTURE_POLICY)}

    def args() -> ResourceValidationArgs:
        # A fresh copy of the inputs per policy, as pulumi-policy makes them.
        props = {"foundationModel": "m", "tags": "04da6b54-80e4-46f7-96ec-b56ff0331ba9"}
        options = PolicyResourceOptions(False, [], None, [], None, [], None)
        return ResourceValidationArgs(
            AGENT,
            unknown_checking_proxy(props),
            "urn:once",
            "once",
            options,
            None,
            config,
        )

    reports = [pack_module.check_rule(rule, args()) for rule in RULES]
    warnings, not_applicable = pack_module.unknown_warnings(args())

    assert calls == ["once"]
    assert [report.unknown_warning is not None for report in reports] == [
        True,
        False,
        True,
    ]
    assert not_applicable is None
    assert [warning.split("]")[0] for warning in warnings] == [
        "[ai-required-cost-tags",
        "[ai-model-cost-tag",
    ]


# --- Remediation, through the real Remediate RPC ----------------------------------


def remediation_of(pack: Pack, resource: Captured) -> dict | None:
    """The inputs ai-model-cost-tag's remediation returns, or None."""
    response = pack.remediate(analyze_request(resource))
    found = [
        json_format.MessageToDict(item.properties)
        for item in response.remediations
        if item.policyName == "ai-model-cost-tag"
    ]
    assert all(not item.diagnostic for item in response.remediations)
    assert len(found) <= 1
    return found[0] if found else None


REMEDIATE = {"ai-model-cost-tag": "remediate"}


def test_remediation_adds_the_missing_model_tag_and_then_the_rule_passes(
    pack, levels, captures
):
    configure(pack, levels, changed_levels=REMEDIATE)
    (resource,) = [
        item
        for item in resources(captures["aws_near_miss_tag_keys"])
        if item.name == "fail_snake_case_model_tag"
    ]

    before = pack.analyze(analyze_request(resource))
    fixed = remediation_of(pack, resource)
    after = pack.analyze(analyze_request(resource, fixed))

    assert ("ai-model-cost-tag", "MANDATORY") in {
        (policy, level) for policy, level, _ in diagnostics(before)
    }
    assert fixed["tags"]["ai-model"] == HAIKU
    assert fixed["tags"]["ai_model"] == HAIKU  # the near miss is the user's to drop
    # The secret owner stays a secret.
    assert fixed["tags"]["owner"] == {SIG_KEY: SECRET_SIG, "value": "ml-platform"}
    assert fixed["foundationModel"] == HAIKU
    assert verdicts(after, RULE_POLICIES)["CKV_AICOST_3"] == "passed"


def test_remediation_is_offered_only_at_the_remediate_level(pack, levels, captures):
    configure(pack, levels)
    (resource,) = [
        item
        for item in resources(captures["aws_near_miss_tag_keys"])
        if item.name == "fail_snake_case_model_tag"
    ]

    assert remediation_of(pack, resource) is None


def test_remediation_on_gcp_labels_joins_label_safe_model_ids(pack, levels):
    configure(pack, levels, changed_levels=REMEDIATE)
    engine = reasoning_engine_inputs()
    engine["labels"] = {"cost-center": "cc-1234", "owner": "search-team"}
    resource = captured(
        REASONING_ENGINE, "memory", engine, gcp_default_provider('{"team": "ml"}')
    )

    fixed = remediation_of(pack, resource)
    after = pack.analyze(analyze_request(resource, fixed))

    assert fixed["labels"] == {
        "cost-center": "cc-1234",
        "owner": "search-team",
        "ai-model": "google_gemini-2_5-flash__google_text-embedding-005",
    }
    assert verdicts(after, RULE_POLICIES)["CKV_AICOST_3"] == "passed"


def test_remediation_keeps_aws_native_list_shaped_tags_a_list(pack, levels):
    configure(pack, levels, changed_levels=REMEDIATE)
    profile = captured(
        "aws-native:bedrock:ApplicationInferenceProfile",
        "profile",
        {
            "inferenceProfileName": "support",
            "modelSource": {"copyFrom": HAIKU},
            "tags": [
                {"key": "cost-center", "value": "cc-1234"},
                {"key": "owner", "value": "support"},
            ],
        },
    )

    fixed = remediation_of(pack, profile)
    after = pack.analyze(analyze_request(profile, fixed))

    assert fixed["tags"][-1] == {"key": "ai-model", "value": HAIKU}
    assert len(fixed["tags"]) == 3
    assert verdicts(after, RULE_POLICIES)["CKV_AICOST_3"] == "passed"


OBJECT_UNKNOWN = "dd056dcd-154b-4c76-9bd3-c8f88648b5ff"
UNTOUCHED = {
    "tags_unknown": {"foundationModel": HAIKU, "tags": OBJECT_UNKNOWN},
    "model_unknown": {"foundationModel": STRING_UNKNOWN, "tags": {"owner": "a"}},
    "model_secret": {
        "foundationModel": {SIG_KEY: SECRET_SIG, "value": HAIKU},
        "tags": {"owner": "a"},
    },
    "tags_secret": {
        "foundationModel": HAIKU,
        "tags": {SIG_KEY: SECRET_SIG, "value": {"owner": "a"}},
    },
    "model_opaque": {
        "foundationModel": "arn:aws:bedrock:us-east-1:111122223333:"
        "application-inference-profile/5dews3o6kky6",
        "tags": {},
    },
    "model_tag_wrong": {"foundationModel": HAIKU, "tags": {"ai-model": SONNET}},
    "tags_a_list": {"foundationModel": HAIKU, "tags": ["ai-model", HAIKU]},
    "tags_a_number": {"foundationModel": HAIKU, "tags": 5},
    "model_an_object": {"foundationModel": {"id": HAIKU}, "tags": {}},
    "no_model": {"tags": {}},
}


@pytest.mark.parametrize("case", sorted(UNTOUCHED))
def test_remediation_leaves_unknown_secret_or_odd_inputs_untouched(pack, levels, case):
    configure(pack, levels, changed_levels=REMEDIATE)
    resource = captured(AGENT, case, UNTOUCHED[case])

    assert remediation_of(pack, resource) is None


def test_remediation_never_fails_on_inputs_of_any_shape(pack, levels):
    configure(pack, levels, changed_levels=REMEDIATE)
    odd = [
        captured(PROMPT, "variants_a_string", {"variants": "fast", "tags": {}}),
        captured(PROMPT, "variants_unknown", {"variants": STRING_UNKNOWN}),
        captured(REASONING_ENGINE, "labels_null", {"labels": None}),
        captured(NATIVE_DEPLOYMENT, "properties_a_list", {"properties": [1, 2]}),
        captured("aws:s3/bucket:Bucket", "not_ai", {"tags": {}}),
    ]

    for resource in odd:
        response = pack.remediate(analyze_request(resource))

        assert list(response.remediations) == [], resource.name


AZURE_NATIVE_PROGRAM = """
import pulumi_azure_native as native

account = native.cognitiveservices.Account(
    "openai",
    account_name="oai-chat-prod",
    resource_group_name="rg-ai-prod",
    kind="OpenAI",
    sku={"name": "S0"},
    tags={"cost-center": "cc-1234", "owner": "chat-team"},
)
native.cognitiveservices.Deployment(
    "chat",
    account_name=account.name,
    resource_group_name="rg-ai-prod",
    deployment_name="chat",
    properties={
        "model": {"format": "OpenAI", "name": "gpt-4o", "version": "2024-11-20"},
        "version_upgrade_option": "NoAutoUpgrade",
    },
    sku={"name": "GlobalStandard", "capacity": 50},
    tags={"cost-center": "cc-1234", "owner": "chat-team"},
)
"""


def test_azure_native_deployment_carries_its_own_tags_and_is_remediated(
    pack, levels, tmp_path
):
    (tmp_path / "__main__.py").write_text(AZURE_NATIVE_PROGRAM, encoding="utf-8")
    configure(pack, levels, changed_levels=REMEDIATE)
    (chat,) = [item for item in resources(capture(tmp_path)) if item.name == "chat"]

    before = verdicts(pack.analyze(analyze_request(chat)), RULE_POLICIES)
    fixed = remediation_of(pack, chat)
    after = verdicts(pack.analyze(analyze_request(chat, fixed)), RULE_POLICIES)

    assert chat.type == NATIVE_DEPLOYMENT
    assert before == {
        "CKV_AICOST_1": "passed",
        "CKV_AICOST_2": "passed",
        "CKV_AICOST_3": "failed",
    }
    assert fixed["tags"]["ai-model"] == "gpt-4o@2024-11-20"
    assert after["CKV_AICOST_3"] == "passed"


# --- Stack policies ---------------------------------------------------------------


def stack_messages(response) -> dict[str, list[str]]:
    found: dict[str, list[str]] = {}
    for item in response.diagnostics:
        found.setdefault(item.urn.rsplit("::", 1)[-1], []).append(
            f"{item.policyName}: {item.message}"
        )
    return found


def test_stack_policy_follows_the_agents_model_to_its_inference_profile(
    pack, levels, captures
):
    configure(pack, levels)
    sent = resources(captures["aws_application_inference_profile"])

    said = stack_messages(pack.analyze_stack(stack_request(sent)))

    (failure,) = said["fail_agent_through_unapproved_profile"]
    assert failure.startswith("ai-approved-model-stack: ")
    assert "'meta.llama3-2-11b-instruct-v1:0'" in failure
    assert (
        "model read through the stack: foundationModel via "
        "fail_unapproved_profile.modelSource.copyFrom"
    ) in failure
    assert "pass_agent_through_profile" not in said


def test_stack_policy_checks_the_account_that_pays_for_untaggable_deployments(
    pack, levels, captures
):
    program = PROGRAMS / "azure_deployment_cost_on_account"
    configure(
        pack,
        levels,
        program.parent.parent.parent
        / "terraform_fixtures"
        / ("azure_deployment_cost_on_account/ai-cost-policy.yaml"),
    )
    sent = resources(captures[program.name])

    said = stack_messages(pack.analyze_stack(stack_request(sent)))

    (failure,) = said["fail_model_tag_misses_child"]
    assert failure.startswith("ai-model-cost-tag-stack: ")
    assert "'text-embedding-3-large@1'" in failure
    assert (
        "it carries the cost of resources that cannot be tagged: na_search_chat, "
        "na_search_embedding"
    ) in failure
    assert set(said) == {"fail_model_tag_misses_child"}


def test_stack_policy_follows_an_azure_native_deployments_account_name(
    pack, levels, captures
):
    program = PROGRAMS / "azure_azapi_deployments"
    configure(
        pack,
        levels,
        program.parent.parent.parent
        / "terraform_fixtures"
        / "azure_azapi_deployments/ai-cost-policy.yaml",
    )
    sent = resources(captures[program.name])
    wrong = [
        replace(
            item,
            inputs={
                **item.inputs,
                "tags": {**item.inputs["tags"], "ai-model": "gpt-4o-mini"},
            },
        )
        if item.name == "pass_parent_account"
        else item
        for item in sent
    ]

    right = stack_messages(pack.analyze_stack(stack_request(sent)))
    said = stack_messages(pack.analyze_stack(stack_request(wrong)))

    assert right == {}
    (failure,) = said["pass_parent_account"]
    assert failure.startswith("ai-model-cost-tag-stack: ")
    assert "'gpt-4o@2024-11-20'" in failure
    assert "cannot be tagged: na_old_api_version" in failure


def test_with_its_stack_policy_disabled_a_resource_policy_judges_alone(
    pack, levels, captures
):
    disabled = {
        "ai-approved-model-stack": "disabled",
        "ai-model-cost-tag-stack": "disabled",
    }
    configure(pack, levels, changed_levels=disabled)
    sent = resources(captures["aws_application_inference_profile"])
    (agent,) = [item for item in sent if item.name == "pass_agent_through_profile"]

    alone = pack.analyze(analyze_request(agent))
    stack = pack.analyze_stack(stack_request(sent))

    assert verdicts(alone, RULE_POLICIES) == {
        "CKV_AICOST_1": "passed",
        "CKV_AICOST_2": "warning",
        "CKV_AICOST_3": "warning",
    }
    assert {item.policyName for item in stack.diagnostics} <= {UNKNOWN_STACK_POLICY}
    assert list(stack.diagnostics) == []


def test_unknown_fail_turns_an_unresolved_cross_resource_model_into_a_failure(
    pack, levels, captures
):
    configure(pack, levels, unknown="fail")
    sent = resources(captures["aws_application_inference_profile"])
    (literal,) = [
        item for item in sent if item.name == "warn_literal_application_profile_arn"
    ]

    found = stack_verdicts(pack.analyze_stack(stack_request(sent)), RULE_POLICIES)

    assert found[(literal.urn, "CKV_AICOST_2")] == "failed"
    assert found[(literal.urn, "CKV_AICOST_3")] == "failed"


SECRET_PROFILE_PROGRAM = f"""
import pulumi
import pulumi_aws as aws

secret_source = pulumi.Output.secret(
    "arn:aws:bedrock:us-east-1::foundation-model/{SECRET_MODEL}"
)
profile = aws.bedrock.InferenceProfile(
    "hidden_profile",
    name="hidden",
    model_source={{"copy_from": secret_source}},
    tags={{"cost-center": "cc-1234", "owner": "ml-platform", "ai-model": "x"}},
)
aws.bedrock.AgentAgent(
    "agent_through_hidden_profile",
    agent_name="hidden",
    agent_resource_role_arn="arn:aws:iam::111122223333:role/bedrock-agent",
    foundation_model=profile.arn,
    tags={{"cost-center": "cc-1234", "owner": "ml-platform", "ai-model": "x"}},
)
"""


def test_a_secret_model_of_one_resource_never_appears_in_the_stack_message_of_another(
    pack, levels, tmp_path
):
    (tmp_path / "__main__.py").write_text(SECRET_PROFILE_PROGRAM, encoding="utf-8")
    configure(pack, levels)
    sent = resources(capture(tmp_path))

    response = pack.analyze_stack(stack_request(sent))
    found = stack_verdicts(response, RULE_POLICIES)

    (agent,) = [item for item in sent if item.name == "agent_through_hidden_profile"]
    assert found[(agent.urn, "CKV_AICOST_2")] == "failed"
    text = "\n".join(item.message for item in response.diagnostics).lower()
    assert "(sensitive value)" in text
    assert "llama" not in text


# --- Enforcement levels -------------------------------------------------------------


def test_a_disabled_policy_says_nothing_at_all(pack, levels, captures):
    configure(pack, levels, changed_levels={"ai-required-cost-tags": "disabled"})

    response = analyze_one(pack, captures["agent_missing_tag"], "fail_missing_owner")

    assert "ai-required-cost-tags" not in {p for p, _, _ in diagnostics(response)}
    assert "ai-required-cost-tags" not in {
        item.policy_name for item in response.not_applicable
    }


def test_remediate_level_on_a_policy_without_remediation_is_mandatory(
    pack, levels, captures
):
    configure(pack, levels, changed_levels={"ai-required-cost-tags": "remediate"})
    (resource,) = [
        item
        for item in resources(captures["agent_missing_tag"])
        if item.name == "fail_missing_owner"
    ]

    analyzed = pack.analyze(analyze_request(resource))
    remediated = pack.remediate(analyze_request(resource))

    assert ("ai-required-cost-tags", "MANDATORY") in {
        (policy, level) for policy, level, _ in diagnostics(analyzed)
    }
    assert list(remediated.remediations) == []
    assert {item.policy_name for item in remediated.not_applicable} == {
        "ai-required-cost-tags"
    }


# --- pulumi_inputs: links across the stack ------------------------------------------


def member(resource_type, name, inputs, dependencies=None):
    from ai_cost_policy.pulumi_inputs import StackMember

    urn = f"urn:pulumi:test::links::{resource_type}::{name}"
    return StackMember(
        resolve(resource_type, name, urn, inputs), urn, dependencies or {}
    )


PROFILE = "aws:bedrock/inferenceProfile:InferenceProfile"


def profile_inputs(model: str) -> dict:
    return {
        "modelSource": {
            "copyFrom": f"arn:aws:bedrock:us-east-1::foundation-model/{model}"
        }
    }


def test_link_stack_follows_a_model_input_to_the_ai_resource_it_came_from():
    from ai_cost_policy.pulumi_inputs import link_stack

    profile = member(PROFILE, "profile", profile_inputs(HAIKU))
    agent = member(
        AGENT,
        "agent",
        {"foundationModel": STRING_UNKNOWN},
        {"foundationModel": (profile.urn,), "agentResourceRoleArn": ("urn:role",)},
    )

    _, linked = link_stack([profile, agent])

    (slot,) = linked.models
    assert slot.written == Known(f"arn:aws:bedrock:us-east-1::foundation-model/{HAIKU}")
    assert slot.attribute == "foundationModel via profile.modelSource.copyFrom"


def test_link_stack_links_nothing_when_two_resources_built_the_input():
    from ai_cost_policy.pulumi_inputs import link_stack

    one = member(PROFILE, "one", profile_inputs(HAIKU))
    two = member(PROFILE, "two", profile_inputs(SONNET))
    agent = member(
        AGENT,
        "agent",
        {"foundationModel": STRING_UNKNOWN},
        {"foundationModel": (one.urn, two.urn)},
    )

    *_, linked = link_stack([one, two, agent])

    assert linked.models[0].written == Unknown(
        "foundationModel", "unknown during preview"
    )


def test_link_stack_falls_back_on_dependencies_where_none_per_input_were_sent():
    from ai_cost_policy.pulumi_inputs import StackMember, link_stack

    profile = member(PROFILE, "profile", profile_inputs(HAIKU))
    role = member("aws:iam/role:Role", "role", {})  # not an AI resource: None
    agent = member(AGENT, "agent", {"foundationModel": STRING_UNKNOWN})
    agent = StackMember(agent.resource, agent.urn, {}, (role.urn, profile.urn))

    _, linked = link_stack([profile, agent])

    assert linked.models[0].attribute == (
        "foundationModel via profile.modelSource.copyFrom"
    )
    assert role.resource is None


def test_link_stack_addresses_resources_that_share_a_name_by_urn():
    from ai_cost_policy.pulumi_inputs import link_stack

    profile = member(PROFILE, "support", profile_inputs(HAIKU))
    agent = member(
        AGENT,
        "support",
        {"foundationModel": STRING_UNKNOWN},
        {"foundationModel": (profile.urn,)},
    )

    linked_profile, linked_agent = link_stack([profile, agent])

    assert (linked_profile.address, linked_agent.address) == (profile.urn, agent.urn)
    assert linked_agent.models[0].attribute.startswith(
        f"foundationModel via {profile.urn}"
    )


def test_link_stack_puts_an_untaggable_deployment_on_the_account_its_id_came_from():
    from ai_cost_policy.pulumi_inputs import link_stack

    account = member("azure:cognitive/account:Account", "shared", {"tags": {}})
    chat = member(
        CLASSIC_DEPLOYMENT,
        "chat",
        {"cognitiveAccountId": STRING_UNKNOWN, "model": dict(GPT_4O)},
        {"cognitiveAccountId": (account.urn,)},
    )

    linked_account, linked_chat = link_stack([account, chat])

    assert linked_chat.parent_reference == "shared" and linked_chat.parent_in_view
    assert [slot.attribute for slot in linked_account.attributed_models] == [
        "chat: model"
    ]


def test_which_models_may_be_another_resources():
    from ai_cost_policy.pulumi_inputs import may_name_another_resource
    from ai_cost_policy.resource import ModelSlot

    def slot(written, form="id"):
        return ModelSlot("m", written, platform="bedrock", form=form)

    application_profile = (
        "arn:aws:bedrock:us-east-1:111122223333:application-inference-profile/x1"
    )
    assert may_name_another_resource(slot(Unknown("m", "unknown during preview")))
    assert may_name_another_resource(slot(Known(application_profile)))
    assert may_name_another_resource(slot(Known("chat-config"), form="reference"))
    assert not may_name_another_resource(slot(Known(HAIKU)))
    assert not may_name_another_resource(slot(Known("anthropic model")))
    assert not may_name_another_resource(slot(Unknown("m", "not a model ID")))


def test_stack_tags_supply_required_tags_only_when_the_policy_says_so(tmp_path):
    base = FIXTURE_POLICY.read_text()
    counting = tmp_path / "counting.yaml"
    counting.write_text(
        base.replace(
            "  model_tag: ai-model", "  model_tag: ai-model\n  from_stack_tags: true"
        )
    )
    assert "from_stack_tags: true" in counting.read_text()
    model = "anthropic.claude-3-haiku-20240307-v1:0"
    request = analyze_request(
        captured(
            AGENT, "agent", {"foundationModel": model, "tags": {"ai-model": model}}
        )
    )

    with Pack() as running:
        levels = default_levels(running.info())
        running.configure_stack({"cost-center": "cc-1234", "owner": "platform"})
        configure(running, levels, FIXTURE_POLICY)
        without = verdicts(running.analyze(request), RULE_POLICIES)
        configure(running, levels, counting)
        counted = verdicts(running.analyze(request), RULE_POLICIES)

    assert without["CKV_AICOST_1"] == "failed"
    assert counted["CKV_AICOST_1"] == "passed"


def test_remediation_sees_a_model_tag_that_stack_tags_supply(tmp_path):
    model = "anthropic.claude-3-haiku-20240307-v1:0"
    counting = tmp_path / "counting.yaml"
    counting.write_text(
        FIXTURE_POLICY.read_text().replace(
            "  model_tag: ai-model", "  model_tag: ai-model\n  from_stack_tags: true"
        )
    )
    resource = captured(
        AGENT,
        "agent",
        {"foundationModel": model, "tags": {"cost-center": "cc-1234"}},
    )

    with Pack() as running:
        levels = default_levels(running.info())
        running.configure_stack({"owner": "platform", "ai-model": model})
        configure(running, levels, FIXTURE_POLICY, changed_levels=REMEDIATE)
        added = remediation_of(running, resource)
        configure(running, levels, counting, changed_levels=REMEDIATE)
        left = remediation_of(running, resource)

    assert added is not None and added["tags"]["ai-model"] == model
    assert left is None
