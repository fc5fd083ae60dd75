"""``ai-cost-policy config validate|show|schema``, run as users run it."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from jsonschema import Draft202012Validator

from ai_cost_policy.policy import DEFAULT_ANNOUNCEMENT, SCHEMA

REPO = Path(__file__).resolve().parent.parent
FIXTURE_POLICY = REPO / "terraform_fixtures" / "ai-cost-policy.yaml"
CONSOLE_SCRIPT = Path(sys.executable).with_name("ai-cost-policy")

DESIGN_EXAMPLE = """\
version: 1
tags:
  required:
    cost-center: {pattern: "cc-[0-9]{4}"}
    owner: {}
    environment: {allowed: [dev, staging, prod]}
  model_tag: ai-model
models:
  bedrock: {approved: ["anthropic.claude-sonnet-4-*", "amazon.titan-embed-text-v2:0"]}
  azure:   {approved: ["gpt-4o@2024-11-20", "text-embedding-3-large@*"]}
  vertex:  {approved: ["google/gemini-2.5-*"]}
  denied:  ["*deepseek*"]
unknown: warn
rules:
  CKV_AICOST_3: {enforcement: advisory}
"""


def run(
    *args: str, cwd: Path, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    """The installed console script, in a clean environment."""
    environment = {
        key: value
        for key, value in os.environ.items()
        if key != "AI_COST_POLICY_CONFIG"
    }
    environment.update(env or {})
    return subprocess.run(
        [str(CONSOLE_SCRIPT), *args],
        cwd=cwd,
        env=environment,
        capture_output=True,
        text=True,
        timeout=60,
    )


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    root = tmp_path / "repo"
    (root / ".git").mkdir(parents=True)
    return root


def test_validate_accepts_a_valid_file_and_summarises_it(repo: Path) -> None:
    result = run("config", "validate", str(FIXTURE_POLICY), cwd=repo)

    assert result.returncode == 0, result.stderr
    assert result.stdout == (
        f"{FIXTURE_POLICY}: valid (requires tags: cost-center, owner; model tag: "
        "ai-model; governs: bedrock, azure, vertex; unknown: warn)\n"
    )


def test_validate_reports_every_problem_and_exits_2(repo: Path) -> None:
    (repo / "bad.yaml").write_text(
        "version: 1\ntgas: {}\nunknown: maybe\n", encoding="utf-8"
    )

    result = run("config", "validate", "bad.yaml", cwd=repo)

    assert result.returncode == 2
    assert result.stdout == ""
    assert result.stderr == (
        "ai-cost-policy: error: bad.yaml:2: tgas: unknown key; did you mean "
        "'tags'?\n"
        "ai-cost-policy: error: bad.yaml:3: unknown: 'maybe' is not one of: fail, "
        "warn, pass\n"
    )


def test_validate_of_a_missing_file_exits_2(repo: Path) -> None:
    result = run("config", "validate", "nope.yaml", cwd=repo)

    assert result.returncode == 2
    assert result.stderr == "ai-cost-policy: error: nope.yaml: no such file\n"


def test_validate_without_a_file_checks_the_one_a_scan_would_use(repo: Path) -> None:
    (repo / "ai-cost-policy.yaml").write_text("version: 2\n", encoding="utf-8")

    result = run("config", "validate", cwd=repo)

    assert result.returncode == 2
    assert result.stderr == (
        "ai-cost-policy: error: ai-cost-policy.yaml:1: version: this release reads "
        "policy version 1, found the number 2\n"
    )


def test_validate_without_any_file_says_the_default_applies(repo: Path) -> None:
    result = run("config", "validate", cwd=repo)

    assert result.returncode == 0
    assert "embedded default applies" in result.stderr


def test_validate_honours_the_environment_variable(repo: Path) -> None:
    result = run(
        "config",
        "validate",
        cwd=repo,
        env={"AI_COST_POLICY_CONFIG": str(FIXTURE_POLICY)},
    )

    assert result.returncode == 0
    assert result.stdout.startswith(f"{FIXTURE_POLICY}: valid")


def test_schema_prints_a_json_schema_accepting_the_fixture_and_design_example(
    repo: Path,
) -> None:
    result = run("config", "schema", cwd=repo)

    assert result.returncode == 0
    schema = json.loads(result.stdout)
    assert schema == SCHEMA
    Draft202012Validator.check_schema(schema)
    validator = Draft202012Validator(schema)
    for text in (FIXTURE_POLICY.read_text(encoding="utf-8"), DESIGN_EXAMPLE):
        assert list(validator.iter_errors(yaml.safe_load(text))) == []
    assert list(validator.iter_errors({"version": 1, "guardrails": {}})) != []


def test_show_prints_the_found_policy_and_names_its_source(repo: Path) -> None:
    (repo / "ai-cost-policy.yaml").write_text(DESIGN_EXAMPLE, encoding="utf-8")
    (repo / "infra").mkdir()

    result = run("config", "show", "infra", cwd=repo)

    assert result.returncode == 0, result.stderr
    assert result.stderr == (
        "ai-cost-policy: effective policy from ai-cost-policy.yaml\n"
    )
    shown = yaml.safe_load(result.stdout)
    assert shown["models"]["azure"] == {
        "approved": ["gpt-4o@2024-11-20", "text-embedding-3-large@*"]
    }
    assert shown["rules"]["CKV_AICOST_3"] == {"enforcement": "advisory"}


def test_show_with_config_uses_that_file(repo: Path) -> None:
    result = run("config", "show", "--config", str(FIXTURE_POLICY), cwd=repo)

    assert result.returncode == 0
    assert yaml.safe_load(result.stdout)["models"]["bedrock"]["approved"] == [
        "anthropic.claude-3-*",
        "anthropic.claude-sonnet-4-*",
    ]


def test_show_of_a_single_yaml_file_shows_that_file(repo: Path) -> None:
    named = run("config", "show", str(FIXTURE_POLICY), cwd=repo)
    configured = run("config", "show", "--config", str(FIXTURE_POLICY), cwd=repo)

    assert named.returncode == 0
    assert named.stdout == configured.stdout
    assert f"effective policy from {FIXTURE_POLICY}" in named.stderr


def test_an_empty_config_option_is_an_error_not_a_fallback(repo: Path) -> None:
    for command in (["scan", "."], ["inventory", "."], ["config", "show"]):
        result = run(*command, "--config", "", cwd=repo)

        assert result.returncode == 2, command
        assert "--config: empty; name a policy file" in result.stderr, command
        assert "embedded" not in result.stderr, command


def test_show_of_the_default_announces_it_and_prints_a_starter_file(
    repo: Path,
) -> None:
    result = run("config", "show", cwd=repo)

    assert result.returncode == 0
    assert result.stderr == DEFAULT_ANNOUNCEMENT + "\n"
    (repo / "ai-cost-policy.yaml").write_text(result.stdout, encoding="utf-8")
    again = run("config", "validate", cwd=repo)
    assert again.returncode == 0, again.stderr
    assert again.stdout == (
        "ai-cost-policy.yaml: valid (requires tags: cost-center, owner; model tag: "
        "ai-model; governs: no platform; unknown: warn)\n"
    )


def test_show_output_loads_back_to_the_same_effective_policy(repo: Path) -> None:
    first = run("config", "show", "--config", str(FIXTURE_POLICY), cwd=repo)
    (repo / "ai-cost-policy.yaml").write_text(first.stdout, encoding="utf-8")

    second = run("config", "show", cwd=repo)

    assert yaml.safe_load(second.stdout) == yaml.safe_load(first.stdout)


def test_show_with_an_invalid_policy_exits_2(repo: Path) -> None:
    (repo / "ai-cost-policy.yaml").write_text(
        "version: 1\nrules:\n  CKV_AICOST_4: {}\n", encoding="utf-8"
    )

    result = run("config", "show", cwd=repo)

    assert result.returncode == 2
    assert result.stdout == ""
    assert result.stderr == (
        "ai-cost-policy: error: ai-cost-policy.yaml:3: rules.CKV_AICOST_4: rule "
        "CKV_AICOST_4 (ai-bedrock-attributable-usage) is not built yet; rules in "
        "this release: CKV_AICOST_1, CKV_AICOST_2, CKV_AICOST_3\n"
    )


def test_module_entry_point_runs_the_config_commands(repo: Path) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "ai_cost_policy.cli_config", "config", "schema"],
        cwd=repo,
        capture_output=True,
        text=True,
        timeout=60,
    )

    assert result.returncode == 0
    assert json.loads(result.stdout)["title"] == SCHEMA["title"]


def test_config_init_writes_a_valid_starting_policy_and_never_overwrites(tmp_path):
    (tmp_path / ".git").mkdir()

    first = run("config", "init", cwd=tmp_path)
    written = (tmp_path / "ai-cost-policy.yaml").read_text()
    second = run("config", "init", cwd=tmp_path)
    validated = run("config", "validate", cwd=tmp_path)

    assert first.returncode == 0
    assert "version: 1" in written
    assert second.returncode == 2
    assert "already exists" in second.stderr
    assert (tmp_path / "ai-cost-policy.yaml").read_text() == written
    assert validated.returncode == 0
    assert "ai-cost-policy.yaml: valid" in validated.stdout


def test_validate_without_a_file_checks_every_policy_a_scan_may_use(
    repo: Path,
) -> None:
    (repo / "ai-cost-policy.yaml").write_text("version: 1\n", encoding="utf-8")
    (repo / "team-b").mkdir()
    (repo / "team-b" / "ai-cost-policy.yaml").write_text(
        "version: 1\ntagz: {}\n", encoding="utf-8"
    )
    (repo / ".terraform").mkdir()
    (repo / ".terraform" / "ai-cost-policy.yaml").write_text("junk", encoding="utf-8")

    result = run("config", "validate", cwd=repo)

    assert result.returncode == 2
    assert result.stdout.startswith("ai-cost-policy.yaml: valid (")
    assert result.stderr == (
        "ai-cost-policy: error: team-b/ai-cost-policy.yaml:2: tagz: unknown key; "
        "did you mean 'tags'?\n"
    )
