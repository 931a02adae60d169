"""Shared test fixtures: the bundled seed page, one cached seed build, and a guard against any egress."""

from __future__ import annotations

import ipaddress
import socket
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SEED_PAGE = ROOT / "examples" / "wg-strategy-2025-07-enhanced-cooperation.txt"
DATA = Path(__file__).resolve().parent / "data"

_real_connect = socket.socket.connect
_real_getaddrinfo = socket.getaddrinfo


def _is_loopback(host) -> bool:
    if host in ("localhost", "localhost.localdomain", "", None):
        return True
    try:
        return ipaddress.ip_address(str(host).split("%")[0]).is_loopback
    except ValueError:
        return False


def _guarded_connect(sock, address):
    # No network beyond loopback in tests: a connect anywhere else fails the test loudly.
    if sock.family in (socket.AF_INET, socket.AF_INET6) and not _is_loopback(address[0]):
        raise AssertionError(f"test tried to reach {address[0]!r}: no network beyond loopback")
    return _real_connect(sock, address)


def _guarded_getaddrinfo(host, *args, **kwargs):
    if isinstance(host, bytes):
        host = host.decode()
    if not _is_loopback(host):
        raise AssertionError(f"test tried to resolve {host!r}: no network beyond loopback")
    return _real_getaddrinfo(host, *args, **kwargs)


@pytest.fixture(autouse=True, scope="session")
def no_egress():
    """Active in every test: refuse any connection or DNS lookup beyond loopback."""
    socket.socket.connect = _guarded_connect
    socket.getaddrinfo = _guarded_getaddrinfo
    yield
    socket.socket.connect = _real_connect
    socket.getaddrinfo = _real_getaddrinfo


@pytest.fixture(scope="session")
def seed_page() -> Path:
    """The bundled example page (the seed this project started from)."""
    return SEED_PAGE


@pytest.fixture(scope="session")
def seed_build():
    """One build of the seed page, shared by the tests that only read it."""
    from kg.config import Settings
    from kg.pipeline import build

    return build([str(SEED_PAGE)], Settings(quiet=True))
