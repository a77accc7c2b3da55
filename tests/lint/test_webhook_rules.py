"""policy.webhooks: every rule, on every URL field, located at the offending value."""

from __future__ import annotations

import pytest

from reconciler import lint
from reconciler.config import LoadedConfig, load_config
from reconciler.config.errors import ConfigIssue
from reconciler.lint.hosts import development_host, host_matches
from tests.lint.conftest import Workspace, only

EVERY_URL_FIELD = """
    version: 1
    account:
      webhooks:
        pre_webhook_url: {scheme}://pre.{host}/account
        post_webhook_url: {scheme}://post.{host}/account
    services:
      support:
        webhooks:
          pre_webhook_url: {scheme}://pre.{host}/support
          post_webhook_url: {scheme}://post.{host}/support
    address_configurations:
      - type: sms
        address: "+15017122661"
        auto_creation:
          enabled: true
          type: webhook
          webhook_url: {scheme}://inbound.{host}/sms
    policy:
      webhooks:
{policy}
"""
URL_PATHS = [
    ("account.webhooks.pre_webhook_url", 4),
    ("account.webhooks.post_webhook_url", 5),
    ("services.support.webhooks.pre_webhook_url", 9),
    ("services.support.webhooks.post_webhook_url", 10),
    ("address_configurations[0].auto_creation.webhook_url", 17),
]


def every_field(workspace: Workspace, scheme: str, host: str, *policy: str) -> None:
    rules = "\n".join(f"        {line}" for line in policy) or "        {}"
    text = EVERY_URL_FIELD.format(scheme=scheme, host=host, policy=rules)
    workspace.write({"c.yaml": text})


def test_https_is_required_of_every_url_field_when_the_policy_says_so(
    workspace: Workspace,
) -> None:
    every_field(workspace, "http", "example.com", "require_https: true")
    findings = only(workspace.lint("c.yaml"), "webhook-https")
    assert [(f.path, f.line) for f in findings] == URL_PATHS
    for finding in findings:
        assert finding.severity == "error" and finding.file == "c.yaml"
        assert "uses http; policy.webhooks.require_https asks for https" in finding.message
        assert finding.message.startswith(f"{finding.path}: ")
        # the related location names the policy line that asks for it
        assert finding.related == (("c.yaml", 20, "require_https is set here"),)
        # the column points at the URL itself
        assert finding.line is not None and finding.column is not None
        text = workspace.line_of("c.yaml", finding.line)
        assert text[finding.column - 1 :].startswith("http://")


def test_http_passes_without_the_policy_and_https_passes_with_it(workspace: Workspace) -> None:
    every_field(workspace, "http", "example.com")
    assert workspace.lint("c.yaml") == []
    every_field(workspace, "https", "example.com", "require_https: true")
    assert workspace.lint("c.yaml") == []


def test_allowed_hosts_is_an_allow_list_of_globs(workspace: Workspace) -> None:
    every_field(workspace, "https", "hooks.example.com", 'allowed_hosts: ["*.hooks.example.com"]')
    assert workspace.lint("c.yaml") == []
    every_field(workspace, "https", "example.org", 'allowed_hosts: ["*.example.com", api.test.io]')
    findings = only(workspace.lint("c.yaml"), "webhook-host-not-allowed")
    assert [(f.path, f.line) for f in findings] == URL_PATHS
    assert findings[0].message == (
        "account.webhooks.pre_webhook_url: host 'pre.example.org' is not in "
        "policy.webhooks.allowed_hosts (*.example.com, api.test.io)"
    )
    assert all(f.severity == "error" for f in findings)


@pytest.mark.parametrize(
    ("pattern", "host", "matches"),
    [
        ("*.example.com", "hooks.example.com", True),
        ("*.example.com", "a.b.example.com", True),
        ("*.example.com", "example.com", False),
        ("*.example.com", "badexample.com", False),
        ("example.com", "EXAMPLE.com.", True),
        ("hooks-*.example.com", "hooks-eu.example.com", True),
        ("hooks-*.example.com", "hooks.example.com", False),
        ("10.0.0.*", "10.0.0.7", True),
    ],
)
def test_host_globs(pattern: str, host: str, matches: bool) -> None:
    assert host_matches(pattern, host) is matches


