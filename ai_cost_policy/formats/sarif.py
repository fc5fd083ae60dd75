"""``--format sarif``: SARIF 2.1.0 for code scanning (GitHub, Azure DevOps, IDEs).

Built as plain dictionaries: the SARIF object model packages for Python
(``sarif-om`` with ``jschema-to-python``) have had no release since 2019, and the
structure here is small. A test validates every report against the official
OASIS schema instead. Only failures (level ``error``) and warnings (level
``warning``) are results; passed and not-applicable verdicts are not, as code
scanning would show them as alerts. Errors and notes of the scan are tool
execution notifications.
"""

from __future__ import annotations

import json
from pathlib import PurePosixPath
from typing import Any
from urllib.parse import quote

from ai_cost_policy import __version__
from ai_cost_policy.formats.common import finding_lines, reported, sorted_errors
from ai_cost_policy.rules import RULES, Finding, Rule
from ai_cost_policy.scan import ScanResult

SCHEMA_URI = (
    "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/"
    "sarif-schema-2.1.0.json"
)
INFORMATION_URI = "https://github.com/ai-cost-policy/ai-cost-policy"
LEVELS = {"failed": "error", "warning": "warning"}


def artifact_uri(file: str) -> str:
    """A relative path as a relative URI reference; an absolute one as file:.

    Paths in reports are already POSIX (forward slashes); ``quote`` escapes what a
    URI cannot hold, ``:`` included, so a first segment never reads as a scheme.
    """
    path = PurePosixPath(file)
    if path.is_absolute():
        return "file://" + quote(path.as_posix())
    return quote(path.as_posix())


def _rule(rule: Rule) -> dict[str, Any]:
    return {
        "id": rule.id,
        "name": rule.pulumi_name,
        "shortDescription": {"text": rule.title},
        "fullDescription": {"text": rule.why},
        "help": {
            "text": f"{rule.why}\n\nHow to fix: {rule.fix}",
            "markdown": f"{rule.why}\n\n**How to fix:** {rule.fix}\n\n"
            f"[{rule.id}]({rule.docs_url()})",
        },
        "helpUri": rule.docs_url(),
        "defaultConfiguration": {"level": "error"},
        "properties": {"tags": ["finops", "cost-allocation", "ai"]},
    }


def _result(finding: Finding, rule_index: dict[str, int]) -> dict[str, Any]:
    result: dict[str, Any] = {
        "ruleId": finding.rule,
        "level": LEVELS[finding.verdict],
        "message": {"text": "\n".join(finding_lines(finding))},
    }
    if finding.rule in rule_index:
        result["ruleIndex"] = rule_index[finding.rule]
    location: dict[str, Any] = {}
    if finding.file:
        physical: dict[str, Any] = {
            "artifactLocation": {"uri": artifact_uri(finding.file)}
        }
        if finding.line:
            physical["region"] = {"startLine": finding.line}
        location["physicalLocation"] = physical
    location["logicalLocations"] = [
        {
            "name": finding.resource,
            "fullyQualifiedName": finding.urn or finding.resource,
            "kind": "resource",
        }
    ]
    result["locations"] = [location]
    result["properties"] = {
        "verdict": finding.verdict,
        "severity": finding.severity,
        "platform": finding.platform,
        "resourceType": finding.resource_type,
    }
    return result


def _notifications(result: ScanResult) -> list[dict[str, Any]]:
    notifications: list[dict[str, Any]] = []
    for error in sorted_errors(result):
        notifications.append(
            {
                "level": "error",
                "message": {"text": f"{error.file}: {error.message}"},
                "locations": [
                    {
                        "physicalLocation": {
                            "artifactLocation": {"uri": artifact_uri(error.file)}
                        }
                    }
                ],
            }
        )
    notifications.extend(
        {"level": "note", "message": {"text": note}} for note in sorted(result.notes)
    )
    return notifications


def render(result: ScanResult) -> str:
    rule_index = {rule.id: index for index, rule in enumerate(RULES)}
    log = {
        "$schema": SCHEMA_URI,
        "version": "2.1.0",
        "runs": [
            {
                "tool": {
                    "driver": {
                        "name": "ai-cost-policy",
                        "version": __version__,
                        "semanticVersion": __version__,
                        "informationUri": INFORMATION_URI,
                        "rules": [_rule(rule) for rule in RULES],
                    }
                },
                "invocations": [
                    {
                        "executionSuccessful": not result.errors,
                        "toolExecutionNotifications": _notifications(result),
                    }
                ],
                "results": [
                    _result(finding, rule_index) for finding in reported(result)
                ],
                "columnKind": "unicodeCodePoints",
            }
        ],
    }
    return json.dumps(log, indent=2, ensure_ascii=False) + "\n"
