"""Loopback ports for tests that start servers: pick a free one, and prove nothing is left on it."""

import socket


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def listening(port: int) -> bool:
    """True when a server accepts connections on 127.0.0.1:port."""
    with socket.socket() as sock:
        return sock.connect_ex(("127.0.0.1", port)) == 0


def port_is_free(port: int) -> bool:
    """True when a new server could listen on the port (closed connections may linger in TIME_WAIT,
    which servers ignore thanks to SO_REUSEADDR; a process still listening there is not ignored)."""
    with socket.socket() as sock:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            sock.bind(("127.0.0.1", port))
        except OSError:
            return False
        return True