def test_denied_hosts_win_over_allowed_and_name_the_pattern(workspace: Workspace) -> None:
    workspace.write(
        {
            "base.yaml": """
                version: 1
                services:
                  support:
                    webhooks: {post_webhook_url: "https://legacy.example.com/hook"}
                """,
            "policy.yaml": """
                policy:
                  webhooks:
                    allowed_hosts: ["*.example.com"]
                    denied_hosts:
                      - old.example.net
                      - "legacy.*"
                """,
        }
    )
    findings = workspace.lint("base.yaml", "policy.yaml")
    assert len(findings) == 1
    (finding,) = findings
    assert finding.rule == "webhook-host-denied"
    assert (finding.file, finding.line, finding.column) == ("base.yaml", 4, 34)
    # in a flow mapping, quoted: the column is the value's first character (its quote)
    assert workspace.line_of("base.yaml", 4)[33:].startswith('"https://legacy.example.com')
    assert finding.message == (
        "services.support.webhooks.post_webhook_url: host 'legacy.example.com' is denied by "
        "policy.webhooks.denied_hosts ('legacy.*')"
    )
    assert finding.related == (("policy.yaml", 6, "'legacy.*' is denied here"),)


@pytest.mark.parametrize(
    ("host", "what"),
    [
        ("abc123.ngrok-free.app", "an ngrok tunnel"),
        ("abc123.ngrok.io", "an ngrok tunnel"),
        ("random-words.trycloudflare.com", "a Cloudflare quick tunnel"),
        ("brave-cat-12.loca.lt", "a localtunnel tunnel"),
        ("localhost", "the local machine"),
        ("api.localhost", "the local machine"),
        ("127.0.0.1", "a loopback address"),
        ("[::1]", "a loopback address"),
        ("10.1.2.3", "a private network address"),
        ("172.16.0.4", "a private network address"),
        ("192.168.1.20", "a private network address"),
        ("[fd00::1]", "a private network address"),
        ("169.254.169.254", "a link-local address"),
        ("[fe80::1]", "a link-local address"),
        ("0.0.0.0", "the unspecified address"),
        ("100.100.1.1", "an address that is not reachable from the internet"),
        ("[::ffff:127.0.0.1]", "a loopback address"),
        # the shortened, octal, hex and one-number forms that resolvers and browsers accept
        ("127.1", "a loopback address"),
        ("0177.0.0.1", "a loopback address"),
        ("0x7f.0.0.1", "a loopback address"),
        ("2130706433", "a loopback address"),
        ("0x7f000001", "a loopback address"),
        ("10.0.1", "a private network address"),
        ("192.168.1", "a private network address"),
        ("169.254.1", "a link-local address"),
        ("intranet", "a single-label name that only resolves inside a local network"),
        ("printer.local", "a multicast DNS name on a local network"),
        ("hooks.corp.internal", "a name reserved for private networks"),
        ("10.0.0.1.nip.io", "a wildcard DNS name for an IP address"),
        ("fuzzy-space-4x7.app.github.dev", "a GitHub Codespaces forwarded port"),
    ],
)
def test_development_hosts_are_recognised(host: str, what: str) -> None:
    assert development_host(host.strip("[]")) == what


@pytest.mark.parametrize(
    "host",
    [
        "hooks.example.com",
        "ngrok.com",
        "8.8.8.8",
        "8.8.2056",
        "[2606:4700::1111]",
        "example.local.io",
        "cafe.be",
        "0x08.0x08.0x08.0x08",
    ],
)
def test_ordinary_hosts_are_not_development_hosts(host: str) -> None:
    assert development_host(host.strip("[]")) is None


