"""The `ai-cost-policy scan` contract: exit codes, the JSON report, and its guards."""

from __future__ import annotations

import json
import os
import shutil
import subprocess

import pytest
from conftest import CLI, FIXTURES, REPO
from verdicts import run_scan, scan_json

MISSING_TAG = FIXTURES / "agent_missing_tag"
MERGE_UNKNOWN = FIXTURES / "agent_merge_unknown_variable"


def copy_scenario(tmp_path, scenario=MISSING_TAG):
    target = tmp_path / "repo" / scenario.name
    shutil.copytree(scenario, target)
    shutil.copy(FIXTURES / "ai-cost-policy.yaml", target.parent / "ai-cost-policy.yaml")
    (tmp_path / "repo" / ".git").mkdir()
    return target


def test_failing_scenario_exits_1_and_names_failing_resources_and_rules():
    report, code = scan_json("terraform_fixtures/agent_missing_tag")

    assert code == 1
    failed = [
        (finding["resource"], finding["rule"], finding["file"], finding["line"])
        for finding in report["findings"]
        if finding["verdict"] == "failed"
    ]
    assert failed == [
        (
            "aws_bedrockagent_agent.fail_missing_owner",
            "CKV_AICOST_1",
            "terraform_fixtures/agent_missing_tag/main.tf",
            20,
        )
    ]
    assert report["summary"] == {
        "failed": 1,
        "warning": 0,
        "passed": 5,
        "not-applicable": 0,
        "errors": 0,
    }


def test_warnings_alone_exit_0():
    report, code = scan_json("terraform_fixtures/agent_merge_unknown_variable")

    assert code == 0
    assert report["summary"]["warning"] == 1
    assert report["summary"]["failed"] == 0


def test_passing_scenario_exits_0(tmp_path):
    scenario = copy_scenario(tmp_path)
    main = scenario / "main.tf"
    main.write_text(main.read_text().replace("Owner ", "owner "))

    completed = run_scan(str(scenario))

    assert completed.returncode == 0, completed.stdout
    assert "0 failed" in completed.stdout


def test_malformed_policy_file_exits_2_naming_file_line_and_key(tmp_path):
    scenario = copy_scenario(tmp_path)
    policy = tmp_path / "repo" / "ai-cost-policy.yaml"
    policy.write_text("version: 1\ntags:\n  requird:\n    owner: {}\n")

    completed = run_scan("--format", "json", str(scenario))
    report = json.loads(completed.stdout)

    # The report says which file, where, and which roots were left unjudged.
    assert completed.returncode == 2
    assert report["findings"] == []
    assert report["errors"] == [
        {
            "file": str(policy),
            "message": "line 3: tags.requird: unknown key; did you mean "
            f"'required'?; not judged under this policy file: {scenario}",
        }
    ]
    assert "Traceback" not in completed.stderr


def test_missing_path_exits_2_and_still_reports_other_findings():
    report, code = scan_json("terraform_fixtures/agent_missing_tag", "no/such/dir")

    assert code == 2
    assert report["errors"] == [
        {"file": "no/such/dir", "message": "no such file or directory"}
    ]
    assert report["summary"]["failed"] == 1


def test_unparsable_file_exits_2_naming_file_and_line(tmp_path):
    scenario = copy_scenario(tmp_path)
    (scenario / "broken.tf").write_text('resource "x" "y" {\n  a = \n}\n')

    report, code = scan_json(str(scenario))

    assert code == 2
    (error,) = report["errors"]
    assert error["file"].endswith("broken.tf")
    assert error["message"].startswith("line ")
    assert report["summary"]["failed"] == 1


def test_no_ai_resources_is_exit_0_with_a_note(tmp_path):
    (tmp_path / "main.tf").write_text('resource "aws_s3_bucket" "b" {}\n')

    report, code = scan_json(str(tmp_path))

    assert code == 0
    assert report["findings"] == []
    assert "no AI resources found in the scanned paths" in report["notes"]


def test_repository_checkov_config_cannot_soften_the_gate(tmp_path):
    scenario = copy_scenario(tmp_path)
    for name in (".checkov.yaml", ".checkov.yml"):
        (scenario / name).write_text("soft-fail: true\nskip-check:\n  - CKV_AICOST_1\n")
        (scenario.parent / name).write_text("soft-fail: true\n")

    completed = run_scan(str(scenario), cwd=scenario)

    assert completed.returncode == 1
    assert "CKV_AICOST_1" in completed.stdout


