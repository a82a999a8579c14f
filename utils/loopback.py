"""Servers on loopback (127.0.0.1): pick a free port, see whether something listens, wait until it is gone.

Notebook 09 launches its Space's Gradio demo on a port from ``free_port()`` (notebook 10 its workers on
``free_ports(2)``) and, after closing it,
checks with ``wait_until_free()`` that nothing was left behind; the tests do the same with the
servers they start (the Space as a process, JupyterLab, the loopback Hub, training workers).
"""

from __future__ import annotations

import socket
import time

HOST = "127.0.0.1"


def free_port() -> int:
    """A port that no program uses now, chosen by the operating system (bind to port 0, read it back)."""
    return free_ports(1)[0]


def free_ports(count: int) -> list[int]:
    """``count`` different ports that no program uses now (all bound at once, so they differ, then released
    for the programs started next)."""
    if isinstance(count, bool) or not isinstance(count, int) or count < 1:
        raise ValueError(f"count must be a whole number of ports, at least 1; got {count!r}")
    sockets = [socket.socket() for _ in range(count)]
    try:
        for sock in sockets:
            sock.bind((HOST, 0))
        return [sock.getsockname()[1] for sock in sockets]
    finally:
        for sock in sockets:
            sock.close()


def listening(port: int) -> bool:
    """True when a server accepts connections on 127.0.0.1:port."""
    with socket.socket() as sock:
        return sock.connect_ex((HOST, _valid(port))) == 0


def port_is_free(port: int) -> bool:
    """True when a new server could listen on the port (closed connections may linger in TIME_WAIT,
    which servers ignore thanks to SO_REUSEADDR; a process still listening there is not ignored)."""
    with socket.socket() as sock:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            sock.bind((HOST, _valid(port)))
        except OSError:
            return False
        return True


def wait_until_free(port: int, timeout: float = 10) -> bool:
    """Wait, up to ``timeout`` seconds, until nothing listens on the port and it could be used again;
    True if it came free. A server's thread or process needs a moment to let go of its port."""
    if timeout < 0:
        raise ValueError(f"timeout must be 0 or more seconds, got {timeout}")
    deadline = time.monotonic() + timeout
    while listening(port) or not port_is_free(port):
        if time.monotonic() >= deadline:
            return False
        time.sleep(0.1)
    return True


def _valid(port: int) -> int:
    if isinstance(port, bool) or not isinstance(port, int) or not 1 <= port <= 65535:
        raise ValueError(f"a port is a whole number from 1 to 65535, got {port!r}")
    return port
