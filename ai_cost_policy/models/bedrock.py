"""Bedrock model IDs: bare IDs, geo-prefixed system profiles, ARNs, context suffixes.

Canonical form: the lower-case foundation model ID without ARN prefix, geo prefix or
context-window suffix, e.g. ``anthropic.claude-3-haiku-20240307-v1:0``.
"""

from __future__ import annotations

import re

from ai_cost_policy.models.canonical import CanonicalModel

# Geo prefixes of AWS system (cross-region) inference profiles. A prefix is only
# stripped when it is one of these, so a provider name is never mistaken for one.
GEO_PREFIXES = ("us-gov", "us", "eu", "apac", "global", "jp", "au")

_ARN = re.compile(
    r"^arn:(?P<partition>aws(?:-[a-z-]+)?):bedrock:(?P<region>[^:]*):"
    r"(?P<account>[^:]*):(?P<kind>[a-z-]+)/(?P<rest>.+)$",
    re.IGNORECASE,
)
_CONTEXT_SUFFIX = re.compile(r"^(?P<model>.+?):(?P<context>\d+k)$", re.IGNORECASE)

# Resource kinds whose ARN does not contain the model: it can only be found through
# the resource the ARN names.
_OPAQUE_KINDS = {
    "application-inference-profile": "an application inference profile ARN does not "
    "name its model; it resolves through the aws_bedrock_inference_profile it "
    "refers to",
    "provisioned-model": "a provisioned model ARN does not name its model; it "
    "resolves through the aws_bedrock_provisioned_model_throughput it refers to",
}


def _strip_geo(model_id: str, attributes: dict[str, str]) -> str:
    # A loop, so that normalising a canonical ID again never changes it.
    head, dot, rest = model_id.partition(".")
    while dot and head in GEO_PREFIXES and "." in rest:
        attributes.setdefault("geo_prefix", head)
        model_id = rest
        head, dot, rest = model_id.partition(".")
    return model_id


def _strip_context(model_id: str, attributes: dict[str, str]) -> str:
    match = _CONTEXT_SUFFIX.match(model_id)
    while match:
        attributes.setdefault("context_suffix", match["context"])
        model_id = match["model"]
        match = _CONTEXT_SUFFIX.match(model_id)
    return model_id


def normalise(written: str) -> CanonicalModel:
    text = written.strip().lower()
    attributes: dict[str, str] = {}

    arn = _ARN.match(text)
    if arn:
        attributes["partition"] = arn["partition"]
        if arn["region"]:
            attributes["region"] = arn["region"]
        kind, rest = arn["kind"], arn["rest"]
        if kind in _OPAQUE_KINDS:
            return CanonicalModel(
                "bedrock", written, None, attributes, _OPAQUE_KINDS[kind]
            )
        if kind == "custom-model":
            base = rest.split("/", 1)[0]
            attributes["custom_model"] = "true"
            if base == "imported" or "/" not in rest:
                return CanonicalModel(
                    "bedrock",
                    written,
                    None,
                    attributes,
                    "an imported custom model ARN does not name a base model",
                )
            text = base
        elif kind in ("foundation-model", "inference-profile"):
            text = rest
        else:
            return CanonicalModel(
                "bedrock",
                written,
                None,
                attributes,
                "this kind of Bedrock ARN does not name a foundation model",
            )

    text = _strip_geo(text, attributes)
    text = _strip_context(text, attributes)
    if not text or any(char.isspace() for char in text):
        return CanonicalModel(
            "bedrock", written, None, attributes, "a model ID has no spaces"
        )
    return CanonicalModel("bedrock", written, text, attributes)
