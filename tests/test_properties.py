"""Property-based tests: the policy loader, the plan loader and the HCL resolver
never fail in any way but their own clear error, whatever they are given."""

from __future__ import annotations

import json

import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ai_cost_policy.policy import PolicyError, load_policy_text
from ai_cost_policy.terraform.hcl import HclError
from ai_cost_policy.terraform.module import resolve_root_module
from ai_cost_policy.terraform.plan import PlanError, load_plan, resources_from_plan

EXAMPLES = settings(
    max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow]
)

scalars = st.one_of(
    st.none(), st.booleans(), st.integers(), st.floats(allow_nan=False), st.text()
)
documents = st.recursive(
    scalars,
    lambda children: st.one_of(
        st.lists(children, max_size=4),
        st.dictionaries(st.text(max_size=12), children, max_size=4),
    ),
    max_leaves=25,
)
policy_keys = st.sampled_from(
    [
        "version",
        "tags",
        "models",
        "unknown",
        "rules",
        "resource_types",
        "required",
        "model_tag",
        "bedrock",
        "approved",
        "denied",
        "pattern",
        "allowed",
        "owner",
    ]
)
policy_like = st.recursive(
    scalars,
    lambda children: st.one_of(
        st.lists(children, max_size=3),
        st.dictionaries(policy_keys, children, max_size=4),
    ),
    max_leaves=20,
)


@EXAMPLES
@given(text=st.text(max_size=400))
def test_policy_loader_raises_only_policy_errors_on_any_text(text):
    try:
        load_policy_text(text, "fuzz.yaml")
    except PolicyError as error:
        assert str(error).startswith("fuzz.yaml")


@EXAMPLES
@given(document=policy_like)
def test_policy_loader_raises_only_policy_errors_on_any_document(document):
    text = yaml.safe_dump({"version": 1, "tags": document}, sort_keys=False)
    try:
        load_policy_text(text, "fuzz.yaml")
    except PolicyError as error:
        assert error.file == "fuzz.yaml"


plan_like = st.fixed_dictionaries(
    {
        "format_version": st.sampled_from(["1.0", "1.2", "2.0", 1, None]),
        "planned_values": documents,
        "resource_changes": st.lists(
            st.fixed_dictionaries(
                {
                    "address": st.text(max_size=20),
                    "type": st.sampled_from(
                        [
                            "aws_bedrockagent_agent",
                            "azapi_resource",
                            "google_vertex_ai_reasoning_engine",
                            "x",
                        ]
                    ),
                    "change": documents,
                }
            ),
            max_size=3,
        ),
        "configuration": documents,
    }
)


@EXAMPLES
@given(plan=st.one_of(plan_like, documents))
def test_plan_loader_raises_only_plan_errors(tmp_path_factory, plan):
    path = tmp_path_factory.mktemp("plan") / "plan.json"
    path.write_text(json.dumps(plan))
    try:
        document = load_plan(path)
        if document is not None:
            resources_from_plan(document, "plan.json")
    except PlanError as error:
        assert error.file


hcl_values = st.one_of(
    st.text(max_size=30).map(json.dumps),
    st.integers().map(str),
    st.sampled_from(["var.x", "local.y", "null", "true", "aws_x.y.arn", "{}", "[]"]),
)


@settings(max_examples=150, deadline=None)
@given(
    model=hcl_values,
    tags=st.dictionaries(
        st.from_regex(r"[a-z][a-z0-9_-]{0,8}", fullmatch=True), hcl_values, max_size=4
    ),
)
def test_hcl_resolver_never_fails_on_any_attribute_values(
    tmp_path_factory, model, tags
):
    directory = tmp_path_factory.mktemp("hcl")
    body = "\n".join(f'    "{key}" = {value}' for key, value in tags.items())
    (directory / "main.tf").write_text(
        'resource "aws_bedrockagent_agent" "a" {\n'
        f"  foundation_model = {model}\n  tags = {{\n{body}\n  }}\n}}\n"
    )

    result = resolve_root_module(directory)

    assert all(isinstance(error, HclError) for error in result.errors)
    assert len(result.resources) <= 1
