"""Pulumi resource inputs and provider props turned into the neutral AI resource.

This module is pure data: it imports no Pulumi module, so the core stays
engine-neutral and can be tested without the SDK. The policy pack hands it plain
Python values (dicts, lists, strings) in which:

- a value unknown during preview is either :data:`UNKNOWN` or one of Pulumi's
  unknown sentinel strings, exactly as they travel on the wire;
- a secret is wrapped in :class:`Secret` (or still in Pulumi's secret envelope),
  because pulumi-policy hands policies secrets as plain text and the rules must
  know which values never to print.

Effective tags are the explicit provider's ``defaultTags`` merged under the
resource's ``tags``, as the AWS provider merges them into ``tagsAll`` (an output
that policies never see). Provider inputs arrive as JSON strings
(pulumi/pulumi#15477), so ``defaultTags`` is parsed from a string or read as a dict.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from ai_cost_policy.catalog import Catalog, CatalogEntry, load_catalog
from ai_cost_policy.resource import AIResource, ModelSlot, Tag, TagSet
from ai_cost_policy.values import ABSENT, Known, Unknown, Value

ENGINE = "pulumi"
PREVIEW_REASON = "unknown during preview"

# The sentinels the Pulumi engine puts in place of values it cannot know yet, one
# per kind of value (string, boolean, number, array, asset, archive, object). They
# are protocol constants: sdk/go/common/resource/plugin/rpc.go in pulumi/pulumi.
UNKNOWN_SENTINELS = frozenset(
    {
        "04da6b54-80e4-46f7-96ec-b56ff0331ba9",
        "1c4a061d-8072-4f0a-a4cb-0ff528b18fe7",
        "3eeb2bf0-c639-47a8-9e75-3b44932eb421",
        "6a19a0b0-7e62-4c92-b797-7f8e31da9cc2",
        "030794c1-ac77-496b-92df-f27374a8bd58",
        "e48ece36-62e2-4504-bad9-02848725956a",
        "dd056dcd-154b-4c76-9bd3-c8f88648b5ff",
    }
)

# The envelope a secret travels in: {SIG_KEY: SECRET_SIG, "value": ...}.
SIG_KEY = "4dabf18193072939515e22adb298388d"
SECRET_SIG = "1b47061264138c4ac30d75fd1eb44270"

AWS_PROVIDER_TYPE = "pulumi:providers:aws"


class _UnknownInput:
    _instance: _UnknownInput | None = None

    def __new__(cls) -> _UnknownInput:
        if cls._instance is None:
            cls._instance = super().__new__(cls)
        return cls._instance

    def __repr__(self) -> str:
        return "UNKNOWN"


UNKNOWN = _UnknownInput()


@dataclass(frozen=True)
class Secret:
    """A value Pulumi marked secret; the rules must never print it."""

    value: Any


@dataclass(frozen=True)
class PulumiProvider:
    """The provider a resource was registered with, as the engine sends it."""

    type: str
    name: str
    props: Mapping[str, Any]
    urn: str = ""


def is_unknown(value: Any) -> bool:
    return value is UNKNOWN or (isinstance(value, str) and value in UNKNOWN_SENTINELS)


def reveal(value: Any) -> tuple[Any, bool]:
    """The value inside any secret wrapping, and whether there was one."""
    sensitive = False
    while True:
        if isinstance(value, Secret):
            value, sensitive = value.value, True
        elif isinstance(value, Mapping) and value.get(SIG_KEY) == SECRET_SIG:
            value, sensitive = value.get("value"), True
        else:
            return value, sensitive


def resolve(
    resource_type: str,
    name: str,
    urn: str,
    props: Mapping[str, Any],
    provider: PulumiProvider | None = None,
    catalog: Catalog | None = None,
) -> AIResource | None:
    """The AI resource these inputs describe, or None when the type is not one."""
    entry = (catalog or load_catalog()).by_pulumi_type(resource_type)
    if entry is None:
        return None
    notes: list[str] = []
    if _reads_provider_defaults(entry) and provider is None:
        notes.append(
            "no provider was sent with this resource, so provider defaultTags "
            "could not be read"
        )
    return AIResource(
        address=name,
        entry=entry,
        engine=ENGINE,
        file=None,
        line=None,
        tags=_tag_set(entry, props, provider),
        models=_model_slots(entry, props),
        urn=urn or None,
        notes=tuple(notes),
    )


def _reads_provider_defaults(entry: CatalogEntry) -> bool:
    return entry.tags is not None and entry.tags.provider_defaults == "aws"


def _tag_set(
    entry: CatalogEntry, props: Mapping[str, Any], provider: PulumiProvider | None
) -> TagSet | None:
    if entry.tags is None:
        return None
    attribute = entry.tags.pulumi
    layers: list[tuple[Any, bool, str, str]] = []

    if (
        _reads_provider_defaults(entry)
        and provider is not None
        and provider.type == AWS_PROVIDER_TYPE
    ):
        where = f"defaultTags of provider {provider.name}"
        defaults, sensitive = _default_tags(provider, where)
        if defaults is not None:
            layers.append((defaults, sensitive, where, where))
            attribute += f" + {where}"

    # Resource tags come last: on AWS they win over the provider's default tags.
    for path, value, sensitive in _lookup(props, entry.tags.pulumi)[:1]:
        if is_unknown(value):
            value = Unknown(path, PREVIEW_REASON)
        layers.append((value, sensitive, "resource tags", path))

    tags: dict[str, Tag] = {}
    hidden: list[Unknown] = []
    for value, sensitive, source, expression in layers:
        if isinstance(value, Unknown):
            hidden.append(value)
        elif isinstance(value, Mapping):
            for key, item in value.items():
                tags[str(key)] = _tag(str(key), item, sensitive, source, expression)
    return TagSet(tags, tuple(hidden), attribute)


def _tag(key: str, item: Any, sensitive: bool, source: str, expression: str) -> Tag:
    item, secret = reveal(item)
    if is_unknown(item):
        value: Known | Unknown = Unknown(f'{expression}["{key}"]', PREVIEW_REASON)
    else:
        value = Known(_text(item))
    return Tag(key, value, source, sensitive or secret)


def _default_tags(provider: PulumiProvider, where: str) -> tuple[Any, bool]:
    """The provider's default tags: a mapping, an Unknown, or None when there are none.

    Also whether any wrapping on the way was secret.
    """
    raw, sensitive = reveal(provider.props.get("defaultTags"))
    if isinstance(raw, str) and not is_unknown(raw):
        try:
            raw = json.loads(raw)
        except ValueError:
            return Unknown(where, "defaultTags is not valid JSON"), sensitive
    raw, secret = reveal(raw)
    sensitive = sensitive or secret
    if is_unknown(raw):
        return Unknown(where, PREVIEW_REASON), sensitive
    if not isinstance(raw, Mapping):
        return None, sensitive
    tags, secret = reveal(raw.get("tags"))
    sensitive = sensitive or secret
    if is_unknown(tags):
        return Unknown(where, PREVIEW_REASON), sensitive
    return (tags if isinstance(tags, Mapping) else None), sensitive


def _model_slots(
    entry: CatalogEntry, props: Mapping[str, Any]
) -> tuple[ModelSlot, ...]:
    slots: list[ModelSlot] = []
    for location in entry.models:
        found = _lookup(props, location.pulumi)
        if not found:
            slots.append(ModelSlot(location.pulumi, ABSENT))
        for path, value, sensitive in found:
            slots.append(ModelSlot(path, _model_value(path, value), sensitive))
    return tuple(slots)


def _model_value(path: str, value: Any) -> Value:
    if is_unknown(value):
        return Unknown(path, PREVIEW_REASON)
    if value is None or value == "":
        return ABSENT
    if isinstance(value, (Mapping, list, tuple)):
        return Unknown(path, "the value is not a model ID string")
    return Known(_text(value))


def _lookup(props: Mapping[str, Any], path: str) -> list[tuple[str, Any, bool]]:
    """Every value at ``path`` (``a.b``, ``a[*].b``) with its concrete path.

    An unknown container on the way yields UNKNOWN at the path reached so far, so
    the caller can say which part of the inputs could not be seen.
    """
    current: list[tuple[str, Any, bool]] = [("", props, False)]
    for segment in path.split("."):
        each = segment.endswith("[*]")
        key = segment[:-3] if each else segment
        following: list[tuple[str, Any, bool]] = []
        for where, value, sensitive in current:
            value, secret = reveal(value)
            sensitive = sensitive or secret
            if is_unknown(value):
                following.append((where, UNKNOWN, sensitive))
                continue
            if not isinstance(value, Mapping) or key not in value:
                continue
            here = f"{where}.{key}" if where else key
            item, secret = reveal(value[key])
            sensitive = sensitive or secret
            if not each or is_unknown(item):
                following.append((here, item, sensitive))
            elif isinstance(item, (list, tuple)):
                following.extend(
                    (f"{here}[{index}]", element, sensitive)
                    for index, element in enumerate(item)
                )
        current = following
    revealed = [
        (where, *reveal(value), sensitive) for where, value, sensitive in current
    ]
    return [(where, value, inner or outer) for where, value, inner, outer in revealed]


def _text(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return "" if value is None else str(value)
