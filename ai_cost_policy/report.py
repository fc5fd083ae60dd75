"""Output formats of ``ai-cost-policy scan``: the human ``cli`` view and ``json``.

The JSON report is this pack's own contract (DESIGN.md): stable across Checkov
versions, byte-identical for the same input, and never carrying a secret value or a
resource's source block. The file formats for CI (SARIF, JUnit XML, Markdown,
GitHub annotations) live in ``ai_cost_policy.formats``, one module each, and are
named in ``FORMATS`` below.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Callable
from importlib import import_module
from typing import Any

from ai_cost_policy import __version__
from ai_cost_policy.formats.common import printable
from ai_cost_policy.rules import Finding
from ai_cost_policy.scan import ScanResult

VERDICTS = ("failed", "warning", "passed", "not-applicable")


def summary(result: ScanResult) -> dict[str, int]:
    counts = Counter(finding.verdict for finding in result.findings)
    totals = {verdict: counts.get(verdict, 0) for verdict in VERDICTS}
    totals["errors"] = len(result.errors)
    return totals


def _model(finding: Finding) -> dict[str, Any] | None:
    if not finding.models:
        return None
    shown = list(dict.fromkeys(model.shown() for model in finding.models))
    canonical = list(dict.fromkeys(item[1] for item in shown if item[1] is not None))
    return {
        "written": " ".join(dict.fromkeys(item[0] for item in shown)),
        "canonical": " ".join(canonical) if canonical else None,
    }


def finding_json(finding: Finding) -> dict[str, Any]:
    item: dict[str, Any] = {
        "rule": finding.rule,
        "resource": finding.resource,
        "file": finding.file,
        "line": finding.line,
        "verdict": finding.verdict,
        "severity": finding.severity,
        "platform": finding.platform,
        "model": _model(finding),
        "message": finding.message,
        "details": list(finding.details),
    }
    if finding.urn:
        item["urn"] = finding.urn
    return item


def render_json(result: ScanResult) -> str:
    report = {
        "tool": "ai-cost-policy",
        "version": __version__,
        "summary": summary(result),
        "findings": [finding_json(finding) for finding in result.findings],
        "errors": [
            {"file": error.file, "message": error.message}
            for error in sorted(result.errors, key=lambda e: (e.file, e.message))
        ],
        "notes": sorted(result.notes),
    }
    return json.dumps(report, indent=2, sort_keys=False) + "\n"


def render_cli(result: ScanResult) -> str:
    lines: list[str] = []
    for finding in result.findings:
        if finding.verdict not in ("failed", "warning"):
            continue
        where = f"{finding.file}:{finding.line}" if finding.line else finding.file
        lines.append(
            f"{finding.verdict.upper():8} {finding.rule} {finding.resource} ({where})"
        )
        lines.append(f"         {finding.message}")
        lines.extend(f"         {detail}" for detail in finding.details)
        lines.append("")
    for error in sorted(result.errors, key=lambda e: (e.file, e.message)):
        lines.append(f"ERROR    {error.file}: {error.message}")
    for note in sorted(result.notes):
        lines.append(f"note: {note}")
    lines.append(summary_line(result))
    return printable("\n".join(lines)) + "\n"


def summary_line(result: ScanResult) -> str:
    totals = summary(result)
    words = {
        "failed": ("failed", "failed"),
        "warning": ("warning", "warnings"),
        "passed": ("passed", "passed"),
        "not-applicable": ("not applicable", "not applicable"),
        "errors": ("error", "errors"),
    }
    return "Summary: " + ", ".join(
        f"{totals[key]} {words[key][totals[key] != 1]}" for key in words
    )


Renderer = Callable[[ScanResult], str]


def _from_module(name: str) -> Renderer:
    """A format in ``ai_cost_policy.formats``, imported when it is first used."""

    def render(result: ScanResult) -> str:
        return import_module(f"ai_cost_policy.formats.{name}").render(result)

    return render


FORMATS: dict[str, Renderer] = {
    "cli": render_cli,
    "json": render_json,
    "sarif": _from_module("sarif"),
    "junitxml": _from_module("junit"),
    "markdown": _from_module("markdown"),
    "github": _from_module("github"),
}
