"""Which policy applies to a scan: --config, the environment, the nearest file, or
the embedded default (DESIGN.md, "The policy file")."""

from __future__ import annotations

import os
from collections.abc import Mapping, Sequence
from pathlib import Path

from ai_cost_policy.policy.errors import PolicyError
from ai_cost_policy.policy.loader import default_policy, load_policy_file
from ai_cost_policy.policy.model import Policy

POLICY_FILE_NAME = "ai-cost-policy.yaml"
ENVIRONMENT_VARIABLE = "AI_COST_POLICY_CONFIG"

# Kept in step with default.yaml by a test: it must name every required tag, the
# model tag and what is not governed, since a user reads this instead of the file.
DEFAULT_ANNOUNCEMENT = f"""\
ai-cost-policy: no policy file found (--config, ${ENVIRONMENT_VARIABLE}, or an
{POLICY_FILE_NAME} between a scanned path and its repository root), so the \
embedded
default policy applies:
  - AI resources that can carry tags need the tags cost-center and owner (any
    non-empty value);
  - the model tag ai-model must name the model each resource uses;
  - no platform is governed: any model is accepted, with a note saying so;
  - a value unknown until apply gives a warning (unknown: warn).
To write your own: ai-cost-policy config init, then edit {POLICY_FILE_NAME}
(reference: docs/policy-file.md)."""


def find_policy(
    paths: Sequence[str | Path],
    explicit: str | Path | None = None,
    environ: Mapping[str, str] | None = None,
) -> tuple[Policy, str | None]:
    """The policy for a scan of ``paths`` and, for the default only, its announcement.

    Order: ``explicit`` (``--config``); the ``AI_COST_POLICY_CONFIG`` environment
    variable; the nearest policy file from each scanned path upwards, stopping at the
    repository root (the directory holding ``.git``); the embedded default. Scanned
    paths that would be judged by different policies are an error rather than a
    silent choice. No paths means the current directory.
    """
    fixed = PolicyLookup(explicit, environ).fixed
    if fixed is not None:
        return fixed, None

    found = {str(path): nearest_policy_file(Path(path)) for path in paths or ["."]}
    files = set(found.values())
    if len(files) > 1:
        raise _disagreement(found)
    only = files.pop()
    if only is None:
        return default_policy(), DEFAULT_ANNOUNCEMENT
    return load_policy_file(only), None


def _named(explicit: str | Path) -> str | Path:
    # An empty --config is most often an unset CI variable: a silent fallback to
    # the lookup would judge with a policy nobody chose.
    if str(explicit) == "":
        raise PolicyError(
            "--config",
            "empty; name a policy file, or leave the option out to look one up",
        )
    return explicit


def nearest_policy_file(path: Path) -> str | None:
    """The policy file nearest to ``path``, looking upwards to the repository root.

    The result is relative to the working directory when it lies below it, so that
    reports show the short path users wrote.
    """
    start = path.absolute()
    directory = start if start.is_dir() else start.parent
    while True:
        candidate = directory / POLICY_FILE_NAME
        # A policy file that exists but cannot be used (a broken link, a folder)
        # is returned so that loading it fails loudly instead of falling back.
        if candidate.is_file() or candidate.is_symlink() or candidate.exists():
            return _display(candidate)
        if (directory / ".git").exists() or directory.parent == directory:
            return None
        directory = directory.parent


def _display(path: Path) -> str:
    try:
        return str(path.relative_to(Path.cwd()))
    except ValueError:
        return str(path)


def _disagreement(found: Mapping[str, str | None]) -> PolicyError:
    lines = [
        f"{path} -> {file or 'no policy file (embedded default)'}"
        for path, file in found.items()
    ]
    first = next(file for file in found.values() if file is not None)
    return PolicyError(
        first,
        "the scanned paths are governed by different policies: "
        + "; ".join(lines)
        + f". Scan them separately, or name one policy with --config or "
        f"{ENVIRONMENT_VARIABLE}",
    )


class PolicyLookup:
    """The policy of each root module and plan in a scan, each file loaded once.

    ``--config`` or the environment variable name one policy for everything, and an
    invalid one stops the scan before it starts (the constructor raises). Otherwise
    every root module and plan is judged by the policy file nearest to it, so a
    repository can keep one policy per team folder and a scan of the whole tree
    gives each folder the verdicts a scan of that folder alone would: the Checkov
    checks look up the same way. An invalid file found so raises for the paths it
    governs only.
    """

    def __init__(
        self,
        explicit: str | Path | None = None,
        environ: Mapping[str, str] | None = None,
    ) -> None:
        # The one policy for everything, when --config or the variable names it.
        self.fixed: Policy | None = None
        if explicit is not None:
            self.fixed = load_policy_file(_named(explicit), named_by="--config")
        else:
            environ = os.environ if environ is None else environ
            named = environ.get(ENVIRONMENT_VARIABLE, "")
            if named:
                self.fixed = load_policy_file(named, named_by=ENVIRONMENT_VARIABLE)
        self._loaded: dict[str | None, Policy | PolicyError] = {}

    def __call__(self, path: Path) -> Policy:
        """The policy for the root module or plan at ``path``; PolicyError if bad."""
        if self.fixed is not None:
            return self.fixed
        file = nearest_policy_file(path)
        if file not in self._loaded:
            try:
                self._loaded[file] = (
                    default_policy() if file is None else load_policy_file(file)
                )
            except PolicyError as error:
                self._loaded[file] = error
        found = self._loaded[file]
        if isinstance(found, PolicyError):
            raise found
        return found

    @property
    def announcement(self) -> str | None:
        """What to say on stderr once the scan is done: whether the default applied."""
        return DEFAULT_ANNOUNCEMENT if None in self._loaded else None
