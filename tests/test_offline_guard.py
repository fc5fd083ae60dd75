"""The test run is offline: the test process may reach loopback only, in tests and
in the fixtures they share, and every subprocess gets a dead proxy.

The addresses are from ranges that never route (RFC 5737, RFC 6761), so even a
broken guard reaches nobody.
"""

from __future__ import annotations

import socket
import subprocess
import sys

import pytest
from conftest import DEAD_PROXY, NetworkBlockedError
from pytest_socket import SocketConnectBlockedError

OFF_LOOPBACK = ("192.0.2.1", 80)
NAME = "ai-cost-policy-test.invalid"
REFUSED = (NetworkBlockedError, SocketConnectBlockedError)

pytestmark = pytest.mark.filterwarnings("ignore:A test tried to use socket")


def connect() -> None:
    with socket.socket() as tcp:
        tcp.connect(OFF_LOOPBACK)


def connect_ex() -> None:
    with socket.socket() as tcp:
        tcp.connect_ex(OFF_LOOPBACK)


def udp_sendto() -> None:
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as udp:
        udp.sendto(b"ping", OFF_LOOPBACK)


def getaddrinfo() -> None:
    socket.getaddrinfo(NAME, 443)


def gethostbyname() -> None:
    socket.gethostbyname(NAME)


ATTEMPTS = {
    attempt.__name__: attempt
    for attempt in (connect, connect_ex, udp_sendto, getaddrinfo, gethostbyname)
}


def refused(attempt) -> bool:
    try:
        attempt()
    except REFUSED:
        return True
    return False


@pytest.fixture(scope="module")
def refused_while_a_module_fixture_is_set_up() -> list[str]:
    return sorted(name for name, attempt in ATTEMPTS.items() if refused(attempt))


@pytest.mark.parametrize("name", sorted(ATTEMPTS))
def test_reaching_past_loopback_is_refused_in_a_test(name):
    assert refused(ATTEMPTS[name])


def test_reaching_past_loopback_is_refused_in_a_module_fixture(
    refused_while_a_module_fixture_is_set_up,
):
    assert refused_while_a_module_fixture_is_set_up == sorted(ATTEMPTS)


def test_loopback_stays_open():
    with socket.socket() as server:
        server.bind(("127.0.0.1", 0))
        server.listen()
        with socket.socket() as client:
            assert client.connect_ex(server.getsockname()) == 0
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as udp:
        udp.sendto(b"ping", ("127.0.0.1", 9))
    assert socket.getaddrinfo("localhost", 80)


def test_subprocesses_get_a_dead_proxy():
    completed = subprocess.run(
        [sys.executable, "-c", "import os; print(os.environ['HTTPS_PROXY'])"],
        capture_output=True,
        text=True,
        timeout=60,
    )

    assert completed.stdout.strip() == DEAD_PROXY
