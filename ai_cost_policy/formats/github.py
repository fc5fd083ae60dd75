"""``--format github``: GitHub Actions workflow commands that annotate file and line.

``::error file=…,line=…,title=CKV_AICOST_1::message`` for a failure, ``::warning``
for a warning; the message is the resource address, the finding's message, the
model and the details, one per line. Data is escaped as the runner expects
(``%``, CR and LF), property values also ``:`` and ``,``. Files that could not be
scanned are errors on that file; notes are ``::notice``. The last line is the
plain summary.
"""

from __future__ import annotations

from ai_cost_policy.formats.common import (
    finding_lines,
    printable,
    reported,
    sorted_errors,
)
from ai_cost_policy.report import summary_line
from ai_cost_policy.rules import Finding
from ai_cost_policy.scan import ScanResult

COMMANDS = {"failed": "error", "warning": "warning"}


def escape_data(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def escape_property(text: str) -> str:
    return escape_data(text).replace(":", "%3A").replace(",", "%2C")


def command(name: str, message: str, **properties: str | int | None) -> str:
    shown = ",".join(
        f"{key}={escape_property(str(value))}"
        for key, value in properties.items()
        if value is not None
    )
    # CR and LF are the runner's to escape; other control characters are ours.
    data = escape_data(printable(message, keep="\n\r"))
    return f"::{name}{' ' + shown if shown else ''}::{data}"


def _annotation(finding: Finding) -> str:
    message = "\n".join([finding.resource, *finding_lines(finding)])
    return command(
        COMMANDS[finding.verdict],
        message,
        file=finding.file,
        line=finding.line,
        title=finding.rule,
    )


def render(result: ScanResult) -> str:
    lines = [_annotation(finding) for finding in reported(result)]
    lines += [
        command("error", error.message, file=error.file, title="ai-cost-policy")
        for error in sorted_errors(result)
    ]
    lines += [command("notice", note) for note in sorted(result.notes)]
    lines.append(summary_line(result))
    return "\n".join(lines) + "\n"
