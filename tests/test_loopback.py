"""utils.loopback: free ports, listening servers, and waiting until a closed server has let go of its port."""

import socket
import threading
import time

import pytest

from utils.loopback import free_port, free_ports, listening, port_is_free, wait_until_free


@pytest.fixture
def server():
    """A socket listening on a free loopback port; closed at the end if the test did not close it."""
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    sock.listen()
    yield sock
    sock.close()


def test_free_port_can_be_listened_on():
    port = free_port()
    assert 1 <= port <= 65535
    assert not listening(port) and port_is_free(port)
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", port))  # raises if the port was taken
        sock.listen()


def test_a_listening_port_is_neither_free_nor_silent(server):
    port = server.getsockname()[1]
    assert listening(port)
    assert not port_is_free(port)
    server.close()
    assert not listening(port)
    assert port_is_free(port)


def test_wait_until_free_waits_for_the_server_to_close(server):
    port = server.getsockname()[1]
    closer = threading.Timer(0.3, server.close)
    closer.start()
    start = time.monotonic()
    assert wait_until_free(port, timeout=10)
    assert time.monotonic() - start >= 0.25, "it returned before the server closed"
    closer.join()


def test_wait_until_free_gives_up_after_the_timeout(server):
    port = server.getsockname()[1]
    start = time.monotonic()
    assert not wait_until_free(port, timeout=0.3)
    assert 0.3 <= time.monotonic() - start < 5


def test_wait_until_free_returns_at_once_for_a_free_port():
    assert wait_until_free(free_port(), timeout=0)


@pytest.mark.parametrize("port", [0, -1, 65536, "8080", 80.0, True])
def test_a_port_out_of_range_is_a_clear_error(port):
    for helper in (listening, port_is_free, wait_until_free):
        with pytest.raises(ValueError, match=r"a port is a whole number from 1 to 65535, got"):
            helper(port)


def test_a_negative_timeout_is_a_clear_error():
    with pytest.raises(ValueError, match="timeout must be 0 or more seconds, got -1"):
        wait_until_free(free_port(), timeout=-1)


def test_free_ports_are_different_and_free():
    ports = free_ports(3)
    assert len(set(ports)) == 3 and all(port_is_free(port) for port in ports)
    with pytest.raises(ValueError, match="at least 1"):
        free_ports(0)
