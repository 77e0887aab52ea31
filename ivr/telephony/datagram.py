"""Sending one RTP datagram without handing the interpreter to another thread.

A worker's pacer thread sends every call's packet each 20 ms: 20-30 ``socket.sendto`` calls in
a row. CPython releases the GIL around each of them, and on a busy worker (20-30 call threads
decoding turns, understanding, writing frames) the pacer then sometimes waits behind other
threads to get it back: the later streams of a tick go out late (bench/sip_load.py showed gap
events on "13 of 20 streams of the worker", the worker's stall watch quiet).

A non-blocking ``sendto`` on a UDP socket takes microseconds (the kernel copies the packet and
returns; a full buffer fails at once with EAGAIN instead of waiting), so it is called here
through ``ctypes.PyDLL``, which keeps the GIL for the call: a tick's packets go out back to
back. A packet the kernel has no room for is dropped (the caller counts it), as a network
would; any other error is raised as ``OSError`` like ``socket.sendto``'s. Where this is not
possible (not Linux, not IPv4) ``socket.sendto`` is used.
"""
from __future__ import annotations

import ctypes
import errno
import functools
import os
import socket
import struct
import sys
from typing import Any

_SKIPPED = {errno.EAGAIN, errno.EWOULDBLOCK, errno.ENOBUFS}


def _libc_sendto() -> Any:
    if not sys.platform.startswith("linux"):
        return None
    try:
        fn = ctypes.PyDLL(None, use_errno=True).sendto  # PyDLL: the call keeps the GIL
    except (OSError, AttributeError):
        return None
    fn.argtypes = [ctypes.c_int, ctypes.c_char_p, ctypes.c_size_t, ctypes.c_int, ctypes.c_char_p, ctypes.c_uint32]
    fn.restype = ctypes.c_ssize_t
    return fn


_SENDTO = _libc_sendto()


@functools.lru_cache(maxsize=4096)
def sockaddr_in(ip: str, port: int) -> bytes:
    """Linux's ``struct sockaddr_in`` for an IPv4 address (ValueError/OSError for anything else)."""
    if not 0 < port < 65536:
        raise ValueError(f"port out of range: {port}")
    return struct.pack("=H", socket.AF_INET) + struct.pack("!H", port) + socket.inet_aton(ip) + bytes(8)


def send(sock: socket.socket, packet: bytes, ip: str, port: int) -> bool:
    """Send ``packet`` to ``ip``:``port`` from ``sock`` at once; False when the kernel had no room for it
    (dropped); ``OSError`` for any other failure (a closed socket, an unreachable network)."""
    if _SENDTO is None or sock.family != socket.AF_INET:
        return _plain(sock, packet, ip, port)
    try:
        addr = sockaddr_in(ip, port)
    except (OSError, ValueError):
        return _plain(sock, packet, ip, port)
    if _SENDTO(sock.fileno(), packet, len(packet), socket.MSG_DONTWAIT, addr, len(addr)) >= 0:
        return True
    err = ctypes.get_errno()
    if err in _SKIPPED:
        return False
    raise OSError(err, os.strerror(err))


def _plain(sock: socket.socket, packet: bytes, ip: str, port: int) -> bool:
    try:
        sock.sendto(packet, socket.MSG_DONTWAIT, (ip, port))
    except OSError as exc:
        if exc.errno in _SKIPPED:
            return False
        raise
    return True
