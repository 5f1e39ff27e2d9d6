"""security_headers: a strict Content-Security-Policy on every page, and the same policy with the headers
a page cannot set itself in a ``_headers`` file (the format of Netlify and Cloudflare Pages).

The policy allows the site's own scripts, styles, images and fonts and nothing else: no inline script,
no plugins (``object-src 'none'``), no frames, no ``<base>`` to another site, forms only to the site.
It is the last line of defence behind the content rules (plugins/content_checks/safety.py): whatever
slips through cannot run or load from elsewhere. The search page alone adds ``'wasm-unsafe-eval'``, which
Pagefind needs to start its WebAssembly.

Templates get ``CONTENT_SECURITY_POLICY``, the policy of each kind of page (``page``, ``search``);
base.html writes it as ``<meta http-equiv="Content-Security-Policy">`` and a template picks its kind
with ``{% set csp = "search" %}``. The ``_headers`` file sends, for every path, the search page's policy
plus ``frame-ancestors 'none'`` (which a meta tag cannot carry), ``X-Content-Type-Options``,
``Referrer-Policy`` and ``Permissions-Policy``. Browsers enforce every policy a page has, so each
page's meta tag narrows that header to its own policy. One header for every path keeps the file
correct on both hosts: Netlify lets a later rule replace a header, Cloudflare joins both values.

Settings: ``SECURITY_HEADERS`` (see ``DEFAULTS``), merged over the defaults and checked once.
"""

from __future__ import annotations

import logging
from pathlib import Path

from markupsafe import Markup
from pelican import signals

log = logging.getLogger(__name__)

DEFAULTS = {
    # Directive → sources, in the order written.
    "policy": {
        "default-src": "'none'",
        "script-src": "'self'",
        "style-src": "'self'",
        "img-src": "'self'",
        "font-src": "'self'",
        "connect-src": "'self'",  # the search page fetches its index
        "object-src": "'none'",
        "frame-src": "'none'",
        "base-uri": "'self'",
        "form-action": "'self'",
    },
    # What a kind of page adds to the policy (directive → extra sources).
    "additions": {"search": {"script-src": "'wasm-unsafe-eval'"}},
    "headers_file": "_headers",  # None: write no headers file
    "header_policy": {"frame-ancestors": "'none'"},  # only a header can carry these
    "headers": {
        "X-Content-Type-Options": "nosniff",
        # The archive has no statistics; the sites it links to learn nothing of where a reader came from.
        "Referrer-Policy": "no-referrer",
        "Permissions-Policy": "camera=(), geolocation=(), microphone=(), payment=(), usb=()",
    },
}


class SettingsError(ValueError):
    """SECURITY_HEADERS in the settings is wrong; the message says which key and why."""


def merged_settings(settings: dict) -> dict:
    """SECURITY_HEADERS merged over DEFAULTS, checked."""
    given = settings.get("SECURITY_HEADERS") or {}
    unknown = sorted(set(given) - DEFAULTS.keys())
    if unknown:
        raise SettingsError(f"security_headers: unknown SECURITY_HEADERS keys {unknown}")
    merged = {**DEFAULTS, **given}
    for key in ("policy", "additions", "header_policy", "headers"):
        if not isinstance(merged[key], dict):
            raise SettingsError(f"security_headers: SECURITY_HEADERS[{key!r}] must be a dict")
    return merged


def policy_text(directives: dict[str, str]) -> str:
    """A policy as a header value: ``default-src 'none'; script-src 'self'``."""
    return "; ".join(f"{directive} {sources}" for directive, sources in directives.items())


def with_additions(base: dict[str, str], additions: dict[str, str]) -> dict[str, str]:
    """The directives of ``base`` with extra sources appended (new directives at the end)."""
    combined = dict(base)
    for directive, extra in additions.items():
        combined[directive] = f"{combined[directive]} {extra}" if directive in combined else extra
    return combined


def page_policies(options: dict) -> dict[str, str]:
    """The policy of each kind of page: ``page`` for all, plus one per kind in ``additions``."""
    policies = {"page": policy_text(options["policy"])}
    for kind, additions in options["additions"].items():
        policies[kind] = policy_text(with_additions(options["policy"], additions))
    return policies


def header_policy(options: dict) -> str:
    """The policy sent as a header for every path: every kind's sources, plus the header-only directives.
    Each page's own meta policy narrows it."""
    directives = dict(options["policy"])
    for additions in options["additions"].values():
        directives = with_additions(directives, additions)
    return policy_text({**directives, **options["header_policy"]})


def headers_file(options: dict) -> str:
    """The ``_headers`` file: one rule for every path."""
    headers = {"Content-Security-Policy": header_policy(options), **options["headers"]}
    lines = ["/*", *(f"  {name}: {value}" for name, value in headers.items())]
    return "\n".join(lines) + "\n"


# Pelican glue


def configure(pelican) -> None:
    """Check the settings once and give the templates every kind of page's policy."""
    options = merged_settings(pelican.settings)
    pelican.settings["SECURITY_HEADERS"] = options
    # The policies come from the settings, not from content: printed as they are in the (escaping) templates.
    policies = page_policies(options)
    pelican.settings["CONTENT_SECURITY_POLICY"] = {kind: Markup(policy) for kind, policy in policies.items()}


def write_headers_file(pelican) -> None:
    """Write ``_headers`` into the output, inside the build (a failed build publishes none)."""
    options = pelican.settings["SECURITY_HEADERS"]
    if options["headers_file"]:
        target = Path(pelican.output_path) / options["headers_file"]
        target.write_text(headers_file(options), encoding="utf-8")


def register() -> None:
    signals.initialized.connect(configure)
    signals.finalized.connect(write_headers_file)
