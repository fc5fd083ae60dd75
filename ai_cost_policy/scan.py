"""Scan paths: find Terraform root modules and plans, resolve, evaluate."""

from __future__ import annotations

import os
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from ai_cost_policy.catalog import Catalog
from ai_cost_policy.engine import evaluate
from ai_cost_policy.policy import Policy
from ai_cost_policy.resource import AIResource
from ai_cost_policy.rules import Finding
from ai_cost_policy.terraform.module import (
    SKIPPED_DIRECTORIES,
    display_path,
    resolve_root_module,
)
from ai_cost_policy.terraform.plan import PlanError, load_plan, resources_from_plan


@dataclass(frozen=True)
class ScanError:
    file: str
    message: str


@dataclass
class ScanResult:
    findings: list[Finding] = field(default_factory=list)
    resources: list[AIResource] = field(default_factory=list)
    errors: list[ScanError] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


def _walk(root: Path) -> tuple[list[Path], list[Path]]:
    """Directories holding ``.tf`` files and candidate plan files below ``root``.

    Symbolic links to directories are not followed (no loops), and Terraform's and
    git's own state folders are skipped: they hold provider and module copies, not
    the code under review.
    """
    directories: list[Path] = []
    plans: list[Path] = []
    for current, subdirectories, files in os.walk(root, followlinks=False):
        subdirectories[:] = sorted(
            name for name in subdirectories if name not in SKIPPED_DIRECTORIES
        )
        if any(name.endswith(".tf") for name in files):
            directories.append(Path(current))
        plans.extend(
            Path(current) / name for name in sorted(files) if name.endswith(".json")
        )
    return directories, plans


def _scan_plan(path: Path, explicit: bool, result: ScanResult) -> None:
    shown = display_path(path)
    try:
        plan = load_plan(path)
    except PlanError as error:
        if explicit:
            result.errors.append(ScanError(shown, error.message))
        else:
            result.notes.append(
                f"{shown}: not read as a Terraform plan ({error.message})"
            )
        return
    if plan is None:
        if explicit:
            result.errors.append(
                ScanError(
                    shown,
                    "not a Terraform plan (no format_version and "
                    "planned_values); make one with terraform show -json",
                )
            )
        return
    result.resources.extend(resources_from_plan(plan, shown))


def _root_modules(
    directories: Iterable[Path],
    result: ScanResult,
    var_files: Sequence[Path],
    cli_vars: Mapping[str, str],
    catalog: Catalog,
) -> None:
    resolved = {
        directory: resolve_root_module(directory, var_files, cli_vars, catalog)
        for directory in directories
    }
    # A directory that another scanned directory calls as a local module is judged
    # through its caller (with the caller's inputs and providers), not on its own.
    called = {path for module in resolved.values() for path in module.module_dirs}
    for directory, module in sorted(resolved.items()):
        if directory.resolve() in called:
            continue
        result.resources.extend(module.resources)
        result.notes.extend(module.notes)
        result.errors.extend(
            ScanError(error.file, _located(error.line, error.message))
            for error in module.errors
        )


def _located(line: int | None, message: str) -> str:
    return f"line {line}: {message}" if line else message


def scan_paths(
    paths: Sequence[Path],
    policy: Policy,
    var_files: Sequence[Path] = (),
    cli_vars: Mapping[str, str] | None = None,
) -> ScanResult:
    result = ScanResult()
    directories: list[Path] = []
    for path in paths:
        if not path.exists():
            result.errors.append(ScanError(str(path), "no such file or directory"))
        elif path.is_dir():
            found, plans = _walk(path)
            directories.extend(found)
            for plan in plans:
                _scan_plan(plan, explicit=False, result=result)
        elif path.suffix == ".tf":
            directories.append(path.parent)
        else:
            _scan_plan(path, explicit=True, result=result)

    unique = sorted({directory.resolve() for directory in directories})
    _root_modules(unique, result, var_files, cli_vars or {}, policy.catalog())
    result.findings = evaluate(result.resources, policy)
    for platform in sorted({resource.platform for resource in result.resources}):
        if not policy.governs(platform):
            result.notes.append(
                f"platform '{platform}' is not governed by the policy (no "
                f"models.{platform}.approved list): any {platform} model passes "
                "CKV_AICOST_2"
            )
    if not result.resources and not result.errors:
        result.notes.append("no AI resources found in the scanned paths")
    return result
