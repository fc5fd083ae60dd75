"""The neutral AI resource every engine adapter produces and every rule consumes."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from ai_cost_policy.catalog import CatalogEntry
from ai_cost_policy.values import Known, Unknown, Value


@dataclass(frozen=True)
class Tag:
    """One effective tag and where it came from, for messages that point at the fix."""

    key: str
    value: Known | Unknown
    source: str
    # The value is sensitive; with ``key_sensitive`` the key is too (a map that
    # is sensitive as a whole): rules compare both, no output shows either.
    sensitive: bool = False
    key_sensitive: bool = False


@dataclass(frozen=True)
class TagSet:
    """The effective tags (or GCP labels) of a resource as far as they can be seen.

    ``hidden`` lists the parts whose *keys* cannot be seen (``tags = var.tags`` with
    no value, a ``merge()`` argument that is unknown, a plan's ``tags_all`` known only
    after apply). A required key that is not in ``tags`` may be in one of them, so
    the rules treat it as unknown rather than missing.
    """

    tags: Mapping[str, Tag]
    hidden: tuple[Unknown, ...] = ()
    attribute: str = "tags"
    labels: bool = False


@dataclass(frozen=True)
class ModelSlot:
    """One place on the resource that names a model, with the value as written.

    ``reference`` is the address of the resource the value refers to, when it is an
    expression such as ``aws_bedrock_inference_profile.support.arn``; linking
    replaces the slot by that resource's models when it is in view.
    """

    attribute: str
    written: Value
    sensitive: bool = False
    platform: str | None = None
    form: str = "id"
    reference: str | None = None


@dataclass(frozen=True)
class AIResource:
    address: str
    entry: CatalogEntry
    engine: str
    file: str | None
    line: int | None
    tags: TagSet | None
    models: tuple[ModelSlot, ...]
    urn: str | None = None
    notes: tuple[str, ...] = field(default=())
    # The resource that carries the cost of one that cannot be tagged: the address
    # its parent attribute refers to, and (after linking) whether it is in view.
    parent_reference: str | None = None
    parent_in_view: bool = False
    # Models of untaggable children whose cost this resource carries.
    attributed_models: tuple[ModelSlot, ...] = ()
    # The catalog's cost attributes as read from the resource (concrete path ->
    # value, Unknown, or SENSITIVE); None where the adapter does not read them.
    cost_attributes: Mapping[str, Any] | None = None

    @property
    def platform(self) -> str:
        return self.entry.platform

    @property
    def resource_type(self) -> str:
        return self.entry.terraform_type