def test_development_hosts_warn_by_default_on_every_url_field(workspace: Workspace) -> None:
    every_field(workspace, "https", "abc123.ngrok-free.app")
    findings = workspace.lint("c.yaml")
    assert [(f.rule, f.severity, f.path, f.line) for f in findings] == [
        ("webhook-development-host", "warning", path, line) for path, line in URL_PATHS
    ]
    assert "is an ngrok tunnel, a development address" in findings[0].message
    assert "development_hosts is 'warn'" in findings[0].message


@pytest.mark.parametrize(("setting", "severity"), [("allow", None), ("error", "error")])
def test_development_hosts_setting(workspace: Workspace, setting: str, severity: str) -> None:
    every_field(workspace, "http", "localhost:8080", f"development_hosts: {setting}")
    findings = workspace.lint("c.yaml")
    assert {f.severity for f in findings} == ({severity} if severity else set())


def test_a_denied_host_is_not_also_reported_as_a_development_host(workspace: Workspace) -> None:
    every_field(workspace, "https", "x.ngrok.io", 'denied_hosts: ["*.ngrok.io"]')
    assert {f.rule for f in workspace.lint("c.yaml")} == {"webhook-host-denied"}


def test_required_filters(workspace: Workspace) -> None:
    workspace.write(
        {
            "c.yaml": """
                version: 1
                account:
                  webhooks:
                    post_webhook_url: https://hooks.example.com/a
                    filters: [onMessageAdded, onUserAdded]
                services:
                  complete:
                    webhooks: {filters: [onMessageAdded, onConversationAdded]}
                  missing:
                    webhooks:
                      post_webhook_url: https://hooks.example.com/m
                      filters: [onConversationAdded]
                  unmanaged:
                    webhooks: {method: POST}
                  no-webhooks: {}
                policy:
                  webhooks:
                    required_filters: [onMessageAdded, onUserAdded]
                """
        }
    )
    findings = workspace.lint("c.yaml")
    assert [(f.rule, f.line, f.message) for f in findings] == [
        (
            "webhook-required-filters",
            12,
            "services.missing.webhooks.filters: lacks onMessageAdded, required by "
            "policy.webhooks.required_filters",
        ),
        (
            "webhook-required-filters",
            14,
            "services.unmanaged.webhooks: filters are not set here, so the events "
            "policy.webhooks.required_filters asks for (onMessageAdded) are not managed; list "
            "the filters, including them",
        ),
    ]
    # onUser... events exist for the account webhooks only: services are not asked for them
    assert all("onUserAdded" not in f.message for f in findings)


def test_the_policy_values_themselves_are_checked(workspace: Workspace) -> None:
    workspace.write(
        {
            "c.yaml": """
                version: 1
                services:
                  s: {webhooks: {post_webhook_url: "https://hooks.example.com/x"}}
                policy:
                  webhooks:
                    allowed_hosts:
                      - https://hooks.example.com
                      - ""
                      - "hooks example.com"
                      - "*.example.com"
                    required_filters: [onMesageAdded]
                """
        }
    )
    findings = workspace.lint("c.yaml")
    assert [(f.rule, f.line, f.path) for f in findings] == [
        ("policy-webhooks", 7, "policy.webhooks.allowed_hosts[0]"),
        ("policy-webhooks", 8, "policy.webhooks.allowed_hosts[1]"),
        ("policy-webhooks", 9, "policy.webhooks.allowed_hosts[2]"),
        ("policy-webhooks", 11, "policy.webhooks.required_filters[0]"),
    ]
    assert "write the host only, such as 'hooks.example.com'" in findings[0].message
    assert "did you mean 'onMessageAdded'?" in findings[3].message
    # the one usable glob still applies: the URL's host is allowed by it
    assert not only(findings, "webhook-host-not-allowed")


