"""The client's address, one rule for the whole project (rate limits, sign-in lock-out, sign-in records).

``REMOTE_ADDR`` is the peer that opened the connection. When that peer is one of the configured reverse proxies
(``MOTCUA_TRUSTED_PROXIES``: addresses or CIDR blocks, comma-separated; none by default), ``X-Forwarded-For`` is read
from the right — each proxy appends the address it saw — skipping hops that are themselves trusted proxies; the first
hop that is not is the client. Everything left of it was written by the client and is ignored. From an untrusted
peer, ``X-Forwarded-For`` is ignored entirely: anyone can send one.
"""

from __future__ import annotations

import ipaddress
from functools import lru_cache

from django.conf import settings
from django.core.signals import setting_changed
from django.dispatch import receiver
from django.http import HttpRequest

Network = ipaddress.IPv4Network | ipaddress.IPv6Network
UNKNOWN = "unknown"


@lru_cache(maxsize=1)
def trusted_proxies() -> tuple[Network, ...]:
    """``MOTCUA_TRUSTED_PROXIES`` as networks (a bare address is a /32 or /128)."""
    raw = settings.MOTCUA_TRUSTED_PROXIES
    items = raw.split(",") if isinstance(raw, str) else list(raw)
    return tuple(ipaddress.ip_network(item.strip(), strict=False) for item in items if item.strip())


@receiver(setting_changed)
def _forget(setting: str, **_kwargs: object) -> None:
    if setting == "MOTCUA_TRUSTED_PROXIES":
        trusted_proxies.cache_clear()


def _address(text: str) -> ipaddress.IPv4Address | ipaddress.IPv6Address | None:
    text = text.strip()
    if text.startswith("[") and "]" in text:  # "[2001:db8::1]:443"
        text = text[1:text.index("]")]
    elif text.count(":") == 1:  # "203.0.113.7:5123"
        text = text.split(":", 1)[0]
    try:
        address = ipaddress.ip_address(text)
    except ValueError:
        return None
    mapped = getattr(address, "ipv4_mapped", None)
    return mapped or address


def _trusted(address: ipaddress.IPv4Address | ipaddress.IPv6Address, networks: tuple[Network, ...]) -> bool:
    return any(address in network for network in networks)


def client_ip(request: HttpRequest | None) -> str:
    """The client's address as text, or ``"unknown"``; see the module docstring for the proxy rule."""
    if request is None:
        return UNKNOWN
    peer = _address(request.META.get("REMOTE_ADDR", "") or "")
    if peer is None:
        return UNKNOWN
    networks = trusted_proxies()
    if not networks or not _trusted(peer, networks):
        return str(peer)
    client = peer
    for hop in reversed((request.META.get("HTTP_X_FORWARDED_FOR", "") or "").split(",")):
        address = _address(hop)
        if address is None:  # a hop we cannot read: stop at the last one we could trust
            break
        client = address
        if not _trusted(address, networks):
            break
    return str(client)


def client_ip_for_axes(request: HttpRequest) -> str | None:
    """``AXES_CLIENT_IP_CALLABLE``: the sign-in lock-out counts by the same address as every other limit.

    A sign-in without a readable address (``force_login`` in tests, an internal call) gives ``None``: axes stores its
    address columns as IP fields, which PostgreSQL refuses to fill with ``"unknown"``."""
    address = client_ip(request)
    return None if address == UNKNOWN else address
