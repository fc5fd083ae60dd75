"""Bad input: exit 2 with the file, the place and the problem; never a traceback,
never a hang, never a silent skip; findings for the good files still reported."""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

import pytest
from conftest import FIXTURES
from verdicts import report_verdicts, run_scan, scan_json

from ai_cost_policy.values import Unknown

AGENT = """\
resource "aws_bedrockagent_agent" "{name}" {{
  foundation_model = "{model}"
  tags = {tags}
}}
"""


# The finding good.tf (a copy of agent_missing_tag) must still give beside bad files.
GOOD_FINDING = ("aws_bedrockagent_agent.fail_missing_owner", "CKV_AICOST_1")


def agent(name="a", model="anthropic.claude-3-haiku-20240307-v1:0", tags="{}"):
    return AGENT.format(name=name, model=model, tags=tags)


def repo(tmp_path):
    (tmp_path / ".git").mkdir(exist_ok=True)
    return tmp_path


def test_a_pattern_that_backtracks_forever_fails_the_tag_instead_of_hanging(tmp_path):
    repo(tmp_path)
    (tmp_path / "ai-cost-policy.yaml").write_text(
        "version: 1\ntags:\n  required:\n    team: {pattern: '(a|aa)+b'}\n"
        "  model_tag: null\n"
    )
    (tmp_path / "main.tf").write_text(agent(tags=f'{{ team = "{"a" * 40}c" }}'))

    report, code = scan_json(str(tmp_path))

    assert code == 1
    (finding,) = [f for f in report["findings"] if f["rule"] == "CKV_AICOST_1"]
    assert "took too long" in finding["message"]


def test_a_module_cycle_is_an_error_and_the_root_is_still_judged(tmp_path):
    repo(tmp_path)
    root = tmp_path / "root"
    root.mkdir()
    (root / "main.tf").write_text(
        'module "self" {\n  source = "../root"\n}\n'
        + agent("fail_denied", "deepseek.r1-v1:0")
    )

    report, code = scan_json(str(root))

    assert code == 2
    (error,) = report["errors"]
    assert error["file"].endswith("root/main.tf")
    assert "module cycle" in error["message"]
    assert report["summary"]["failed"] >= 1


def test_a_missing_local_module_is_an_error(tmp_path):
    repo(tmp_path)
    (tmp_path / "main.tf").write_text('module "ai" {\n  source = "./nope"\n}\n')

    report, code = scan_json(str(tmp_path))

    assert code == 2
    assert "./nope does not exist" in report["errors"][0]["message"]


def test_a_negative_count_is_an_error_naming_the_line(tmp_path):
    repo(tmp_path)
    (tmp_path / "main.tf").write_text(agent().replace("{\n", "{\n  count = -1\n", 1))

    report, code = scan_json(str(tmp_path))

    assert code == 2
    assert report["errors"] == [
        {"file": report["errors"][0]["file"], "message": "line 1: count is negative"}
    ]


def test_values_of_sensitive_variables_are_never_printed(tmp_path):
    repo(tmp_path)
    canary = "CANARY-hcl-sensitive-4242"
    (tmp_path / "main.tf").write_text(
        'variable "cc" {\n  default = "' + canary + '"\n  sensitive = true\n}\n'
        'variable "model" {\n  default = "' + canary + '-model"\n'
        "  sensitive = true\n}\n"
        + agent(model="${var.model}", tags="{ cost-center = var.cc }")
    )

    for output_format in ("cli", "json"):
        completed = run_scan("--format", output_format, str(tmp_path))
        assert completed.returncode == 1
        assert canary not in completed.stdout + completed.stderr
        assert "(sensitive value)" in completed.stdout


def test_deeply_nested_expressions_are_unknown_values_that_say_why(tmp_path):
    repo(tmp_path)
    deep = "(" * 2000 + '"x"' + ")" * 2000
    (tmp_path / "deep.tf").write_text(agent(tags=f"{{ owner = {deep} }}"))
    shutil.copy(FIXTURES / "agent_missing_tag" / "main.tf", tmp_path / "good.tf")

    report, code = scan_json(str(tmp_path))

    assert code == 1
    verdicts = report_verdicts(report)
    assert verdicts[("aws_bedrockagent_agent.a", "CKV_AICOST_1")] == "warning"
    (finding,) = [
        f
        for f in report["findings"]
        if f["resource"] == "aws_bedrockagent_agent.a" and f["rule"] == "CKV_AICOST_1"
    ]
    assert "nested too deeply to evaluate" in finding["message"]
    assert verdicts[GOOD_FINDING] == "failed"


