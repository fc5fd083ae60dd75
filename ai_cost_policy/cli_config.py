"""``ai-cost-policy config ...``: the policy file from the shell."""

from __future__ import annotations

import argparse
import json
import os
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import yaml

from ai_cost_policy.policy import (
    ENVIRONMENT_VARIABLE,
    POLICY_FILE_NAME,
    SCHEMA,
    Policy,
    PolicyError,
    default_policy,
    find_policy,
    load_policy_file,
    policy_to_dict,
)

EXIT_OK, EXIT_ERROR = 0, 2
PROG = "ai-cost-policy"


def add_config_commands(subparsers: Any) -> None:
    """Add ``config`` and its sub-commands to the main parser's sub-parsers."""
    config = subparsers.add_parser(
        "config",
        help="validate, show or describe the policy file",
        description="Work with ai-cost-policy.yaml, the policy every engine reads.",
    )
    commands = config.add_subparsers(
        dest="config_command", required=True, metavar="COMMAND"
    )

    validate = commands.add_parser(
        "validate",
        help="check a policy file and report every problem with file, line and key",
    )
    validate.add_argument(
        "file",
        nargs="?",
        metavar="FILE",
        help="the policy file (default: every one a scan of the current directory "
        "may use: the nearest above it and each one below it)",
    )
    validate.set_defaults(handler=validate_command)

    show = commands.add_parser(
        "show",
        help="print the effective policy as YAML (and where it came from on stderr)",
    )
    show.add_argument("--config", metavar="FILE", help="the policy file to show")
    show.add_argument(
        "paths",
        nargs="*",
        metavar="PATH",
        help="the paths a scan would judge; the policy is looked up from them "
        "(default: the current directory). A single .yaml file is shown itself",
    )
    show.set_defaults(handler=show_command)

    init = commands.add_parser(
        "init",
        help="write a starting policy file (the embedded default) to edit",
    )
    init.add_argument(
        "file",
        nargs="?",
        default=POLICY_FILE_NAME,
        metavar="FILE",
        help=f"where to write it (default: ./{POLICY_FILE_NAME}); never overwrites",
    )
    init.set_defaults(handler=init_command)

    schema = commands.add_parser(
        "schema", help="print the JSON Schema of the policy file"
    )
    schema.set_defaults(handler=schema_command)


def validate_command(args: argparse.Namespace) -> int:
    if args.file:
        files = [args.file]
    elif os.environ.get(ENVIRONMENT_VARIABLE):
        files = [os.environ[ENVIRONMENT_VARIABLE]]
    else:
        files = _files_a_scan_may_use()
    if not files:
        _note(
            "no policy file found from the current directory; the embedded "
            "default applies and is valid"
        )
        return EXIT_OK
    exit_code = EXIT_OK
    for file in files:
        try:
            policy = load_policy_file(file)
        except PolicyError as error:
            exit_code = _report(error)
            continue
        print(f"{policy.source}: valid ({summary(policy)})")
    return exit_code


def _files_a_scan_may_use() -> list[str]:
    """The nearest policy file above the current directory and every one below it.

    A scan of ``.`` judges each root module by the file nearest to it, so each of
    these may be the one that judges some root.
    """
    from ai_cost_policy.policy.lookup import nearest_policy_file
    from ai_cost_policy.terraform.module import display_path, walk_tree

    files = []
    nearest = nearest_policy_file(Path("."))
    if nearest is not None:
        files.append(nearest)
    for here, _, names in walk_tree("."):
        if here != Path(".") and POLICY_FILE_NAME in names:
            files.append(display_path(here / POLICY_FILE_NAME))
    return files


def show_command(args: argparse.Namespace) -> int:
    missing = [path for path in args.paths if not Path(path).exists()]
    if missing:
        _note(f"error: {missing[0]}: no such file or directory")
        return EXIT_ERROR
    paths, explicit = args.paths, args.config
    # `config show ai-cost-policy.yaml` means that file, as `config validate FILE`
    # does: a scan never reads YAML, so there is no other sensible reading.
    if explicit is None and len(paths) == 1 and _is_yaml(paths[0]):
        paths, explicit = [], paths[0]
    try:
        policy, announcement = find_policy(
            paths or ["."], explicit=explicit, environ=os.environ
        )
    except PolicyError as error:
        return _report(error)
    if announcement:
        print(announcement, file=sys.stderr)
    else:
        _note(f"effective policy from {policy.source}")
    sys.stdout.write(render_yaml(policy))
    return EXIT_OK


def _is_yaml(path: str) -> bool:
    return Path(path).is_file() and Path(path).suffix in (".yaml", ".yml")


def init_command(args: argparse.Namespace) -> int:
    # Writing through the shell (`config show > ai-cost-policy.yaml`) cannot work:
    # the shell creates the empty file first and the lookup then finds it.
    target = Path(args.file)
    if target.exists():
        _note(f"error: {target}: already exists; not overwritten")
        return EXIT_ERROR
    try:
        with target.open("x", encoding="utf-8") as handle:
            handle.write(render_yaml(default_policy()))
    except OSError as error:
        print(f"{PROG}: error: {target}: {error.strerror}", file=sys.stderr)
        return EXIT_ERROR
    _note(f"wrote {target}; edit it, then check it with: {PROG} config validate")
    return EXIT_OK


def schema_command(args: argparse.Namespace) -> int:
    print(json.dumps(SCHEMA, indent=2))
    return EXIT_OK


def render_yaml(policy: Policy) -> str:
    """The effective policy as a policy file that loads back to the same policy."""
    header = (
        f"# ai-cost-policy policy, effective values (from {policy.source}).\n"
        "# Reference: docs/policy-file.md; schema: ai-cost-policy config schema\n"
    )
    if not policy.approved:
        header += (
            "# No platform is governed yet: add models.<platform>.approved (bedrock,\n"
            "# azure, vertex, huggingface, sagemaker) to approve models.\n"
        )
    body = yaml.safe_dump(
        policy_to_dict(policy),
        sort_keys=False,
        default_flow_style=False,
        allow_unicode=True,
        width=88,
    )
    return header + body


def summary(policy: Policy) -> str:
    """One line: what the policy requires and governs."""
    tags = ", ".join(requirement.key for requirement in policy.required_tags)
    governed = ", ".join(policy.approved) or "no platform"
    model_tag = policy.model_tag or "none (rule CKV_AICOST_3 off)"
    return (
        f"requires tags: {tags or 'none'}; model tag: {model_tag}; "
        f"governs: {governed}; unknown: {policy.unknown}"
    )


def _report(error: PolicyError) -> int:
    for problem in error.all():
        print(f"{PROG}: error: {problem}", file=sys.stderr)
    return EXIT_ERROR


def _note(message: str) -> None:
    print(f"{PROG}: {message}", file=sys.stderr)


def main(argv: Sequence[str] | None = None) -> int:
    """The ``config`` commands alone: ``python -m ai_cost_policy.cli_config``."""
    parser = argparse.ArgumentParser(prog=PROG)
    add_config_commands(parser.add_subparsers(dest="command", required=True))
    args = parser.parse_args(argv)
    return args.handler(args)


if __name__ == "__main__":
    sys.exit(main())
