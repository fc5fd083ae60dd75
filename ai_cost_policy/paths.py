"""Where the shipped Checkov checks and Pulumi pack are, installed or in a checkout."""

from __future__ import annotations

from pathlib import Path

_PACKAGE = Path(__file__).resolve().parent


def _shipped(name: str) -> Path:
    # The wheel puts the folders inside the package; a source checkout (or an
    # editable install) has them at the repository root, beside the package.
    installed = _PACKAGE / name
    return installed if installed.is_dir() else _PACKAGE.parent / name


def checks_dir() -> Path:
    return _shipped("checks")


def pack_dir() -> Path:
    return _shipped("pulumi_policies")
