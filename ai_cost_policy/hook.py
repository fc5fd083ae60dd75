"""``ai-cost-policy hook FILE...``: what the pre-commit hook runs.

pre-commit hands over the changed files. A Terraform file means little alone: the
provider default tags, variables and module inputs that decide its verdicts live in
the root module that calls it, and a child module judged on its own reports tags as
missing that its root provides. So the hook judges root modules, each once:

- a ``.tf`` or ``.tfvars`` file stands for its directory; when that directory is a
  local module that root modules elsewhere in the repository call, those roots are
  judged instead, otherwise the directory is a root itself;
- a JSON file whose content is a Terraform plan is judged as a plan; other JSON is
  left alone.

The judging is ``ai-cost-policy scan`` on those roots and plans: the same report, the
same exit codes. This module is imported whenever the command line starts, so the
Terraform machinery is imported only when the hook runs.
"""

from __future__ import annotations

import argparse
import re
import sys
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

# A local module call as written: Terraform requires a module's source to be a
# literal string, so the text alone says which local directories a file may call.
_LOCAL_SOURCE = re.compile(rb'\bsource\s*=\s*"(\.\.?/[^"]*)"')
_TERRAFORM_SUFFIXES = (".tf", ".tfvars", ".tf.json", ".tfvars.json")


@dataclass
class Targets:
    """What a set of changed files asks to be judged, and why."""

    roots: dict[Path, list[str]] = field(default_factory=dict)
    plans: list[Path] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    def add_root(self, root: Path, reason: str) -> None:
        reasons = self.roots.setdefault(root, [])
        if reason not in reasons:
            reasons.append(reason)


class ModuleCalls:
    """Which root modules of a repository reach which local module directories.

    Two passes keep the hook fast. The text of every ``.tf`` file in the repository
    (Terraform's and git's own folders skipped) names the local sources each
    directory may call; that is a superset of the real calls, since a commented-out
    block or a file ``source`` matches too. Only the directories that may reach a
    changed directory are then resolved as root modules, and their ``module_dirs``
    (every local module they really reach, however deep) decide. Both are cached
    for the run.
    """

    def __init__(self, repository: Path) -> None:
        self.callers: dict[Path, set[Path]] = {}
        for directory in _module_directories(repository):
            for source in _named_sources(directory):
                self.callers.setdefault(source, set()).add(directory)
        self._reached: dict[Path, set[Path]] = {}

    def roots_calling(self, directory: Path) -> list[Path]:
        """The root modules (called by no one) that reach ``directory``."""
        candidates = self._may_reach(directory)
        reached = {caller: self.reached_by(caller) for caller in candidates}
        called = set().union(*reached.values())
        return sorted(
            caller
            for caller, modules in reached.items()
            if directory in modules and caller not in called
        )

    def reached_by(self, caller: Path) -> set[Path]:
        from ai_cost_policy.catalog import load_catalog
        from ai_cost_policy.terraform.module import resolve_root_module

        if caller not in self._reached:
            module = resolve_root_module(caller, (), load_catalog())
            self._reached[caller] = module.module_dirs
        return self._reached[caller]

    def _may_reach(self, directory: Path) -> set[Path]:
        # Every directory that calls one that may reach ``directory``, and so on:
        # closed under "is called by", so a caller's own callers are all in it.
        found: set[Path] = set()
        pending = [directory]
        while pending:
            for caller in self.callers.get(pending.pop(), ()):
                if caller not in found and caller != directory:
                    found.add(caller)
                    pending.append(caller)
        return found


@cache
def module_calls(repository: Path) -> ModuleCalls:
    return ModuleCalls(repository)


def _module_directories(repository: Path) -> Iterable[Path]:
    from ai_cost_policy.terraform.module import walk_tree

    for here, _, files in walk_tree(repository):
        if any(name.endswith(".tf") for name in files):
            yield here


def _named_sources(directory: Path) -> set[Path]:
    """The local directories that ``directory``'s files name as module sources."""
    from ai_cost_policy.terraform.module import tf_files

    sources: set[Path] = set()
    for path in tf_files(directory):
        try:
            text = path.read_bytes()
        except OSError:
            continue  # the scan reports what it cannot read
        for match in _LOCAL_SOURCE.finditer(text):
            source = (directory / match.group(1).decode(errors="replace")).resolve()
            if source.is_dir():
                sources.add(source)
    return sources


