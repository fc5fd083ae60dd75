"""The scan's file formats, read back with each format's own library.

Every test runs the real ``ai-cost-policy`` command on the fixtures and parses what
it printed: SARIF with ``jsonschema`` against the official OASIS schema, JUnit XML
with ``junitparser``, Markdown with ``markdown-it-py`` (GitHub-flavoured tables),
workflow commands as the GitHub runner splits them. Each is compared with the JSON
report of the same scan, so a format cannot drop, invent or reword a finding.
"""

from __future__ import annotations

import importlib.util
import json
import re
import shutil
from pathlib import Path

import jsonschema
import pytest
from conftest import FIXTURES, REPO
from junitparser import Failure, JUnitXml, Skipped
from markdown_it import MarkdownIt
from verdicts import run_scan, scan_json

SARIF_SCHEMA = REPO / "tests" / "data" / "sarif-schema-2.1.0.json"
FORMATS = ("cli", "json", "sarif", "junitxml", "markdown", "github")
# Files that hold values the scan must never print (see sensitive_scenario).
CANARY = "zq9canary"
SOURCE_CANARY = "SOURCE-BLOCK-zq9canary-instruction"


def scan(*args: str, cwd: Path = REPO) -> tuple[str, int]:
    completed = run_scan(*args, cwd=cwd)
    assert "Traceback" not in completed.stderr, completed.stderr
    return completed.stdout, completed.returncode


def reported_findings(report: dict) -> list[dict]:
    return [f for f in report["findings"] if f["verdict"] in ("failed", "warning")]


@pytest.fixture(scope="module")
def fixtures_report() -> dict:
    report, _ = scan_json("terraform_fixtures")
    return report


# --- SARIF --------------------------------------------------------------------------


@pytest.fixture(scope="module")
def sarif() -> dict:
    output, code = scan("--format", "sarif", "terraform_fixtures")
    assert code == 1
    return json.loads(output)


def test_sarif_report_validates_against_the_official_schema(sarif):
    schema = json.loads(SARIF_SCHEMA.read_text(encoding="utf-8"))
    validator = jsonschema.Draft4Validator(
        schema, format_checker=jsonschema.FormatChecker()
    )

    errors = [f"{list(e.path)}: {e.message}" for e in validator.iter_errors(sarif)]

    assert errors == []
    assert sarif["version"] == "2.1.0"


def test_sarif_results_are_exactly_the_failures_and_warnings(sarif, fixtures_report):
    (run,) = sarif["runs"]
    levels = {"failed": "error", "warning": "warning"}
    expected = sorted(
        (f["rule"], levels[f["verdict"]], f["file"], f["line"], f["resource"])
        for f in reported_findings(fixtures_report)
    )

    results = sorted(
        (
            result["ruleId"],
            result["level"],
            result["locations"][0]["physicalLocation"]["artifactLocation"]["uri"],
            result["locations"][0]["physicalLocation"]["region"]["startLine"],
            result["locations"][0]["logicalLocations"][0]["fullyQualifiedName"],
        )
        for result in run["results"]
    )

    assert results == expected
    assert {level for _, level, *_ in results} == {"error", "warning"}


def test_sarif_message_is_the_findings_message_with_its_details(sarif, fixtures_report):
    (run,) = sarif["runs"]
    by_key = {
        (f["rule"], f["resource"], f["file"]): f
        for f in reported_findings(fixtures_report)
    }

    for result in run["results"]:
        location = result["locations"][0]
        finding = by_key[
            (
                result["ruleId"],
                location["logicalLocations"][0]["fullyQualifiedName"],
                location["physicalLocation"]["artifactLocation"]["uri"],
            )
        ]
        text = result["message"]["text"]
        assert text.startswith(finding["message"])
        assert all(detail in text for detail in finding["details"])
        if finding["model"] and finding["model"]["canonical"]:
            for canonical in finding["model"]["canonical"].split():
                assert canonical in text


