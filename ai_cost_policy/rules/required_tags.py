"""CKV_AICOST_1: every required cost-allocation tag is present with an allowed value."""

from __future__ import annotations

from ai_cost_policy.policy.model import Policy, TagRequirement
from ai_cost_policy.resource import AIResource, Tag, TagSet
from ai_cost_policy.rules.base import (
    NOT_APPLICABLE,
    SATISFIED,
    UNKNOWN,
    VIOLATED,
    Outcome,
    Rule,
)
from ai_cost_policy.rules.tags import (
    display_value,
    key_for,
    near_misses,
    provenance,
    untaggable,
    visible,
)
from ai_cost_policy.values import Known

ON_DEMAND_NOTE = (
    "note: tags on this resource do not attribute Bedrock on-demand token spend; "
    "invoke the model through a tagged application inference profile for that"
)


def _problem(requirement: TagRequirement, tag: Tag, noun: str) -> str | None:
    if not isinstance(tag.value, Known):
        return None
    value = str(tag.value.value)
    if value == "":
        return f"{noun} '{tag.key}' is empty"
    if requirement.allowed is not None and value not in requirement.allowed:
        allowed = ", ".join(requirement.allowed)
        return f"{noun} '{tag.key}' has {display_value(tag)}, not one of {allowed}"
    matched = requirement.matches(value)
    if matched is None:
        return (
            f"{noun} '{tag.key}': the pattern '{requirement.pattern.pattern}' took "
            "too long on its value; simplify the pattern (nested repeats)"
        )
    if not matched:
        return (
            f"{noun} '{tag.key}' has {display_value(tag)}, which does not match "
            f"'{requirement.pattern.pattern}'"
        )
    return None


def _through_profile(resource: AIResource) -> bool:
    """Whether every model is invoked through an inference profile in view."""
    return bool(resource.models) and all(
        " via aws_bedrock_inference_profile." in slot.attribute
        for slot in resource.models
    )


def _missing(key: str, tags: TagSet, noun: str) -> str:
    problem = f"required {noun} '{key}' is missing"
    guesses = near_misses(key, tags)
    if guesses:
        found = ", ".join(f"'{guess}'" for guess in guesses)
        problem += f"; found {found}: did you mean '{key}'?"
    return problem


class RequiredCostTags(Rule):
    id = "CKV_AICOST_1"
    pulumi_name = "ai-required-cost-tags"
    title = "AI resource carries every required cost-allocation tag"
    why = (
        "Cloud bills split AI spend by tag. An AI resource without its cost-center "
        "and owner tags lands in an unallocated bucket that nobody answers for."
    )
    fix = (
        "Add the missing tags to the resource's `tags`, or to the provider's "
        "`default_tags` so every resource of that provider carries them."
    )
    limits = (
        "Tag keys are case-sensitive: `Owner` does not satisfy `owner` (the message "
        "names such near misses).",
        "From HCL, variables come from defaults, `terraform.tfvars`, "
        "`*.auto.tfvars`, `--var-file` and `--var` of `ai-cost-policy scan`; "
        "`TF_VAR_*` environment variables are not read, and the Checkov checks "
        "do not see Checkov's own `--var-file`.",
        "Module outputs and data sources are unknown from HCL; scan the plan to "
        "judge them with real values.",
        'A provider\'s `dynamic "default_tags"` block counts when its `for_each` '
        "is known from the code; otherwise the default tags are unknown and "
        "`unknown:` decides.",
    )

    def evaluate(self, resource: AIResource, policy: Policy) -> Outcome:
        if resource.tags is None:
            return Outcome(NOT_APPLICABLE, untaggable(resource))
        tags = resource.tags
        noun = "label" if tags.labels else "tag"
        present = visible(tags)
        problems: list[str] = []
        unknowns: list[str] = []
        waved: list[str] = []
        keys_at_fault: list[str] = []

        for requirement in policy.required_tags:
            key = key_for(requirement.key, tags)
            tag = present.get(key)
            if tag is None and tags.hidden:
                hidden = ", ".join(part.describe() for part in tags.hidden)
                unknowns.append(f"required {noun} '{key}' may come from {hidden}")
            elif tag is None:
                problems.append(_missing(key, tags, noun))
                keys_at_fault.append(key)
            elif isinstance(tag.value, Known):
                problem = _problem(requirement, tag, noun)
                if problem:
                    problems.append(problem)
                    keys_at_fault.append(key)
            elif requirement.constrained:
                unknowns.append(f"{noun} '{key}' is {display_value(tag)}")
            else:
                waved.append(
                    f"{noun} '{key}' is {display_value(tag)}; it has no value "
                    "constraint, so being present is enough"
                )

        details = [provenance(tags), *waved]
        if resource.entry.on_demand_invocation and not _through_profile(resource):
            details.append(ON_DEMAND_NOTE)
        if problems:
            named = ", ".join(f"'{key}'" for key in keys_at_fault)
            details.append(
                f"fix: set {named} on the resource or in its provider's default "
                f"{noun}s, with a value the policy allows"
            )
            return Outcome(VIOLATED, "; ".join(problems), tuple(details))
        if unknowns:
            return Outcome(UNKNOWN, "; ".join(unknowns), tuple(details))
        keys = ", ".join(req.key for req in policy.required_tags) or "none"
        return Outcome(SATISFIED, f"required {noun}s present: {keys}", tuple(details))
