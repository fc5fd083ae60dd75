"""STYLE.md holds the code to ruff (88 columns, black-compatible): CI checks it."""

from __future__ import annotations

import subprocess
import sys

from conftest import REPO

SOURCES = [
    "ai_cost_policy",
    "checks",
    "pulumi_policies",
    "tests",
    "scripts",
    "benchmarks",
]


def ruff(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "ruff", *args, *SOURCES],
        cwd=REPO,
        capture_output=True,
        text=True,
    )


def test_code_passes_ruff_lint():
    completed = ruff("check")

    assert completed.returncode == 0, completed.stdout[-3000:]


def test_code_is_ruff_formatted():
    completed = ruff("format", "--check")

    assert completed.returncode == 0, completed.stdout[-3000:]
