import pytest

from app.core.client_address import client_address, parse_networks
from app.services.accounts.attempts import factory_reference, normalised_email

PROXIES = ["10.0.0.0/8", "fd00::/8"]


@pytest.mark.parametrize("peer,forwarded,expected", [
    # Not from a trusted proxy: the header is the client's own claim, ignored.
    ("198.51.100.7", "1.2.3.4", "198.51.100.7"),
    ("198.51.100.7", None, "198.51.100.7"),
    # From the proxy: the right-most hop that is not a proxy.
    ("10.0.0.2", "203.0.113.9", "203.0.113.9"),
    ("10.0.0.2", "6.6.6.6, 203.0.113.9", "203.0.113.9"),
    ("10.0.0.2", "6.6.6.6, 203.0.113.9, 10.9.9.9", "203.0.113.9"),
    # Garbage from the client is left of the proxy's hop and never reached.
    ("10.0.0.2", "not-an-address, 203.0.113.9", "203.0.113.9"),
    # Garbage at the proxy's end: nothing further is believed.
    ("10.0.0.2", "203.0.113.9, bogus", "10.0.0.2"),
    # Only proxies: the farthest of them.
    ("10.0.0.2", "10.0.0.3", "10.0.0.3"),
    ("10.0.0.2", "", "10.0.0.2"),
    # IPv6 and IPv4 seen through an IPv6 socket.
    ("fd00::1", "2001:db8::5", "2001:db8::5"),
    ("::ffff:10.0.0.2", "203.0.113.9", "203.0.113.9"),
    ("::ffff:198.51.100.7", "203.0.113.9", "198.51.100.7"),
    (None, "203.0.113.9", "unknown"),
])
def test_client_address(peer, forwarded, expected):
    assert client_address(peer, forwarded, PROXIES) == expected


def test_without_trusted_proxies_the_peer_is_the_client():
    assert client_address("127.0.0.1", "1.2.3.4", []) == "127.0.0.1"


def test_a_mistyped_network_is_refused():
    with pytest.raises(ValueError):
        parse_networks(["10.0.0.0/33"])


def test_settings_refuse_a_mistyped_trusted_proxy():
    from pydantic import ValidationError

    from app.core.config import Settings

    with pytest.raises(ValidationError):
        Settings(trusted_proxies=["nginx"])
    assert Settings(trusted_proxies=[" 172.18.0.0/16 "]).trusted_proxies == ["172.18.0.0/16"]


@pytest.mark.parametrize("typed", ["admin@x.io", "ADMIN@X.IO", "ädmin@x.io", "Àdmin@x.io",
                                   "ａｄｍｉｎ@x.io", " admin@x.io "])
def test_spellings_a_collation_folds_normalise_to_one_email(typed):
    assert normalised_email(typed) == "admin@x.io"


def test_factory_reference_prefers_the_resolved_id():
    assert factory_reference(None, "plant-1", 7) == factory_reference(7, None, 7) == "7"
    assert factory_reference(None, "Plant-1", None) == "slug:plant-1"
    assert factory_reference(99, None, None) == "id:99"
