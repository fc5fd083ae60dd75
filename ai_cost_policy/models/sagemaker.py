"""SageMaker model references: JumpStart hub content, and what cannot be resolved.

Canonical form: ``jumpstart/<model-id>`` in lower case, e.g.
``jumpstart/meta-textgeneration-llama-3-1-8b-instruct``, read from a SageMaker public
hub content ARN. A SageMaker model is otherwise a container image plus artifacts (or
a model package): nothing in those names a model a policy could approve, so they stay
unresolved and are kept for the inventory. Hugging Face IDs in ``HF_MODEL_ID`` belong
to the ``huggingface`` platform.
"""

from __future__ import annotations

import re

from ai_cost_policy.models.canonical import CanonicalModel

PLATFORM = "sagemaker"
PREFIX = "jumpstart/"
PUBLIC_HUB = "sagemakerpublichub"

_HUB_CONTENT = re.compile(
    r"^arn:(?P<partition>aws(?:-[a-z-]+)?):sagemaker:(?P<region>[^:\s]*):"
    r"(?P<account>[^:\s]*):hub-content/(?P<hub>[^/\s]+)/(?P<kind>[^/\s]+)/"
    r"(?P<model>[^/\s]+)(?:/(?P<version>[^/\s]+))?/?$"
)
_MODEL_PACKAGE = re.compile(
    r"^arn:aws(?:-[a-z-]+)?:sagemaker:[^:]*:[^:]*:model-package/(?P<name>.+)$"
)
_JUMPSTART_ID = re.compile(r"^jumpstart/(?P<model>[^/\s]+)$")

INVENTORY_ONLY = (
    "a container image or model artifact does not name a catalogued model; "
    "inventory only"
)


def _hub_content(written: str, arn: re.Match[str]) -> CanonicalModel:
    attributes = {"partition": arn["partition"], "hub": arn["hub"]}
    if arn["region"]:
        attributes["region"] = arn["region"]
    if arn["version"]:
        attributes["hub_content_version"] = arn["version"]
    # Only the public hub's Model entries are JumpStart models; a private hub's
    # content is named by whoever imported it and says nothing about the model.
    if arn["hub"] != PUBLIC_HUB or arn["kind"] != "model":
        return CanonicalModel(
            PLATFORM,
            written,
            None,
            attributes,
            "only a Model in SageMakerPublicHub names a JumpStart model; private "
            "hub content and other content types do not",
        )
    return CanonicalModel(PLATFORM, written, f"{PREFIX}{arn['model']}", attributes)


def _is_image(text: str) -> bool:
    if text.startswith("arn:") or "/" not in text:
        return False
    tag = text.rsplit("/", 1)[1]
    return ".dkr.ecr." in text or "@sha256:" in text or ":" in tag


def _inventory(stripped: str, text: str) -> dict[str, str]:
    # Kept as written: image URIs and S3 keys are case-sensitive, and the inventory
    # should show what the resource really points at.
    if _MODEL_PACKAGE.match(text):
        return {"model_package": stripped}
    if text.startswith("s3://"):
        return {"model_data": stripped}
    if _is_image(text):
        return {"image": stripped}
    return {}


def normalise(written: str) -> CanonicalModel:
    stripped = written.strip()
    text = stripped.lower()

    arn = _HUB_CONTENT.match(text)
    if arn:
        return _hub_content(written, arn)
    jumpstart = _JUMPSTART_ID.match(text)
    if jumpstart:
        return CanonicalModel(PLATFORM, written, text)

    attributes = _inventory(stripped, text)
    return CanonicalModel(PLATFORM, written, None, attributes, INVENTORY_ONLY)
