"""Pulumi resource inputs and provider props turned into the neutral AI resource.

This module is pure data: it imports no Pulumi module, so the core stays
engine-neutral and can be tested without the SDK. The policy pack hands it plain
Python values (dicts, lists, strings) in which:

- a value unknown during preview is either :data:`UNKNOWN` or one of Pulumi's
  unknown sentinel strings, exactly as they travel on the wire;
- a secret is wrapped in :class:`Secret` (or still in Pulumi's secret envelope),
  because pulumi-policy hands policies secrets as plain text and the rules must
  know which values never to print.

Models and tags are read at the catalog's ``pulumi`` paths, which use Pulumi's
shape: camelCase, single blocks flattened into objects, list blocks pluralised
(``variants[*].modelId``). Secrets are unwrapped first into plain values and a
parallel structure of marks, so a path walks through a secret object like any
other and still knows which values it must never print.

Effective tags are the provider's defaults merged under the resource's own, as the
provider merges them into an output policies never see (``tagsAll``,
``effectiveLabels``): AWS ``defaultTags`` (``{"tags": {...}}``, in pulumi-aws and
aws-native alike) under ``tags``, Google ``defaultLabels`` (a flat map) under
``labels``. Azure providers have no defaults. Provider inputs arrive as JSON strings
(pulumi/pulumi#15477), so both strings and objects are read.

Some aws-native types take their tags as a list of ``{key, value}`` objects rather
than a map; the list is read as the map it stands for. An element that is unknown
hides its key, an unknown value is an unknown tag, a secret value a sensitive one,
and an element that is not a key/value object is left out with a note.

Analyze sees one resource at a time, and what another resource outputs is an opaque
sentinel during preview: a model or a cost parent that comes from another
resource's output is unknown there, and no reference to that resource can be
recorded. AnalyzeStack sees every resource with the engine's record of which
resources each input was built from (``propertyDependencies``); :func:`link_stack`
turns that record into the references :mod:`ai_cost_policy.linking` follows.
"""

from __future__ import annotations

import json
import re
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import Any

from ai_cost_policy.attribute_paths import Found, parse, walk
from ai_cost_policy.catalog import Catalog, CatalogEntry, ModelLocation, load_catalog
from ai_cost_policy.linking import link
from ai_cost_policy.models import normalise
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
AWS_NATIVE_PROVIDER_TYPE = "pulumi:providers:aws-native"
GCP_PROVIDER_TYPE = "pulumi:providers:gcp"

# The parts of an Azure model object that decide which model runs.
AZURE_MODEL_PARTS = ("name", "version", "format")

# azure-native also publishes each resource under explicit API versions:
# `azure-native:cognitiveservices/v20241001:Deployment`. The catalog names the
# default token; the version says which API, and so which properties, apply.
_VERSIONED_TOKEN = re.compile(
    r"^(?P<package>[^:]+):(?P<module>[^:/]+)/v(?P<date>\d{8})(?P<suffix>[a-z0-9]*)"
    r":(?P<name>[^:]+)$"
)


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


@dataclass(frozen=True)
class DefaultsFamily:
    """Where one provider family keeps the tags it adds to every resource."""

    provider_type: str
    property: str
    # The path of the map inside the property; None when the property is the map.
    path: str | None = None