def nested(levels, leaf, kind="list"):
    value = leaf
    for _ in range(levels):
        value = [value] if kind == "list" else {"a": value}
    return value


def plan_with(after_extra=None, unknown_extra=None, sensitive_extra=None):
    after = {
        "foundation_model": "anthropic.claude-3-haiku-20240307-v1:0",
        "tags": {
            "cost-center": "cc-1",
            "owner": "ml",
            "ai-model": "anthropic.claude-3-haiku-20240307-v1:0",
        },
    }
    return {
        "format_version": "1.2",
        "planned_values": {},
        "resource_changes": [
            {
                "address": "aws_bedrockagent_agent.planned",
                "type": "aws_bedrockagent_agent",
                "name": "planned",
                "mode": "managed",
                "change": {
                    "actions": ["create"],
                    "after": {**after, **(after_extra or {})},
                    "after_unknown": unknown_extra or {},
                    "after_sensitive": sensitive_extra or {},
                },
            }
        ],
    }


def test_a_plan_nested_deeper_than_json_decodes_is_an_error_naming_it(tmp_path):
    repo(tmp_path)
    # Too deep for json.dumps as well: the nesting is written as text.
    text = json.dumps(plan_with({"description": "DEEP"}))
    deep = "[" * 1200 + '"x"' + "]" * 1200
    (tmp_path / "deep.json").write_text(text.replace('"DEEP"', deep))
    shutil.copy(FIXTURES / "agent_missing_tag" / "main.tf", tmp_path / "good.tf")

    completed = run_scan("--format", "json", str(tmp_path))

    assert completed.returncode == 2, completed.stderr
    assert "internal error" not in completed.stderr
    report = json.loads(completed.stdout)
    (error,) = report["errors"]
    assert error["file"].endswith("deep.json")
    assert "nested too deeply (more than 256 levels)" in error["message"]
    assert report_verdicts(report)[GOOD_FINDING] == "failed"


def test_a_plan_that_decodes_but_is_too_deep_to_walk_is_an_error(tmp_path):
    # json reads 500 levels; following after_unknown through them did not fit in
    # Python's recursion limit (two frames per level of lists).
    repo(tmp_path)
    deep = plan_with(
        {"prompt_override_configuration": nested(500, "x")},
        unknown_extra={"prompt_override_configuration": nested(500, True)},
    )
    (tmp_path / "deep.json").write_text(json.dumps(deep))
    shutil.copy(FIXTURES / "agent_missing_tag" / "main.tf", tmp_path / "good.tf")

    completed = run_scan("--format", "json", str(tmp_path))

    assert completed.returncode == 2, completed.stderr
    report = json.loads(completed.stdout)
    (error,) = report["errors"]
    assert error["file"].endswith("deep.json")
    assert "nested too deeply" in error["message"]
    assert report_verdicts(report)[GOOD_FINDING] == "failed"


def test_a_plan_nested_exactly_to_the_limit_is_judged_in_every_format(tmp_path):
    from ai_cost_policy.terraform.plan import MAX_PLAN_DEPTH, _nested_deeper_than

    repo(tmp_path)
    # Plan keys take five levels above an attribute's value.
    levels = MAX_PLAN_DEPTH - 5
    deep = plan_with(
        {
            "prompt_override_configuration": nested(levels, "x"),
            "description": nested(levels, "x", kind="dict"),
            "instruction": nested(levels, "x"),
        },
        unknown_extra={"prompt_override_configuration": nested(levels, True)},
        sensitive_extra={"instruction": nested(levels, True)},
    )
    assert not _nested_deeper_than(deep, MAX_PLAN_DEPTH)
    assert _nested_deeper_than(deep, MAX_PLAN_DEPTH - 1)
    (tmp_path / "plan.json").write_text(json.dumps(deep))

    report, code = scan_json(str(tmp_path / "plan.json"))

    assert code == 0
    assert report["errors"] == []
    assert set(report_verdicts(report)) >= {
        ("aws_bedrockagent_agent.planned", "CKV_AICOST_1")
    }
    for output_format in ("cli", "sarif", "junitxml", "markdown", "github"):
        completed = run_scan("--format", output_format, str(tmp_path / "plan.json"))
        assert completed.returncode == 0, (output_format, completed.stderr)