def repository_of(directory: Path) -> Path:
    """The repository holding ``directory``: the nearest folder with ``.git``.

    Outside a repository, the working directory when ``directory`` is below it,
    else ``directory`` itself: never the whole file system.
    """
    for candidate in (directory, *directory.parents):
        if (candidate / ".git").exists():
            return candidate
    here = Path.cwd().resolve()
    return here if directory.is_relative_to(here) else directory


def find_targets(files: Sequence[Path]) -> Targets:
    """The root modules and plans that judging ``files`` takes, with the reasons."""
    from ai_cost_policy.scan import ScanResult, _looks_like_plan
    from ai_cost_policy.terraform.module import (
        SKIPPED_DIRECTORIES,
        display_path,
        tf_files,
    )

    targets = Targets()
    changed: dict[Path, None] = {}
    for file in files:
        if SKIPPED_DIRECTORIES.intersection(file.parts):
            continue
        if file.name.endswith(_TERRAFORM_SUFFIXES):
            directory = file.absolute().parent.resolve()
            if tf_files(directory):
                changed[directory] = None
            else:
                targets.notes.append(
                    f"{display_path(file)}: no Terraform module in its directory, "
                    "not judged (for a variable file of a root elsewhere, run "
                    "ai-cost-policy scan ROOT --var-file FILE)"
                )
        elif file.suffix == ".json" and file.is_file():
            if _looks_like_plan(file, ScanResult()):
                targets.plans.append(file)

    for directory in sorted(changed):
        roots = module_calls(repository_of(directory)).roots_calling(directory)
        for root in roots:
            targets.add_root(root, f"calls {display_path(directory)}, changed")
        if not roots:
            targets.add_root(directory, "changed")
    targets.plans = sorted(set(targets.plans))
    return targets


def describe(targets: Targets) -> list[str]:
    """One line per judged root or plan: what is judged and why."""
    from ai_cost_policy.terraform.module import display_path

    lines = []
    for root, reasons in sorted(targets.roots.items()):
        # The root's own change first, then the modules it calls.
        why = sorted(reasons, key=lambda reason: (reason != "changed", reason))
        lines.append(f"judging {display_path(root)} ({'; '.join(why)})")
    lines += [
        f"judging {display_path(plan)} (plan JSON, changed)" for plan in targets.plans
    ]
    return lines


def scan_arguments(targets: Targets) -> list[str]:
    """Paths for ``scan`` that judge exactly ``targets``.

    A root is named by one of its ``.tf`` files: ``scan`` then judges that directory
    alone, where a directory would be searched, and every root below it judged too.
    """
    from ai_cost_policy.terraform.module import display_path, tf_files

    paths = [display_path(tf_files(root)[0]) for root in sorted(targets.roots)]
    return paths + [display_path(plan) for plan in targets.plans]


def _hook(args: argparse.Namespace) -> int:
    from ai_cost_policy.cli import main

    targets = find_targets([Path(file) for file in args.files])
    for note in targets.notes:
        print(f"ai-cost-policy: note: {note}", file=sys.stderr)
    if not targets.roots and not targets.plans:
        print(
            "ai-cost-policy: nothing to judge: no Terraform module or plan JSON "
            "among the changed files",
            file=sys.stderr,
        )
        return 0
    for line in describe(targets):
        print(f"ai-cost-policy: {line}", file=sys.stderr)
    sys.stderr.flush()

    options = ["--format", args.format]
    if args.config:
        options += ["--config", args.config]
    # One scan: it judges each root and plan by its own nearest policy file.
    return main(["scan", *options, "--", *scan_arguments(targets)])


def add_hook_command(subparsers: Any) -> None:
    """Add ``hook`` to the main parser's sub-parsers."""
    from ai_cost_policy.report import FORMATS

    hook = subparsers.add_parser(
        "hook",
        help="judge the root modules and plans that changed files belong to "
        "(what the pre-commit hook runs)",
        description="Map changed files to the Terraform root modules that contain "
        "or call them, and judge each root once, with its providers and variables "
        "in view; plan JSON files are judged as plans, other JSON is ignored. "
        "Report and exit codes are those of 'scan'.",
    )
    hook.add_argument(
        "files", nargs="*", metavar="FILE", help="changed files (from pre-commit)"
    )
    hook.add_argument("--config", help="policy file (default: looked up, see docs)")
    hook.add_argument("--format", choices=sorted(FORMATS), default="cli")
    hook.set_defaults(handler=_hook)
