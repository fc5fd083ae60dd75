"""The catalog of AI resource types, loaded from ``data/catalog.yaml``.

The catalog is data, each entry with its source: which Terraform types and Pulumi
tokens are AI resources, where their models and tags live, and which resource
carries the cost of one that cannot be tagged. The comment at the top of the YAML
file explains the path syntax.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache, lru_cache
from importlib.resources import files
from typing import Any

import yaml

MODEL_FORMS = ("id", "azure_parts", "reference", "inventory")


@dataclass(frozen=True)
class ModelLocation:
    terraform: str
    pulumi: str | None = None
    form: str = "id"
    platform: str | None = None
    reference_type: str | None = None


@dataclass(frozen=True)
class TagLocation:
    terraform: str
    plan: str
    pulumi: str | None
    provider_defaults: str | None = None
    labels: bool = False
    body: str | None = None
    since_api_version: str | None = None
    # How the Pulumi property holds the tags: a `map` of key to value, or a `list`
    # of `{key, value}` objects (some aws-native types).
    pulumi_shape: str = "map"


@dataclass(frozen=True)
class CostParent:
    """Who pays for a resource that cannot carry tags itself, and why."""

    why: str
    terraform: str | None = None
    pulumi: str | None = None
    type: str | None = None


@dataclass(frozen=True)
class Match:
    """For generic types (``azapi_resource``): which values of an attribute apply."""

    attribute: str
    prefix: str

    def accepts(self, value: Any) -> bool:
        return isinstance(value, str) and value.lower().startswith(self.prefix.lower())


@dataclass(frozen=True)
class CatalogEntry:
    terraform_type: str
    pulumi_type: str | None
    platform: str
    models: tuple[ModelLocation, ...]
    tags: TagLocation | None
    source: str
    on_demand_invocation: bool = False
    cost_parent: CostParent | None = None
    cost_attributes: tuple[str, ...] = ()
    match: Match | None = None
    # A Pulumi token with no Terraform type of its own (aws-native): its
    # `terraform_type` names the Terraform twin, so findings read like the twin's,
    # but Terraform lookups never return it.
    pulumi_only: bool = False

    def api_version(self, values: Mapping[str, Any]) -> str | None:
        """The API version of a generic type's instance: ``...@2024-10-01``."""
        kind = values.get(self.match.attribute) if self.match else None
        if isinstance(kind, str) and "@" in kind:
            return kind.split("@", 1)[1]
        return None

    def carries_tags(self, api_version: str | None) -> bool:
        """False when the type has no tags, or its API version predates them."""
        if self.tags is None:
            return False
        since = self.tags.since_api_version
        if since is None or api_version is None:
            return True
        # API versions are dates with an optional suffix: compare the dates.
        return api_version[:10] >= since[:10]


@dataclass(frozen=True)
class Catalog:
    as_of: str
    entries: tuple[CatalogEntry, ...]

    def for_terraform_type(self, terraform_type: str) -> tuple[CatalogEntry, ...]:
        """Every entry of a Terraform type; generic types have one per ``match``."""
        return _by_terraform_type(self).get(terraform_type, ())

    def entry_for(
        self, terraform_type: str, values: Mapping[str, Any]
    ) -> CatalogEntry | None:
        """The entry for a resource; a generic type is told by its ``match``."""
        for entry in self.for_terraform_type(terraform_type):
            if entry.match is None or entry.match.accepts(
                values.get(entry.match.attribute)
            ):
                return entry
        return None

    def by_terraform_type(self, terraform_type: str) -> CatalogEntry | None:
        """The entry of a type that needs no attribute to tell which entry applies."""
        entries = self.for_terraform_type(terraform_type)
        return entries[0] if len(entries) == 1 and entries[0].match is None else None

    def by_pulumi_type(self, pulumi_type: str) -> CatalogEntry | None:
        return _by_pulumi_type(self).get(pulumi_type)

    @property
    def terraform_types(self) -> tuple[str, ...]:
        """The Terraform types judged; a pulumi-only entry adds none."""
        return tuple(
            dict.fromkeys(
                entry.terraform_type for entry in self.entries if not entry.pulumi_only
            )
        )

    @property
    def pulumi_types(self) -> tuple[str, ...]:
        return tuple(entry.pulumi_type for entry in self.entries if entry.pulumi_type)