def dynamic_blocks(levels):
    return (
        "".join(
            '  dynamic "x" {\n    for_each = [1]\n    content {\n'
            for _ in range(levels)
        )
        + "    }\n  }\n" * levels
    )


def test_blocks_nested_too_deeply_are_an_error_naming_file_and_line(tmp_path):
    repo(tmp_path)
    (tmp_path / "deep").mkdir()
    (tmp_path / "deep" / "main.tf").write_text(
        agent().removesuffix("}\n") + dynamic_blocks(1000) + "}\n"
    )
    (tmp_path / "good").mkdir()
    shutil.copy(FIXTURES / "agent_missing_tag" / "main.tf", tmp_path / "good")

    completed = run_scan("--format", "json", str(tmp_path))

    assert completed.returncode == 2, completed.stderr
    assert "internal error" not in completed.stderr
    report = json.loads(completed.stdout)
    (error,) = report["errors"]
    assert error["file"].endswith("deep/main.tf")
    # The 257th level: the resource, then dynamic and content blocks in turn.
    assert error["message"] == "line 387: blocks are nested more than 256 levels deep"
    assert report_verdicts(report)[GOOD_FINDING] == "failed"


def test_blocks_nested_exactly_to_the_limit_are_read(tmp_path):
    from ai_cost_policy.terraform.hcl import MAX_BLOCK_DEPTH

    repo(tmp_path)
    inner = MAX_BLOCK_DEPTH - 1
    blocks = "  b {\n" * inner + "  }\n" * inner
    (tmp_path / "main.tf").write_text(agent().removesuffix("}\n") + blocks + "}\n")

    report, code = scan_json(str(tmp_path))

    assert report["errors"] == []
    assert code == 1
    assert ("aws_bedrockagent_agent.a", "CKV_AICOST_1") in report_verdicts(report)


def test_a_plan_over_the_size_limit_is_an_error_naming_the_limit(tmp_path):
    from ai_cost_policy.terraform.plan import MAX_PLAN_BYTES

    repo(tmp_path)
    shutil.copy(FIXTURES / "agent_missing_tag" / "main.tf", tmp_path / "good.tf")
    huge = tmp_path / "huge.json"
    with huge.open("wb") as handle:
        handle.write(b'{"format_version": "1.2", "planned_values": {}, "x": "')
        # Sparse: a file this size costs no disk and no time to make.
        handle.truncate(MAX_PLAN_BYTES + 1)

    report, code = scan_json(str(tmp_path))

    assert code == 2
    (error,) = report["errors"]
    assert error["file"].endswith("huge.json")
    assert error["message"] == (
        "the file is larger than 256 MiB, the limit for plan JSON"
    )
    assert report_verdicts(report)[GOOD_FINDING] == "failed"


def test_a_linked_directory_is_not_followed_and_says_so(tmp_path):
    repo(tmp_path)
    target = tmp_path / "real"
    shutil.copytree(FIXTURES / "agent_missing_tag", target)
    scanned = tmp_path / "scanned"
    scanned.mkdir()
    os.symlink(target, scanned / "linked")

    report, code = scan_json(str(scanned))

    assert code == 0
    assert any("link to a directory is not followed" in n for n in report["notes"])


def test_a_fifo_named_like_terraform_is_an_error_not_a_hang(tmp_path):
    repo(tmp_path)
    os.mkfifo(tmp_path / "main.tf")
    os.mkfifo(tmp_path / "plan.json")

    report, code = scan_json(str(tmp_path))

    assert code == 2
    assert {"file": report["errors"][0]["file"], "message": "not a regular file"} in [
        {"file": e["file"], "message": e["message"]} for e in report["errors"]
    ]


