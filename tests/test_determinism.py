"""The same input gives byte-identical output, whatever the order files were written
in and whatever Python's hash seed: a report that changes by itself is noise in CI."""

from __future__ import annotations

import os
import random
import shutil
import subprocess

import pytest
from conftest import CLI, FIXTURES

SCAN_FORMATS = ("cli", "json", "sarif", "junitxml", "markdown", "github")
INVENTORY_FORMATS = ("table", "json", "csv", "markdown")


def copy_in_order(target, order_seed):
    files = sorted(path for path in FIXTURES.rglob("*") if path.is_file())
    random.Random(order_seed).shuffle(files)
    for path in files:
        destination = target / "terraform_fixtures" / path.relative_to(FIXTURES)
        destination.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(path, destination)
    (target / ".git").mkdir()


@pytest.fixture(scope="module")
def shuffled_trees(tmp_path_factory):
    root = tmp_path_factory.mktemp("shuffled")
    first, second = root / "first", root / "second"
    copy_in_order(first, order_seed=1)
    copy_in_order(second, order_seed=2)
    return first, second


def run(cwd, command, output_format, seed):
    environment = {**os.environ, "PYTHONHASHSEED": str(seed)}
    completed = subprocess.run(
        [CLI, command, "--format", output_format, "terraform_fixtures"],
        cwd=cwd,
        env=environment,
        capture_output=True,
        timeout=300,
    )
    assert b"internal error" not in completed.stderr, completed.stderr
    return completed.stdout


@pytest.mark.parametrize(
    ("command", "output_format"),
    [("scan", name) for name in SCAN_FORMATS]
    + [("inventory", name) for name in INVENTORY_FORMATS],
)
def test_output_is_byte_identical_across_file_orders_and_hash_seeds(
    shuffled_trees, command, output_format
):
    first, second = shuffled_trees

    reference = run(first, command, output_format, seed=0)

    assert reference
    assert run(second, command, output_format, seed=12345) == reference
    assert run(first, command, output_format, seed=777) == reference


def test_every_output_format_is_covered():
    from ai_cost_policy.cli import build_parser

    parser = build_parser()
    commands = next(
        action for action in parser._actions if action.dest == "command"
    ).choices
    for command, covered in (("scan", SCAN_FORMATS), ("inventory", INVENTORY_FORMATS)):
        (choices,) = [
            action.choices
            for action in commands[command]._actions
            if action.dest == "format"
        ]
        assert set(choices) == set(covered), command
