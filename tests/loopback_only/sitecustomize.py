"""Loaded at start-up by the processes that tests/test_hub_mode.py starts (it puts this folder on PYTHONPATH).

Hub mode talks to the network by design; in the tests it must talk to the loopback Hub only. Every
connection to another address is refused, and written to the file named by $BLOCKED_CONNECTIONS_LOG,
so a test fails even when a library swallows the error (a telemetry thread, a retry loop).
"""

import ipaddress
import os
import socket

_connect, _connect_ex = socket.socket.connect, socket.socket.connect_ex


def _refuse_unless_loopback(sock: socket.socket, address) -> None:
    if sock.family not in (socket.AF_INET, socket.AF_INET6):
        return  # Unix sockets and the like stay on this machine
    host = address[0]
    if host == "localhost" or _is_loopback_address(host):
        return
    with open(os.environ.get("BLOCKED_CONNECTIONS_LOG", os.devnull), "a") as log:
        log.write(f"{host}:{address[1]}\n")
    raise ConnectionRefusedError(f"the tests allow loopback connections only, not {host}:{address[1]}")


def _is_loopback_address(host: str) -> bool:
    try:
        return ipaddress.ip_address(host.split("%")[0]).is_loopback
    except ValueError:  # a name other than localhost: refused, no need to ask DNS
        return False


def connect(sock, address):
    _refuse_unless_loopback(sock, address)
    return _connect(sock, address)


def connect_ex(sock, address):
    _refuse_unless_loopback(sock, address)
    return _connect_ex(sock, address)


socket.socket.connect, socket.socket.connect_ex = connect, connect_ex