def test_json_variable_files_and_override_files_are_read(tmp_path):
    repo(tmp_path)
    (tmp_path / "main.tf").write_text(
        'variable "owner" {}\n'
        + agent(
            "pass_tagged",
            tags='{ cost-center = "cc-1", owner = var.owner, '
            'ai-model = "anthropic.claude-3-haiku-20240307-v1:0" }',
        )
    )
    (tmp_path / "terraform.tfvars.json").write_text('{"owner": "ml-team"}')
    (tmp_path / "override.tf").write_text(
        'resource "aws_bedrockagent_agent" "pass_tagged" {\n'
        '  foundation_model = "anthropic.claude-3-haiku-20240307-v1:0"\n}\n'
    )

    report, code = scan_json(str(tmp_path))

    assert code == 0, report
    assert set(report_verdicts(report).values()) == {"passed"}


def test_an_unwritable_output_still_prints_the_report(tmp_path):
    completed = run_scan(
        "--format",
        "json",
        "--output",
        str(tmp_path),
        "terraform_fixtures/agent_missing_tag",
    )

    assert completed.returncode == 2
    assert '"tool": "ai-cost-policy"' in completed.stdout
    assert f"--output {tmp_path}" in completed.stderr


def test_a_broken_policy_link_is_an_error_not_the_default(tmp_path):
    repo(tmp_path)
    shutil.copy(FIXTURES / "agent_missing_tag" / "main.tf", tmp_path / "main.tf")
    os.symlink(tmp_path / "missing.yaml", tmp_path / "ai-cost-policy.yaml")

    completed = run_scan("--format", "json", str(tmp_path))

    # Since each root is judged by its own policy file, the problem is an error in
    # the report, naming the file and what it leaves unjudged.
    assert completed.returncode == 2
    assert "embedded default" not in completed.stderr
    report = json.loads(completed.stdout)
    (error,) = report["errors"]
    assert error["file"].endswith("ai-cost-policy.yaml")
    assert "no such file" in error["message"]
    assert report["findings"] == []


def test_binary_oversized_empty_and_looping_files_are_named(tmp_path):
    repo(tmp_path)
    shutil.copy(FIXTURES / "agent_missing_tag" / "main.tf", tmp_path / "good.tf")
    (tmp_path / "binary.tf").write_bytes(b"\x00\xff\xfe" * 100)
    # The catalogue's 50 MB file, written for real (about a tenth of a second).
    (tmp_path / "huge.tf").write_bytes(b"# padding\n" * 5_000_000)
    (tmp_path / "empty.tf").write_text("")
    os.symlink(tmp_path / "loop.tf", tmp_path / "loop.tf")

    report, code = scan_json(str(tmp_path))

    assert code == 2
    problems = {
        error["file"].rsplit("/", 1)[-1]: error["message"] for error in report["errors"]
    }
    assert "not UTF-8" in problems["binary.tf"]
    assert "larger than 2 MiB" in problems["huge.tf"]
    assert "cannot read file" in problems["loop.tf"]
    assert "empty.tf" not in problems
    assert report["summary"]["failed"] == 1


def test_terraform_and_git_folders_are_not_scanned(tmp_path):
    repo(tmp_path)
    shutil.copy(FIXTURES / "agent_missing_tag" / "main.tf", tmp_path / "main.tf")
    for folder in (".terraform/modules/x", ".git/hooks"):
        (tmp_path / folder).mkdir(parents=True, exist_ok=True)
        (tmp_path / folder / "broken.tf").write_text("resource {{{")

    report, code = scan_json(str(tmp_path))

    assert code == 1
    assert report["errors"] == []


def test_a_parse_that_runs_too_long_is_stopped_and_named(tmp_path, monkeypatch):
    from ai_cost_policy.terraform import hcl

    monkeypatch.setattr(hcl, "PARSE_SECONDS", 0.01)
    slow = tmp_path / "slow.tf"
    slow.write_text("a = 1\n" * 200_000)

    try:
        hcl.parse_file(slow, "slow.tf")
    except hcl.HclError as error:
        assert str(error) == "slow.tf: parsing took longer than 0.01 s; split the file"
    else:
        raise AssertionError("the parse was not stopped")