def test_sarif_rules_describe_themselves_with_docs_url_and_default_level(sarif):
    from ai_cost_policy.rules import RULES

    (run,) = sarif["runs"]
    rules = run["tool"]["driver"]["rules"]

    assert [rule["id"] for rule in rules] == [rule.id for rule in RULES]
    for descriptor, rule in zip(rules, RULES, strict=True):
        assert descriptor["name"] == rule.pulumi_name
        assert descriptor["shortDescription"]["text"] == rule.title
        assert descriptor["helpUri"] == rule.docs_url()
        assert descriptor["defaultConfiguration"]["level"] == "error"
    for result in run["results"]:
        assert rules[result["ruleIndex"]]["id"] == result["ruleId"]


def test_sarif_artifact_uris_are_relative_with_forward_slashes(sarif):
    (run,) = sarif["runs"]
    uris = {
        result["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]
        for result in run["results"]
    }

    assert uris
    for uri in uris:
        assert not uri.startswith(("/", "file:"))
        assert "\\" not in uri
        assert (REPO / uri).is_file()


def test_sarif_unreadable_file_is_an_error_notification_and_unsuccessful_run(
    tmp_path,
):
    scenario = copy_scenario(tmp_path, "agent_missing_tag")
    (scenario / "broken.tf").write_text('resource "x" "y" {\n  a = \n}\n')

    output, code = scan("--format", "sarif", str(scenario))

    assert code == 2
    (invocation,) = json.loads(output)["runs"][0]["invocations"]
    assert invocation["executionSuccessful"] is False
    errors = [
        n for n in invocation["toolExecutionNotifications"] if n["level"] == "error"
    ]
    assert len(errors) == 1
    assert "broken.tf" in errors[0]["message"]["text"]


# --- JUnit XML ----------------------------------------------------------------------


@pytest.fixture(scope="module")
def junit() -> JUnitXml:
    output, code = scan("--format", "junitxml", "terraform_fixtures")
    assert code == 1
    return JUnitXml.fromstring(output.encode("utf-8"))


def test_junit_has_one_suite_per_rule_and_one_case_per_finding(junit, fixtures_report):
    from ai_cost_policy.rules import RULES_BY_ID

    cases = {
        (suite.name.split()[0], case.name, case.classname)
        for suite in junit
        for case in suite
    }

    assert sorted(suite.name for suite in junit) == sorted(
        [
            f"{rule} {RULES_BY_ID[rule].pulumi_name}"
            for rule in {f["rule"] for f in fixtures_report["findings"]}
        ]
        + ["ai-cost-policy: notes"]
    )
    assert cases == {
        (f["rule"], f["resource"], f["file"]) for f in fixtures_report["findings"]
    }
    assert sum(suite.tests for suite in junit) == len(fixtures_report["findings"])


def test_junit_carries_the_scans_notes_without_counting_them_as_tests(
    junit, fixtures_report
):
    (notes,) = [suite for suite in junit if suite.name == "ai-cost-policy: notes"]

    assert notes.tests == 0
    assert notes._elem.find("system-out").text.split("\n") == sorted(
        fixtures_report["notes"]
    )


def test_junit_failures_skips_and_warnings_follow_the_verdicts(junit, fixtures_report):
    verdicts = {
        (f["rule"], f["resource"], f["file"]): f for f in fixtures_report["findings"]
    }

    for suite in junit:
        rule = suite.name.split()[0]
        for case in suite:
            finding = verdicts[(rule, case.name, case.classname)]
            failures = [r for r in case.result if isinstance(r, Failure)]
            skipped = [r for r in case.result if isinstance(r, Skipped)]
            if finding["verdict"] == "failed":
                (failure,) = failures
                assert failure.message == finding["message"]
                assert failure.type == rule
                assert all(d in failure.text for d in finding["details"])
            elif finding["verdict"] == "not-applicable":
                assert skipped and not failures
                assert skipped[0].message == finding["message"]
            elif finding["verdict"] == "warning":
                assert not failures and not skipped
                assert case.system_out.startswith(f"WARNING {rule}: ")
                assert finding["message"] in case.system_out
            else:
                assert case.is_passed and not case.system_out


def test_junit_cases_carry_file_and_line(junit, fixtures_report):
    lines = {(f["resource"], f["file"]): f["line"] for f in fixtures_report["findings"]}

    for suite in junit:
        for case in suite:
            assert case._elem.get("file") == case.classname
            assert int(case._elem.get("line")) == lines[(case.name, case.classname)]


# --- Markdown -----------------------------------------------------------------------


def _tables(markdown: str) -> list[list[list[str]]]:
    """Every table as rows of cell texts, as a GFM renderer parses them."""
    tokens = MarkdownIt("commonmark").enable("table").parse(markdown)
    tables: list[list[list[str]]] = []
    cell = False
    for token in tokens:
        if token.type == "table_open":
            tables.append([])
        elif token.type == "tr_open":
            tables[-1].append([])
        elif token.type in ("th_open", "td_open", "th_close", "td_close"):
            cell = token.type.endswith("_open")
        elif token.type == "inline" and cell:
            tables[-1][-1].append(token.content)
    return tables


def _plain(cell: str) -> str:
    """A cell's text as a reader sees it: escapes and entities undone."""
    text = re.sub(r"\\(.)", r"\1", cell)
    return text.replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&")


def test_markdown_summary_has_counts_failure_table_fixes_and_collapsed_passed(
    fixtures_report,
):
    output, code = scan("--format", "markdown", "terraform_fixtures")

    assert code == 1
    counts, failures, passed, not_applicable = _tables(output)
    summary = fixtures_report["summary"]
    assert counts[1] == [
        str(summary[key])
        for key in ("failed", "warning", "passed", "not-applicable", "errors")
    ]
    expected = [
        (f["verdict"], f["rule"], f["resource"], f"{f['file']}:{f['line']}")
        for f in reported_findings(fixtures_report)
    ]
    rows = [
        (row[0], re.sub(r"^\[(\w+)\]\(.*\)$", r"\1", row[1]), _plain(row[2]))
        + (_plain(row[3]),)
        for row in failures[1:]
    ]
    assert rows == expected
    for row, finding in zip(
        failures[1:], reported_findings(fixtures_report), strict=True
    ):
        assert _plain(row[4]).startswith(finding["message"])
    assert len(passed) - 1 == summary["passed"]
    assert len(not_applicable) - 1 == summary["not-applicable"]
    assert "<details><summary>Passed: " in output
    fixes = [d for f in reported_findings(fixtures_report) for d in f["details"]]
    fixes = [d.removeprefix("fix:").strip() for d in fixes if d.startswith("fix:")]
    assert fixes
    section = output.split("### How to fix", 1)[1].split("<details>", 1)[0]
    for fix in fixes:
        assert fix in _plain(section)


@pytest.mark.parametrize(
    "text",
    ["a | b", "<script>alert(1)</script>", "*deepseek*", "@team #12", "x\ny"],
)
def test_markdown_cells_escape_pipes_html_and_markup(text):
    from ai_cost_policy.formats.markdown import escape

    html = (
        MarkdownIt("commonmark")
        .enable("table")
        .render(f"| a | b |\n|---|---|\n| {escape(text)} | z |\n")
    )

    assert html.count("<td>") == 2
    assert "<script>" not in html
    assert "<em>" not in html
    cell = html.split("<td>", 1)[1].split("</td>", 1)[0]
    assert (
        cell.replace("<br>", "\n")
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", '"')
        == text
    )


# --- GitHub workflow commands -------------------------------------------------------

_COMMAND = re.compile(r"^::(?P<name>\w+)(?: (?P<properties>[^:]*))?::(?P<data>.*)$")


def _unescape(text: str) -> str:
    for escaped, raw in (("%0D", "\r"), ("%0A", "\n"), ("%3A", ":"), ("%2C", ",")):
        text = text.replace(escaped, raw)
    return text.replace("%25", "%")


def _commands(output: str) -> list[tuple[str, dict[str, str], str]]:
    commands = []
    for line in output.splitlines():
        match = _COMMAND.match(line)
        if match:
            properties = dict(
                item.split("=", 1)
                for item in (match["properties"] or "").split(",")
                if item
            )
            commands.append(
                (
                    match["name"],
                    {k: _unescape(v) for k, v in properties.items()},
                    _unescape(match["data"]),
                )
            )
    return commands


def test_github_annotates_each_failure_and_warning_on_its_file_and_line(
    fixtures_report,
):
    output, code = scan("--format", "github", "terraform_fixtures")

    assert code == 1
    annotations = [c for c in _commands(output) if c[0] in ("error", "warning")]
    expected = [
        (
            {"failed": "error", "warning": "warning"}[f["verdict"]],
            {"file": f["file"], "line": str(f["line"]), "title": f["rule"]},
            f["resource"],
            f["message"],
        )
        for f in reported_findings(fixtures_report)
    ]
    assert [
        (name, properties, *data.split("\n", 2)[:2])
        for name, properties, data in annotations
    ] == expected
    assert output.rstrip("\n").splitlines()[-1].startswith("Summary: ")


def test_github_escapes_data_and_properties_as_the_runner_expects(tmp_path):
    from ai_cost_policy.formats.github import command

    line = command("error", "50% done\r\nnext", file="a,b:c.tf", line=3, title="T")

    assert line == "::error file=a%2Cb%3Ac.tf,line=3,title=T::50%25 done%0D%0Anext"

    # A real path with a comma and a colon survives the round trip.
    scenario = copy_scenario(tmp_path / "team,a:b", "agent_missing_tag")
    output, _ = scan("--format", "github", ".", cwd=scenario.parent)
    ((_, properties, _),) = [c for c in _commands(output) if c[0] == "error"]
    assert properties["file"] == "agent_missing_tag/main.tf"
    assert "file=agent_missing_tag/main.tf" in output

    output, _ = scan("--format", "github", str(scenario), cwd=tmp_path)
    ((_, properties, _),) = [c for c in _commands(output) if c[0] == "error"]
    assert properties["file"] == "team,a:b/agent_missing_tag/main.tf"
    assert "file=team%2Ca%3Ab/agent_missing_tag/main.tf," in output


# --- what every format promises -----------------------------------------------------


def copy_scenario(tmp_path: Path, name: str) -> Path:
    """A fixture scenario in a repository of its own, with the fixtures' policy."""
    target = tmp_path / name
    shutil.copytree(FIXTURES / name, target)
    shutil.copy(FIXTURES / "ai-cost-policy.yaml", tmp_path / "ai-cost-policy.yaml")
    (tmp_path / ".git").mkdir(exist_ok=True)
    return target


SENSITIVE_HCL = f"""
variable "owner" {{
  type      = string
  sensitive = true
  default   = "owner-{CANARY}"
}}

variable "model_id" {{
  type      = string
  sensitive = true
  default   = "deepseek.{CANARY}-r1-v1:0"
}}

resource "aws_bedrockagent_agent" "fail_sensitive_denied_model" {{
  agent_name              = "research"
  agent_resource_role_arn = "arn:aws:iam::111122223333:role/bedrock-agent"
  foundation_model        = var.model_id
  instruction             = "{SOURCE_CANARY}"

  tags = {{
    cost-center = "cc-1234"
    owner       = var.owner
  }}
}}
"""


def sensitive_plan() -> dict:
    """A plan whose tag value and model are marked sensitive."""
    model = f"meta.{CANARY}-llama-v1:0"
    return {
        "format_version": "1.2",
        "terraform_version": "1.11.4",
        "planned_values": {"root_module": {}},
        "resource_changes": [
            {
                "address": "aws_bedrockagent_agent.plan_sensitive",
                "mode": "managed",
                "type": "aws_bedrockagent_agent",
                "name": "plan_sensitive",
                "provider_name": "registry.terraform.io/hashicorp/aws",
                "change": {
                    "actions": ["create"],
                    "before": None,
                    "after": {
                        "foundation_model": model,
                        "instruction": SOURCE_CANARY,
                        "tags": {"cost-center": f"cc-{CANARY}", "ai-model": model},
                        "tags_all": {
                            "cost-center": f"cc-{CANARY}",
                            "owner": "ml-team",
                            "ai-model": model,
                        },
                    },
                    "after_unknown": {"id": True},
                    "before_sensitive": False,
                    "after_sensitive": {
                        "foundation_model": True,
                        "tags": {"cost-center": True, "ai-model": True},
                        "tags_all": {"cost-center": True, "ai-model": True},
                    },
                },
            }
        ],
        "configuration": {"provider_config": {"aws": {}}, "root_module": {}},
    }


def sensitive_scenario(tmp_path: Path) -> Path:
    """HCL with sensitive variables and a plan with sensitive values, one repo."""
    root = tmp_path / "repo"
    (root / "infra").mkdir(parents=True)
    (root / ".git").mkdir()
    shutil.copy(FIXTURES / "ai-cost-policy.yaml", root / "ai-cost-policy.yaml")
    (root / "infra" / "main.tf").write_text(SENSITIVE_HCL, encoding="utf-8")
    (root / "plan.json").write_text(json.dumps(sensitive_plan()), encoding="utf-8")
    return root


@pytest.mark.parametrize("output_format", FORMATS)
def test_no_format_prints_a_sensitive_value_or_a_source_block(tmp_path, output_format):
    root = sensitive_scenario(tmp_path)

    completed = run_scan("--format", output_format, ".", cwd=root)

    assert completed.returncode == 1, completed.stderr
    printed = completed.stdout + completed.stderr
    assert CANARY not in printed
    assert "instruction" not in printed
    assert "agent_resource_role_arn" not in printed
    assert "(sensitive value)" in printed


@pytest.mark.parametrize("output_format", FORMATS)
def test_every_format_is_byte_identical_across_runs(output_format):
    first, _ = scan("--format", output_format, "terraform_fixtures")
    second, _ = scan("--format", output_format, "terraform_fixtures")

    assert first == second


def test_every_format_writes_to_output_file(tmp_path):
    for output_format in FORMATS:
        target = tmp_path / f"report.{output_format}"
        printed, _ = scan(
            "--format",
            output_format,
            "--output",
            str(target),
            "terraform_fixtures/agent_missing_tag",
        )
        direct, _ = scan(
            "--format", output_format, "terraform_fixtures/agent_missing_tag"
        )

        assert printed == ""
        assert target.read_text(encoding="utf-8") == direct


# --- generated configuration reference ----------------------------------------------


def _config_reference_module():
    spec = importlib.util.spec_from_file_location(
        "generate_config_reference", REPO / "scripts" / "generate_config_reference.py"
    )
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_generated_config_reference_is_current():
    module = _config_reference_module()

    page = REPO / "docs" / "config-reference.md"

    assert page.read_text(encoding="utf-8") == module.render(), (
        "run scripts/generate_config_reference.py"
    )


def test_config_reference_names_every_key_of_the_schema():
    module = _config_reference_module()
    schema = json.loads(module.SCHEMA.read_text(encoding="utf-8"))
    page = module.render()

    for key in schema["properties"]:
        assert f"| `{key}` |" in page
    for key in ("tags.required.<key>.pattern", "resource_types[].tags.labels"):
        assert f"| `{key}` |" in page
    assert '| `unknown` | one of `fail`, `warn`, `pass` | `"warn"` |' in page


def test_the_github_example_in_the_docs_is_real_output():
    command = "ai-cost-policy scan --format github terraform_fixtures/agent_missing_tag"
    docs = (REPO / "docs" / "formats.md").read_text(encoding="utf-8")
    after = docs[docs.index(f"(`{command}`):") :]
    example = after.split("```\n")[1]

    output, _ = scan("--format", "github", "terraform_fixtures/agent_missing_tag")

    assert example == output