# Keyed by the catalog's `provider_defaults`. azapi's defaults have no Pulumi
# counterpart: neither azure-native nor azure classic has default tags.
DEFAULTS_FAMILIES = {
    "aws": DefaultsFamily(AWS_PROVIDER_TYPE, "defaultTags", "tags"),
    "aws-native": DefaultsFamily(AWS_NATIVE_PROVIDER_TYPE, "defaultTags", "tags"),
    "google": DefaultsFamily(GCP_PROVIDER_TYPE, "defaultLabels"),
}


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
    stack_tags: Mapping[str, str] | None = None,
) -> AIResource | None:
    """The AI resource these inputs describe, or None when the type is not one.

    ``stack_tags`` are given only when the policy counts them (``from_stack_tags``):
    they are the lowest layer, under the provider's defaults and the resource's own.
    """
    entry, api_version = entry_for(catalog or load_catalog(), resource_type)
    if entry is None:
        return None
    inputs = _Inputs.of(props)

    notes: list[str] = []
    family = _defaults_family(entry)
    if family is not None and provider is None:
        notes.append(
            "no provider was sent with this resource, so provider "
            f"{family.property} could not be read"
        )
    tags = _tag_set(entry, api_version, inputs, provider, stack_tags, notes)
    return AIResource(
        address=name,
        entry=entry,
        engine=ENGINE,
        file=None,
        line=None,
        tags=tags,
        models=_model_slots(entry, inputs),
        urn=urn or None,
        notes=tuple(notes),
    )


def entry_for(
    catalog: Catalog, resource_type: str
) -> tuple[CatalogEntry | None, str | None]:
    """The catalog entry of a type token, and the API version the token names."""
    entry = catalog.by_pulumi_type(resource_type)
    if entry is not None:
        return entry, None
    match = _VERSIONED_TOKEN.match(resource_type)
    if match is None:
        return None, None
    date, suffix = match["date"], match["suffix"]
    api_version = f"{date[:4]}-{date[4:6]}-{date[6:]}" + (
        f"-{suffix}" if suffix else ""
    )
    default = f"{match['package']}:{match['module']}:{match['name']}"
    entry = catalog.by_pulumi_type(default)
    return entry, api_version if entry is not None else None


# --- Secrets unwrapped, with marks -------------------------------------------------


@dataclass(frozen=True)
class _Inputs:
    """Inputs with secrets unwrapped, and a parallel structure of secret marks.

    ``secret`` is True where a whole subtree was secret, a dict or list of marks
    beside a container, None where nothing is.
    """

    values: Any
    secret: Any

    @classmethod
    def of(cls, value: Any) -> _Inputs:
        return cls(*_unwrap(value))

    def at(self, path: str) -> Any:
        """The marks of the value at a concrete path (``variants[1].modelId``)."""
        marks = self.secret
        if not path:
            return marks
        for segment in parse(path):
            if marks is True or marks is None:
                return marks
            marks = marks.get(segment.name) if isinstance(marks, dict) else None
            if isinstance(segment.index, int) and isinstance(marks, list):
                index = segment.index
                marks = marks[index] if index < len(marks) else None
        return marks

    def find(self, path: str) -> list[Found]:
        return list(walk(self.values, path, is_unknown=is_unknown))

    def first(self, path: str) -> Found | None:
        found = self.find(path)
        return found[0] if found else None

    def secret_at(self, path: str) -> bool:
        """Whether the value at ``path``, or anything inside it, is secret."""
        return _contains_secret(self.at(path))


def _unwrap(value: Any) -> tuple[Any, Any]:
    value, sensitive = reveal(value)
    if sensitive:
        return _unwrap(value)[0], True
    if isinstance(value, Mapping):
        pairs = {str(key): _unwrap(item) for key, item in value.items()}
        marks = {key: mark for key, (_, mark) in pairs.items() if mark is not None}
        return {key: item for key, (item, _) in pairs.items()}, marks or None
    if isinstance(value, (list, tuple)):
        pairs_list = [_unwrap(item) for item in value]
        marks_list = [mark for _, mark in pairs_list]
        any_mark = any(mark is not None for mark in marks_list)
        return [item for item, _ in pairs_list], marks_list if any_mark else None
    return value, None


def _contains_secret(marks: Any) -> bool:
    if marks is True:
        return True
    if isinstance(marks, dict):
        return any(_contains_secret(mark) for mark in marks.values())
    if isinstance(marks, list):
        return any(_contains_secret(mark) for mark in marks)
    return False


# --- Models ------------------------------------------------------------------------


