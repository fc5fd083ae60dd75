"""Architecture guards: what may import what, and the locked set installs together."""

from __future__ import annotations

import subprocess
import sys

from conftest import REPO

CORE_MODULES = [
    "ai_cost_policy",
    "ai_cost_policy.cli",
    "ai_cost_policy.cli_config",
    "ai_cost_policy.scan",
    "ai_cost_policy.report",
    "ai_cost_policy.engine",
    "ai_cost_policy.checkov_support",
    "ai_cost_policy.pulumi_inputs",
    "ai_cost_policy.terraform.module",
    "ai_cost_policy.terraform.plan",
    "ai_cost_policy.policy",
]


def imported_after(code: str) -> set[str]:
    probe = f"{code}\nimport sys\nprint('\\n'.join(sorted(sys.modules)))"
    completed = subprocess.run(
        [sys.executable, "-c", probe],
        cwd=REPO,
        capture_output=True,
        text=True,
        check=True,
    )
    return {name.split(".")[0] for name in completed.stdout.split()}


def test_core_imports_neither_checkov_nor_pulumi():
    loaded = imported_after("\n".join(f"import {name}" for name in CORE_MODULES))

    assert "checkov" not in loaded
    assert "pulumi" not in loaded
    assert "pulumi_policy" not in loaded


def test_cli_scan_runs_without_importing_checkov_or_pulumi():
    loaded = imported_after(
        "from ai_cost_policy.cli import main\n"
        "try:\n    main(['scan', '--format', 'json', 'terraform_fixtures'])\n"
        "except SystemExit:\n    pass"
    )

    assert "checkov" not in loaded
    assert "pulumi" not in loaded


def test_checkov_and_the_hcl2_fork_import_together_in_the_locked_set():
    completed = subprocess.run(
        [
            sys.executable,
            "-c",
            "import hcl2, checkov.main; from importlib.metadata import distribution;"
            "print(distribution('bc-python-hcl2').version)",
        ],
        capture_output=True,
        text=True,
    )

    assert completed.returncode == 0, completed.stderr
    installed = subprocess.run(
        [sys.executable, "-m", "pip", "list", "--format", "freeze"],
        capture_output=True,
        text=True,
    ).stdout.lower()
    assert "python-hcl2==" not in installed.replace("bc-python-hcl2==", "")


def test_lock_pins_every_package_exactly():
    lock = (REPO / "requirements.lock").read_text()
    requirements = [
        line.strip()
        for line in lock.splitlines()
        if line.strip() and not line.lstrip().startswith("#")
    ]

    assert requirements
    assert all("==" in line for line in requirements), requirements
