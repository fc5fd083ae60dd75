"""Remediation for ai-model-cost-tag: add the missing model tag, and nothing else.

When the policy runs at the ``remediate`` level, the engine calls Remediate before
Analyze, and Analyze then judges the remediated inputs. The model tag (GCP label)
is added to the resource's own tags with the canonical ID of every model the
resource runs, separated by spaces, or in label-safe form joined by ``__`` on GCP.

The inputs are left untouched wherever a guess would be needed: the model tag is
there already (right or wrong, that is for a person to fix), a model is unknown,
opaque or secret, the tags map is unknown or secret, or the value would not fit a
tag or label. Other tags' values, secret or unknown, are copied as they are.

Remediate hands the raw inputs: secrets as ``pulumi_policy.Secret``, unknowns as the
engine's sentinel strings, no proxy that raises. Nothing here may raise: an
exception in a remediation fails the whole preview.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import ai_cost_pack as pack

from ai_cost_policy.linking import link
from ai_cost_policy.policy import PolicyError
from ai_cost_policy.pulumi_inputs import Secret, is_unknown, resolve
from ai_cost_policy.resource import AIResource
from ai_cost_policy.rules.model_slots import read_models
from ai_cost_policy.rules.model_tag import model_tag_value
from ai_cost_policy.rules.tags import LABEL_LENGTH, key_for, visible

TAG_VALUE_LENGTH = 256  # AWS and Azure


def _raw(value: Any) -> Any:
    """The object behind pulumi-policy's secret-preserving proxies."""
    try:
        target = value["__target"]
    except Exception:  # noqa: BLE001 - not a proxy
        return value
    return target if isinstance(target, (dict, list)) else value


def _readable(value: Any) -> Any:
    """Plain values for the resolver, pulumi-policy's secrets as the core's marks."""
    from pulumi_policy import Secret as PolicySecret

    value = _raw(value)
    if isinstance(value, PolicySecret):
        return Secret(_readable(value.value))
    if isinstance(value, Mapping):
        return {str(key): _readable(item) for key, item in value.items()}
    if isinstance(value, (list, tuple)):
        return [_readable(item) for item in value]
    return value


def _model_tag(resource: AIResource, policy: Any) -> tuple[str, str] | None:
    """(key, value) to add, or None where remediation would have to guess."""
    tags = resource.tags
    if policy.model_tag is None or tags is None or tags.hidden:
        return None
    key = key_for(policy.model_tag, tags)
    if key in visible(tags):
        return None
    view = read_models(resource, attributed=True)
    if not view.models or view.unknowns:
        return None
    if any(model.canonical is None or model.sensitive for model in view.models):
        return None
    value = model_tag_value(view.models, tags.labels)
    limit = LABEL_LENGTH if tags.labels else TAG_VALUE_LENGTH
    if not value or len(value) > limit:
        return None
    return key, value


def remediate(args: Any) -> dict[str, Any] | None:
    """New inputs with the model tag added, or None to leave them; never raises."""
    try:
        return _remediate(args)
    except Exception as error:  # noqa: BLE001 - an exception fails the preview
        pack.internal_error(error)
        return None


def _remediate(args: Any) -> dict[str, Any] | None:
    settings = pack.Settings.of(args.get_config())
    policy = pack.policy_or_error(settings)
    if isinstance(policy, PolicyError):
        return None
    inputs = _raw(args.props)
    if not isinstance(inputs, dict):
        return None

    provider = None
    if args.provider is not None:
        provider = pack.snapshot_provider(args.provider)
    # Analyze counts stack tags when the policy says so; a model tag that comes
    # from them is there already, so remediation must see them too.
    stack_tags = None
    if policy.from_stack_tags:
        stack_tags = {
            str(key): str(value)
            for key, value in (getattr(args, "stack_tags", None) or {}).items()
        }
    resource = resolve(
        str(args.resource_type),
        str(args.name),
        str(args.urn),
        _readable(inputs),
        provider,
        policy.catalog(),
        stack_tags,
    )
    if resource is None or resource.tags is None or resource.entry.tags is None:
        return None
    where = resource.entry.tags.pulumi
    if not where or not where.isidentifier():
        return None  # tags nested inside another input: not rewritten
    found = _model_tag(link([resource])[0], policy)
    if found is None:
        return None
    key, value = found
    own = _raw(inputs.get(where))

    if resource.entry.tags.pulumi_shape == "list":
        # aws-native's `[{key, value}]` tags: append in the same shape.
        own = [] if own is None else own
        if not isinstance(own, list):
            return None
        items = [_raw(item) for item in own]
        if any(not isinstance(item, dict) for item in items):
            return None
        return {**inputs, where: [*items, {"key": key, "value": value}]}
    own = {} if own is None else own
    if not isinstance(own, dict) or any(is_unknown(item) for item in own):
        return None  # unknown, secret, or not a map at all
    return {**inputs, where: {**own, key: value}}
