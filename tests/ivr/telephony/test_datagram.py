"""RTP datagrams sent without handing the interpreter away (ivr.telephony.datagram), over real loopback sockets."""
from __future__ import annotations

import ctypes
import errno
import socket
import sys
from collections.abc import Iterator

import pytest

from ivr.telephony import datagram

linux_only = pytest.mark.skipif(datagram._SENDTO is None, reason="libc sendto through ctypes: Linux only")


@pytest.fixture()
def pair() -> Iterator[tuple[socket.socket, socket.socket]]:
    """A sender on 127.0.0.1 and a receiver on another loopback address, as a caller's trunk would be."""
    tx = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    rx = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    tx.bind(("127.0.0.1", 0))
    rx.bind(("127.0.0.3", 0))
    rx.settimeout(2)
    yield tx, rx
    tx.close()
    rx.close()


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="Linux only")
def test_on_linux_the_packets_go_through_libc_keeping_the_gil() -> None:
    assert datagram._SENDTO is not None and isinstance(datagram._SENDTO, ctypes._CFuncPtr)


def test_packets_arrive_whole_in_order_from_the_senders_port(pair: tuple[socket.socket, socket.socket]) -> None:
    tx, rx = pair
    ip, port = rx.getsockname()
    packets = [bytes([0x80, 0, i, i]) + bytes([i]) * 160 for i in range(50)]
    for p in packets:
        assert datagram.send(tx, p, ip, port)
    got = [rx.recvfrom(2048) for _ in packets]
    assert [g[0] for g in got] == packets
    assert {g[1] for g in got} == {tx.getsockname()}


def test_not_ipv4_falls_back_to_sendto() -> None:
    try:
        tx = socket.socket(socket.AF_INET6, socket.SOCK_DGRAM)
        rx = socket.socket(socket.AF_INET6, socket.SOCK_DGRAM)
        rx.bind(("::1", 0))
    except OSError:
        pytest.skip("no IPv6 loopback here")
    with tx, rx:
        rx.settimeout(2)
        assert datagram.send(tx, b"\x80" * 172, "::1", rx.getsockname()[1])
        assert rx.recv(2048) == b"\x80" * 172


def test_sockaddr_is_linuxs_sockaddr_in() -> None:
    raw = datagram.sockaddr_in("10.1.2.3", 40002)
    assert raw == socket.AF_INET.to_bytes(2, sys.byteorder) + bytes([0x9C, 0x42, 10, 1, 2, 3]) + bytes(8)
    with pytest.raises(ValueError, match="port out of range: 70000"):
        datagram.sockaddr_in("10.1.2.3", 70000)
    with pytest.raises(OSError):
        datagram.sockaddr_in("not-an-address", 5)


def test_a_closed_socket_raises_like_sendto(pair: tuple[socket.socket, socket.socket]) -> None:
    tx, rx = pair
    ip, port = rx.getsockname()
    tx.close()
    with pytest.raises(OSError):
        datagram.send(tx, b"x" * 172, ip, port)


@linux_only
def test_a_full_buffer_drops_the_packet_instead_of_waiting(pair: tuple[socket.socket, socket.socket],
                                                          monkeypatch: pytest.MonkeyPatch) -> None:
    tx, rx = pair

    def full(*_args: object) -> int:
        ctypes.set_errno(errno.EAGAIN)
        return -1

    monkeypatch.setattr(datagram, "_SENDTO", full)
    assert datagram.send(tx, b"x" * 172, *rx.getsockname()) is False

    def unreachable(*_args: object) -> int:
        ctypes.set_errno(errno.ENETUNREACH)
        return -1

    monkeypatch.setattr(datagram, "_SENDTO", unreachable)
    with pytest.raises(OSError) as info:
        datagram.send(tx, b"x" * 172, *rx.getsockname())
    assert info.value.errno == errno.ENETUNREACH
