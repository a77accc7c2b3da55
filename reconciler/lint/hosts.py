"""Host names: globs, and the built-in list of development tunnels and local addresses.

A webhook that points at a tunnel (ngrok, trycloudflare, ...) or at a local address works on
one developer's machine for one afternoon; in a shared account it silently drops events. These
are recognised by name (tunnel services, names reserved for local use) or, for IP literals, by
address range (loopback, private, link-local, shared, unspecified).
"""

from __future__ import annotations

import ipaddress
import re
import socket
from functools import lru_cache

DEVELOPMENT_HOSTS: tuple[tuple[str, str], ...] = (
    ("*.ngrok.io", "an ngrok tunnel"),
    ("*.ngrok.app", "an ngrok tunnel"),
    ("*.ngrok.dev", "an ngrok tunnel"),
    ("*.ngrok-free.app", "an ngrok tunnel"),
    ("*.ngrok-free.dev", "an ngrok tunnel"),
    ("*.trycloudflare.com", "a Cloudflare quick tunnel"),
    ("*.loca.lt", "a localtunnel tunnel"),
    ("*.localtunnel.me", "a localtunnel tunnel"),
    ("*.serveo.net", "a Serveo tunnel"),
    ("*.serveousercontent.com", "a Serveo tunnel"),
    ("*.localhost.run", "a localhost.run tunnel"),
    ("*.lhr.life", "a localhost.run tunnel"),
    ("*.pagekite.me", "a PageKite tunnel"),
    ("*.tunnelmole.net", "a Tunnelmole tunnel"),
    ("*.devtunnels.ms", "a Microsoft dev tunnel"),
    ("*.app.github.dev", "a GitHub Codespaces forwarded port"),
    ("*.gitpod.io", "a Gitpod workspace"),
    ("webhook.site", "a request inspector"),
    ("*.webhook.site", "a request inspector"),
    ("*.requestcatcher.com", "a request inspector"),
    ("*.nip.io", "a wildcard DNS name for an IP address"),
    ("*.sslip.io", "a wildcard DNS name for an IP address"),
    ("localtest.me", "a public name for localhost"),
    ("*.localtest.me", "a public name for localhost"),
    ("lvh.me", "a public name for localhost"),
    ("*.lvh.me", "a public name for localhost"),
    ("localhost", "the local machine"),
    ("*.localhost", "the local machine"),
    ("*.local", "a multicast DNS name on a local network"),
    ("*.lan", "a local network name"),
    ("*.internal", "a name reserved for private networks"),
    ("*.home.arpa", "a name reserved for home networks"),
    ("*.test", "a name reserved for testing"),
    ("*.invalid", "a name reserved as invalid"),
)
"""(host glob, what it is): documented in docs/policy.md."""

_PATTERN_CHARS = re.compile(r"^[a-z0-9*.\-:\[\]_]+$")


def normalise(host: str) -> str:
    """Lower case, without IPv6 brackets or a trailing dot: how hosts are compared."""
    return host.strip().lower().strip("[]").rstrip(".")


@lru_cache(maxsize=512)
def _compiled(pattern: str) -> re.Pattern[str]:
    parts = (re.escape(part) for part in normalise(pattern).split("*"))
    return re.compile("^" + ".*".join(parts) + "$")


def host_matches(pattern: str, host: str) -> bool:
    """Whether `host` matches the glob: `*` is any run of characters (dots too), case ignored.

    `*.example.com` matches every subdomain of example.com at any depth, not example.com itself.
    """
    return bool(_compiled(pattern).match(normalise(host)))


def pattern_problem(pattern: str) -> str | None:
    """Why a host glob from the policy cannot be right, or None when it can."""
    if not pattern.strip():
        return "an empty host pattern matches nothing; remove it, or write a host or glob"
    if "://" in pattern or "/" in pattern:
        return (
            f"{pattern!r} is a URL or path; write the host only, such as 'hooks.example.com' "
            "or '*.example.com'"
        )
    if not _PATTERN_CHARS.match(pattern.strip().lower()):
        return (
            f"{pattern!r} is not a host name or glob: use letters, digits, '-', '.', and '*' for "
            "any run of characters (no spaces, ports or paths)"
        )
    return None


_NUMERIC_IPV4 = re.compile(r"^[0-9][0-9a-fx]*(\.[0-9][0-9a-fx]*){0,3}$")


def _ip_address(host: str) -> ipaddress.IPv4Address | ipaddress.IPv6Address | None:
    """The address an IP literal names, also in the forms URL parsers and resolvers accept
    beside dotted quads: fewer parts (127.1), octal (0177.0.0.1), hex (0x7f.1), one number."""
    try:
        return ipaddress.ip_address(host)
    except ValueError:
        pass
    if not _NUMERIC_IPV4.match(host):
        return None
    try:
        return ipaddress.IPv4Address(socket.inet_aton(host))
    except OSError:
        return None


def _address_kind(host: str) -> str | None:
    address = _ip_address(host)
    if address is None:
        return None
    mapped = getattr(address, "ipv4_mapped", None)
    if mapped is not None:
        address = mapped
    if address.is_loopback:
        return "a loopback address"
    if address.is_link_local:
        return "a link-local address"
    if address.is_unspecified:
        return "the unspecified address"
    if address.is_private:
        return "a private network address"
    if not address.is_global:
        return "an address that is not reachable from the internet"
    return ""


@lru_cache(maxsize=4096)
def development_host(host: str) -> str | None:
    """What kind of development or local address `host` is, or None for an ordinary host.
    Remembered: a fleet's targets check the same few hosts against the whole list."""
    name = normalise(host)
    kind = _address_kind(name)
    if kind is not None:
        return kind or None
    for pattern, what in DEVELOPMENT_HOSTS:
        if host_matches(pattern, name):
            return what
    if "." not in name:
        return "a single-label name that only resolves inside a local network"
    return None
