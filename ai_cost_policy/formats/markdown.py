"""``--format markdown``: a summary for a pull-request comment or a job summary.

GitHub-flavoured Markdown for ``$GITHUB_STEP_SUMMARY``, a PR comment or a GitLab
note: the counts, a table of failures and warnings, how to fix each one, and the
passed and not-applicable verdicts collapsed. Every value from the scanned code is
escaped, so a tag value or address cannot break the table or inject HTML.
"""

from __future__ import annotations

import html
import re

from ai_cost_policy.formats.common import (
    fix_lines,
    message_lines,
    reported,
    sorted_errors,
    where,
)
from ai_cost_policy.report import summary
from ai_cost_policy.rules import RULES_BY_ID, Finding
from ai_cost_policy.scan import ScanResult

# Characters that Markdown would read as formatting (`|` ends a table cell, `@`
# and `#` would mention a person or link an issue in a pull-request comment);
# `<`, `>` and `&` become entities.
_MARKUP = re.compile(r"([\\`*_\[\]|~@#])")

COLUMNS = (
    ("failed", "Failed"),
    ("warning", "Warnings"),
    ("passed", "Passed"),
    ("not-applicable", "Not applicable"),
    ("errors", "Errors"),
)


def escape(text: str) -> str:
    """Text as it must appear in a Markdown table cell or list item."""
    escaped = _MARKUP.sub(r"\\\1", html.escape(text, quote=False))
    return escaped.replace("\r\n", "\n").replace("\r", "\n").replace("\n", "<br>")


def _rule(rule_id: str) -> str:
    rule = RULES_BY_ID.get(rule_id)
    return f"[{rule_id}]({rule.docs_url()})" if rule else escape(rule_id)


def _message(finding: Finding) -> str:
    return "<br>".join(escape(text) for text in message_lines(finding))


def _table(findings: list[Finding], verdict_column: bool) -> list[str]:
    head = ["Rule", "Resource", "File", "Message"]
    if verdict_column:
        head.insert(0, "Verdict")
    lines = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    for finding in findings:
        cells = [
            _rule(finding.rule),
            escape(finding.resource),
            escape(where(finding)),
            _message(finding),
        ]
        if verdict_column:
            cells.insert(0, finding.verdict)
        lines.append("| " + " | ".join(cells) + " |")
    return lines


def _collapsed(title: str, findings: list[Finding]) -> list[str]:
    if not findings:
        return []
    return [
        f"<details><summary>{title}: {len(findings)}</summary>",
        "",
        *_table(findings, verdict_column=False),
        "",
        "</details>",
        "",
    ]


def _fixes(findings: list[Finding]) -> list[str]:
    lines = []
    for finding in findings:
        for fix in fix_lines(finding):
            text = fix.removeprefix("fix:").strip()
            lines.append(
                f"- {finding.rule} {escape(finding.resource)} "
                f"({escape(where(finding))}): {escape(text)}"
            )
    return ["### How to fix", "", *lines, ""] if lines else []


def render(result: ScanResult) -> str:
    totals = summary(result)
    acted_on = reported(result)
    lines = [
        "## ai-cost-policy",
        "",
        "| " + " | ".join(label for _, label in COLUMNS) + " |",
        "|" + "---:|" * len(COLUMNS),
        "| " + " | ".join(str(totals[key]) for key, _ in COLUMNS) + " |",
        "",
    ]
    if acted_on:
        lines += ["### Failures and warnings", ""]
        lines += _table(acted_on, verdict_column=True) + [""]
        lines += _fixes(acted_on)
    elif result.findings:
        lines += ["No failures or warnings.", ""]

    lines += _collapsed("Passed", [f for f in result.findings if f.verdict == "passed"])
    lines += _collapsed(
        "Not applicable",
        [f for f in result.findings if f.verdict == "not-applicable"],
    )

    errors = sorted_errors(result)
    if errors:
        lines += ["### Files that could not be scanned", ""]
        lines += [
            f"- {escape(error.file)}: {escape(error.message)}" for error in errors
        ]
        lines.append("")
    if result.notes:
        lines += ["### Notes", ""]
        lines += [f"- {escape(note)}" for note in sorted(result.notes)]
        lines.append("")
    return "\n".join(lines)
