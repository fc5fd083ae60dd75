"""The ``ai-cost-policy`` command."""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from ai_cost_policy import __version__
from ai_cost_policy.paths import checks_dir, pack_dir

if TYPE_CHECKING:
    from ai_cost_policy.scan import ScanResult

EXIT_OK, EXIT_FAILED, EXIT_ERROR = 0, 1, 2


class _Assign(argparse.Action):
    """Keep --var and --var-file in command-line order: like Terraform, later wins."""

    def __call__(  # type: ignore[override]
        self,
        parser: argparse.ArgumentParser,
        namespace: argparse.Namespace,
        value: str,
        option_string: str | None = None,
    ) -> None:
        from ai_cost_policy.terraform.module import VarFile, VarValue, cli_value

        assignments = list(getattr(namespace, "assignments", None) or [])
        if option_string == "--var-file":
            path = Path(value)
            if not path.is_file():
                parser.error(f"--var-file {value}: not a file")
            assignments.append(VarFile(path))
        else:
            name, equals, text = value.partition("=")
            if not equals or not name:
                parser.error(f"--var: expected NAME=VALUE, got {value!r}")
            try:
                cli_value(name, text)
            except ValueError as error:
                parser.error(str(error))
            assignments.append(VarValue(name, text))
        namespace.assignments = assignments


def _write(output: str, destination: str | None, summary: str) -> int | None:
    """Print the report, or write it to ``destination``; an exit code on failure."""
    if not destination:
        sys.stdout.write(output)
        return None
    try:
        with open(destination, "w", encoding="utf-8", errors="replace") as handle:
            handle.write(output)
    except OSError as error:
        # The report must not be lost with the file: print it instead.
        sys.stdout.write(output)
        return _error(f"--output {destination}: {error.strerror}")
    print(f"{summary} (report: {destination})", file=sys.stderr)
    return None


def _scanned(args: argparse.Namespace) -> ScanResult | int:
    """The scan result for the paths, or the exit code of a failure.

    Each root module and plan is judged by its own policy (``PolicyLookup``); the
    embedded default, where it applied, is announced on stderr.
    """
    from ai_cost_policy.policy import PolicyError, PolicyLookup
    from ai_cost_policy.scan import scan_paths

    try:
        lookup = PolicyLookup(explicit=args.config)
    except PolicyError as error:
        return _error(str(error))
    result = scan_paths(
        [Path(path) for path in args.paths], lookup, args.assignments or []
    )
    if lookup.announcement:
        print(lookup.announcement, file=sys.stderr)
    return result


def _scan(args: argparse.Namespace) -> int:
    from ai_cost_policy.report import FORMATS, summary_line

    result = _scanned(args)
    if isinstance(result, int):
        return result
    output = FORMATS[args.format](result)
    failed_to_write = _write(output, args.output, summary_line(result))
    if failed_to_write is not None:
        return failed_to_write

    if result.errors:
        return EXIT_ERROR
    if any(finding.verdict == "failed" for finding in result.findings):
        return EXIT_FAILED
    return EXIT_OK


def _inventory(args: argparse.Namespace) -> int:
    from ai_cost_policy.inventory import FORMATS, inventory, summary_line

    result = _scanned(args)
    if isinstance(result, int):
        return result
    items = inventory(result)
    output = FORMATS[args.format](items, result)
    failed_to_write = _write(output, args.output, summary_line(items, result))
    if failed_to_write is not None:
        return failed_to_write
    if args.format == "csv":
        # CSV has no place for them; the other formats carry them.
        for error in sorted(result.errors, key=lambda e: (e.file, e.message)):
            print(
                f"ai-cost-policy: error: {error.file}: {error.message}", file=sys.stderr
            )
        for note in sorted(result.notes):
            print(f"note: {note}", file=sys.stderr)
    return EXIT_ERROR if result.errors else EXIT_OK


