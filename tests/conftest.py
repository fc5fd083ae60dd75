"""Shared test helpers: the repository layout, expected-verdict files, offline guard."""

from __future__ import annotations

import ipaddress
import os
import sys
from pathlib import Path
from typing import Any

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

# --- No network ------------------------------------------------------------------
#
# pytest-socket (`--disable-socket --allow-hosts=...` in pyproject.toml) guards
# socket.socket.connect, and only while a test is set up and runs. What it leaves
# open (connect_ex, sendto, name lookups, fixture teardown) is closed by an audit
# hook: CPython raises an audit event for each of these calls, for the whole life
# of this process, and the hook refuses any that names a host off the loopback.
# Subprocesses see neither; they get a dead proxy instead, set here, before any
# fixture starts one, so that any HTTP call they make fails loudly.

DEAD_PROXY = "http://127.0.0.1:9"
LOOPBACK = ("127.0.0.1", "::1", "localhost")
PROXY_ENV = {
    **dict.fromkeys(
        ("HTTP_PROXY", "HTTPS_PROXY", "http_proxy", "https_proxy"), DEAD_PROXY
    ),
    **dict.fromkeys(("NO_PROXY", "no_proxy"), ",".join(LOOPBACK)),
}
# What the one test allowed out (the real pre-commit install) gets back.
REAL_PROXY_ENV = {name: os.environ.get(name) for name in PROXY_ENV}
os.environ.update(PROXY_ENV)


class NetworkBlockedError(RuntimeError):
    """Not an OSError, so that no caller's fallback can swallow it."""


_network = {"allowed": False}


def _is_loopback(host: Any) -> bool:
    if isinstance(host, bytes):
        host = host.decode("ascii", "replace")
    if host is None or host == "" or host in LOOPBACK:
        return True
    if not isinstance(host, str):
        return False
    try:
        return ipaddress.ip_address(host.split("%")[0]).is_loopback
    except ValueError:
        return False


def _host_of(event: str, args: tuple[Any, ...]) -> Any:
    """The host an audited socket call reaches, or None for one that stays local."""
    if event in ("socket.connect", "socket.sendto", "socket.sendmsg"):
        address = args[1]
        # Unix sockets take a path, netlink a pair of integers: neither leaves
        # the machine.
        if isinstance(address, tuple) and isinstance(address[0], (str, bytes)):
            return address[0]
        return None
    if event in ("socket.getaddrinfo", "socket.gethostbyname", "socket.gethostbyaddr"):
        return args[0]
    if event == "socket.getnameinfo":
        return args[0][0]
    return None


def _refuse_network(event: str, args: tuple[Any, ...]) -> None:
    if not event.startswith("socket.") or _network["allowed"]:
        return
    host = _host_of(event, args)
    if not _is_loopback(host):
        raise NetworkBlockedError(
            f"a test tried to reach the network: {event} {host!r}"
        )


sys.addaudithook(_refuse_network)


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    # One marker says it: a `network` test is let past pytest-socket too.
    for item in items:
        if item.get_closest_marker("network"):
            item.add_marker(pytest.mark.enable_socket)


@pytest.fixture(autouse=True)
def network_for_marked_tests(
    request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch
) -> Any:
    """Tests marked ``network`` (the real pre-commit install) are let through."""
    if not request.node.get_closest_marker("network"):
        yield
        return
    for name, value in REAL_PROXY_ENV.items():
        if value is None:
            monkeypatch.delenv(name, raising=False)
        else:
            monkeypatch.setenv(name, value)
    _network["allowed"] = True
    try:
        yield
    finally:
        _network["allowed"] = False


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


def plan_policy(plan: Path) -> Path:
    """The policy a plan twin is judged by: its scenario's, named in its file."""
    expected = load_expected(plan.with_name(plan.stem + ".expected.yaml"))
    return (plan.parent / expected["policy"]).resolve()


def default_policy_plans() -> list[Path]:
    """Plans that the nearest policy file (terraform_fixtures') judges as intended."""
    shared = (FIXTURES / "ai-cost-policy.yaml").resolve()
    return [plan for plan in plan_files() if plan_policy(plan) == shared]
