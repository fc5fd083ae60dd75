"""What every format says about a finding, worded once."""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable

from ai_cost_policy.models import CanonicalModel
from ai_cost_policy.rules import Finding
from ai_cost_policy.scan import ScanError, ScanResult

REPORTED = ("failed", "warning")


def printable(text: str, keep: str = "\n\t") -> str:
    """``text`` with control and format characters, but ``keep``, shown as escapes.

    Tag keys and values come from the scanned repository: an escape sequence in
    one must not move the cursor or recolour a CI log when the report is shown.
    """
    return "".join(
        char
        if char in keep or not unicodedata.category(char).startswith("C")
        else f"\\x{ord(char):02x}"
        if ord(char) < 0x100
        else f"\\u{ord(char):04x}"
        for char in text
    )


def shown_models(models: Iterable[CanonicalModel]) -> list[tuple[str, str | None]]:
    """(written, canonical) of each model, secrets hidden, duplicates dropped."""
    return list(dict.fromkeys(model.shown() for model in models))


def model_line(finding: Finding) -> str | None:
    """``model: eu.anthropic.x (canonical anthropic.x)``, or None without a model."""
    parts = []
    for written, canonical in shown_models(finding.models):
        if canonical is None:
            parts.append(f"{written} (canonical unknown)")
        elif canonical == written:
            parts.append(written)
        else:
            parts.append(f"{written} (canonical {canonical})")
    if not parts:
        return None
    return ("models: " if len(parts) > 1 else "model: ") + "; ".join(parts)


def message_lines(finding: Finding) -> list[str]:
    """The message, and the model unless the message already names it."""
    named = all(
        f"'{written}'" in finding.message for written, _ in shown_models(finding.models)
    )
    model = None if named else model_line(finding)
    return [finding.message, *([model] if model else [])]


def finding_lines(finding: Finding) -> list[str]:
    """The message, the model, then the details (which end with the fix)."""
    return [*message_lines(finding), *finding.details]


def fix_lines(finding: Finding) -> list[str]:
    return [detail for detail in finding.details if detail.startswith("fix:")]


def where(finding: Finding) -> str:
    if finding.file is None:
        return finding.urn or ""
    return f"{finding.file}:{finding.line}" if finding.line else finding.file


def reported(result: ScanResult) -> list[Finding]:
    """Failures and warnings: what a reviewer has to act on."""
    return [finding for finding in result.findings if finding.verdict in REPORTED]


def sorted_errors(result: ScanResult) -> list[ScanError]:
    return sorted(result.errors, key=lambda error: (error.file, error.message))