def _model_slots(entry: CatalogEntry, inputs: _Inputs) -> tuple[ModelSlot, ...]:
    slots: list[ModelSlot] = []
    for location in entry.models:
        if not location.pulumi:
            continue  # a user-defined type that names no Pulumi path
        for found in inputs.find(location.pulumi):
            slots.append(
                ModelSlot(
                    attribute=found.path,
                    written=_written(found, location),
                    sensitive=inputs.secret_at(found.path),
                    platform=location.platform or entry.platform,
                    form=location.form,
                )
            )
    return tuple(slots)


def _written(found: Found, location: ModelLocation) -> Value:
    # An unknown is an opaque sentinel: it does not say which resource's output it
    # will be, so unlike HCL no reference can be recorded for linking.
    if found.unknown:
        return Unknown(found.path, PREVIEW_REASON)
    value = found.value
    if location.form == "azure_parts" and isinstance(value, dict):
        for part in AZURE_MODEL_PARTS:
            if is_unknown(value.get(part)):
                return Unknown(f"{found.path}.{part}", PREVIEW_REASON)
        # Other parts (publisher, source) are only described; an unknown one is
        # left out rather than shown as a sentinel.
        return Known({key: item for key, item in value.items() if not is_unknown(item)})
    if value == "":
        return ABSENT
    if isinstance(value, (dict, list)):
        return Unknown(found.path, "the value is not a model ID")
    return Known(_text(value))


# --- Tags --------------------------------------------------------------------------


@dataclass(frozen=True)
class _Layer:
    """One source of tags: a map (or an Unknown hiding its keys) and its marks."""

    value: Mapping[str, Any] | Unknown
    secret: Any
    source: str
    expression: str
    # Parts of the layer whose keys cannot be seen (an unknown list element).
    hidden: tuple[Unknown, ...] = ()
    # Keys that are secret themselves (an aws-native element with a secret key).
    secret_keys: frozenset[str] = frozenset()


def _defaults_family(entry: CatalogEntry) -> DefaultsFamily | None:
    if entry.tags is None or entry.tags.provider_defaults is None:
        return None
    return DEFAULTS_FAMILIES.get(entry.tags.provider_defaults)


def _tag_set(
    entry: CatalogEntry,
    api_version: str | None,
    inputs: _Inputs,
    provider: PulumiProvider | None,
    stack_tags: Mapping[str, str] | None = None,
    notes: list[str] | None = None,
) -> TagSet | None:
    location = entry.tags
    if location is None or not entry.carries_tags(api_version):
        return None
    if not location.pulumi:
        why = "the catalog names no Pulumi property for its tags"
        return TagSet({}, (Unknown("tags", why),), "tags", labels=location.labels)

    kind = "labels" if location.labels else "tags"
    attribute = location.pulumi
    layers: list[_Layer] = []
    if stack_tags:
        layers.append(_Layer(dict(stack_tags), None, "stack tags", "stack tags"))
        attribute += " + stack tags"
    family = _defaults_family(entry)
    if family is not None and provider is not None:
        defaults = _provider_defaults(provider, family)
        if defaults is not None:
            layers.append(defaults)
            attribute += f" + {defaults.source}"

    # The resource's own come last: they win over the provider's defaults.
    own = inputs.first(location.pulumi)
    if own is not None:
        source = f"resource {kind}"
        if own.unknown:
            layers.append(
                _Layer(Unknown(own.path, PREVIEW_REASON), None, source, own.path)
            )
        elif isinstance(own.value, list):
            layers.append(
                _list_layer(own.path, own.value, inputs.at(own.path), source, notes)
            )
        else:
            layers.append(_Layer(own.value, inputs.at(own.path), source, own.path))

    tags: dict[str, Tag] = {}
    hidden: list[Unknown] = []
    for layer in layers:
        hidden += layer.hidden
        if isinstance(layer.value, Unknown):
            hidden.append(layer.value)
        elif isinstance(layer.value, Mapping):
            for key, item in layer.value.items():
                tags[str(key)] = _tag(str(key), item, layer)
    return TagSet(tags, tuple(hidden), attribute, labels=location.labels)


