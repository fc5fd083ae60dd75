"""Resolve what one AI resource says about another, within what is in view.

Two links matter for cost: a model written as a reference to another resource (an
agent invoking ``aws_bedrock_inference_profile.support.arn``, an endpoint
configuration naming ``aws_sagemaker_model.llm.name``) runs that resource's models;
and a resource that cannot be tagged (an Azure OpenAI deployment) has its cost
carried by the resource its parent attribute names, whose model tag must then name
the child's models too. Both are engine-neutral: every adapter records the
references, this module follows them.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import replace

from ai_cost_policy.resource import AIResource, ModelSlot
from ai_cost_policy.values import Unknown

MAX_DEPTH = 8


def _not_in_view(slot: ModelSlot) -> ModelSlot:
    if slot.form != "reference":
        return slot
    written = slot.written
    expression = written.expression if isinstance(written, Unknown) else slot.attribute
    target = slot.reference or "a resource"
    return replace(
        slot,
        written=Unknown(expression, f"it refers to {target}, which is not in view"),
    )


def _resolved_models(
    resource: AIResource,
    by_address: dict[str, AIResource],
    depth: int = 0,
) -> tuple[ModelSlot, ...]:
    slots: list[ModelSlot] = []
    for slot in resource.models:
        target = by_address.get(slot.reference or "")
        if target is None or target is resource or depth >= MAX_DEPTH:
            slots.append(_not_in_view(slot))
            continue
        for model in _resolved_models(target, by_address, depth + 1):
            through = f"{target.address}.{model.attribute}"
            slots.append(
                replace(
                    model,
                    attribute=f"{slot.attribute} via {through}",
                    sensitive=model.sensitive or slot.sensitive,
                )
            )
    return tuple(slots)


def link(resources: Iterable[AIResource]) -> list[AIResource]:
    """The same resources with references followed and child costs attributed."""
    resources = list(resources)
    by_address = {resource.address: resource for resource in resources}
    linked = [
        replace(resource, models=_resolved_models(resource, by_address))
        for resource in resources
    ]
    by_address = {resource.address: resource for resource in linked}

    children: dict[str, list[ModelSlot]] = {}
    for resource in linked:
        if resource.tags is None and resource.parent_reference in by_address:
            children.setdefault(resource.parent_reference, []).extend(
                replace(slot, attribute=f"{resource.address}: {slot.attribute}")
                for slot in resource.models
            )
    return [
        replace(
            resource,
            parent_in_view=resource.parent_reference in by_address,
            attributed_models=tuple(children.get(resource.address, ())),
        )
        for resource in linked
    ]