def test_embedded_default_is_announced_when_no_policy_file_is_found(tmp_path):
    target = tmp_path / "scenario"
    shutil.copytree(MISSING_TAG, target)
    (tmp_path / ".git").mkdir()

    completed = run_scan(str(target))

    announced = " ".join(completed.stderr.split())
    assert "no policy file found" in announced
    assert "the embedded default policy applies" in announced
    assert completed.returncode == 1


def test_output_never_contains_source_blocks_or_secrets(tmp_path):
    scenario = copy_scenario(tmp_path)
    canary = "CANARY-s3cr3t-7f1d"
    main = scenario / "main.tf"
    main.write_text(
        main.read_text().replace(
            'agent_name              = "support"',
            f'agent_name              = "support"\n  instruction = "{canary}"',
        )
    )

    for output_format in ("cli", "json"):
        completed = run_scan("--format", output_format, str(scenario))
        assert canary not in completed.stdout + completed.stderr
        assert "agent_resource_role_arn" not in completed.stdout


def test_json_report_is_byte_identical_across_runs():
    first = run_scan("--format", "json", "terraform_fixtures").stdout
    second = run_scan("--format", "json", "terraform_fixtures").stdout

    assert first == second
    assert json.loads(first)["tool"] == "ai-cost-policy"


def test_var_file_and_var_feed_the_root_module(tmp_path):
    scenario = copy_scenario(tmp_path, MERGE_UNKNOWN)
    var_file = tmp_path / "team.tfvars"
    var_file.write_text('team_tags = { owner = "ml-platform" }\n')

    with_file, code_file = scan_json("--var-file", str(var_file), str(scenario))
    with_var, code_var = scan_json(
        "--var", 'team_tags={ owner = "ml-platform" }', str(scenario)
    )

    for report, code in ((with_file, code_file), (with_var, code_var)):
        assert code == 0
        assert report["summary"]["warning"] == 0


@pytest.mark.parametrize("argv", [["--format", "yaml"], ["--var", "novalue"]])
def test_bad_arguments_exit_2(argv):
    completed = run_scan(*argv, "terraform_fixtures")

    assert completed.returncode == 2


def test_checks_dir_prints_the_shipped_checks():
    import subprocess

    completed = subprocess.run([CLI, "checks-dir"], capture_output=True, text=True)

    assert completed.returncode == 0
    assert (REPO / "checks").samefile(completed.stdout.strip())


# --- One scan, a policy per folder ----------------------------------------------

AGENT = """\
resource "aws_bedrockagent_agent" "{name}" {{
  agent_name              = "{name}"
  agent_resource_role_arn = "arn:aws:iam::111122223333:role/agent"
  foundation_model        = "anthropic.claude-3-haiku-20240307-v1:0"
  tags = {{
    cost-center = "cc-1234"
    owner       = "ml-team"
    ai-model    = "anthropic.claude-3-haiku-20240307-v1:0"
  }}
}}
"""


def team_repository(tmp_path, team_b_policy):
    repo = tmp_path / "repo"
    (repo / ".git").mkdir(parents=True)
    (repo / "ai-cost-policy.yaml").write_text("version: 1\n")
    for team in ("team-a", "team-b"):
        (repo / team).mkdir()
        (repo / team / "main.tf").write_text(AGENT.format(name=team.replace("-", "_")))
    (repo / "team-b" / "ai-cost-policy.yaml").write_text(team_b_policy)
    return repo


def test_a_scan_of_a_tree_judges_each_root_by_its_nearest_policy_file(tmp_path):
    repo = team_repository(
        tmp_path,
        "version: 1\ntags:\n  required:\n    team: {}\n",
    )

    completed = run_scan("--format", "json", ".", cwd=repo)
    report = json.loads(completed.stdout)

    assert completed.returncode == 1
    failed = {
        (finding["resource"], finding["message"])
        for finding in report["findings"]
        if finding["verdict"] == "failed"
    }
    # team-a is judged by the repository's policy and passes; team-b by its own.
    assert failed == {
        ("aws_bedrockagent_agent.team_b", "required tag 'team' is missing")
    }


