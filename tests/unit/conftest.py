# Copyright: Contributors to the veeam_community.backup collection
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
from __future__ import annotations

import pytest

from ansible_collections.veeam_community.backup.tests.unit.utils.scripted_server import ScriptedServer


@pytest.fixture
def server(monkeypatch):
    # The scripted server speaks plain HTTP, which the modules refuse unless told otherwise (the refusal is
    # tested with the plain_server fixture, which does not opt in).
    monkeypatch.setenv("VEEAM_VB365_ALLOW_PLAIN_HTTP", "true")
    monkeypatch.setenv("VEEAM_VBGC_ALLOW_PLAIN_HTTP", "true")
    monkeypatch.setenv("VEEAM_VBAZURE_ALLOW_PLAIN_HTTP", "true")
    srv = ScriptedServer()
    yield srv
    srv.close()


@pytest.fixture
def plain_server():
    srv = ScriptedServer()
    yield srv
    srv.close()


@pytest.fixture
def tls_server():
    srv = ScriptedServer(tls=True)
    yield srv
    srv.close()
