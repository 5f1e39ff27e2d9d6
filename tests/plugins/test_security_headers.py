"""Pure functions of the security_headers plugin: the policies, the _headers file, the settings."""

from __future__ import annotations

import pytest
from security_headers import (
    DEFAULTS,
    SettingsError,
    header_policy,
    headers_file,
    merged_settings,
    page_policies,
    with_additions,
)

OPTIONS = {
    **DEFAULTS,
    "policy": {"default-src": "'none'", "script-src": "'self'", "img-src": "'self'"},
    "additions": {"search": {"script-src": "'wasm-unsafe-eval'", "worker-src": "'self'"}},
}


def test_each_kind_of_page_gets_the_policy_plus_only_its_additions():
    assert page_policies(OPTIONS) == {
        "page": "default-src 'none'; script-src 'self'; img-src 'self'",
        "search": "default-src 'none'; script-src 'self' 'wasm-unsafe-eval'; img-src 'self'; worker-src 'self'",
    }


def test_additions_never_change_the_base_policy():
    base = dict(OPTIONS["policy"])
    with_additions(OPTIONS["policy"], {"script-src": "'unsafe-eval'"})
    assert base == OPTIONS["policy"]


def test_the_header_allows_what_any_page_allows_and_forbids_framing():
    # Every page's meta policy is enforced on top of it, so each page gets exactly its own policy.
    assert header_policy(OPTIONS) == (
        "default-src 'none'; script-src 'self' 'wasm-unsafe-eval'; img-src 'self'; worker-src 'self';"
        " frame-ancestors 'none'"
    )


def test_headers_file_has_one_rule_for_every_path():
    lines = headers_file(OPTIONS).splitlines()
    assert lines[0] == "/*"
    assert lines[1].startswith("  Content-Security-Policy: default-src 'none';")
    assert lines[2:] == [
        "  X-Content-Type-Options: nosniff",
        "  Referrer-Policy: no-referrer",
        "  Permissions-Policy: camera=(), geolocation=(), microphone=(), payment=(), usb=()",
    ]


def test_shipped_policy_has_what_the_issue_asks_for():
    page = page_policies(DEFAULTS)["page"]
    for directive in (
        "script-src 'self';",
        "style-src 'self';",
        "img-src 'self';",
        "font-src 'self';",
        "object-src 'none';",
        "base-uri 'self';",
        "form-action 'self'",
        "frame-src 'none';",
    ):
        assert directive in page
    assert "unsafe" not in page
    assert page_policies(DEFAULTS)["search"] == page.replace(
        "script-src 'self'", "script-src 'self' 'wasm-unsafe-eval'"
    )


@pytest.mark.parametrize(
    ("given", "message"),
    [
        ({"polcy": {}}, "unknown SECURITY_HEADERS keys ['polcy']"),
        ({"headers": "nosniff"}, "SECURITY_HEADERS['headers'] must be a dict"),
    ],
)
def test_wrong_settings_are_refused(given, message):
    with pytest.raises(SettingsError, match=message.replace("[", r"\[").replace("]", r"\]")):
        merged_settings({"SECURITY_HEADERS": given})
