"""The pre-commit hook: changed files map to the root modules that judge them.

The unit tests build small repositories in ``tmp_path`` (a ``.git`` folder marks the
top) and check which roots and plans the hook picks, and why. The last test installs
the hook from this working tree with the real ``pre-commit`` tool and commits
through it.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import PLANS, REPO

from ai_cost_policy.cli import main
from ai_cost_policy.hook import find_targets, module_calls

POLICY = """\
version: 1
tags:
  required:
    cost-center: {pattern: "cc-[0-9]{4}"}
    owner: {}
  model_tag: ai-model
models:
  bedrock:
    approved: ["anthropic.claude-3-*"]
"""

ROOT_WITH_DEFAULT_TAGS = """\
provider "aws" {
  region = "us-east-1"

  default_tags {
    tags = {
      cost-center = "cc-1234"
      owner       = "ml-platform"
    }
  }
}

module "ai" {
  source   = "../../modules/ai"
  model_id = "anthropic.claude-3-haiku-20240307-v1:0"
}
"""


def child_module(extra_tags: str = "") -> str:
    return f"""\
variable "model_id" {{
  type = string
}}

resource "aws_bedrockagent_agent" "support" {{
  agent_name              = "support"
  agent_resource_role_arn = "arn:aws:iam::111122223333:role/bedrock-agent"
  foundation_model        = var.model_id

  tags = {{
    ai-model = var.model_id{extra_tags}
  }}
}}
"""


def calls(*sources: str) -> str:
    return "".join(
        f'module "m{index}" {{\n  source = "{source}"\n}}\n'
        for index, source in enumerate(sources)
    )


def make_repository(top: Path, files: dict[str, str]) -> Path:
    (top / ".git").mkdir(parents=True, exist_ok=True)
    for name, text in files.items():
        path = top / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    return top


def judged(top: Path, *changed: str) -> dict[str, list[str]]:
    targets = find_targets([top / name for name in changed])
    shown = {
        root.relative_to(top.resolve()).as_posix() or ".": reasons
        for root, reasons in targets.roots.items()
    }
    shown.update({plan.relative_to(top).as_posix(): ["plan"] for plan in targets.plans})
    return shown


@pytest.fixture(autouse=True)
def fresh_module_calls(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    # The call graph is cached per repository for one run; tests edit repositories.
    module_calls.cache_clear()
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("AI_COST_POLICY_CONFIG", raising=False)


def test_child_module_change_judges_the_root_that_calls_it(tmp_path):
    top = make_repository(
        tmp_path,
        {
            "infra/prod/main.tf": ROOT_WITH_DEFAULT_TAGS,
            "modules/ai/main.tf": child_module(),
        },
    )

    assert judged(top, "modules/ai/main.tf") == {
        "infra/prod": ["calls modules/ai, changed"]
    }


def test_module_called_by_two_roots_judges_both(tmp_path):
    top = make_repository(
        tmp_path,
        {
            "envs/dev/main.tf": calls("../../modules/ai"),
            "envs/prod/main.tf": calls("../../modules/ai"),
            "modules/ai/main.tf": child_module(),
        },
    )

    assert judged(top, "modules/ai/main.tf") == {
        "envs/dev": ["calls modules/ai, changed"],
        "envs/prod": ["calls modules/ai, changed"],
    }


def test_nested_module_is_judged_through_the_top_root_only(tmp_path):
    top = make_repository(
        tmp_path,
        {
            "live/main.tf": calls("../modules/app"),
            "modules/app/main.tf": calls("../ai"),
            "modules/ai/main.tf": child_module(),
        },
    )

    assert judged(top, "modules/ai/main.tf") == {"live": ["calls modules/ai, changed"]}


def test_directory_that_nobody_calls_is_its_own_root(tmp_path):
    top = make_repository(
        tmp_path,
        {"standalone/main.tf": child_module(), "other/main.tf": calls("./sub")},
    )
    (top / "other/sub").mkdir()

    assert judged(top, "standalone/main.tf") == {"standalone": ["changed"]}


def test_commented_out_module_call_does_not_make_a_caller(tmp_path):
    top = make_repository(
        tmp_path,
        {
            "live/main.tf": '# module "old" {\n#   source = "../modules/ai"\n# }\n',
            "modules/ai/main.tf": child_module(),
        },
    )

    assert judged(top, "modules/ai/main.tf") == {"modules/ai": ["changed"]}


def test_each_root_is_judged_once_however_many_files_changed(tmp_path):
    top = make_repository(
        tmp_path,
        {
            "infra/prod/main.tf": ROOT_WITH_DEFAULT_TAGS,
            "infra/prod/variables.tf": "",
            "infra/prod/terraform.tfvars": "",
            "modules/ai/main.tf": child_module(),
            "modules/ai/outputs.tf": "",
        },
    )

    assert judged(
        top,
        "infra/prod/main.tf",
        "infra/prod/variables.tf",
        "infra/prod/terraform.tfvars",
        "modules/ai/main.tf",
        "modules/ai/outputs.tf",
    ) == {"infra/prod": ["changed", "calls modules/ai, changed"]}


def test_root_at_the_top_is_judged_without_the_roots_below_it(tmp_path, capsys):
    top = make_repository(
        tmp_path,
        {
            "main.tf": calls("./modules/ai"),
            "modules/ai/main.tf": child_module(),
            "examples/basic/main.tf": child_module(),
        },
    )

    assert judged(top, "main.tf") == {".": ["changed"]}
    main(["hook", "main.tf", "--format", "json"])
    report = json.loads(capsys.readouterr().out)
    assert {finding["resource"] for finding in report["findings"]} == {
        "module.m0.aws_bedrockagent_agent.support"
    }


def test_plan_json_is_judged_as_a_plan_and_other_json_is_ignored(tmp_path):
    top = make_repository(tmp_path, {"package.json": '{"name": "x"}'})
    shutil.copy(PLANS / "aws_module_default_tags.json", top / "plan.json")

    assert judged(top, "plan.json", "package.json") == {"plan.json": ["plan"]}


def test_variable_file_outside_any_module_is_noted_not_judged(tmp_path):
    top = make_repository(tmp_path, {"envs/prod.tfvars": 'owner = "x"\n'})

    targets = find_targets([top / "envs/prod.tfvars"])

    assert not targets.roots
    assert targets.notes == [
        "envs/prod.tfvars: no Terraform module in its directory, not judged (for a "
        "variable file of a root elsewhere, run ai-cost-policy scan ROOT --var-file "
        "FILE)"
    ]


def test_terraform_folders_are_neither_callers_nor_judged(tmp_path):
    top = make_repository(
        tmp_path,
        {
            "modules/ai/main.tf": child_module(),
            "infra/.terraform/modules/copy/main.tf": calls("../../../../modules/ai"),
        },
    )

    assert judged(top, "modules/ai/main.tf") == {"modules/ai": ["changed"]}
    assert judged(top, "infra/.terraform/modules/copy/main.tf") == {}


def test_hook_judges_the_root_with_its_default_tags(tmp_path, capsys):
    make_repository(
        tmp_path,
        {
            "ai-cost-policy.yaml": POLICY,
            "infra/prod/main.tf": ROOT_WITH_DEFAULT_TAGS,
            "modules/ai/main.tf": child_module('\n    cost-center = "marketing"'),
        },
    )

    exit_code = main(["hook", "modules/ai/main.tf"])
    output = capsys.readouterr()

    assert exit_code == 1
    assert "judging infra/prod (calls modules/ai, changed)" in output.err
    assert (
        "FAILED   CKV_AICOST_1 module.ai.aws_bedrockagent_agent.support" in output.out
    )
    assert "owner from default_tags of provider aws at infra/prod/main.tf" in output.out
    assert "required tag 'owner' is missing" not in output.out


def test_hook_passes_once_the_child_is_fixed(tmp_path, capsys):
    make_repository(
        tmp_path,
        {
            "ai-cost-policy.yaml": POLICY,
            "infra/prod/main.tf": ROOT_WITH_DEFAULT_TAGS,
            "modules/ai/main.tf": child_module(),
        },
    )

    assert main(["hook", "modules/ai/main.tf"]) == 0
    assert "0 failed" in capsys.readouterr().out


def test_hook_with_nothing_to_judge_exits_0(tmp_path, capsys):
    make_repository(tmp_path, {"tsconfig.json": "{// not even JSON\n}"})

    assert main(["hook", "tsconfig.json"]) == 0
    assert "nothing to judge" in capsys.readouterr().err


def test_roots_under_different_policy_files_are_each_judged_by_their_own(
    tmp_path, capsys
):
    make_repository(
        tmp_path,
        {
            "team-a/ai-cost-policy.yaml": POLICY,
            "team-a/main.tf": child_module(),
            "team-b/ai-cost-policy.yaml": POLICY.replace("owner: {}", "team: {}"),
            "team-b/main.tf": child_module(),
        },
    )

    exit_code = main(["hook", "team-a/main.tf", "team-b/main.tf"])
    output = capsys.readouterr()

    assert exit_code == 1
    assert "different policies" not in output.err
    assert output.out.count("Summary:") == 1  # one report for both roots
    assert output.out.count("required tag 'team' is missing") == 1
    assert output.out.count("required tag 'owner' is missing") == 1


def test_hook_imports_neither_checkov_nor_pulumi(tmp_path):
    make_repository(
        tmp_path,
        {"infra/prod/main.tf": ROOT_WITH_DEFAULT_TAGS, "modules/ai/main.tf": ""},
    )
    probe = (
        "import sys\nfrom ai_cost_policy.cli import main\n"
        "code = main(['hook', 'modules/ai/main.tf'])\n"
        "print(sorted({name.split('.')[0] for name in sys.modules}), code)"
    )

    # Its speed is benchmarks/run.py's to measure; what keeps it fast is here.
    completed = subprocess.run(
        [sys.executable, "-c", probe], cwd=tmp_path, capture_output=True, text=True
    )

    assert "judging infra/prod (calls modules/ai, changed)" in completed.stderr
    assert "'checkov'" not in completed.stdout
    assert "'pulumi'" not in completed.stdout


# The real tool, end to end ----------------------------------------------------------

GIT_IDENTITY = {
    "GIT_AUTHOR_NAME": "hook test",
    "GIT_AUTHOR_EMAIL": "hook-test@example.invalid",
    "GIT_COMMITTER_NAME": "hook test",
    "GIT_COMMITTER_EMAIL": "hook-test@example.invalid",
}


def run(
    command: list[str], cwd: Path, env: dict[str, str]
) -> subprocess.CompletedProcess:
    return subprocess.run(
        command, cwd=cwd, env=env, capture_output=True, text=True, timeout=600
    )


def git(cwd: Path, env: dict[str, str], *args: str) -> subprocess.CompletedProcess:
    completed = run(["git", "-c", "init.defaultBranch=main", *args], cwd, env)
    assert completed.returncode == 0, completed.stderr
    return completed


def snapshot_of_this_working_tree(destination: Path, env: dict[str, str]) -> str:
    """A git repository holding this working tree as it is, uncommitted changes too.

    pre-commit installs hooks from a git revision; ``try-repo`` would leave out
    files that are not yet tracked.
    """
    listed = subprocess.run(
        ["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"],
        cwd=REPO,
        capture_output=True,
        check=True,
    ).stdout.decode()
    for name in filter(None, listed.split("\0")):
        source = REPO / name
        if source.is_file():
            target = destination / name
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, target)
    git(destination, env, "init", "--quiet")
    git(destination, env, "add", "--all")
    git(destination, env, "commit", "--quiet", "--no-verify", "-m", "snapshot")
    return git(destination, env, "rev-parse", "HEAD").stdout.strip()


@pytest.mark.network
@pytest.mark.skipif(shutil.which("git") is None, reason="needs git")
def test_pre_commit_blocks_a_child_module_change_judged_through_its_root(tmp_path):
    empty_config = tmp_path / "gitconfig"
    empty_config.write_text("")
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in ("AI_COST_POLICY_CONFIG", "VIRTUAL_ENV", "GIT_DIR")
    }
    env |= GIT_IDENTITY | {
        "GIT_CONFIG_GLOBAL": str(empty_config),
        "GIT_CONFIG_NOSYSTEM": "1",
        "PRE_COMMIT_HOME": str(tmp_path / "pre-commit-home"),
        "PIP_DISABLE_PIP_VERSION_CHECK": "1",
    }
    hook_source = tmp_path / "hook-source"
    revision = snapshot_of_this_working_tree(hook_source, env)

    infra = make_repository(
        tmp_path / "infra",
        {
            "ai-cost-policy.yaml": POLICY,
            "infra/prod/main.tf": ROOT_WITH_DEFAULT_TAGS,
            "modules/ai/main.tf": child_module(),
            ".pre-commit-config.yaml": (
                f"repos:\n  - repo: {hook_source}\n    rev: {revision}\n"
                "    hooks:\n      - id: ai-cost-policy\n"
            ),
        },
    )
    shutil.rmtree(infra / ".git")
    git(infra, env, "init", "--quiet")
    pre_commit = [sys.executable, "-m", "pre_commit"]
    installed = run([*pre_commit, "install"], infra, env)
    assert installed.returncode == 0, installed.stdout + installed.stderr

    git(infra, env, "add", "--all")
    baseline = run(["git", "commit", "-m", "baseline"], infra, env)
    assert baseline.returncode == 0, baseline.stdout + baseline.stderr

    child = infra / "modules/ai/main.tf"
    child.write_text(child_module('\n    cost-center = "marketing"'))
    git(infra, env, "add", "modules/ai/main.tf")
    blocked = run(["git", "commit", "-m", "override the cost center"], infra, env)
    shown = blocked.stdout + blocked.stderr
    assert blocked.returncode != 0, shown
    assert "judging infra/prod (calls modules/ai, changed)" in shown
    assert "FAILED   CKV_AICOST_1 module.ai.aws_bedrockagent_agent.support" in shown
    assert "tag 'cost-center' has 'marketing'" in shown
    assert "owner from default_tags of provider aws at infra/prod/main.tf" in shown
    assert "required tag 'owner' is missing" not in shown

    child.write_text(child_module('\n    cost-center = "cc-5678"'))
    git(infra, env, "add", "modules/ai/main.tf")
    accepted = run(["git", "commit", "-m", "a cost center of ours"], infra, env)
    assert accepted.returncode == 0, accepted.stdout + accepted.stderr
    assert "ai-cost-policy" in accepted.stdout + accepted.stderr
    assert "Passed" in accepted.stdout + accepted.stderr
