"""The catalog of AI resource types, loaded from ``data/catalog.yaml``."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache, lru_cache
from importlib.resources import files

import yaml


@dataclass(frozen=True)
class ModelLocation:
    terraform: str
    pulumi: str


@dataclass(frozen=True)
class TagLocation:
    terraform: str
    plan: str
    pulumi: str
    provider_defaults: str | None


@dataclass(frozen=True)
class CatalogEntry:
    terraform_type: str
    pulumi_type: str
    platform: str
    models: tuple[ModelLocation, ...]
    tags: TagLocation | None
    on_demand_invocation: bool
    source: str


@dataclass(frozen=True)
class Catalog:
    as_of: str
    entries: tuple[CatalogEntry, ...]

    def by_terraform_type(self, terraform_type: str) -> CatalogEntry | None:
        return _index(self, "terraform_type").get(terraform_type)

    def by_pulumi_type(self, pulumi_type: str) -> CatalogEntry | None:
        return _index(self, "pulumi_type").get(pulumi_type)

    @property
    def terraform_types(self) -> tuple[str, ...]:
        return tuple(entry.terraform_type for entry in self.entries)

    @property
    def pulumi_types(self) -> tuple[str, ...]:
        return tuple(entry.pulumi_type for entry in self.entries)


@cache
def _index(catalog: Catalog, attribute: str) -> dict[str, CatalogEntry]:
    return {getattr(entry, attribute): entry for entry in catalog.entries}


def _entry(raw: dict) -> CatalogEntry:
    tags = raw.get("tags")
    return CatalogEntry(
        terraform_type=raw["terraform_type"],
        pulumi_type=raw["pulumi_type"],
        platform=raw["platform"],
        models=tuple(ModelLocation(**model) for model in raw.get("models", ())),
        tags=TagLocation(**tags) if tags else None,
        on_demand_invocation=bool(raw.get("on_demand_invocation", False)),
        source=raw["source"],
    )


@lru_cache(maxsize=1)
def load_catalog() -> Catalog:
    text = (files("ai_cost_policy") / "data" / "catalog.yaml").read_text("utf-8")
    raw = yaml.safe_load(text)
    return Catalog(
        as_of=str(raw["as_of"]),
        entries=tuple(_entry(item) for item in raw["resources"]),
    )
