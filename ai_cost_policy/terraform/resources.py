"""One Terraform resource block, evaluated, as the neutral AI resource.

The block is first evaluated into a plain document (attributes as values, nested
blocks as lists, like a plan's ``after``), so that the catalog's paths read HCL and
plan JSON the same way. Tags follow each provider family's own merge rule: AWS
``default_tags`` and Google ``default_labels`` merge under the resource's own,
azapi ``default_tags`` apply only to a resource that sets no tags at all.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from ai_cost_policy.attribute_paths import mark_below, walk
from ai_cost_policy.catalog import CatalogEntry, ModelLocation
from ai_cost_policy.models.canonical import SENSITIVE
from ai_cost_policy.resource import AIResource, ModelSlot, Tag, TagSet
from ai_cost_policy.terraform.expressions import (
    NUMBER_TOO_LARGE,
    Scope,
    evaluate,
    iteration_pairs,
)
from ai_cost_policy.terraform.hcl import Block
from ai_cost_policy.terraform.marks import any_marked, marks_at, split
from ai_cost_policy.terraform.numbers import PRECISION
from ai_cost_policy.values import Known, Unknown

DEFAULTS_NAME = {
    "aws": "default_tags",
    "google": "default_labels",
    "azapi": "default_tags",
}


@dataclass
class ProviderDefaults:
    """What one provider configuration adds to every resource that uses it."""

    name: str
    tags: Any
    where: str


# Nested dynamic blocks multiply: two elements at each of 40 levels would be 2**40
# blocks. Past this many in one resource, each further dynamic block stands for
# its blocks once, with an unknown iterator.
MAX_DYNAMIC_BLOCKS = 10_000


def dynamic_instances(
    block: Block, scope: Scope, budget: list[int] | None = None
) -> tuple[list[tuple[Block, Scope]], Unknown | None]:
    """The content blocks a ``dynamic`` block generates, each with its iterator.

    When the for_each cannot be resolved, or ``budget`` (the blocks still to be
    expanded) is spent, one content block stands for all those it may generate,
    with an unknown iterator, and the Unknown says why.
    """
    contents = block.nested("content")
    if not block.labels or not contents:
        return [], None
    node = block.attributes.get("iterator")
    name = block.source.snippet(node) if node is not None else block.labels[0]
    node = block.attributes.get("for_each")
    each = evaluate(node, scope, block.source) if node is not None else None
    written = block.source.snippet(node) if node is not None else "for_each"
    items = iteration_pairs(each, f"{name}.key")
    unknown = None
    if items is not None and budget is not None:
        budget[0] -= len(items)
        if budget[0] < 0:
            # The iterator is what the content reads: name it, with the cause.
            reason = (
                f'dynamic "{block.labels[0]}" is not expanded (for_each {written}): '
                f"ai-cost-policy expands at most {MAX_DYNAMIC_BLOCKS} dynamic blocks "
                "in one resource"
            )
            unknown = Unknown(written, reason)
            iterator = {
                "key": Unknown(f"{name}.key", reason),
                "value": Unknown(f"{name}.value", reason),
            }
            return [(contents[0], scope.iterating({name: iterator}))], unknown
    if items is None:
        unknown = (
            each
            if isinstance(each, Unknown)
            else Unknown(
                written,
                f'the for_each of dynamic "{block.labels[0]}" is not a list or map',
            )
        )
        items = [(unknown, unknown)]
    return [
        (contents[0], scope.iterating({name: {"key": key, "value": value}}))
        for key, value in items
    ], unknown


def _dynamic_default_tags(block: Block, scope: Scope, tags: Any) -> Any:
    instances, unknown = dynamic_instances(block, scope)
    where = 'dynamic "default_tags"'
    if unknown is not None:
        return Unknown(
            where,
            f"it applies only when its for_each {unknown.expression} is not empty; "
            f"{unknown.reason}",
        )
    if len(instances) > 1:
        return Unknown(where, "it gives more than one default_tags block")
    for content, inner in instances:
        node = content.attributes.get("tags")
        tags = evaluate(node, inner, block.source) if node is not None else tags
    return tags


def provider_defaults(block: Block, scope: Scope, key: str) -> ProviderDefaults:
    tags: Any = None
    for nested in block.blocks:
        if nested.kind == "default_tags" and "tags" in nested.attributes:
            tags = evaluate(nested.attributes["tags"], scope, block.source)
        elif nested.kind == "dynamic" and nested.labels[:1] == ("default_tags",):
            tags = _dynamic_default_tags(nested, scope, tags)
    for attribute in ("default_labels", "default_tags"):
        node = block.attributes.get(attribute)
        if node is not None:
            tags = evaluate(node, scope, block.source)
    return ProviderDefaults(key, tags, f"{block.source.path}:{block.line}")


def document(
    block: Block, scope: Scope, budget: list[int] | None = None
) -> dict[str, Any]:
    """The block as plain values: attributes evaluated, nested blocks as lists."""
    budget = [MAX_DYNAMIC_BLOCKS] if budget is None else budget
    values: dict[str, Any] = {
        name: evaluate(node, scope, block.source)
        for name, node in block.attributes.items()
        if name not in ("count", "for_each", "provider", "depends_on")
    }
    for nested in block.blocks:
        if nested.kind == "dynamic" and nested.labels:
            # Generated blocks sit among the static ones, where the dynamic one is.
            for content, inner in dynamic_instances(nested, scope, budget)[0]:
                _add_block(values, nested.labels[0], document(content, inner, budget))
        elif nested.kind != "lifecycle":
            _add_block(values, nested.kind, document(nested, scope, budget))
    return values


def _add_block(values: dict[str, Any], kind: str, nested: dict[str, Any]) -> None:
    blocks = values.setdefault(kind, [])
    if isinstance(blocks, list):
        blocks.append(nested)
    else:
        values[kind] = Unknown(kind, "it is written both as an attribute and a block")


def reference(value: Any, prefix: str) -> str | None:
    """The resource an unknown value refers to: ``aws_x.y.arn`` -> ``aws_x.y``."""
    if isinstance(value, Unknown) and value.reference:
        return f"{prefix}{value.reference}"
    return None


def _is_unknown(value: Any) -> bool:
    return isinstance(value, Unknown)


def _known(value: Any, expression: str) -> Known | Unknown:
    """A tag's or model's value as text, as Terraform would turn it into a string."""
    if isinstance(value, bool):
        return Known("true" if value else "false")
    if isinstance(value, (dict, list)):
        # Terraform rejects a list or a map where a string goes.
        return Unknown(expression, "the value is a list or map, not a string")
    if isinstance(value, int) and value.bit_length() > PRECISION:
        # From a JSON variable file, which may hold any integer; Terraform rounds
        # it, and Python refuses to print one of more than 4,300 digits.
        return Unknown(expression, NUMBER_TOO_LARGE)
    return Known("" if value is None else str(value))


def _written(found_value: Any, location: ModelLocation) -> Known | Unknown:
    if isinstance(found_value, Unknown):
        return found_value
    if location.form == "azure_parts" and isinstance(found_value, dict):
        for part in ("name", "version", "format"):
            if isinstance(found_value.get(part), Unknown):
                return found_value[part]
        return Known(found_value)
    if isinstance(found_value, (dict, list)):
        return Unknown(location.terraform, "the value is not a model ID")
    return _known(found_value, location.terraform)


def model_slots(
    entry: CatalogEntry, values: dict[str, Any], prefix: str, marks: Any = None
) -> tuple[ModelSlot, ...]:
    slots = []
    for location in entry.models:
        for found in walk(values, location.terraform, is_unknown=_is_unknown):
            slots.append(
                ModelSlot(
                    attribute=found.path,
                    written=_written(found.value, location),
                    # Any part sensitive hides it all: an Azure model's version.
                    sensitive=any_marked(marks_at(marks, found.path)),
                    platform=location.platform or entry.platform,
                    form=location.form,
                    reference=reference(found.value, prefix),
                )
            )
    return tuple(slots)


_VARIABLE = re.compile(r"\bvar\.([A-Za-z_][\w-]*)")


def _variable_origins(expression: str, origins: Mapping[str, str]) -> str:
    """``; var.team from terraform.tfvars``: where the tags' variables were set."""
    named = dict.fromkeys(_VARIABLE.findall(expression))
    said = [f"var.{name} from {origins[name]}" for name in named if name in origins]
    return f"; {', '.join(said)}" if said else ""