def test_unreadable_directories_and_files_are_errors(tmp_path):
    import pwd
    import subprocess
    import tempfile

    from conftest import CLI

    setpriv = shutil.which("setpriv")
    if os.geteuid() != 0 or setpriv is None:
        import pytest

        pytest.skip("needs root and setpriv to run the scan as an unprivileged user")
    nobody = pwd.getpwnam("nobody")
    root = Path(tempfile.mkdtemp(dir="/tmp"))
    try:
        (root / ".git").mkdir()
        shutil.copytree(FIXTURES / "agent_missing_tag", root / "readable")
        shutil.copytree(FIXTURES / "agent_missing_tag", root / "locked")
        (root / "secret.json").write_text(
            '{"format_version": "1.2", "planned_values": {}}'
        )
        for path in [root, *root.rglob("*")]:
            path.chmod(0o755 if path.is_dir() else 0o644)
        (root / "locked").chmod(0o000)
        (root / "secret.json").chmod(0o000)

        completed = subprocess.run(
            [
                setpriv,
                f"--reuid={nobody.pw_uid}",
                f"--regid={nobody.pw_gid}",
                "--clear-groups",
                CLI,
                "scan",
                "--format",
                "json",
                str(root),
            ],
            capture_output=True,
            text=True,
            timeout=120,
            cwd="/",
        )
    finally:
        (root / "locked").chmod(0o755)
        shutil.rmtree(root)

    assert completed.returncode == 2, completed.stderr
    report = json.loads(completed.stdout)
    messages = " ".join(error["message"] for error in report["errors"])
    assert "cannot read" in messages
    assert report["summary"]["failed"] == 1


def doubling(name, first, step, levels=40):
    """Locals that each use the one before twice: 2**levels work if re-evaluated."""
    lines = [f"  {name}0 = {first}"]
    for level in range(1, levels + 1):
        before = f"local.{name}{level - 1}"
        lines.append(f"  {name}{level} = " + step.format(before=before))
    return "locals {\n" + "\n".join(lines) + "\n}\n"


def nested_for(levels=4, elements=100):
    body = "d0"
    for level in range(1, levels):
        body = f"[for d{level - 1} in local.l : {body}]"
    numbers = ", ".join(str(number) for number in range(elements))
    big = f"[for d{levels - 1} in local.l : {body}]"
    return f"locals {{\n  l = [{numbers}]\n  big = {big}\n}}\n"


def innermost(value):
    # Down the first element of nested lists, to the unknown that stopped them.
    while isinstance(value, list) and value:
        value = value[0]
    return value


@pytest.mark.parametrize(
    ("code", "local", "reason"),
    [
        (doubling("a", '["x"]', "[{before}, {before}]"), "a40", "values"),
        (doubling("s", '"ab"', '"${{{before}}}${{{before}}}"'), "s40", "characters"),
        (doubling("x", "2", "{before} * {before}"), "x40", "512 bits"),
        (nested_for(), "big", "steps"),
    ],
    ids=["list", "string", "number", "nested-for"],
)
def test_values_that_grow_past_the_limits_are_unknown_too_large(
    tmp_path, code, local, reason
):
    from ai_cost_policy.terraform.expressions import Scope
    from ai_cost_policy.terraform.hcl import parse_file

    # Each would take 2**40 (or 10**8) steps or bytes if the limits did not stop
    # it before the work is done.
    (tmp_path / "main.tf").write_text(code)
    (locals_block,) = parse_file(tmp_path / "main.tf", "main.tf").blocks
    scope = Scope(
        variables={},
        locals={
            name: (node, locals_block.source)
            for name, node in locals_block.attributes.items()
        },
    )

    value = innermost(scope.local(local, f"local.{local}"))

    assert isinstance(value, Unknown), value
    assert value.reason.startswith("too large to evaluate: "), value.reason
    assert reason in value.reason


