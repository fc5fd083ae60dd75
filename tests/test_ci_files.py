"""The CI files users copy: valid YAML of the right shape, wired to real commands.

GitHub and GitLab files are validated against SchemaStore's schemas as vendored by
check-jsonschema (offline); the pre-commit manifest by pre-commit's own loader.
Commands and inputs are checked against this package's parser and the action's
declared inputs, and the action's shell steps are run here with a fake runner.
"""

from __future__ import annotations

import json
import os
import re
import shlex
import subprocess
from importlib.resources import files
from pathlib import Path

import pytest
import yaml
from conftest import BIN, FIXTURES, REPO
from jsonschema import Draft7Validator
from pre_commit.clientlib import load_config, load_manifest

from ai_cost_policy.cli import build_parser
from ai_cost_policy.report import FORMATS

ACTION = REPO / "action.yml"
HOOKS = REPO / ".pre-commit-hooks.yaml"
GITHUB_WORKFLOW = REPO / "examples/github-workflow.yml"
PULUMI_WORKFLOW = REPO / "examples/pulumi-preview-ci.yml"
GITLAB_TEMPLATE = REPO / "templates/ai-cost-policy.gitlab-ci.yml"
CI_FILES = [ACTION, HOOKS, GITHUB_WORKFLOW, PULUMI_WORKFLOW, GITLAB_TEMPLATE]


def load(path: Path) -> dict:
    return yaml.safe_load(path.read_text(encoding="utf-8"))


def schema_errors(document: object, name: str) -> list[str]:
    vendored = files("check_jsonschema.builtin_schemas.vendor") / f"{name}.json"
    validator = Draft7Validator(json.loads(vendored.read_text(encoding="utf-8")))
    return [
        f"{'/'.join(map(str, error.absolute_path))}: {error.message}"
        for error in validator.iter_errors(document)
    ]


def subcommands() -> dict:
    parser = build_parser()
    choices = next(
        action.choices for action in parser._subparsers._group_actions if action.choices
    )
    return choices


def scan_commands(script: str) -> list[list[str]]:
    """Each command of a shell script that runs ``ai-cost-policy``, as words."""
    lines = script.replace("\\\n", " ").splitlines()
    return [
        shlex.split(line, comments=True)
        for line in map(str.strip, lines)
        if line.startswith("ai-cost-policy ")
    ]


def workflow(path: Path) -> dict:
    """A workflow as GitHub reads it: YAML 1.1 loaders turn the key ``on`` into
    ``True``, which GitHub (YAML 1.2) does not."""
    return {("on" if key is True else key): value for key, value in load(path).items()}


def run_steps(document: dict) -> list[dict]:
    if "runs" in document:
        return document["runs"]["steps"]
    return [step for job in document["jobs"].values() for step in job["steps"]]


@pytest.mark.parametrize("path", CI_FILES, ids=lambda path: path.name)
def test_every_ci_file_is_yaml_that_the_safe_loader_reads(path):
    assert isinstance(load(path), dict | list)


# pre-commit ------------------------------------------------------------------------


def test_hooks_manifest_is_valid_for_pre_commit():
    (hook,) = load_manifest(str(HOOKS))

    assert hook["id"] == "ai-cost-policy"
    assert hook["language"] == "python"
    assert hook["pass_filenames"] is True
    assert hook["require_serial"] is True


def test_hook_entry_is_an_installed_console_script_and_sub_command():
    (hook,) = load(HOOKS)
    script, command, *fixed = shlex.split(hook["entry"])
    scripts = _project_scripts()

    assert scripts[script] == "ai_cost_policy.cli:run"
    assert command in subcommands()
    parsed = build_parser().parse_args([command, *fixed, "infra/main.tf"])
    assert parsed.files == ["infra/main.tf"]


@pytest.mark.parametrize(
    ("name", "runs"),
    [
        ("infra/main.tf", True),
        ("infra/prod.tfvars", True),
        ("infra/terraform.tfvars.json", True),
        ("plans/prod.json", True),
        ("infra/.terraform/modules/x/main.tf", False),
        ("infra/README.md", False),
        ("ai_cost_policy/hook.py", False),
    ],
)
def test_hook_runs_on_terraform_and_json_files_only(name, runs):
    (hook,) = load(HOOKS)

    selected = bool(re.search(hook["files"], name)) and not re.search(
        hook["exclude"], name
    )

    assert selected is runs


def _project_scripts() -> dict[str, str]:
    import tomllib

    project = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))
    return project["project"]["scripts"]


# GitHub Action ---------------------------------------------------------------------