def test_an_invalid_policy_file_in_a_folder_stops_only_the_roots_it_governs(tmp_path):
    repo = team_repository(tmp_path, "version: 1\ntagz: {}\n")

    completed = run_scan("--format", "json", ".", cwd=repo)
    report = json.loads(completed.stdout)

    assert completed.returncode == 2
    assert report["errors"] == [
        {
            "file": "team-b/ai-cost-policy.yaml",
            "message": "line 2: tagz: unknown key; did you mean 'tags'?; not "
            "judged under this policy file: team-b",
        }
    ]
    assert {finding["resource"] for finding in report["findings"]} == {
        "aws_bedrockagent_agent.team_a"
    }


def test_the_same_plan_named_twice_is_judged_once():
    plan = "terraform_fixtures/plans/agent_missing_tag.json"

    once, _ = scan_json(plan)
    twice, _ = scan_json(plan, "./" + plan)

    assert twice["findings"] == once["findings"]


def test_an_ungoverned_platform_is_noted_only_where_a_model_is_used(tmp_path):
    root = tmp_path / "repo"
    (root / ".git").mkdir(parents=True)
    (root / "main.tf").write_text(
        'resource "google_vertex_ai_endpoint" "ep" {\n'
        '  name     = "ep"\n  location = "us-central1"\n'
        '  labels   = { cost-center = "cc-1234", owner = "ml" }\n}\n'
        + AGENT.format(name="agent")
    )

    completed = run_scan(".", cwd=root)

    assert "platform 'bedrock' is not governed" in completed.stdout
    assert "platform 'vertex'" not in completed.stdout


def test_terraform_json_configuration_is_an_error_not_a_silent_pass(tmp_path):
    root = tmp_path / "repo"
    (root / "json-only").mkdir(parents=True)
    (root / ".git").mkdir()
    (root / "json-only" / "main.tf.json").write_text(
        '{"resource": {"aws_bedrockagent_agent": {"x": '
        '{"foundation_model": "deepseek.r1-v1:0"}}}}'
    )

    for target in ("json-only", "json-only/main.tf.json"):
        completed = run_scan("--format", "json", target, cwd=root)
        report = json.loads(completed.stdout)

        assert completed.returncode == 2, target
        assert report["errors"] == [
            {
                "file": "json-only/main.tf.json",
                "message": "Terraform JSON configuration (.tf.json) is not read, "
                "so its resources are not judged; scan the plan (terraform show "
                "-json) instead",
            }
        ], target


@pytest.mark.parametrize(
    "command",
    [["config", "schema"], ["scan", "--format", "json", "terraform_fixtures"]],
    ids=" ".join,
)
def test_a_reader_that_goes_away_gets_no_internal_error(command):
    # `ai-cost-policy config schema | head -3`: the pipe closes before the output
    # is written (closed here before anything is read, so it always does).
    process = subprocess.Popen(
        [CLI, *command], cwd=REPO, stdout=subprocess.PIPE, stderr=subprocess.PIPE
    )
    process.stdout.close()
    stderr = process.stderr.read().decode()
    process.wait(timeout=120)

    assert stderr.count("internal error") == 0, stderr
    assert "Traceback" not in stderr
    assert "BrokenPipe" not in stderr


@pytest.mark.parametrize(
    "command", [["scan"], ["scan", "--format", "github"], ["inventory"]], ids=" ".join
)
def test_control_characters_from_the_code_are_shown_escaped(tmp_path, command):
    root = tmp_path / "repo"
    (root / ".git").mkdir(parents=True)
    (root / "main.tf").write_text(
        # The key is listed where the tags were read from; owner is then missing.
        AGENT.format(name="agent").replace(
            'owner       = "ml-team"', '"ml\\u001b[2J-team" = "x"'
        )
    )

    completed = (
        run_scan(*command[1:], ".", cwd=root)
        if command[0] == "scan"
        else (
            subprocess.run(
                [CLI, *command, "."],
                cwd=root,
                capture_output=True,
                text=True,
                timeout=60,
            )
        )
    )

    assert "\x1b" not in completed.stdout
    if command[0] == "scan":  # the inventory lists only the policy's own keys
        assert "ml\\x1b[2J-team" in completed.stdout


CALLER = """\
module "ai" {
  source = "../modules/ai"
}
"""


