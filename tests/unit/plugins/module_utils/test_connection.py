# Copyright: Contributors to the veeam_community.backup collection
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Connection options every module shares: plain HTTP, a scheme that does not match the port, a missing server.

The modules run in-process against real local servers (plain HTTP and TLS) through the real requests stack.
"""

from __future__ import annotations

import inspect

import pytest

from ansible_collections.veeam_community.backup.plugins.module_utils.core import api_client
from ansible_collections.veeam_community.backup.plugins.module_utils.core.connection import ConnectionOptions
from ansible_collections.veeam_community.backup.plugins.module_utils.vb365 import client as vb365_client
from ansible_collections.veeam_community.backup.plugins.module_utils.vb365.client import VB365Client
from ansible_collections.veeam_community.backup.plugins.module_utils.vbazure import client as vbazure_client
from ansible_collections.veeam_community.backup.plugins.module_utils.vbazure.client import VBAzureClient
from ansible_collections.veeam_community.backup.plugins.module_utils.vbgc import client as vbgc_client
from ansible_collections.veeam_community.backup.plugins.module_utils.vbgc.client import VBGCClient
from ansible_collections.veeam_community.backup.plugins.modules import veeam_gcp_user_info, veeam_m365_account_info
from ansible_collections.veeam_community.backup.tests.unit.utils.vbgc_fixtures import warning_texts
from ansible_collections.veeam_community.backup.tests.unit.utils.module_runner import run_module

MODULES = [
    pytest.param(veeam_m365_account_info, "VEEAM_VB365", "vb365", ("GET", "/v8/Accounts"), {}, id="vb365"),
    pytest.param(veeam_gcp_user_info, "VEEAM_VBGC", "vbgc", ("GET", "/api/v1/users/admin"), {"name": "admin"}, id="vbgc"),
]


@pytest.fixture(autouse=True)
def no_connection_environment(monkeypatch):
    for prefix in ("VEEAM_VB365", "VEEAM_VBGC"):
        for name in ("SERVER", "ALLOW_PLAIN_HTTP", "USERNAME", "PASSWORD", "TOKEN", "CA_PATH"):
            monkeypatch.delenv("%s_%s" % (prefix, name), raising=False)


def run(module, args, server_url, **options):
    return run_module(module, dict(args, server=server_url, auth_token="given-token", timeout=5, **options))


@pytest.mark.parametrize(("module", "prefix", "group", "route", "args"), MODULES)
def test_plain_http_is_refused_before_any_request(plain_server, module, prefix, group, route, args):
    result = run(module, args, plain_server.url)
    assert result["failed"]
    assert "uses plain http://, which sends the password and tokens unencrypted" in result["msg"]
    assert "allow_plain_http: true (or %s_ALLOW_PLAIN_HTTP=true)" % prefix in result["msg"]
    assert plain_server.calls() == []


@pytest.mark.parametrize(("module", "prefix", "group", "route", "args"), MODULES)
@pytest.mark.parametrize("from_env", [False, True])
def test_plain_http_works_when_allowed_and_warns(plain_server, monkeypatch, module, prefix, group, route, args, from_env):
    plain_server.add(*route, body=[] if group == "vb365" else {"name": "admin", "roles": []})
    options = {}
    if from_env:
        monkeypatch.setenv("%s_ALLOW_PLAIN_HTTP" % prefix, "true")
    else:
        options["allow_plain_http"] = True
    result = run(module, args, plain_server.url, **options)
    assert not result.get("failed"), result.get("msg")
    texts = [item["event"]["msg"] if isinstance(item, dict) else item for item in result["warnings"]]
    assert texts == ["allow_plain_http is true and server is %s: the password and tokens cross the network "
                     "unencrypted. Use https:// outside a lab." % plain_server.url]
    assert warning_texts(result) == []


@pytest.mark.parametrize(("module", "prefix", "group", "route", "args"), MODULES)
def test_https_to_a_plain_http_port_says_so(plain_server, module, prefix, group, route, args):
    result = run(module, args, plain_server.url.replace("http://", "https://"))
    assert result["failed"]
    assert "answered in plain HTTP, not TLS" in result["msg"]
    assert "This is not a certificate problem" in result["msg"]
    assert "ca_path" not in result["msg"]


@pytest.mark.parametrize(("module", "prefix", "group", "route", "args"), MODULES)
def test_http_to_a_tls_port_says_so_without_retrying(tls_server, module, prefix, group, route, args):
    plain_url = tls_server.url.replace("https://", "http://")
    result = run(module, args, plain_url, allow_plain_http=True)
    assert result["failed"]
    assert result["msg"].endswith("%s %s: server is %s but that port speaks TLS (HTTPS): use https://%s (or the bare "
                                  "host name) so the connection is encrypted." % (route[0], route[1], plain_url,
                                                                                  plain_url[len("http://"):]))
    assert not any("retry" in text for text in warning_texts(result))
    assert tls_server.calls() == []


@pytest.mark.parametrize(("module", "prefix", "group", "route", "args"), MODULES)
@pytest.mark.parametrize("credentials", [{"auth_token": "given-token"}, {}], ids=["token", "nothing"])
def test_a_missing_server_names_the_environment_variable_and_the_action_group(module, prefix, group, route, args,
                                                                              credentials):
    """Also first when nothing else is set either (a new shell without `source build/simulator/env.sh`)."""
    result = run_module(module, dict(args, **credentials))
    assert result["failed"]
    assert result["msg"] == (
        "no server is set (neither the server option nor the environment variable %s_SERVER). Set it on the task, once "
        "for every task with module_defaults for group/veeam_community.backup.%s, or in %s_SERVER. For the simulator "
        "of the collection's repository, run `source build/simulator/env.sh` (written by make simulator) in the shell "
        "that runs ansible-playbook: it sets the server, CA and credentials." % (prefix, group, prefix))


@pytest.mark.parametrize(("module", "prefix", "group", "route", "args"), MODULES)
def test_missing_credentials_name_their_environment_variables(tls_server, module, prefix, group, route, args):
    result = run_module(module, dict(args, server=tls_server.url))
    assert result["msg"] == ("one of the following is required: auth_token, auth_username (or the environment "
                             "variables %s_TOKEN, %s_USERNAME and %s_PASSWORD)." % (prefix, prefix, prefix))
    assert tls_server.calls() == []


@pytest.mark.parametrize(("module", "prefix", "group", "route", "args"), MODULES)
def test_the_server_environment_variable_is_used(tls_server, monkeypatch, module, prefix, group, route, args):
    tls_server.add(*route, body=[] if group == "vb365" else {"name": "admin", "roles": []})
    monkeypatch.setenv("%s_SERVER" % prefix, tls_server.url)
    result = run_module(module, dict(args, auth_token="given-token", ca_path=tls_server.ca_path))
    assert not result.get("failed"), result.get("msg")
    assert len(tls_server.calls()) == 1


def test_the_api_clients_name_no_connection_option():
    """The connection options and every message about them belong to core/connection.py; a client states API facts."""
    options = {name for client in (VB365Client, VBGCClient, VBAzureClient) for name in ConnectionOptions(client).argument_spec() if "_" in name}
    for source_module in (api_client, vb365_client, vbgc_client, vbazure_client):
        source = inspect.getsource(source_module)
        assert [name for name in sorted(options) if name in source] == [], source_module.__name__