def test_numbers_too_long_to_print_are_unknown_and_the_report_is_kept(tmp_path):
    from ai_cost_policy.terraform.module import resolve_root_module

    # Python prints no int of more than 4,300 digits; Terraform rounds past 512 bits.
    repo(tmp_path)
    nines = "9" * 100
    (tmp_path / "main.tf").write_text(
        f'variable "n" {{}}\nlocals {{\n  square = {nines} * {nines}\n}}\n'
        + agent(
            tags=f"{{ owner = {'9' * 4301}, cost-center = local.square, n = var.n }}"
        )
    )
    (tmp_path / "terraform.tfvars.json").write_text('{"n": ' + "7" * 600 + "}")

    (resource,) = resolve_root_module(tmp_path).resources
    report, code = scan_json(str(tmp_path))

    for key in ("owner", "cost-center", "n"):
        value = resource.tags.tags[key].value
        assert isinstance(value, Unknown), (key, value)
        assert value.reason.startswith("too large to evaluate: a number beyond")
    assert code == 1 and report["errors"] == []
    (finding,) = [f for f in report["findings"] if f["rule"] == "CKV_AICOST_1"]
    details = " ".join(finding["details"])
    assert "tag 'owner' is unknown" in details
    assert "tag 'cost-center' is unknown" in details
    assert details.count("(too large to evaluate: a number beyond") == 2


def test_generated_blocks_past_the_limit_are_reported_once_with_a_count(tmp_path):
    # 200 x 200 blocks: past the 10,000 expanded, 150 model slots are unknown
    # for one reason, said once rather than 150 times in one message line.
    repo(tmp_path)
    models = ", ".join(f'"m{number}"' for number in range(200))
    (tmp_path / "main.tf").write_text(
        f"locals {{\n  models = [{models}]\n}}\n"
        + """
resource "aws_bedrock_evaluation_job" "ev" {
  name = "e"
  inference_config {
    dynamic "model" {
      for_each = local.models
      content {
        dynamic "bedrock_model" {
          for_each = local.models
          content {
            model_identifier = bedrock_model.value
          }
        }
      }
    }
  }
}
"""
    )

    report, _ = scan_json(str(tmp_path))

    (finding,) = [f for f in report["findings"] if f["rule"] == "CKV_AICOST_2"]
    assert finding["verdict"] == "warning"
    assert len(finding["message"]) < 500, len(finding["message"])
    assert finding["message"].startswith(
        "inference_config[0].model[49].bedrock_model[0].model_identifier "
        "(and 150 more like it) is bedrock_model.value "
        '(dynamic "bedrock_model" is not expanded (for_each local.models): '
    )


def test_an_escaped_interpolation_without_a_closing_brace_parses_at_once(tmp_path):
    from ai_cost_policy.terraform.module import resolve_root_module

    # The grammar backtracks exponentially over the characters before "$${"
    # when no "}" follows: forty of them took far longer than the parse limit.
    prefix = "cost-center-" * 4
    (tmp_path / "main.tf").write_text(
        agent(tags=f'{{ owner = "{prefix}$${{", team = "a-$${{b}}" }}')
    )

    result = resolve_root_module(tmp_path)

    assert result.errors == []
    (resource,) = result.resources
    assert resource.tags.tags["owner"].value.value == prefix + "${"
    assert resource.tags.tags["team"].value.value == "a-${b}"


def test_a_number_with_an_exponent_is_an_error_that_says_so(tmp_path):
    repo(tmp_path)
    (tmp_path / "main.tf").write_text('locals {\n  a = "1e3"\n  b = 1e3 * 2\n}\n')

    report, code = scan_json(str(tmp_path))

    assert code == 2
    (error,) = report["errors"]
    assert error["message"].endswith(
        "line 3: numbers with exponents (1e3) are not supported by the HCL parser; "
        "write the number out"
    ), error


def test_a_parse_stopped_on_an_unclosed_interpolation_names_its_line(
    tmp_path, monkeypatch
):
    from ai_cost_policy.terraform import hcl

    monkeypatch.setattr(hcl, "PARSE_SECONDS", 0.01)
    slow = tmp_path / "slow.tf"
    slow.write_text("a = 1\n" * 200_000 + 'b = "cc-${"\n')

    try:
        hcl.parse_file(slow, "slow.tf")
    except hcl.HclError as error:
        assert error.line == 200_001
        assert "opens '${' without a '}'" in error.message
    else:
        raise AssertionError("the parse was not stopped")
