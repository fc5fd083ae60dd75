"""The wheel ships the core, the Checkov checks and the Pulumi pack."""

from __future__ import annotations

import subprocess
import sys
import zipfile

from conftest import REPO


def test_wheel_ships_checks_pack_catalog_and_policy_schema(tmp_path):
    completed = subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "wheel",
            "--quiet",
            "--no-deps",
            "--no-build-isolation",
            "--wheel-dir",
            str(tmp_path),
            str(REPO),
        ],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert completed.returncode == 0, completed.stderr

    (wheel,) = tmp_path.glob("ai_cost_policy-*.whl")
    names = set(zipfile.ZipFile(wheel).namelist())

    for shipped in (
        "ai_cost_policy/checks/__init__.py",
        "ai_cost_policy/checks/aicost_base.py",
        "ai_cost_policy/checks/aicost_required_cost_tags.py",
        "ai_cost_policy/checks/aicost_approved_model.py",
        "ai_cost_policy/checks/aicost_model_cost_tag.py",
        "ai_cost_policy/pulumi_policies/PulumiPolicy.yaml",
        "ai_cost_policy/pulumi_policies/__main__.py",
        "ai_cost_policy/pulumi_policies/requirements.txt",
        "ai_cost_policy/data/catalog.yaml",
        "ai_cost_policy/policy/schema.json",
        "ai_cost_policy/policy/default.yaml",
    ):
        assert shipped in names, shipped
    assert not any("__pycache__" in name for name in names)
    assert not any(name.startswith(("tests/", "terraform_fixtures/")) for name in names)
    metadata = next(name for name in names if name.endswith("METADATA"))
    text = zipfile.ZipFile(wheel).read(metadata).decode()
    assert "Requires-Dist: bc-python-hcl2" in text
    assert "Requires-Dist: python-hcl2" not in text
