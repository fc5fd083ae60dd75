"""CKV_AICOST_3: the model-level cost tag names the model the resource really uses."""

from __future__ import annotations

import re

from ai_cost_policy.models import CanonicalModel, normalise
from ai_cost_policy.policy.model import Policy
from ai_cost_policy.resource import AIResource
from ai_cost_policy.rules.base import (
    NOT_APPLICABLE,
    SATISFIED,
    UNKNOWN,
    VIOLATED,
    Outcome,
    Rule,
)
from ai_cost_policy.rules.model_slots import describe, read_models
from ai_cost_policy.rules.tags import (
    display_value,
    key_for,
    label_safe,
    near_misses,
    provenance,
    untaggable,
    visible,
)
from ai_cost_policy.values import Known


def names(token: str, model: CanonicalModel, labels: bool = False) -> bool:
    """True when one word of the tag value names ``model``, with or without version."""
    if model.canonical is None:
        return False
    accepted = {model.canonical}
    if "@" in model.canonical:
        # The tag may name the model without its version: "gpt-4o" reads as
        # "gpt-4o@" on Azure and stays "claude-sonnet-4-5" on Vertex.
        unversioned = model.canonical.split("@", 1)[0]
        accepted |= {unversioned, unversioned + "@"}
    said = normalise(model.platform, token).canonical
    if labels:
        # A label cannot hold "/", "@" or ".", so both sides are compared as labels;
        # "gemini-2_5-flash" still names google/gemini-2.5-flash.
        written = {label_safe(token)} | ({label_safe(said)} if said else set())
        return bool(written & {label_safe(item) for item in accepted})
    return said in accepted


def model_tag_value(models: tuple[CanonicalModel, ...], labels: bool) -> str:
    """The value that names every model, as this rule reads it back."""
    names = list(dict.fromkeys(model.canonical for model in models if model.canonical))
    if labels:
        return "__".join(label_safe(name) for name in names)
    return " ".join(names)


def _fix(key: str, models: tuple[CanonicalModel, ...], labels: bool) -> str:
    if any(model.sensitive for model in models):
        return f"fix: set '{key}' to the IDs of the models used"
    return f"fix: set '{key}' to '{model_tag_value(models, labels)}'"


class ModelCostTag(Rule):
    id = "CKV_AICOST_3"
    pulumi_name = "ai-model-cost-tag"
    title = "The model-level cost tag names the model actually used"
    why = (
        "Cost reports group AI spend by the model tag. A tag that is missing, or "
        "names a different model than the one deployed, puts the spend of an "
        "expensive model under a cheap one."
    )
    fix = (
        "Set the model tag (`model_tag` in the policy, `ai-model` by default) to the "
        "model ID the resource uses; separate several models with spaces."
    )
    limits = (
        "The tag value is normalised like the model (geo prefix, ARN and context "
        "suffix removed), so `us.anthropic.claude-...` names "
        "`anthropic.claude-...`; a near neighbour never matches.",
        "An Azure or Vertex `@version` may be left out of the tag; a Bedrock ID "
        "must be given whole.",
        "A GCP label cannot hold spaces, `/`, `@` or `.`: it is compared in "
        "label-safe form (`gemini-2_5-flash`), and several models are joined with "
        "`__`. A label value Google would reject is not flagged here.",
    )

    def evaluate(self, resource: AIResource, policy: Policy) -> Outcome:
        if policy.model_tag is None:
            return Outcome(NOT_APPLICABLE, "the policy sets no model tag")
        if resource.tags is None:
            return Outcome(NOT_APPLICABLE, untaggable(resource))
        view = read_models(resource, attributed=True)
        if view.empty:
            return Outcome(NOT_APPLICABLE, "no model is configured on this resource")
        tags = resource.tags
        key = key_for(policy.model_tag, tags)
        kind = "label" if tags.labels else "tag"
        details: tuple[str, ...] = (provenance(tags),)
        if resource.attributed_models:
            details += (
                "it carries the cost of resources that cannot be tagged: "
                + ", ".join(
                    dict.fromkeys(
                        slot.attribute.split(": ", 1)[0]
                        for slot in resource.attributed_models
                    )
                ),
            )
        tag = visible(tags).get(key)

        if tag is None:
            if tags.hidden:
                hidden = ", ".join(part.describe() for part in tags.hidden)
                return Outcome(
                    UNKNOWN, f"model {kind} '{key}' may come from {hidden}", details
                )
            problem = f"model {kind} '{key}' is missing"
            guesses = near_misses(key, tags)
            if guesses:
                found = ", ".join(f"'{guess}'" for guess in guesses)
                problem += f"; found {found}: did you mean '{key}'?"
            used = ", ".join(describe(model) for model in view.models)
            if used:
                problem += f"; set it to the model used: {used}"
            return Outcome(VIOLATED, problem, details, view.models)
        if not isinstance(tag.value, Known):
            return Outcome(
                UNKNOWN,
                f"model {kind} '{key}' is {display_value(tag)}",
                details,
                view.models,
            )

        # Several models: separated by spaces, or by "__" in a GCP label, which
        # cannot hold a space.
        words = re.split(r"\s+|__" if tags.labels else r"\s+", str(tag.value.value))
        unnamed = [
            model
            for model in view.models
            if model.canonical is not None
            and not any(names(word, model, tags.labels) for word in words)
        ]
        if unnamed:
            return Outcome(
                VIOLATED,
                f"model {kind} '{key}' is {display_value(tag)} but the models used "
                "include " + ", ".join(describe(model) for model in unnamed),
                (*details, _fix(key, view.models, tags.labels)),
                view.models,
            )
        if view.unknowns:
            return Outcome(UNKNOWN, "; ".join(view.unknowns), details, view.models)
        return Outcome(
            SATISFIED,
            f"model {kind} '{key}' names the model used",
            details,
            view.models,
        )