def _is_literal_map(node: Any) -> bool:
    while getattr(node, "data", None) == "expr_term" and len(node.children) == 1:
        node = node.children[0]
    return getattr(node, "data", None) == "object"


def _short(text: str, limit: int = 60) -> str:
    return text if len(text) <= limit else text[: limit - 3] + "..."


def _layer(
    value: Any, marks: Any, where: str, tags: dict[str, Tag], hidden: list[Unknown]
) -> None:
    if isinstance(value, Unknown):
        hidden.append(value)
        return
    if not isinstance(value, dict):
        return
    hidden.extend(getattr(value, "hidden", ()))
    for key, item in value.items():
        known = item if isinstance(item, Unknown) else _known(item, str(key))
        tags[str(key)] = Tag(
            str(key),
            known,
            where,
            sensitive=any_marked(mark_below(marks, key)),
            # A map sensitive as a whole hides its keys too.
            key_sensitive=marks is True,
        )


def tag_set(
    entry: CatalogEntry,
    block: Block,
    values: dict[str, Any],
    provider: ProviderDefaults | None,
    origins: Mapping[str, str] | None = None,
    marks: Any = None,
) -> TagSet | None:
    """The effective tags; ``marks`` says what is sensitive in ``values``."""
    location = entry.tags
    if location is None or not entry.carries_tags(entry.api_version(values)):
        return None
    node = block.attributes.get(location.terraform)
    line = block.line if node is None or node.meta.empty else node.meta.line
    own = values.get(location.terraform)
    own_marks = mark_below(marks, location.terraform)
    attribute = location.terraform
    where = f"{location.terraform} at {block.source.path}:{line}"
    if node is not None and not _is_literal_map(node):
        # `tags = merge(local.common, var.extra)`: say which expression built them.
        where += f" ({_short(block.source.snippet(node))})"
    if node is not None:
        where += _variable_origins(block.source.snippet(node), origins or {})
    if own is None and location.body:
        own, own_marks = next(
            (
                (found.value, marks_at(marks, found.path))
                for found in walk(values, location.body, is_unknown=_is_unknown)
            ),
            (None, None),
        )
        attribute, where = (
            location.body,
            f"{location.body} at {block.source.path}:{line}",
        )

    tags: dict[str, Tag] = {}
    hidden: list[Unknown] = []
    family = location.provider_defaults
    defaults = provider.tags if provider is not None and family else None
    merges = family in ("aws", "google")
    if defaults is not None and (merges or own is None):
        name = DEFAULTS_NAME.get(family or "", "defaults")
        _layer(
            *split(defaults),
            f"{name} of provider {provider.name} at {provider.where}",
            tags,
            hidden,
        )
        attribute += f" + provider {name}"
    if own is not None:
        _layer(own, own_marks, where, tags, hidden)
    return TagSet(tags, tuple(hidden), attribute, labels=location.labels)