@cache
def _by_terraform_type(catalog: Catalog) -> dict[str, tuple[CatalogEntry, ...]]:
    index: dict[str, list[CatalogEntry]] = {}
    for entry in catalog.entries:
        if not entry.pulumi_only:
            index.setdefault(entry.terraform_type, []).append(entry)
    return {key: tuple(value) for key, value in index.items()}


@cache
def _by_pulumi_type(catalog: Catalog) -> dict[str, CatalogEntry]:
    return {entry.pulumi_type: entry for entry in catalog.entries if entry.pulumi_type}


TAG_SHAPES = ("map", "list")


def _entry(raw: dict) -> CatalogEntry:
    tags = raw.get("tags")
    if tags and tags.get("pulumi_shape", "map") not in TAG_SHAPES:
        raise ValueError(
            f"{raw.get('pulumi_type') or raw['terraform_type']}: tags.pulumi_shape "
            f"must be one of {', '.join(TAG_SHAPES)}"
        )
    parent = raw.get("cost_parent")
    match = raw.get("match")
    return CatalogEntry(
        terraform_type=raw["terraform_type"],
        pulumi_type=raw.get("pulumi_type"),
        platform=raw["platform"],
        models=tuple(ModelLocation(**model) for model in raw.get("models") or ()),
        tags=TagLocation(**tags) if tags else None,
        source=raw["source"],
        on_demand_invocation=bool(raw.get("on_demand_invocation", False)),
        cost_parent=CostParent(**parent) if parent else None,
        cost_attributes=tuple(raw.get("cost_attributes") or ()),
        match=Match(**match) if match else None,
        pulumi_only=bool(raw.get("pulumi_only", False)),
    )


@lru_cache(maxsize=1)
def load_catalog() -> Catalog:
    text = (files("ai_cost_policy") / "data" / "catalog.yaml").read_text("utf-8")
    raw = yaml.safe_load(text)
    return Catalog(
        as_of=str(raw["as_of"]),
        entries=tuple(_entry(item) for item in raw["resources"]),
    )


def user_entry(raw: dict[str, Any]) -> CatalogEntry:
    """A resource type from the policy file's ``resource_types``, with defaults."""
    tags = raw.get("tags")
    if tags is not None:
        tags = {
            "plan": tags["terraform"],
            "pulumi": "tags",
            **tags,
        }
    return _entry({**raw, "tags": tags, "models": raw.get("models") or []})


def user_entry_document(entry: CatalogEntry) -> dict[str, Any]:
    """The policy-file form of a user-defined type, for ``config show``."""
    document: dict[str, Any] = {"terraform_type": entry.terraform_type}
    if entry.pulumi_type:
        document["pulumi_type"] = entry.pulumi_type
    document["platform"] = entry.platform
    document["models"] = [
        {
            key: value
            for key, value in vars(location).items()
            if value is not None and not (key == "form" and value == "id")
        }
        for location in entry.models
    ]
    if entry.tags is None:
        document["tags"] = None
    else:
        document["tags"] = {
            key: value
            for key, value in vars(entry.tags).items()
            if value not in (None, False)
            and key not in ("body", "since_api_version")
            and not (key == "pulumi_shape" and value == "map")
        }
    document["source"] = entry.source
    return document


def with_user_types(catalog: Catalog, entries: tuple[CatalogEntry, ...]) -> Catalog:
    if not entries:
        return catalog
    return Catalog(as_of=catalog.as_of, entries=catalog.entries + entries)