def test_action_validates_against_the_github_action_schema():
    assert schema_errors(load(ACTION), "github-actions") == []


def test_action_is_composite_with_the_documented_inputs():
    action = load(ACTION)

    assert action["runs"]["using"] == "composite"
    assert {"paths", "config", "format", "soft-fail", "version"} <= set(
        action["inputs"]
    )
    assert action["inputs"]["format"]["default"] in FORMATS
    assert set(action["outputs"]) == {"exit-code", "sarif-file"}


def test_action_uses_every_input_it_declares_and_no_other():
    action = load(ACTION)
    text = yaml.safe_dump(action["runs"])

    used = set(re.findall(r"inputs\.([A-Za-z0-9_-]+)", text))

    assert used == set(action["inputs"])


def test_action_installs_from_its_own_checkout():
    install = next(
        step for step in load(ACTION)["runs"]["steps"] if "Install" in step["name"]
    )

    assert install["env"]["ACTION_PATH"] == "${{ github.action_path }}"
    assert '"$ACTION_PATH"' in install["run"]
    assert (REPO / "requirements.lock").is_file()


def test_action_runs_only_existing_commands_and_formats():
    commands = [
        words
        for step in run_steps(load(ACTION))
        if "run" in step
        for words in scan_commands(step["run"].replace('"$cli"', "ai-cost-policy"))
    ]

    assert len(commands) == 3
    for words in commands:
        assert words[1] in subcommands()
        fixed = words[words.index("--format") + 1]
        assert fixed in FORMATS or fixed == "$INPUT_FORMAT"
    assert {words[words.index("--format") + 1] for words in commands} == {
        "$INPUT_FORMAT",
        "sarif",
        "markdown",
    }


@pytest.fixture
def runner(tmp_path: Path) -> dict[str, str]:
    """What a GitHub runner gives a step, with the action's install in place."""
    installed = tmp_path / "runner-temp/ai-cost-policy/bin"
    installed.mkdir(parents=True)
    (installed / "ai-cost-policy").symlink_to(BIN / "ai-cost-policy")
    for name in ("output", "summary"):
        (tmp_path / name).touch()
    return {
        "PATH": os.environ["PATH"],
        "RUNNER_TEMP": str(tmp_path / "runner-temp"),
        "GITHUB_OUTPUT": str(tmp_path / "output"),
        "GITHUB_STEP_SUMMARY": str(tmp_path / "summary"),
    }