def _rules(args: argparse.Namespace) -> int:
    from ai_cost_policy.rules import RULES

    for rule in RULES:
        print(f"{rule.id:14} {rule.pulumi_name:24} HIGH  {rule.title}")
        print(f"{'':14} {rule.docs_url()}")
    return EXIT_OK


def _checks_dir(args: argparse.Namespace) -> int:
    print(checks_dir())
    return EXIT_OK


def _pack_dir(args: argparse.Namespace) -> int:
    print(pack_dir())
    return EXIT_OK


def _error(message: str) -> int:
    print(f"ai-cost-policy: error: {message}", file=sys.stderr)
    return EXIT_ERROR


def _add_inputs(command: argparse.ArgumentParser) -> None:
    """What to read: paths, the policy file and Terraform variables."""
    command.add_argument(
        "paths",
        nargs="*",
        default=["."],
        metavar="PATH",
        help="Terraform directories (searched recursively), .tf files (their "
        "directory is scanned) and plan JSON files (default: .)",
    )
    command.add_argument("--config", help="policy file (default: looked up, see docs)")
    command.add_argument(
        "--var-file",
        action=_Assign,
        dest="assignments",
        metavar="FILE",
        help="Terraform variable file (.tfvars or .tfvars.json) for the scanned "
        "root modules; repeatable, later wins",
    )
    command.add_argument(
        "--var",
        action=_Assign,
        dest="assignments",
        metavar="NAME=VALUE",
        help="Terraform variable value for the scanned root modules; repeatable, "
        "later wins",
    )


def build_parser() -> argparse.ArgumentParser:
    from ai_cost_policy.cli_config import add_config_commands
    from ai_cost_policy.hook import add_hook_command
    from ai_cost_policy.inventory import FORMATS as INVENTORY_FORMATS
    from ai_cost_policy.report import FORMATS

    parser = argparse.ArgumentParser(
        prog="ai-cost-policy",
        description="Cost-allocation tags and approved models for AI infrastructure.",
    )
    parser.add_argument("--version", action="version", version=__version__)
    commands = parser.add_subparsers(dest="command", required=True)

    scan = commands.add_parser(
        "scan", help="judge Terraform directories and plan JSON files"
    )
    _add_inputs(scan)
    scan.add_argument(
        "--format",
        choices=sorted(FORMATS),
        default="cli",
        help="cli (default), json (this pack's report), sarif (code scanning), "
        "junitxml (CI test reports), markdown (PR comment or job summary), "
        "github (workflow annotations)",
    )
    scan.add_argument("--output", metavar="FILE", help="write the report to FILE")
    scan.set_defaults(handler=_scan)

    inventory = commands.add_parser(
        "inventory",
        help="list every AI resource with its models, approval, cost tags and "
        "cost attributes",
    )
    _add_inputs(inventory)
    inventory.add_argument(
        "--format",
        choices=sorted(INVENTORY_FORMATS),
        default="table",
        help="table (default), json, csv or markdown",
    )
    inventory.add_argument(
        "--output", metavar="FILE", help="write the inventory to FILE"
    )
    inventory.set_defaults(handler=_inventory)

    commands.add_parser("rules", help="list the rules").set_defaults(handler=_rules)
    commands.add_parser(
        "checks-dir", help="print the Checkov checks directory"
    ).set_defaults(handler=_checks_dir)
    commands.add_parser(
        "pack-dir", help="print the Pulumi policy pack directory"
    ).set_defaults(handler=_pack_dir)
    add_config_commands(commands)
    add_hook_command(commands)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        return args.handler(args)
    except BrokenPipeError:
        # The reader went away (`config schema | head`): nothing left to say to
        # it. Point stdout at nothing so that the interpreter's own flush at exit
        # does not complain either.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return EXIT_ERROR
    except KeyboardInterrupt:
        return _error("interrupted")
    except Exception as error:  # noqa: BLE001 - a user never sees a traceback
        return _error(
            f"internal error ({type(error).__name__}); please report it with the "
            "command you ran"
        )


def run() -> None:
    sys.exit(main())


if __name__ == "__main__":
    run()