def cost_attributes(
    entry: CatalogEntry, values: dict[str, Any], marks: Any = None
) -> dict[str, Any]:
    """The catalog's cost attributes as found: a value, an Unknown, or hidden."""
    found: dict[str, Any] = {}
    for path in entry.cost_attributes:
        for item in walk(values, path, is_unknown=_is_unknown):
            secret = any_marked(marks_at(marks, item.path))
            found[item.path] = SENSITIVE if secret else item.value
    return found


def build(
    entry: CatalogEntry,
    address: str,
    block: Block,
    values: dict[str, Any],
    provider: ProviderDefaults | None,
    prefix: str,
    scope: Scope | None = None,
) -> AIResource:
    origins = scope.origins if scope is not None else {}
    # Read like a plan: the values, and beside them where they are sensitive.
    values, marks = split(values)
    tags = tag_set(entry, block, values, provider, origins, marks)
    models = model_slots(entry, values, prefix, marks)
    parent = entry.cost_parent
    parent_reference = None
    if tags is None and parent is not None and parent.terraform:
        parent_reference = reference(values.get(parent.terraform), prefix)
    return AIResource(
        address=address,
        entry=entry,
        engine="terraform",
        file=block.source.path,
        line=block.line,
        tags=tags,
        models=models,
        parent_reference=parent_reference,
        cost_attributes=cost_attributes(entry, values, marks),
    )
