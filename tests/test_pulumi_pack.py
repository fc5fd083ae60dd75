"""The real policy pack, driven over gRPC as the engine drives it, judges each Pulumi
twin of the Terraform scenarios as its verdict file says, and behaves as DESIGN.md
promises: levels, unknowns, secrets, policy-file errors, no Checkov."""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
import yaml
from conftest import expected_verdicts, load_expected
from pulumi_harness import (
    FIXTURE_POLICY,
    PACK_DIR,
    PROGRAMS,
    RULE_POLICIES,
    UNKNOWN_POLICY,
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


def test_analyze_stack_takes_every_resource_without_a_finding(pack, levels, captures):
    configure(pack, levels)
    everything = [
        item for capture_ in captures.values() for item in resources(capture_)
    ]

    response = pack.analyze_stack(stack_request(everything))

    assert list(response.diagnostics) == []


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


def test_analyzer_info_lists_the_four_policies_with_their_levels(pack):
    from pulumi.runtime.proto import analyzer_pb2 as apb

    info = pack.info()
    policies = {policy.name: policy for policy in info.policies}

    assert info.name == "ai-cost-policy"
    assert default_levels(info) == {
        "ai-required-cost-tags": "mandatory",
        "ai-approved-model": "mandatory",
        "ai-model-cost-tag": "mandatory",
        UNKNOWN_POLICY: "advisory",
    }
    for name, rule in RULE_POLICIES.items():
        assert policies[name].severity == apb.POLICY_SEVERITY_HIGH
        assert policies[name].url.endswith(f"/{rule}.md")
        assert policies[name].remediation_steps
        assert policies[name].description
    for policy in policies.values():
        assert set(policy.configSchema.properties) == {
            "policyFile",
            "unknown",
            "overrides",
        }


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
    for resource in resources(capture(tmp_path)):
        response = pack.analyze(analyze_request(resource))
        found[resource.name] = verdicts(response, RULE_POLICIES)
        messages += [message for _, _, message in diagnostics(response)]

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


def test_a_literal_reference_to_another_resource_is_not_in_view(pack, levels):
    configure(pack, levels)
    endpoint = captured(
        "aws:sagemaker/endpoint:Endpoint",
        "warn_config_not_in_view",
        {"endpointConfigName": "chat-config", "tags": {"owner": "ml-platform"}},
    )

    response = pack.analyze(analyze_request(endpoint))

    warnings = [m for policy, _, m in diagnostics(response) if policy == UNKNOWN_POLICY]
    assert any(
        "[ai-approved-model]" in m and "which is not in view" in m for m in warnings
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
