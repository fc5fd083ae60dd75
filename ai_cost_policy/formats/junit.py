"""``--format junitxml``: a JUnit XML report for CI systems without SARIF.

Written with ``junitparser``. One ``testsuite`` per rule (as Checkov's own JUnit
output does), one ``testcase`` per (resource, rule): ``name`` is the resource
address, ``classname`` and ``file`` the file, ``line`` its line. A failed verdict
is a ``failure``, not-applicable is ``skipped``; a warning is a passing test case
whose ``system-out`` starts with ``WARNING``, because warnings do not fail the scan
(exit 0) and must not turn a CI test report red. Files that could not be read or
parsed are ``error`` test cases in a suite of their own. The scan's notes (a
remote module not scanned, a platform not governed) are the ``system-out`` of a
suite without test cases, so that they reach the report without counting as tests.
"""

from __future__ import annotations

import io
import re
from xml.etree import ElementTree

from junitparser import Error, Failure, JUnitXml, Skipped, TestCase, TestSuite

from ai_cost_policy.formats.common import finding_lines, sorted_errors
from ai_cost_policy.rules import RULES_BY_ID, Finding
from ai_cost_policy.scan import ScanResult

ERRORS_SUITE = "ai-cost-policy: files that could not be scanned"
NOTES_SUITE = "ai-cost-policy: notes"
# XML 1.0 cannot carry most control characters, even escaped.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def _xml(text: str) -> str:
    return _NOT_XML.sub("\ufffd", text)


def _suite_name(rule_id: str) -> str:
    rule = RULES_BY_ID.get(rule_id)
    return f"{rule_id} {rule.pulumi_name}" if rule else rule_id


def _case(finding: Finding) -> TestCase:
    case = TestCase(_xml(finding.resource), classname=_xml(finding.file or ""))
    if finding.file:
        case._elem.set("file", _xml(finding.file))
    if finding.line:
        case._elem.set("line", str(finding.line))
    text = _xml("\n".join(finding_lines(finding)))
    if finding.verdict == "failed":
        failure = Failure(_xml(finding.message), finding.rule)
        failure.text = text
        case.result = [failure]
    elif finding.verdict == "not-applicable":
        case.result = [Skipped(_xml(finding.message))]
    elif finding.verdict == "warning":
        case.system_out = f"WARNING {finding.rule}: {text}"
    return case


def render(result: ScanResult) -> str:
    report = JUnitXml("ai-cost-policy")
    suites: dict[str, TestSuite] = {}
    for finding in result.findings:
        if finding.rule not in suites:
            suites[finding.rule] = TestSuite(_suite_name(finding.rule))
        suites[finding.rule].add_testcase(_case(finding))
    for rule_id in sorted(suites):
        report.add_testsuite(suites[rule_id])

    errors = sorted_errors(result)
    if errors:
        suite = TestSuite(ERRORS_SUITE)
        for error in errors:
            case = TestCase(_xml(error.file), classname="ai-cost-policy")
            case.result = [Error(_xml(error.message), "ScanError")]
            suite.add_testcase(case)
        report.add_testsuite(suite)

    if result.notes:
        suite = TestSuite(NOTES_SUITE)
        output = ElementTree.SubElement(suite._elem, "system-out")
        output.text = _xml("\n".join(sorted(result.notes)))
        report.add_testsuite(suite)

    for suite in report:
        suite.update_statistics()
    report.update_statistics()
    buffer = io.BytesIO()
    report.write(buffer, pretty=True)
    return buffer.getvalue().decode("utf-8")
