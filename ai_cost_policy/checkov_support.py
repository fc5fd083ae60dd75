"""What the Checkov checks ask the core, kept free of any Checkov import.

Checkov calls a check once per resource; resolving the whole root module (or plan)
each time would be quadratic, so the analysis is cached per directory or plan file,
keyed by the files' modification times so that a long-lived process sees edits.
"""

from __future__ import annotations

import sys
from dataclasses import dataclass
from pathlib import Path

from ai_cost_policy.catalog import load_catalog
from ai_cost_policy.engine import evaluate_rule
from ai_cost_policy.policy import Policy, PolicyError, find_policy
from ai_cost_policy.resource import AIResource, ModelSlot, TagSet
from ai_cost_policy.rules import Finding
from ai_cost_policy.terraform.module import resolve_root_module, tf_files
from ai_cost_policy.terraform.plan import PlanError, load_plan, resources_from_plan
from ai_cost_policy.values import Unknown

_announced: set[str] = set()


@dataclass
class Verdicts:
    engine: str
    policy: Policy | None
    problem: str | None
    resources: dict[str, AIResource]

    def finding(self, rule_id: str, address: str, resource_type: str) -> Finding:
        entries = load_catalog().for_terraform_type(resource_type)
        if not entries:
            raise LookupError(f"{resource_type} is not in the catalog")
        resource = self.resources.get(address)
        policy = self.policy
        reason = self.problem or "ai-cost-policy could not resolve this resource"
        if policy is None:
            return self._verdict(rule_id, address, entries[0], "failed", reason)
        if resource is None and self.problem is None:
            if all(entry.match is not None for entry in entries):
                # A generic type (azapi_resource) whose `type` is not an AI one.
                return self._verdict(
                    rule_id,
                    address,
                    entries[0],
                    "not-applicable",
                    f"this {resource_type} is not of an AI resource type in the "
                    "catalog",
                )
        if resource is None:
            resource = _unresolved(address, entries[0], self.engine, reason)
        return evaluate_rule(rule_id, resource, policy)

    def _verdict(
        self, rule_id: str, address: str, entry, verdict: str, message: str
    ) -> Finding:
        return Finding(
            rule=rule_id,
            policy_name="",
            resource=address,
            resource_type=entry.terraform_type,
            engine=self.engine,
            file=None,
            line=None,
            verdict=verdict,
            severity="HIGH",
            platform=entry.platform,
            models=(),
            message=message,
        )


def _unresolved(address: str, entry, engine: str, reason: str) -> AIResource:
    unknown = Unknown(address, reason)
    return AIResource(
        address=address,
        entry=entry,
        engine=engine,
        file=None,
        line=None,
        tags=TagSet({}, (unknown,)) if entry.tags else None,
        models=tuple(ModelSlot(loc.terraform, unknown) for loc in entry.models),
    )


def _policy_for(path: Path) -> tuple[Policy | None, str | None]:
    try:
        policy, announcement = find_policy([path])
    except PolicyError as error:
        return None, f"invalid ai-cost-policy policy: {error}"
    if announcement and announcement not in _announced:
        _announced.add(announcement)
        print(announcement, file=sys.stderr)
    return policy, None


def _stamp(paths: list[Path]) -> tuple[tuple[str, int], ...]:
    return tuple((str(path), path.stat().st_mtime_ns) for path in paths)


_cache: dict[tuple, Verdicts] = {}


def analysis_for_root_module(directory: Path) -> Verdicts:
    directory = directory.resolve()
    key = ("terraform", str(directory), _stamp(tf_files(directory)))
    if key not in _cache:
        policy, problem = _policy_for(directory)
        catalog = policy.catalog() if policy is not None else None
        result = resolve_root_module(directory, catalog=catalog)
        if result.errors and problem is None:
            problem = "; ".join(str(error) for error in result.errors)
        _cache[key] = Verdicts(
            "terraform",
            policy,
            problem,
            {resource.address: resource for resource in result.resources},
        )
    return _cache[key]


def analysis_for_plan(path: Path) -> Verdicts:
    path = path.resolve()
    key = ("terraform_plan", str(path), _stamp([path]))
    if key not in _cache:
        policy, problem = _policy_for(path.parent)
        resources: dict[str, AIResource] = {}
        try:
            plan = load_plan(path)
            if plan is not None:
                catalog = policy.catalog() if policy else None
                resources = {
                    resource.address: resource
                    for resource in resources_from_plan(plan, str(path), catalog)
                }
        except PlanError as error:
            problem = str(error)
        _cache[key] = Verdicts("terraform_plan", policy, problem, resources)
    return _cache[key]
