"""Shared test helpers: the repository layout, expected-verdict files, offline guard."""

from __future__ import annotations

import os
import socket
import sys
from pathlib import Path

import pytest
import yaml

REPO = Path(__file__).resolve().parent.parent
FIXTURES = REPO / "terraform_fixtures"
PLANS = FIXTURES / "plans"
BIN = Path(sys.executable).parent
CLI = str(BIN / "ai-cost-policy")
CHECKOV = str(BIN / "checkov")

# Checkov phones home for guidelines and a version check unless told not to.
OFFLINE_ENV = {
    "CKV_SKIP_PACKAGE_UPDATE_CHECK": "true",
    "BC_SKIP_MAPPING": "TRUE",
}
os.environ.update(OFFLINE_ENV)
DEAD_PROXY = "http://127.0.0.1:9"


def scenarios() -> list[Path]:
    return sorted(path.parent for path in FIXTURES.glob("*/expected.yaml"))


def plan_files() -> list[Path]:
    return sorted(PLANS.glob("*.json"))


def load_expected(path: Path) -> dict:
    return yaml.safe_load(path.read_text(encoding="utf-8"))


def expected_verdicts(path: Path) -> dict[tuple[str, str], str]:
    expected = load_expected(path)
    return {
        (resource, rule): verdict
        for resource, rules in expected["verdicts"].items()
        for rule, verdict in rules.items()
    }


@pytest.fixture(autouse=True)
def no_network(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> None:
    """Only loopback: the Pulumi analyzer talks gRPC on 127.0.0.1, nothing else may.

    Tests marked ``network`` (the real pre-commit install) are let through.
    """
    if request.node.get_closest_marker("network"):
        return
    # Subprocesses (the CLI, Checkov, the Pulumi pack) do not see the socket patch
    # below: a dead proxy makes any HTTP call they attempt fail, loudly.
    for name in ("HTTP_PROXY", "HTTPS_PROXY", "http_proxy", "https_proxy"):
        monkeypatch.setenv(name, DEAD_PROXY)
    for name in ("NO_PROXY", "no_proxy"):
        monkeypatch.setenv(name, "127.0.0.1,localhost,::1")
    real_connect = socket.socket.connect

    def guarded(self: socket.socket, address: object) -> object:
        host = address[0] if isinstance(address, tuple) else address
        if isinstance(host, str) and host not in ("127.0.0.1", "::1", "localhost"):
            if self.family in (socket.AF_INET, socket.AF_INET6):
                raise OSError(f"test tried to reach the network: {address!r}")
        return real_connect(self, address)

    monkeypatch.setattr(socket.socket, "connect", guarded)


def plan_policy(plan: Path) -> Path:
    """The policy a plan twin is judged by: its scenario's, named in its file."""
    expected = load_expected(plan.with_name(plan.stem + ".expected.yaml"))
    return (plan.parent / expected["policy"]).resolve()


def default_policy_plans() -> list[Path]:
    """Plans that the nearest policy file (terraform_fixtures') judges as intended."""
    shared = (FIXTURES / "ai-cost-policy.yaml").resolve()
    return [plan for plan in plan_files() if plan_policy(plan) == shared]
