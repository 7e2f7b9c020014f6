# Copyright: Contributors to the veeam_community.backup collection
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The shared HTTP layer against a real local HTTP(S) server (no mock of requests)."""

from __future__ import annotations

import socket
import time

import pytest

from ansible_collections.veeam_community.backup.plugins.module_utils.core.api_client import ApiClient
from ansible_collections.veeam_community.backup.plugins.module_utils.core.connection import (
    ADVICE, ConnectionOptions, build_base_url)
from ansible_collections.veeam_community.backup.plugins.module_utils.core.errors import InputError, OutcomeUnknown, VeeamApiError
from ansible_collections.veeam_community.backup.plugins.module_utils.core.http_client import HttpClient, quote_segment
from ansible_collections.veeam_community.backup.plugins.module_utils.core.mask import MASK, redact, redact_text
from ansible_collections.veeam_community.backup.plugins.module_utils.vb365.client import VB365Client
from ansible_collections.veeam_community.backup.plugins.module_utils.vbazure.client import VBAzureClient
from ansible_collections.veeam_community.backup.plugins.module_utils.vbgc.client import VBGCClient


def client_for(server, **kwargs):
    sleeps = []
    warnings = []
    kwargs.setdefault("timeout", 5)
    kwargs.setdefault("advice", ADVICE)  # the connection layer's words, which name the module options
    client = HttpClient(server.url, warn=warnings.append, sleep=sleeps.append, **kwargs)
    return client, sleeps, warnings


def test_get_returns_json_body(server):
    server.add("GET", "/v8/Accounts", body=[{"id": "1"}])
    client = client_for(server)[0]
    response = client.request("GET", "/v8/Accounts", params={"name": "a*"})
    assert response.status == 200
    assert response.body == [{"id": "1"}]
    assert server.calls()[0]["query"] == {"name": ["a*"]}


def test_connection_is_reused_across_requests(server):
    server.add("GET", "/x", body={}, sticky=True)
    client = client_for(server)[0]
    for _attempt in range(3):
        client.request("GET", "/x")
    assert len({call["client_port"] for call in server.calls()}) == 1


def test_503_is_retried_then_succeeds(server):
    server.add("GET", "/x", status=503).add("GET", "/x", status=503).add("GET", "/x", body={"ok": True})
    client, sleeps, warnings = client_for(server)
    assert client.request("GET", "/x").body == {"ok": True}
    assert len(server.calls()) == 3
    assert len(sleeps) == 2
    assert all(0 < s <= 8 for s in sleeps)
    assert "HTTP 503" in warnings[0]


def test_retries_are_bounded_in_count(server):
    server.add("GET", "/x", status=502, sticky=True)
    client, sleeps, _warnings = client_for(server, retries=3)
    with pytest.raises(VeeamApiError) as err:
        client.request("GET", "/x")
    assert len(server.calls()) == 4
    assert len(sleeps) == 3
    assert "gave up after 4 tries, the most a task makes" in str(err.value)
    assert err.value.status == 502


def test_retry_after_is_honoured(server):
    server.add("GET", "/x", status=429, headers={"Retry-After": "2"}).add("GET", "/x", body={})
    client, sleeps, _warnings = client_for(server)
    client.request("GET", "/x")
    assert sleeps == [2.0]


def test_retry_after_beyond_the_time_budget_gives_up_at_once(server):
    server.add("GET", "/x", status=429, headers={"Retry-After": "3600"}, sticky=True)
    client, sleeps, _warnings = client_for(server, retry_max_time=10)
    with pytest.raises(VeeamApiError) as err:
        client.request("GET", "/x")
    assert sleeps == []
    assert err.value.status == 429
    assert "gave up after 1 try: the server asked to wait 3600 s (Retry-After), more than the 10 s left" in str(err.value)
    assert len(server.calls()) == 1


def test_backoff_beyond_the_time_budget_gives_up(server):
    server.add("GET", "/x", status=503, sticky=True)
    client, sleeps, _warnings = client_for(server, retry_max_time=0.1)
    with pytest.raises(VeeamApiError) as err:
        client.request("GET", "/x")
    assert sleeps == []
    assert "gave up after 1 try: the 0.1 s retry budget is spent" in str(err.value)


def test_backoff_grows_and_is_capped():
    client = HttpClient("http://127.0.0.1:9")
    deadline = time.monotonic() + 1000
    delays = [client._retry_delay(n, None, deadline)[0] for n in range(1, 5)]
    assert delays[0] <= 0.5
    assert 4 * 0.5 <= delays[3] <= 4.0
    client.retries = 100
    assert client._retry_delay(50, None, deadline)[0] <= 8.0


@pytest.mark.parametrize("status", [502, 504])
def test_post_not_repeated_after_a_gateway_error_and_the_message_says_why(server, status):
    server.add("POST", "/v8/Accounts", status=status, body={"message": "Bad gateway."}, sticky=True)
    client = client_for(server)[0]
    with pytest.raises(VeeamApiError) as err:
        client.request("POST", "/v8/Accounts", json={"userName": "a"})
    assert len(server.calls()) == 1
    assert "Bad gateway. The request was not repeated because the server may already have acted on it" in str(err.value)


def test_put_repeated_after_a_gateway_error(server):
    server.add("PUT", "/x", status=504).add("PUT", "/x", body={})
    client, _sleeps, warnings = client_for(server)
    assert client.request("PUT", "/x", json={}).status == 200
    assert "HTTP 504; retry 1 of 4" in warnings[0]


@pytest.mark.parametrize("status", [429, 503])
def test_post_not_repeated_after_429_or_503_because_the_server_may_have_acted(server, status):
    server.add("POST", "/v8/Accounts", status=status, headers={"Retry-After": "2"})
    server.add("POST", "/v8/Accounts", status=201, body={"id": "1"})
    client, sleeps, warnings = client_for(server)
    with pytest.raises(OutcomeUnknown) as err:
        client.request("POST", "/v8/Accounts", json={})
    assert len(server.calls()) == 1 and sleeps == []
    assert "The request was not repeated because the server may already have acted on it" in str(err.value)
    assert err.value.wait(1) is True and sleeps == [2.0]  # the caller found nothing: the pause before its next try
    assert "it was not carried out; retry 1 of 4 in 2.0 s" in warnings[0]
    assert err.value.wait(5) is False


@pytest.mark.parametrize("value", ["", ".", "..", " .. ", "a/b", "a\\b", "x\ny"])
def test_a_value_that_would_change_the_request_path_is_refused_before_any_request(server, value):
    with pytest.raises(InputError, match="cannot name an object in a request path"):
        VB365Client(client_for(server)[0], token="t").list_folders("amazonS3Account", "id", {}, value)
    assert server.calls() == []


def test_names_with_other_characters_are_quoted_into_one_segment():
    assert quote_segment("a b?#%.x") == "a%20b%3F%23%25.x"


def test_dropped_connection_retried_for_get(server):
    server.add("GET", "/x", drop=True).add("GET", "/x", body={"ok": 1})
    client, _sleeps, warnings = client_for(server)
    assert client.request("GET", "/x").body == {"ok": 1}
    assert "connection failed" in warnings[0]


def test_dropped_connection_not_retried_for_post(server):
    server.add("POST", "/x", drop=True).add("POST", "/x", body={"ok": 1})
    client = client_for(server)[0]
    with pytest.raises(VeeamApiError) as err:
        client.request("POST", "/x", json={})
    assert "may already have acted" in str(err.value)
    assert len(server.calls()) == 1


def test_timeout_is_reported(server):
    server.add("GET", "/slow", delay=1.0, body={}, sticky=True)
    client = client_for(server, timeout=0.2, retries=1)[0]
    started = time.monotonic()
    with pytest.raises(VeeamApiError) as err:
        client.request("GET", "/slow")
    assert "no answer within timeout=0.2 s" in str(err.value)
    assert time.monotonic() - started < 3


def test_refused_connection_is_retried_even_for_post():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    sleeps = []
    client = HttpClient("http://127.0.0.1:%d" % port, retries=2, sleep=sleeps.append)
    with pytest.raises(VeeamApiError) as err:
        client.request("POST", "/x", json={})
    assert len(sleeps) == 2
    assert "gave up after 3 tries" in str(err.value)


def test_a_refused_connection_names_host_and_port_and_does_not_blame_the_timeout():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    warnings = []
    client = HttpClient("https://127.0.0.1:%d" % port, retries=1, sleep=lambda seconds: None, warn=warnings.append,
                        advice=ADVICE)
    with pytest.raises(VeeamApiError) as err:
        client.request("GET", "/x")
    assert str(err.value).startswith("GET /x: no connection to 127.0.0.1:%d ([Errno 111] Connection refused) (gave "
                                     "up after 2 tries" % port)
    assert str(err.value).endswith("Check server and port: nothing accepts connections there (is the REST API running, "
                                   "on that port?).")
    assert "timeout" not in str(err.value)
    assert "no connection to 127.0.0.1:%d" % port in warnings[0]


def test_a_host_name_that_does_not_resolve_is_said_at_once_without_retrying():
    sleeps = []
    client = HttpClient("https://no-such-host.invalid:4443", sleep=sleeps.append, advice=ADVICE)
    with pytest.raises(VeeamApiError) as err:
        client.request("POST", "/v8/token", form={}, idempotent=True)
    assert sleeps == []
    assert client.request_count == 1
    assert str(err.value).startswith("POST /v8/token: the host name no-such-host.invalid cannot be resolved (")
    assert str(err.value).endswith("Check server for a typo, and that the controller can resolve that name (DNS, "
                                   "/etc/hosts).")


@pytest.mark.parametrize("client_class", [VB365Client, VBGCClient, VBAzureClient])
def test_a_404_at_the_login_path_says_another_product_or_port(server, client_class):
    """What a VBGC module met at the VB365 port: HTTP 404 (ResourceNotFound) at its token path."""
    server.add("POST", client_class.login_path, status=404,
               body={"message": "No resource at %s" % client_class.login_path, "errorCode": "ResourceNotFound"})
    params = {name: option.get("default") for name, option in ConnectionOptions(client_class).argument_spec().items()}
    params.update(server=server.url, allow_plain_http=True, auth_username="admin", auth_password="pw")
    client = ConnectionOptions(client_class).build_client(params)
    with pytest.raises(VeeamApiError) as err:
        client.login()
    assert str(err.value) == (
        "POST %s: HTTP 404 (ResourceNotFound) no %s login at %s. server and port seem to name another product or "
        "another port: the %s REST API listens on port %d by default. Check server and port (a port in server wins "
        "over port). Details: No resource at %s" % (client_class.login_path, client_class.product,
                                                    client_class.login_path, client_class.product,
                                                    client_class.default_port, client_class.login_path))


def test_tls_without_ca_path_fails_with_the_fix(tls_server, monkeypatch):
    monkeypatch.delenv("REQUESTS_CA_BUNDLE", raising=False)
    monkeypatch.delenv("CURL_CA_BUNDLE", raising=False)
    tls_server.add("GET", "/x", body={})
    client = client_for(tls_server)[0]
    with pytest.raises(VeeamApiError) as err:
        client.request("GET", "/x")
    assert "ca_path" in str(err.value)
    assert tls_server.calls() == []


def test_without_the_connection_layer_s_advice_the_http_layer_names_no_module_option(tls_server, monkeypatch):
    monkeypatch.delenv("REQUESTS_CA_BUNDLE", raising=False)
    monkeypatch.delenv("CURL_CA_BUNDLE", raising=False)
    warnings = []
    HttpClient(tls_server.url, validate_certs=False, warn=warnings.append)
    client = HttpClient(tls_server.url, timeout=5, sleep=lambda seconds: None)
    with pytest.raises(VeeamApiError) as err:
        client.request("GET", "/x")
    texts = [str(err.value)] + warnings
    assert "TLS verification of %s failed" % tls_server.url in texts[0]
    assert [text for text in texts for word in ("ca_path", "validate_certs", "allow_plain_http", "timeout=", "simulator")
            if word in text] == []


def test_tls_with_ca_path_works_even_when_the_environment_names_another_bundle(tls_server, monkeypatch, tmp_path):
    monkeypatch.setenv("REQUESTS_CA_BUNDLE", str(tmp_path / "missing.pem"))
    tls_server.add("GET", "/x", body={"ok": True})
    client = client_for(tls_server, ca_path=tls_server.ca_path)[0]
    assert client.request("GET", "/x").body == {"ok": True}


def test_a_ca_path_that_does_not_exist_fails_before_any_request(tls_server):
    params = {"server": tls_server.url, "port": 443, "validate_certs": True, "ca_path": "/nonexistent/ca.pem", "timeout": 5,
              "auth_username": None, "auth_password": None, "auth_token": "t"}
    with pytest.raises(InputError, match=r"ca_path=/nonexistent/ca.pem does not exist: give the PEM file of the CA"):
        ConnectionOptions(DemoClient).build_client(params)
    assert tls_server.calls() == []


def test_a_ca_bundle_from_the_environment_that_does_not_exist_is_a_clear_error(tls_server, monkeypatch):
    monkeypatch.setenv("REQUESTS_CA_BUNDLE", "/nonexistent/bundle.pem")
    client = client_for(tls_server)[0]
    with pytest.raises(VeeamApiError) as err:
        client.request("GET", "/x")
    assert "cannot be read" in str(err.value)
    assert "/nonexistent/bundle.pem" in str(err.value)
    assert "Set ca_path" in str(err.value)


def test_validate_certs_false_works_and_warns(tls_server):
    tls_server.add("GET", "/x", body={"ok": True})
    client, _sleeps, warnings = client_for(tls_server, validate_certs=False)
    assert client.request("GET", "/x").body == {"ok": True}
    assert "validate_certs is false" in warnings[0]


@pytest.mark.parametrize("body, message, code, details", [
    ({"message": "Account is in use", "errorCode": "OperationConflict", "stackTrace": None}, "Account is in use", "OperationConflict", None),
    ({"type": "t", "title": "Bad Request", "status": 400, "errorCode": "UnexpectedContent", "details": "name is invalid"},
     "name is invalid", "UnexpectedContent", None),
    (b"<html>Bad gateway</html>", "Bad Request", None, None),
    (None, "Bad Request", None, None),
])
def test_error_bodies_of_either_shape_or_none(server, body, message, code, details):
    server.add("DELETE", "/x/1", status=400, body=body)
    client = client_for(server)[0]
    with pytest.raises(VeeamApiError) as err:
        client.request("DELETE", "/x/1")
    assert err.value.message == message
    assert err.value.error_code == code
    assert err.value.status == 400
    assert str(err.value).startswith("DELETE /x/1: HTTP 400 ")


def test_missing_ok_turns_404_into_none(server):
    server.add("GET", "/x/1", status=404, body={"message": "not found", "errorCode": "ResourceNotFound"})
    client = client_for(server)[0]
    assert client.request("GET", "/x/1", missing_ok=True) is None


def test_error_messages_never_echo_registered_secrets(server):
    server.add("POST", "/token", status=400, body={"message": "bad password 'p&ss=w+rd'"})
    client = client_for(server)[0]
    client.add_secret("p&ss=w+rd")
    with pytest.raises(VeeamApiError) as err:
        client.request("POST", "/token", form={"password": "p&ss=w+rd"}, idempotent=True)
    assert "p&ss=w+rd" not in str(err.value)
    assert MASK in str(err.value)


def test_form_bodies_are_encoded_so_special_characters_survive(server):
    server.add("POST", "/token", body={})
    client = client_for(server)[0]
    secret = "a&b+c%d=e f'\"\\ü"
    client.request("POST", "/token", form={"grant_type": "password", "password": secret})
    assert server.calls()[0]["form"]["password"] == secret


def test_non_json_success_body_is_a_clear_error(server):
    server.add("GET", "/x", body=b"<html>login page</html>")
    client = client_for(server)[0]
    with pytest.raises(VeeamApiError) as err:
        client.request("GET", "/x")
    assert "not JSON" in str(err.value)


def test_redact_masks_secret_keys_at_any_depth():
    data = {"name": "u", "password": "p", "nested": [{"secretKey": "s", "token": "", "x": 1}], ".refresh_token": "r"}
    assert redact(data) == {"name": "u", "password": MASK, "nested": [{"secretKey": MASK, "token": "", "x": 1}], ".refresh_token": MASK}


def test_redact_text_masks_longest_first():
    assert redact_text("abc and abcdef", {"abc", "abcdef"}) == "%s and %s" % (MASK, MASK)


@pytest.mark.parametrize("server_value, port, expected", [
    ("vb365.example.com", 4443, "https://vb365.example.com:4443"),
    ("https://vb365.example.com", 4443, "https://vb365.example.com:4443"),
    ("https://vb365.example.com:9443/", 4443, "https://vb365.example.com:9443"),
    ("10.0.0.5:13140", 1, "https://10.0.0.5:13140"),
    ("http://127.0.0.1:8080", 1, "http://127.0.0.1:8080"),
    ("https://[::1]:4443", 1, "https://[::1]:4443"),
])
def test_build_base_url(server_value, port, expected):
    assert build_base_url(server_value, port) == expected


@pytest.mark.parametrize("server_value, words", [
    ("https://host/api/v1", "contains a path"),
    ("ftp://host", "scheme"),
    ("", "empty"),
    ("https://host:99999", "invalid port"),
])
def test_build_base_url_rejects_bad_servers_with_a_fix(server_value, words):
    with pytest.raises(InputError, match=words):
        build_base_url(server_value, 4443)


class DemoClient(ApiClient):
    """The smallest ApiClient: password grant on /token, logout on /logout."""

    def _request_token(self):
        form = {"grant_type": "password", "username": self.username, "password": self.password}
        return self.http.request("POST", "/token", form=form, idempotent=True).body

    def _revoke_token(self):
        self.http.request("POST", "/logout", headers=self._auth_header())


def test_api_client_logs_in_once_and_revokes_its_token(server):
    server.add("POST", "/token", body={"access_token": "t1"}).add("GET", "/r", body=[], sticky=True).add("POST", "/logout", status=204)
    client = DemoClient(HttpClient(server.url), username="admin", password="pw")
    client.call("GET", "/r")
    client.call("GET", "/r")
    client.close()
    assert [c["path"] for c in server.calls()] == ["/token", "/r", "/r", "/logout"]
    assert server.calls("GET")[0]["headers"]["Authorization"] == "Bearer t1"


def test_api_client_never_revokes_a_token_passed_in(server):
    server.add("GET", "/r", body=[])
    client = DemoClient(HttpClient(server.url), token="given")
    client.call("GET", "/r")
    client.close()
    assert [c["path"] for c in server.calls()] == ["/r"]


def test_api_client_logs_in_again_once_after_401(server):
    server.add("GET", "/r", status=401, body={"message": "expired"}).add("GET", "/r", body=["ok"])
    server.add("POST", "/token", body={"access_token": "fresh"}).add("POST", "/logout", status=204)
    client = DemoClient(HttpClient(server.url), username="admin", password="pw", token="stale")
    assert client.call("GET", "/r").body == ["ok"]
    client.close()
    assert [c["path"] for c in server.calls()] == ["/r", "/token", "/r", "/logout"]


def test_api_client_with_only_a_token_explains_the_401(server):
    server.add("GET", "/r", status=401, body={"message": "expired"})
    client = DemoClient(HttpClient(server.url, advice=ADVICE), token="stale")
    with pytest.raises(VeeamApiError) as err:
        client.call("GET", "/r")
    assert "login module" in str(err.value)
    assert "auth_username" in str(err.value)


def test_api_client_second_401_is_not_looped(server):
    server.add("GET", "/r", status=401, sticky=True).add("POST", "/token", body={"access_token": "t"}, sticky=True)
    server.add("POST", "/logout", status=204)
    client = DemoClient(HttpClient(server.url), username="admin", password="pw")
    with pytest.raises(VeeamApiError) as err:
        client.call("GET", "/r")
    client.close()
    assert err.value.status == 401
    assert len(server.calls("GET")) == 2