def test_an_unknown_setting_is_a_located_config_error(workspace: Workspace) -> None:
    workspace.write(
        {"c.yaml": "version: 1\npolicy:\n  webhooks:\n    development_hosts: sometimes\n"}
    )
    from reconciler.config import ConfigError

    with pytest.raises(ConfigError) as caught:
        load_config(["c.yaml"], environ={})
    (issue,) = caught.value.issues
    assert (issue.file, issue.line) == ("c.yaml", 4)
    assert "'allow', 'warn' or 'error'" in issue.message or "'allow', 'warn', 'error'" in (
        issue.message
    )


ENVIRONMENTS = {
    "base/shared.yaml": """
        version: 1
        services:
          support:
            webhooks:
              post_webhook_url: ${HOOKS_URL:-https://hooks.example.com}/support
        policy:
          webhooks:
            development_hosts: warn
            denied_hosts: ["*.example.net"]
        """,
    "dev/c.yaml": """
        include: [../base]
        policy:
          webhooks:
            development_hosts: allow
        """,
    "prod/c.yaml": """
        include: [../base]
        policy:
          webhooks:
            require_https: true
            development_hosts: error
            allowed_hosts: [hooks.example.com]
        """,
}


def test_rules_merge_per_environment_prod_forbids_what_dev_allows(workspace: Workspace) -> None:
    workspace.write(ENVIRONMENTS)
    tunnel = {"HOOKS_URL": "https://abc.ngrok-free.app"}
    assert workspace.lint("dev", environ=tunnel) == []
    staging_like = workspace.lint("base", environ=tunnel)
    assert [(f.rule, f.severity) for f in staging_like] == [("webhook-development-host", "warning")]
    prod = workspace.lint("prod", environ=tunnel)
    assert [(f.rule, f.severity, f.file, f.line) for f in prod] == [
        ("webhook-development-host", "error", "base/shared.yaml", 5),
        ("webhook-host-not-allowed", "error", "base/shared.yaml", 5),
    ]
    # a value from a variable has no column: the text on the line is not the value
    assert prod[0].column is None
    assert workspace.lint("prod") == []


def test_lists_replace_so_an_environment_restates_what_it_keeps(workspace: Workspace) -> None:
    workspace.write(ENVIRONMENTS)
    workspace.write(
        {
            "prod/c.yaml": """
                include: [../base]
                policy:
                  webhooks:
                    denied_hosts: ["*.example.org"]
                """
        }
    )
    environ = {"HOOKS_URL": "https://hooks.example.net"}
    assert [f.rule for f in workspace.lint("base", environ=environ)] == ["webhook-host-denied"]
    assert workspace.lint("prod", environ=environ) == []


def test_check_includes_the_loaders_warnings(workspace: Workspace) -> None:
    workspace.write({"c.yaml": "version: 1\n"})
    loaded = load_config(["c.yaml"], environ={})
    with_warning = LoadedConfig(
        config=loaded.config,
        files=loaded.files,
        locations=loaded.locations,
        warnings=[ConfigIssue("c.yaml", 1, "something to know", severity="warning")],
    )
    (finding,) = lint.check(with_warning)
    assert (finding.rule, finding.severity, finding.file, finding.line) == (
        "config",
        "warning",
        "c.yaml",
        1,
    )
    assert lint.check(with_warning, warnings=False) == []


def test_raise_for_errors_stops_on_errors_only(workspace: Workspace) -> None:
    every_field(workspace, "https", "localhost")
    warnings = workspace.lint("c.yaml")
    lint.raise_for_errors(warnings)  # warnings pass
    every_field(workspace, "http", "localhost", "require_https: true")
    findings = workspace.lint("c.yaml")
    with pytest.raises(lint.PolicyError) as caught:
        lint.raise_for_errors(findings)
    lines = str(caught.value).splitlines()
    assert lines[0].startswith("c.yaml:4:")
    assert lines[0].endswith("[webhook-https]")
    assert lines[-1] == "the configuration breaks the team's policy (5 errors)"
    assert all(f.severity == "error" for f in caught.value.findings)
