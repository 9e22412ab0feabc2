"""Where a webhook may be sent. A URL that names, or resolves to, a loopback, private,
link-local or otherwise internal address is refused unless WEBHOOK_ALLOW_PRIVATE_DESTINATIONS
allows it: otherwise anyone who may add an endpoint could make the platform call services
on its own network (cloud metadata at 169.254.169.254, the database, an admin port).

The check runs when an endpoint is saved and again before every delivery, and the request
then goes to the address that was checked (`pinned_request`), so a name that resolves to a
public address at the check and to an internal one a moment later gets nowhere."""

from __future__ import annotations

import asyncio
import ipaddress
import socket
from dataclasses import dataclass
from urllib.parse import urlsplit, urlunsplit

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address


class DestinationRefused(Exception):
    def __init__(self, reason: str, *, code: str = "WEBHOOK_DESTINATION_REFUSED",
                 transient: bool = False) -> None:
        super().__init__(reason)
        self.reason = reason
        self.code = code
        self.transient = transient


@dataclass(frozen=True)
class Destination:
    url: str
    host: str
    address: IPAddress


def is_internal(address: IPAddress) -> bool:
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        address = address.ipv4_mapped
    return (address.is_private or address.is_loopback or address.is_link_local
            or address.is_reserved or address.is_multicast or address.is_unspecified
            or not address.is_global)


def split_url(url: str) -> tuple[str, str, int]:
    """(scheme, host, port) of a webhook URL, or DestinationRefused."""
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError as exc:
        raise DestinationRefused(f"not a valid URL: {exc}", code="INVALID_WEBHOOK_URL") from exc
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise DestinationRefused("the URL must start with http:// or https:// and name a host",
                                 code="INVALID_WEBHOOK_URL")
    if parts.username or parts.password:
        raise DestinationRefused("the URL must not carry a user name or password",
                                 code="INVALID_WEBHOOK_URL")
    return parts.scheme, parts.hostname, port or (443 if parts.scheme == "https" else 80)


async def resolve(url: str, *, allow_private: bool) -> Destination:
    scheme, host, port = split_url(url)
    try:
        literal: IPAddress | None = ipaddress.ip_address(host)
    except ValueError:
        literal = None
    if literal is not None:
        addresses = [literal]
    else:
        try:
            infos = await asyncio.get_running_loop().getaddrinfo(
                host, port, type=socket.SOCK_STREAM)
        except OSError as exc:
            # A name that does not resolve now may later (DNS trouble): worth a retry.
            raise DestinationRefused(f"{host} does not resolve: {exc}",
                                     code="WEBHOOK_HOST_UNRESOLVED", transient=True) from exc
        addresses = [ipaddress.ip_address(info[4][0].split("%")[0]) for info in infos]
        if not addresses:
            raise DestinationRefused(f"{host} does not resolve", code="WEBHOOK_HOST_UNRESOLVED",
                                     transient=True)
    if not allow_private:
        internal = sorted({str(a) for a in addresses if is_internal(a)})
        if internal:
            raise DestinationRefused(
                f"{host} is a private, loopback or otherwise internal address "
                f"({', '.join(internal)}); such destinations are refused unless "
                "WEBHOOK_ALLOW_PRIVATE_DESTINATIONS is set")
    return Destination(url=url, host=host, address=addresses[0])


def pinned_request(destination: Destination) -> tuple[str, dict[str, str], dict]:
    """(URL, headers, httpx extensions) that reach the checked address while the server
    still sees, and TLS still verifies, the endpoint's own host name."""
    parts = urlsplit(destination.url)
    address = destination.address
    shown = f"[{address}]" if isinstance(address, ipaddress.IPv6Address) else str(address)
    netloc = shown if parts.port is None else f"{shown}:{parts.port}"
    url = urlunsplit((parts.scheme, netloc, parts.path or "/", parts.query, ""))
    host_header = parts.hostname or destination.host
    if ":" in host_header:  # an IPv6 literal keeps its brackets in a Host header
        host_header = f"[{host_header}]"
    if parts.port is not None:
        host_header = f"{host_header}:{parts.port}"
    extensions = {"sni_hostname": destination.host} if parts.scheme == "https" else {}
    return url, {"Host": host_header}, extensions
