"""Every Bedrock model-ID form in DESIGN.md normalises to the canonical ID."""

from __future__ import annotations

import pytest

from ai_cost_policy.models import normalise

HAIKU = "anthropic.claude-3-haiku-20240307-v1:0"

FORMS = [
    ("bare id", HAIKU, HAIKU, {}),
    ("upper case", HAIKU.upper(), HAIKU, {}),
    ("geo prefix us", f"us.{HAIKU}", HAIKU, {"geo_prefix": "us"}),
    ("geo prefix us-gov", f"us-gov.{HAIKU}", HAIKU, {"geo_prefix": "us-gov"}),
    ("geo prefix apac", f"apac.{HAIKU}", HAIKU, {"geo_prefix": "apac"}),
    ("geo prefix global", f"global.{HAIKU}", HAIKU, {"geo_prefix": "global"}),
    ("context suffix", f"{HAIKU}:200k", HAIKU, {"context_suffix": "200k"}),
    (
        "foundation-model arn",
        f"arn:aws:bedrock:us-east-1::foundation-model/{HAIKU}",
        HAIKU,
        {"partition": "aws", "region": "us-east-1"},
    ),
    (
        "system profile arn",
        f"arn:aws:bedrock:eu-west-1:111122223333:inference-profile/eu.{HAIKU}",
        HAIKU,
        {"partition": "aws", "region": "eu-west-1", "geo_prefix": "eu"},
    ),
    (
        "govcloud partition",
        f"arn:aws-us-gov:bedrock:us-gov-west-1::foundation-model/{HAIKU}",
        HAIKU,
        {"partition": "aws-us-gov", "region": "us-gov-west-1"},
    ),
    (
        "custom model arn embeds its base",
        "arn:aws:bedrock:us-west-2:123456789012:custom-model/"
        "amazon.titan-text-express-v1:0:8k/ly16hhi765j4",
        "amazon.titan-text-express-v1:0",
        {"custom_model": "true", "context_suffix": "8k"},
    ),
    (
        "minor version is not a context suffix",
        "anthropic.claude-v2:1",
        "anthropic.claude-v2:1",
        {},
    ),
    ("no version suffix", "openai.gpt-oss-120b", "openai.gpt-oss-120b", {}),
]


@pytest.mark.parametrize(
    ("written", "canonical", "attributes"),
    [form[1:] for form in FORMS],
    ids=[form[0] for form in FORMS],
)
def test_written_forms_normalise_to_the_canonical_id(written, canonical, attributes):
    model = normalise("bedrock", written)

    assert model.canonical == canonical
    assert attributes.items() <= model.attributes.items()
    assert normalise("bedrock", model.canonical).canonical == canonical


@pytest.mark.parametrize(
    "written",
    [
        "arn:aws:bedrock:us-west-2:111122223333:application-inference-profile/"
        "5dews3o6kky6",
        "arn:aws:bedrock:us-west-2:123456789012:provisioned-model/1y5n57gh5y2e",
    ],
    ids=["application inference profile", "provisioned model"],
)
def test_opaque_arns_have_no_canonical_id_and_say_why(written):
    model = normalise("bedrock", written)

    assert model.canonical is None
    assert "resolves through" in model.opaque_reason