def run_action_step(name: str, env: dict[str, str], cwd: Path) -> int:
    step = next(step for step in load(ACTION)["runs"]["steps"] if step["name"] == name)
    fixed = {
        key: value for key, value in step["env"].items() if "${{" not in str(value)
    }
    completed = subprocess.run(
        ["bash", "-c", step["run"]],
        cwd=cwd,
        env=fixed | env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    return completed.returncode


def test_action_scan_step_writes_sarif_summary_and_exit_code(runner, tmp_path):
    scenario = FIXTURES / "aws_module_default_tags"
    env = runner | {
        "INPUT_PATHS": f"{scenario}\n{FIXTURES / 'agent_missing_tag'}",
        "INPUT_CONFIG": str(FIXTURES / "ai-cost-policy.yaml"),
        "INPUT_FORMAT": "github",
        "INPUT_SARIF_FILE": str(tmp_path / "report.sarif"),
        "INPUT_SUMMARY": "true",
    }

    assert run_action_step("Scan", env, tmp_path) == 0

    outputs = dict(
        line.split("=", 1) for line in (tmp_path / "output").read_text().splitlines()
    )
    assert outputs == {"exit-code": "1", "sarif-file": str(tmp_path / "report.sarif")}
    sarif = json.loads((tmp_path / "report.sarif").read_text())
    assert sarif["version"] == "2.1.0"
    assert "CKV_AICOST_1" in (tmp_path / "summary").read_text()


def test_action_without_sarif_file_or_summary_writes_neither(runner, tmp_path):
    env = runner | {
        "INPUT_PATHS": str(FIXTURES / "aws_module_default_tags"),
        "INPUT_CONFIG": "",
        "INPUT_FORMAT": "cli",
        "INPUT_SARIF_FILE": "",
        "INPUT_SUMMARY": "false",
    }

    assert run_action_step("Scan", env, tmp_path) == 0

    assert "sarif-file=\n" in (tmp_path / "output").read_text()
    assert (tmp_path / "summary").read_text() == ""


@pytest.mark.parametrize(
    ("status", "soft_fail", "step_exit"),
    [
        ("0", "false", 0),
        ("1", "false", 1),
        ("1", "true", 0),
        ("2", "true", 2),
        ("2", "false", 2),
    ],
)
def test_soft_fail_lets_failed_rules_through_but_not_errors(
    runner, tmp_path, status, soft_fail, step_exit
):
    env = runner | {"STATUS": status, "SOFT_FAIL": soft_fail}

    assert run_action_step("Decide", env, tmp_path) == step_exit


def test_example_workflow_validates_and_uses_the_action_as_declared():
    example = workflow(GITHUB_WORKFLOW)
    action = load(ACTION)
    (job,) = example["jobs"].values()
    ours = next(
        step for step in job["steps"] if "ai-cost-policy/" in step.get("uses", "")
    )
    upload = next(
        step for step in job["steps"] if "upload-sarif" in step.get("uses", "")
    )

    assert schema_errors(example, "github-workflows") == []
    assert set(ours["with"]) <= set(action["inputs"])
    referenced = re.findall(
        rf"steps\.{ours['id']}\.outputs\.([a-z-]+)", yaml.safe_dump(job)
    )
    assert referenced and set(referenced) <= set(action["outputs"])
    assert upload["with"]["sarif_file"].endswith("outputs.sarif-file }}")
    assert example["permissions"]["security-events"] == "write"


def test_pulumi_example_previews_with_the_installed_pack():
    example = workflow(PULUMI_WORKFLOW)
    scripts = "\n".join(step.get("run", "") for step in run_steps(example))

    assert schema_errors(example, "github-workflows") == []
    assert "pulumi preview" in scripts
    assert '--policy-pack "$(ai-cost-policy pack-dir)"' in scripts
    assert "pack-dir" in subcommands()


# GitLab ----------------------------------------------------------------------------


def test_gitlab_template_validates_against_the_gitlab_ci_schema():
    assert schema_errors(load(GITLAB_TEMPLATE), "gitlab-ci") == []


def test_gitlab_template_writes_the_reports_it_keeps():
    template = load(GITLAB_TEMPLATE)
    job = template[".ai-cost-policy"]
    commands = scan_commands("\n".join(job["script"]))
    written = {
        words[words.index("--format") + 1]: words[words.index("--output") + 1]
        for words in commands
        if "--output" in words
    }

    assert all(words[1] == "scan" for words in commands)
    assert set(written) <= set(FORMATS)
    assert job["artifacts"]["reports"]["junit"] == written["junitxml"]
    assert set(job["artifacts"]["paths"]) == set(written.values())
    assert job["artifacts"]["when"] == "always"
    assert template["ai-cost-policy"]["extends"] == ".ai-cost-policy"


def test_gitlab_script_reports_and_keeps_the_exit_code(tmp_path):
    job = load(GITLAB_TEMPLATE)[".ai-cost-policy"]
    env = {
        "PATH": f"{BIN}{os.pathsep}{os.environ['PATH']}",
        "AI_COST_POLICY_PATHS": str(FIXTURES / "aws_module_default_tags"),
        "AI_COST_POLICY_CONFIG": str(FIXTURES / "ai-cost-policy.yaml"),
    }

    completed = subprocess.run(
        ["bash", "-c", "\n".join(job["script"])],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )

    assert completed.returncode == 1, completed.stderr
    assert "CKV_AICOST_1" in completed.stdout
    report = json.loads((tmp_path / "ai-cost-policy.json").read_text())
    assert report["summary"]["failed"] == 2
    assert (tmp_path / "ai-cost-policy.junit.xml").read_text().startswith("<?xml")
    assert (tmp_path / "ai-cost-policy.md").read_text().startswith("## ai-cost-policy")


# docs/ci.md -----------------------------------------------------------------------


def doc_yaml_blocks() -> list[str]:
    text = (REPO / "docs/ci.md").read_text(encoding="utf-8")
    return re.findall(r"```yaml\n(.*?)```", text, flags=re.DOTALL)


def test_every_yaml_example_in_the_docs_loads():
    blocks = doc_yaml_blocks()

    assert len(blocks) >= 5
    for block in blocks:
        assert isinstance(yaml.safe_load(block), dict), block


def test_pre_commit_configs_in_the_docs_are_valid(tmp_path):
    configs = [block for block in doc_yaml_blocks() if block.startswith("repos:")]

    assert len(configs) == 2
    for index, block in enumerate(configs):
        path = tmp_path / f"config-{index}.yaml"
        path.write_text(block, encoding="utf-8")
        load_config(str(path))
