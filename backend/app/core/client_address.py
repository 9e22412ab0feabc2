"""The address a request really came from. A forwarded header is believed only when the
connection itself comes from a trusted proxy (TRUSTED_PROXIES), and then only up to the first
hop that is not a trusted proxy: everything left of it was written by the client and can say
anything."""

from __future__ import annotations

from collections.abc import Iterable
from functools import lru_cache
from ipaddress import IPv4Address, IPv4Network, IPv6Address, IPv6Network, ip_address, ip_network

Network = IPv4Network | IPv6Network
Address = IPv4Address | IPv6Address

UNKNOWN = "unknown"


def parse_networks(values: Iterable[str]) -> tuple[Network, ...]:
    """CIDRs (or single addresses) as networks; raises ValueError on anything else."""
    return tuple(ip_network(value.strip(), strict=False) for value in values if value.strip())


@lru_cache(maxsize=16)
def _networks(values: tuple[str, ...]) -> tuple[Network, ...]:
    return parse_networks(values)


def _address(text: str) -> Address | None:
    try:
        address = ip_address(text.strip())
    except ValueError:
        return None
    # An IPv4 client reaching an IPv6 socket shows up as ::ffff:a.b.c.d.
    if isinstance(address, IPv6Address) and address.ipv4_mapped is not None:
        return address.ipv4_mapped
    return address


def _trusted(address: Address, networks: tuple[Network, ...]) -> bool:
    return any(address.version == net.version and address in net for net in networks)


def client_address(peer: str | None, forwarded_for: str | None,
                   trusted_proxies: Iterable[str]) -> str:
    """The client's address: the connecting peer, unless that peer is a trusted proxy, in
    which case the right-most hop of X-Forwarded-For that is not itself a trusted proxy."""
    if not peer:
        return UNKNOWN
    peer_address = _address(peer)
    networks = _networks(tuple(trusted_proxies))
    if peer_address is None or not networks or not _trusted(peer_address, networks):
        return str(peer_address) if peer_address is not None else peer
    hops = [hop for hop in (forwarded_for or "").split(",") if hop.strip()]
    nearest = peer_address
    for hop in reversed(hops):
        address = _address(hop)
        if address is None:
            # The proxy passed on something that is not an address: believe nothing further.
            break
        nearest = address
        if not _trusted(address, networks):
            break
    return str(nearest)