def _tag(key: str, item: Any, layer: _Layer) -> Tag:
    marks = layer.secret
    secret = marks is True or (
        isinstance(marks, dict) and _contains_secret(marks.get(key))
    )
    # A map that is secret as a whole hides its keys too.
    secret_key = marks is True or key in layer.secret_keys
    if isinstance(item, Unknown):
        value: Known | Unknown = item
    elif is_unknown(item):
        where = layer.expression if secret_key else f'{layer.expression}["{key}"]'
        value = Unknown(where, PREVIEW_REASON)
    else:
        value = Known(_text(item))
    return Tag(key, value, layer.source, secret, key_sensitive=secret_key)


def _field(element: Mapping[str, Any], name: str) -> str | None:
    """``key`` or ``Key`` (as CloudFormation writes it), whichever is there."""
    for spelling in (name, name.capitalize()):
        if spelling in element:
            return spelling
    return None


def _list_layer(
    path: str,
    elements: list[Any],
    marks: Any,
    source: str,
    notes: list[str] | None,
) -> _Layer:
    """A list of ``{key, value}`` objects (aws-native) read as the map it stands for."""
    values: dict[str, Any] = {}
    secret: dict[str, bool] = {}
    secret_keys: set[str] = set()
    hidden: list[Unknown] = []
    for position, element in enumerate(elements):
        where = f"{path}[{position}]"
        mark = marks if marks is True else _mark_at(marks, position)
        if is_unknown(element):
            hidden.append(Unknown(where, PREVIEW_REASON))
            continue
        if not isinstance(element, Mapping):
            element = {}
        key_name, value_name = _field(element, "key"), _field(element, "value")
        if key_name is None or value_name is None:
            if notes is not None:
                notes.append(f"{where} is not a {{key, value}} tag object; ignored")
            continue
        key, item = element[key_name], element[value_name]
        if is_unknown(key):
            hidden.append(Unknown(f"{where}.{key_name}", PREVIEW_REASON))
            continue
        if isinstance(key, (Mapping, list)) or key is None:
            if notes is not None:
                notes.append(f"{where}.{key_name} is not a tag key; ignored")
            continue
        if is_unknown(item):
            item = Unknown(f"{where}.{value_name}", PREVIEW_REASON)
        values[_text(key)] = item
        # A secret key or value hides the value; a secret key (or element) hides
        # the key as well.
        key_secret = mark is True or (
            isinstance(mark, dict) and _contains_secret(mark.get(key_name))
        )
        if key_secret:
            secret_keys.add(_text(key))
        secret[_text(key)] = key_secret or (
            isinstance(mark, dict) and _contains_secret(mark.get(value_name))
        )
    return _Layer(values, secret, source, path, tuple(hidden), frozenset(secret_keys))


def _mark_at(marks: Any, position: int) -> Any:
    if isinstance(marks, list) and position < len(marks):
        return marks[position]
    return None


def _provider_defaults(
    provider: PulumiProvider, family: DefaultsFamily
) -> _Layer | None:
    """The provider's default tags as a layer, or None when it sets none."""
    if provider.type != family.provider_type:
        return None
    where = f"{family.property} of provider {provider.name}"
    raw, marks = _unwrap(provider.props.get(family.property))
    if isinstance(raw, str) and not is_unknown(raw):
        if not raw.strip():
            return None
        try:
            parsed = json.loads(raw)
        except ValueError:
            why = f"{family.property} is not valid JSON"
            return _Layer(Unknown(where, why), marks, where, where)
        raw, inner = _unwrap(parsed)
        marks = True if marks is True else inner
    defaults = _Inputs(raw, marks)

    value, path = raw, ""
    if family.path is not None and not is_unknown(raw):
        found = defaults.first(family.path)
        if found is None:
            return None
        value, path = found.value, found.path
    if is_unknown(value):
        return _Layer(Unknown(where, PREVIEW_REASON), marks, where, where)
    if not isinstance(value, Mapping):
        return None
    return _Layer(value, defaults.at(path), where, where)


