"""CKV_AICOST_2: the model a resource uses is approved and not denied."""

from __future__ import annotations

from fnmatch import fnmatchcase

from ai_cost_policy.models import CanonicalModel
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


def matches(canonical: str, patterns: tuple[str, ...]) -> str | None:
    for pattern in patterns:
        if fnmatchcase(canonical.lower(), pattern.lower()):
            return pattern
    return None


def _fix(model: CanonicalModel, platform: str) -> str:
    if model.sensitive:
        return f"fix: use an approved model, or approve it in models.{platform}"
    if model.canonical and model.canonical.endswith("@"):
        return (
            "fix: pin the model version to an approved one (an unversioned "
            "deployment floats to whatever is the default), or approve "
            f"'{model.canonical}*' in models.{platform}.approved"
        )
    return (
        f"fix: use an approved model, or get '{model.canonical}' added to "
        f"models.{platform}.approved"
    )


class ApprovedModel(Rule):
    id = "CKV_AICOST_2"
    pulumi_name = "ai-approved-model"
    title = "The model the AI resource uses is approved"
    why = (
        "Models differ in price per token by two orders of magnitude. A model that "
        "nobody approved is a cost, contract and data-handling decision taken "
        "silently in a pull request."
    )
    fix = (
        "Use a model on the platform's `approved` list, or get the model added to "
        "`models.<platform>.approved` in ai-cost-policy.yaml."
    )
    limits = (
        "An application inference profile or provisioned-model ARN does not name "
        "its model; such a model is unknown and the policy's `unknown:` decides.",
        "A platform without an `approved` list is not governed: the rule passes "
        "and says so.",
    )

    def evaluate(self, resource: AIResource, policy: Policy) -> Outcome:
        view = read_models(resource)
        if view.empty:
            return Outcome(NOT_APPLICABLE, "no model is configured on this resource")
        problems: list[str] = []
        notes: list[str] = []
        fixes: tuple[str, ...] = ()

        for model in view.models:
            if model.canonical is None:
                continue
            # A model is judged on its own platform: a Hugging Face model deployed
            # through Vertex is governed by the huggingface list.
            approved = policy.approved.get(model.platform)
            denied_by = matches(model.canonical, policy.denied)
            if denied_by:
                problems.append(f"model {describe(model)} is denied by '{denied_by}'")
                fixes += (
                    "fix: use another model; models.denied forbids this one "
                    "on every platform",
                )
            elif approved is None:
                notes.append(
                    f"model {describe(model)}: platform '{model.platform}' is not "
                    "governed (no approved list in the policy)"
                )
            elif not matches(model.canonical, approved):
                problems.append(
                    f"model {describe(model)} is not approved for "
                    f"{model.platform} (approved: {', '.join(approved) or 'none'})"
                )
                fixes += (_fix(model, model.platform),)
            else:
                notes.append(f"model {describe(model)} is approved")

        if problems:
            return Outcome(VIOLATED, "; ".join(problems), fixes, view.models)
        if view.unknowns:
            return Outcome(UNKNOWN, "; ".join(view.unknowns), models=view.models)
        return Outcome(SATISFIED, "; ".join(notes), models=view.models)
