"""Scan paths: find Terraform root modules and plans, resolve, evaluate.

Nothing is skipped silently: a file that cannot be read or parsed is an error (the
scan exits 2 and still reports the rest), and what is deliberately left alone
(Terraform's and git's own folders, links to directories, JSON that is not a plan)
is either obvious or said in a note.
"""

from __future__ import annotations

import codecs
import json
import stat
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from ai_cost_policy.catalog import load_catalog
from ai_cost_policy.engine import evaluate, sort_findings
from ai_cost_policy.policy import Policy, PolicyError
from ai_cost_policy.resource import AIResource
from ai_cost_policy.rules import Finding
from ai_cost_policy.terraform.module import (
    Assignment,
    display_path,
    resolve_root_module,
    walk_tree,
)
from ai_cost_policy.terraform.plan import PlanError, load_plan, resources_from_plan

# How much of a JSON file is read at a time to tell whether it is a Terraform plan.
PLAN_SNIFF_BYTES = 1024 * 1024


@dataclass(frozen=True)
class ScanError:
    file: str
    message: str


# The policy of a root module or plan, by its path; raises PolicyError when the
# policy file that governs it cannot be used.
PolicyFor = Callable[[Path], Policy]


@dataclass
class ScanResult:
    findings: list[Finding] = field(default_factory=list)
    resources: list[AIResource] = field(default_factory=list)
    errors: list[ScanError] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    # Each policy that judged part of the scan, with the resources it judged.
    judged: list[tuple[Policy, list[AIResource]]] = field(default_factory=list)

    def add(self, policy: Policy, resources: Sequence[AIResource]) -> None:
        self.resources.extend(resources)
        for known, judged in self.judged:
            if known is policy:
                judged.extend(resources)
                return
        self.judged.append((policy, list(resources)))

    def error(self, file: str, message: str) -> None:
        if ScanError(file, message) not in self.errors:
            self.errors.append(ScanError(file, message))

    def note(self, message: str) -> None:
        if message not in self.notes:
            self.notes.append(message)


@dataclass
class _Found:
    directories: list[Path] = field(default_factory=list)
    plans: list[Path] = field(default_factory=list)


def _walk(root: Path, result: ScanResult) -> _Found:
    """Directories holding ``.tf`` files and plan-looking JSON files below ``root``.

    Links to directories are not followed (no loops, no scanning outside the tree:
    a note says so), and Terraform's and git's own folders are skipped: they hold
    provider and module copies, not the code under review.
    """
    found = _Found()

    def unreadable(error: OSError) -> None:
        where = display_path(Path(error.filename or root))
        result.error(where, f"cannot read directory: {error.strerror}")

    for here, linked, files in walk_tree(root, onerror=unreadable):
        for name in linked:
            result.note(
                f"{display_path(here / name)}: a link to a directory is not "
                "followed; scan its target directly"
            )
        if any(name.endswith((".tf", ".tf.json")) for name in files):
            found.directories.append(here)
        found.plans.extend(
            here / name
            for name in files
            if name.endswith(".json") and _looks_like_plan(here / name, result)
        )
    return found


def _looks_like_plan(path: Path, result: ScanResult) -> bool:
    """Whether a JSON file met during a walk should be read as a plan.

    Repositories hold many JSON files that are not plans (and some that are not
    even valid JSON, such as tsconfig.json with comments); only one that names a
    plan's keys is a plan, and then every problem with it is an error. The keys are
    looked for in the file's own encoding (PowerShell writes UTF-16) and through
    the whole file: `variables` come before `planned_values` and can be long.
    """
    keys = {b'"format_version"', b'"planned_values"'}
    try:
        if not stat.S_ISREG(path.stat().st_mode):
            return False
        with path.open("rb") as handle:
            head = handle.read(PLAN_SNIFF_BYTES)
            encoding = json.detect_encoding(head)
            if encoding != "utf-8" and not head.startswith(codecs.BOM_UTF8):
                # Rare; read it whole, as the plan loader would.
                text = (head + handle.read()).decode(encoding, errors="replace")
                return all(key.decode() in text for key in keys)
            seen: set[bytes] = set()
            # Each chunk keeps the previous one's tail, so a key is never split.
            tail = b""
            while head and seen != keys:
                window = tail + head
                seen |= {key for key in keys if key in window}
                tail = window[-32:]
                head = handle.read(PLAN_SNIFF_BYTES)
    except OSError as error:
        result.error(display_path(path), f"cannot read file: {error.strerror}")
        return False
    # A state file (`terraform show -json` of a state) has `values`, not
    # `planned_values`: it is not a plan and not an error.
    return seen == keys


def _scan_plan(path: Path, result: ScanResult, policy: Policy) -> None:
    shown = display_path(path)
    try:
        plan = load_plan(path)
        if plan is None:
            result.error(
                shown,
                "not a Terraform plan (no format_version and planned_values); "
                "make one with terraform show -json",
            )
            return
        result.add(policy, resources_from_plan(plan, shown, policy.catalog()))
    except PlanError as error:
        result.error(shown, error.message)


