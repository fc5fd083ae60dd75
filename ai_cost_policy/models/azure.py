"""Azure OpenAI / Foundry model references: name@version, registry asset IDs, blocks.

Canonical form: ``<name>@<version>`` in lower case, e.g. ``gpt-4o@2024-11-20``. A model
without a version is ``gpt-4o@``: the trailing ``@`` keeps "whatever version Azure
picks at deploy time" distinct from any pinned version, so only a pattern such as
``gpt-4o@*`` approves it.

The deployment's own ``name`` is chosen by its author and is not the model; callers
pass the ``model`` block's ``name`` and ``version`` to :func:`from_parts`.
"""

from __future__ import annotations

import re

from ai_cost_policy.models.canonical import CanonicalModel

PLATFORM = "azure"

# The asset ID Azure Policy and Foundry use for registry models, e.g.
# azureml://registries/azure-openai/models/gpt-35-turbo/versions/3.
_ASSET_ID = re.compile(
    r"^azureml://registries/(?P<registry>[^/\s]+)/models/(?P<name>[^/@\s]+)"
    r"/versions/(?P<version>[^/\s]+)/?$"
)

_NOT_A_MODEL_NAME = (
    "not an Azure model name, <name>@<version> or registry asset ID "
    "(azureml://registries/<registry>/models/<name>/versions/<version>); a "
    "workspace asset, URI or resource ID does not name a catalogued model"
)


def _canonical(name: str, version: str) -> str:
    return f"{name}@{version}"


def _is_model_name(text: str) -> bool:
    # Model names never contain a slash or a space, so anything with one is a path, a
    # URI, a resource ID or prose; guessing a model out of it would approve or deny
    # the wrong thing.
    return not (
        "/" in text
        or text.startswith("azureml:")
        or any(char.isspace() for char in text)
    )


def normalise(written: str) -> CanonicalModel:
    text = written.strip().lower()
    if not text:
        return CanonicalModel(PLATFORM, written, None, {}, "the model name is empty")

    asset = _ASSET_ID.match(text)
    if asset:
        return CanonicalModel(
            PLATFORM,
            written,
            _canonical(asset["name"], asset["version"]),
            {"registry": asset["registry"]},
        )

    if not _is_model_name(text):
        return CanonicalModel(PLATFORM, written, None, {}, _NOT_A_MODEL_NAME)

    name, _, version = text.partition("@")
    if not name:
        return CanonicalModel(
            PLATFORM, written, None, {}, "the model name before '@' is empty"
        )
    return CanonicalModel(PLATFORM, written, _canonical(name, version))


def _clean(value: object) -> str:
    # Pulumi inputs and plan values can hand over numbers (version = 2) or None.
    return "" if value is None else str(value).strip()


def _describe(name: str, version: str, format: str, publisher: str) -> str:
    details = [f"version {version}" if version else "no version"]
    if format:
        details.append(f"format {format}")
    if publisher and publisher.lower() != format.lower():
        details.append(f"publisher {publisher}")
    return f"{name} ({', '.join(details)})"


def from_parts(
    name: str,
    version: str | None,
    format: str | None = None,
    publisher: str | None = None,
    sku: str | None = None,
) -> CanonicalModel:
    """The model of an azurerm/azapi ``model {format, name, version}`` block.

    An unset or empty version is the floating "default at deploy time" and gives
    ``<name>@``. Format, publisher and SKU name are kept as attributes, as written.
    """
    clean_name, clean_version = _clean(name), _clean(version)
    clean_format, clean_publisher = _clean(format), _clean(publisher)
    written = _describe(clean_name, clean_version, clean_format, clean_publisher)

    attributes = {
        key: value
        for key, value in (
            ("format", clean_format),
            ("publisher", clean_publisher),
            ("sku", _clean(sku)),
        )
        if value
    }
    if not clean_name:
        return CanonicalModel(
            PLATFORM, written, None, attributes, "the model block has no name"
        )
    if not _is_model_name(clean_name.lower()):
        return CanonicalModel(PLATFORM, written, None, attributes, _NOT_A_MODEL_NAME)
    canonical = _canonical(clean_name.lower(), clean_version.lower())
    return CanonicalModel(PLATFORM, written, canonical, attributes)