def caller_and_module(tmp_path, root_policy, module_policy):
    repo = tmp_path / "repo"
    (repo / ".git").mkdir(parents=True)
    (repo / "ai-cost-policy.yaml").write_text("version: 1\n")
    for folder, text in (("root", CALLER), ("modules/ai", AGENT.format(name="a"))):
        (repo / folder).mkdir(parents=True)
        (repo / folder / "main.tf").write_text(text)
    if root_policy is not None:
        (repo / "root" / "ai-cost-policy.yaml").write_text(root_policy)
    (repo / "modules" / "ai" / "ai-cost-policy.yaml").write_text(module_policy)
    return repo


def test_a_called_modules_own_policy_file_governs_nothing(tmp_path):
    # The module is judged through its caller, by the caller's policy.
    repo = caller_and_module(tmp_path, None, "version: 1\ntagz: 1\n")

    completed = run_scan("--format", "json", ".", cwd=repo)
    report = json.loads(completed.stdout)

    assert completed.returncode == 0, report
    assert report["errors"] == []
    assert {finding["resource"] for finding in report["findings"]} == {
        "module.ai.aws_bedrockagent_agent.a"
    }


def test_a_caller_under_an_invalid_policy_takes_its_modules_with_it(tmp_path):
    required_team = "version: 1\ntags:\n  required:\n    team-x: {}\n"
    repo = caller_and_module(tmp_path, "version: 1\ntagz: 1\n", required_team)

    completed = run_scan("--format", "json", ".", cwd=repo)
    report = json.loads(completed.stdout)

    assert completed.returncode == 2
    assert report["findings"] == []
    assert report["errors"] == [
        {
            "file": "root/ai-cost-policy.yaml",
            "message": "line 2: tagz: unknown key; did you mean 'tags'?; not "
            "judged under this policy file: root",
        }
    ]


def test_a_policy_file_that_is_a_fifo_is_an_error_not_a_hang(tmp_path):
    repo = tmp_path / "repo"
    (repo / ".git").mkdir(parents=True)
    (repo / "main.tf").write_text(AGENT.format(name="a"))
    os.mkfifo(repo / "ai-cost-policy.yaml")

    found = run_scan("--format", "json", ".", cwd=repo)
    named = run_scan("--config", "ai-cost-policy.yaml", ".", cwd=repo)

    assert found.returncode == named.returncode == 2
    assert json.loads(found.stdout)["errors"] == [
        {
            "file": "ai-cost-policy.yaml",
            "message": "not a regular file (a FIFO or device); not judged under "
            "this policy file: .",
        }
    ]
    assert (
        "ai-cost-policy.yaml: not a regular file (a FIFO or device) (named by "
        "--config)" in named.stderr
    )


def test_a_variable_file_terraform_would_read_but_cannot_be_read_is_an_error(
    tmp_path,
):
    repo = tmp_path / "repo"
    (repo / ".git").mkdir(parents=True)
    (repo / "main.tf").write_text(AGENT.format(name="a"))
    (repo / "terraform.tfvars").mkdir()
    (repo / "team.auto.tfvars").symlink_to("nowhere.tfvars")

    completed = run_scan("--format", "json", ".", cwd=repo)
    report = json.loads(completed.stdout)

    assert completed.returncode == 2
    assert report["errors"] == [
        {
            "file": "team.auto.tfvars",
            "message": "cannot read file: No such file or directory",
        },
        {"file": "terraform.tfvars", "message": "not a regular file"},
    ]


def test_a_plan_with_a_number_too_long_to_read_is_an_error_naming_it(tmp_path):
    plan = tmp_path / "plan.json"
    plan.write_text(
        '{"format_version": "1.2", "planned_values": {}, "resource_changes": [], '
        '"variables": {"n": {"value": ' + "9" * 4301 + "}}}"
    )

    report, code = scan_json(str(plan), "terraform_fixtures/agent_missing_tag")

    assert code == 2
    assert report["errors"] == [
        {
            "file": str(plan),
            "message": "holds a number of more than 4,300 digits, too long to read",
        }
    ]
    assert report["summary"]["failed"] == 1  # the other scenario is still judged


def test_a_scan_judged_by_several_policy_files_names_each_in_a_note(tmp_path):
    repo = team_repository(tmp_path, "version: 1\n")

    report = json.loads(run_scan("--format", "json", ".", cwd=repo).stdout)

    assert "policy ai-cost-policy.yaml judged 1 AI resource" in report["notes"]
    assert "policy team-b/ai-cost-policy.yaml judged 1 AI resource" in report["notes"]
