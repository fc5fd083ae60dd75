"""The same input gives byte-identical output, whatever the order files were written
in and whatever Python's hash seed: a report that changes by itself is noise in CI."""

from __future__ import annotations

import os
import random
import shutil
import subprocess

from conftest import CLI, FIXTURES


def copy_in_order(target, order_seed):
    files = sorted(path for path in FIXTURES.rglob("*") if path.is_file())
    random.Random(order_seed).shuffle(files)
    for path in files:
        destination = target / "terraform_fixtures" / path.relative_to(FIXTURES)
        destination.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(path, destination)
    (target / ".git").mkdir()


def scan(cwd, output_format, seed):
    environment = {**os.environ, "PYTHONHASHSEED": str(seed)}
    return subprocess.run(
        [CLI, "scan", "--format", output_format, "terraform_fixtures"],
        cwd=cwd,
        env=environment,
        capture_output=True,
        timeout=300,
    ).stdout


def test_output_is_byte_identical_across_file_orders_and_hash_seeds(tmp_path):
    first, second = tmp_path / "first", tmp_path / "second"
    copy_in_order(first, order_seed=1)
    copy_in_order(second, order_seed=2)

    for output_format in ("cli", "json"):
        reference = scan(first, output_format, seed=0)
        assert reference
        assert scan(second, output_format, seed=12345) == reference
        assert scan(first, output_format, seed=777) == reference