def _root_modules(
    directories: Sequence[Path],
    policy_for: PolicyFor,
    result: ScanResult,
    assignments: Sequence[Assignment],
) -> None:
    policies: dict[Path, Policy | PolicyError] = {}
    resolved = {}
    for directory in directories:
        try:
            policy: Policy | PolicyError = policy_for(directory)
        except PolicyError as error:
            policy = error
        policies[directory] = policy
        # Under a policy that cannot be used, still resolved with the built-in
        # catalog: which modules it calls decides what is judged through it.
        catalog = (
            load_catalog() if isinstance(policy, PolicyError) else policy.catalog()
        )
        resolved[directory] = resolve_root_module(directory, assignments, catalog)
    # A directory that another scanned directory calls as a local module is judged
    # through its caller (with the caller's inputs, providers and policy), not on
    # its own; its own policy file governs nothing in this scan.
    called = {path for module in resolved.values() for path in module.module_dirs}
    unjudged: dict[PolicyError, list[str]] = {}
    for directory, module in sorted(resolved.items()):
        if directory in called:
            continue
        policy = policies[directory]
        if isinstance(policy, PolicyError):
            unjudged.setdefault(policy, []).append(display_path(directory))
        else:
            result.add(policy, module.resources)
        for note in module.notes:
            result.note(note)
        for error in module.errors:
            where = f"line {error.line}: " if error.line else ""
            result.error(error.file, where + error.message)
    _unusable_policies(unjudged, result)


def _governed(
    paths: Sequence[Path], policy_for: PolicyFor, result: ScanResult
) -> dict[Path, Policy]:
    """Each path with its policy; a path whose policy file is invalid is an error."""
    governed: dict[Path, Policy] = {}
    unjudged: dict[PolicyError, list[str]] = {}
    for path in paths:
        try:
            governed[path] = policy_for(path)
        except PolicyError as error:
            unjudged.setdefault(error, []).append(display_path(path))
    _unusable_policies(unjudged, result)
    return governed


def _unusable_policies(
    unjudged: dict[PolicyError, list[str]], result: ScanResult
) -> None:
    """An error per policy file that cannot be used, naming what it left unjudged.

    The error names the policy file, the line and the key, and which roots or
    plans were not judged because of it: nothing is left out silently.
    """
    for error, skipped in unjudged.items():
        where = f"line {error.line}: " if error.line else ""
        key = f"{error.key}: " if error.key else ""
        result.error(
            error.file,
            f"{where}{key}{error.message}; not judged under this policy file: "
            + ", ".join(skipped),
        )


def scan_paths(
    paths: Sequence[Path],
    policy: Policy | PolicyFor,
    assignments: Sequence[Assignment] = (),
) -> ScanResult:
    """Judge the Terraform code and plans in ``paths``.

    ``policy`` is one policy for everything, or a lookup that gives each root
    module and plan its own (``PolicyLookup``).
    """
    policy_for: PolicyFor = (
        (lambda _path: policy) if isinstance(policy, Policy) else policy
    )
    result = ScanResult()
    directories: list[Path] = []
    plans: list[Path] = []
    for path in paths:
        if not path.exists():
            reason = (
                "a broken link" if path.is_symlink() else "no such file or directory"
            )
            result.error(str(path), reason)
        elif path.is_dir():
            found = _walk(path, result)
            directories += found.directories
            plans += found.plans
        elif path.name.endswith((".tf", ".tf.json")):
            directories.append(path.parent)
        else:
            plans.append(path)

    unique_plans = sorted({plan.resolve(): plan for plan in plans}.items())
    governed_plans = _governed([plan for _, plan in unique_plans], policy_for, result)
    for plan, plan_policy in governed_plans.items():
        _scan_plan(plan, result, plan_policy)
    unique = sorted({directory.resolve() for directory in directories})
    _root_modules(unique, policy_for, result, assignments)
    if assignments and not unique:
        result.note("--var and --var-file apply to Terraform code; no code was scanned")

    findings: list[Finding] = []
    for judging, resources in result.judged:
        findings += evaluate(resources, judging)
        # Only where a model is configured: a resource without one passes no model.
        used = {resource.platform for resource in resources if resource.models}
        for platform in sorted(used):
            if not judging.governs(platform):
                result.note(
                    f"platform '{platform}' is not governed by the policy "
                    f"{_named(judging, result)}(no models.{platform}.approved "
                    f"list): any {platform} model passes CKV_AICOST_2"
                )
    result.findings = sort_findings(findings)
    if len(result.judged) > 1:
        # Several policy files judged this scan: say which, so it can be audited.
        for judging, resources in result.judged:
            count = len(resources)
            result.note(
                f"policy {judging.source} judged {count} AI resource"
                + ("s" if count != 1 else "")
            )
    if not result.resources and not result.errors:
        result.note("no AI resources found in the scanned paths")
    return result


def _named(policy: Policy, result: ScanResult) -> str:
    """The policy's source, where more than one policy judged the scan."""
    return f"{policy.source} " if len(result.judged) > 1 else ""
