"""Speed and memory of `ai-cost-policy scan` against the targets in the research.

Not a test: run it by hand (``.venv/bin/python benchmarks/run.py``) on the machine
you care about. It writes synthetic Terraform repositories of 100, 1,000 and 5,000
AI resources (20 per file, provider default_tags, a local module), scans each with
the real CLI and reports wall time and peak memory next to the targets:

- full repository: 5,000 resources in at most 30 s, at most 100 MB of memory;
- start-up (`ai-cost-policy --version`): at most 0.3 s.

Measured on 2026-12-03 on the 2-core development machine: start-up 0.19 s; 100
resources 0.26 s (37 MB); 1,000 resources 0.71 s (51 MB); 5,000 resources 2.9 s
but 119 MB, over the memory target.
"""

from __future__ import annotations

import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

CLI = str(Path(sys.executable).parent / "ai-cost-policy")
TARGETS = {5000: (30.0, 100.0)}

PROVIDER = """\
provider "aws" {
  region = "us-east-1"
  default_tags {
    tags = { cost-center = "cc-1234", owner = "platform" }
  }
}
"""

AGENT = """\
resource "aws_bedrockagent_agent" "a{index}" {{
  agent_name              = "agent-{index}"
  agent_resource_role_arn = "arn:aws:iam::111122223333:role/agent"
  foundation_model        = "anthropic.claude-3-haiku-20240307-v1:0"
  tags = merge(local.common, {{ ai-model = "anthropic.claude-3-haiku-20240307-v1:0" }})
}}
"""


def write_repository(root: Path, resources: int) -> None:
    (root / ".git").mkdir()
    common = 'locals { common = { team = "x" } }\n'
    (root / "providers.tf").write_text(PROVIDER + common)
    for start in range(0, resources, 20):
        text = "".join(AGENT.format(index=i) for i in range(start, start + 20))
        (root / f"agents_{start:05}.tf").write_text(text)


def measure(command: list[str], cwd: Path) -> tuple[float, float]:
    before = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    started = time.perf_counter()
    subprocess.run(command, cwd=cwd, capture_output=True, check=False)
    elapsed = time.perf_counter() - started
    peak_kib = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    return elapsed, max(peak_kib, before) / 1024


def main() -> int:
    startup, _ = measure([CLI, "--version"], Path.cwd())
    print(f"start-up: {startup:.2f} s (target 0.30 s)")
    for size in (100, 1000, 5000):
        with tempfile.TemporaryDirectory() as directory:
            root = Path(directory)
            write_repository(root, size)
            seconds, megabytes = measure([CLI, "scan", "--format", "json", "."], root)
        target = TARGETS.get(size)
        goal = f" (target {target[0]:.0f} s, {target[1]:.0f} MB)" if target else ""
        print(f"{size:>5} resources: {seconds:.2f} s, peak {megabytes:.0f} MB{goal}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
