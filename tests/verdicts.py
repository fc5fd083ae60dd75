"""Turning each engine's real output into (resource, rule) -> verdict maps."""

from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path

from conftest import CHECKOV, CLI, REPO


def run_scan(*args: str, cwd: Path = REPO) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [CLI, "scan", *args], cwd=cwd, capture_output=True, text=True, timeout=120
    )


def scan_json(*paths: str) -> tuple[dict, int]:
    completed = run_scan("--format", "json", *paths)
    return json.loads(completed.stdout), completed.returncode


def report_verdicts(report: dict) -> dict[tuple[str, str], str]:
    return {
        (finding["resource"], finding["rule"]): finding["verdict"]
        for finding in report["findings"]
    }


def run_checkov(*args: str, policy: Path | None = None) -> list[dict]:
    """Run the real Checkov with our checks; returns its per-framework reports."""
    environment = dict(os.environ)
    if policy is not None:
        environment["AI_COST_POLICY_CONFIG"] = str(policy)
    completed = subprocess.run(
        [
            CHECKOV,
            *args,
            "--external-checks-dir",
            str(REPO / "checks"),
            "--check",
            "CKV_AICOST_*",
            "--skip-download",
            "-o",
            "json",
        ],
        cwd=REPO,
        env=environment,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert completed.returncode in (0, 1), completed.stderr[-2000:]
    assert "Failed to run check" not in completed.stderr, completed.stderr[-2000:]
    # Offline means offline: no attempt to reach Prisma Cloud or PyPI either.
    for attempt in ("ProxyError", "prismacloud", "Max retries exceeded"):
        assert attempt not in completed.stderr, completed.stderr[-2000:]
    reports = json.loads(completed.stdout)
    return reports if isinstance(reports, list) else [reports]


def checkov_verdict(record: dict) -> str:
    """DESIGN.md's mapping, read backwards: Checkov never reports UNKNOWN."""
    details = record.get("details") or [""]
    if record["check_result"]["result"] == "PASSED":
        if details[0].startswith("NOT APPLICABLE"):
            return "not-applicable"
        return "passed"
    if record["severity"] == "LOW" and details[0].startswith("WARN"):
        return "warning"
    assert record["severity"] == "HIGH", record
    return "failed"


def checkov_verdicts(reports: list[dict]) -> dict[str, dict[tuple[str, str], str]]:
    """file path (as Checkov prints it) -> (resource, rule) -> verdict."""
    by_file: dict[str, dict[tuple[str, str], str]] = {}
    for report in reports:
        results = report.get("results", {})
        for kind in ("passed_checks", "failed_checks"):
            for record in results.get(kind, []):
                verdicts = by_file.setdefault(record["file_path"], {})
                verdicts[(record["resource"], record["check_id"])] = checkov_verdict(
                    record
                )
    return by_file