def _text(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return "" if value is None else str(value)


# --- A whole stack: the links only AnalyzeStack can see ----------------------------


@dataclass(frozen=True)
class StackMember:
    """An AI resource as AnalyzeStack sends it.

    ``property_dependencies`` maps a top-level input to the URNs of the resources
    whose outputs it was built from, as the engine records them.
    """

    resource: AIResource
    urn: str
    property_dependencies: Mapping[str, Sequence[str]] = field(default_factory=dict)
    # Every resource it depends on: what links it when the engine sent no
    # property dependencies for it at all.
    dependencies: Sequence[str] = ()


def may_name_another_resource(slot: ModelSlot) -> bool:
    """Whether the slot's model may be that of another resource in the stack.

    True for a reference (a SageMaker model or endpoint configuration by name), for
    a value unknown during preview (only another resource's output is), and for an
    ARN that names no model by itself (an application inference profile, a
    provisioned model): resources a stack may create beside the one that uses them.
    """
    if slot.form == "reference":
        return True
    written = slot.written
    if isinstance(written, Unknown):
        return written.reason == PREVIEW_REASON
    if slot.form != "id" or not isinstance(written, Known):
        return False
    value = written.value
    if not isinstance(value, str) or not value.lower().startswith("arn:"):
        return False
    return normalise(slot.platform or "", value).canonical is None


def link_stack(members: Sequence[StackMember]) -> list[AIResource]:
    """The stack's AI resources with references and cost parents followed.

    A model slot that may name another resource refers to the one AI resource with
    models that its input was built from; an untaggable resource's cost goes to the
    one resource of the catalog's parent type that its parent input was built from.
    Where the engine recorded no property dependencies for the resource at all, its
    dependencies stand in for them. Where there is no such resource, or more than
    one, nothing is linked and the value stays as it was. Each resource is
    addressed by its name, or by its URN where two resources of the stack share a
    name, and that address is what messages show.
    """
    names = Counter(member.resource.address for member in members)
    address = {
        member.urn: member.resource.address
        if names[member.resource.address] == 1
        else member.urn
        for member in members
    }
    by_urn = {member.urn: member for member in members}

    def sources(member: StackMember, attribute: str) -> list[StackMember]:
        top = parse(attribute)[0].name
        recorded = member.property_dependencies
        # The engine leaves out inputs built from no resource; only a resource
        # with no record at all falls back on its dependencies.
        found = recorded.get(top, ()) if recorded else member.dependencies
        urns = dict.fromkeys(found)
        return [by_urn[urn] for urn in urns if urn in by_urn and urn != member.urn]

    resources = []
    for member in members:
        resource = member.resource
        references = {
            location.reference_type
            for location in resource.entry.models
            if location.reference_type
        }
        slots = []
        for slot in resource.models:
            candidates = [
                source
                for source in sources(member, slot.attribute)
                if source.resource.models
                and (
                    slot.form != "reference"
                    or not references
                    or source.resource.resource_type in references
                )
            ]
            if may_name_another_resource(slot) and len(candidates) == 1:
                slot = replace(slot, reference=address[candidates[0].urn])
            slots.append(slot)

        parent = resource.entry.cost_parent
        parent_reference = resource.parent_reference
        if parent is not None and parent.pulumi and parent.type:
            payers = [
                source
                for source in sources(member, parent.pulumi)
                if source.resource.resource_type == parent.type
            ]
            if parent_reference is None and len(payers) == 1:
                parent_reference = address[payers[0].urn]

        resources.append(
            replace(
                resource,
                address=address[member.urn],
                models=tuple(slots),
                parent_reference=parent_reference,
            )
        )
    return link(resources)
