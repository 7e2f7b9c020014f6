"""The veeam-365 SDK (generated from the vendor's VB365 OpenAPI document) through a whole account life cycle."""

import asyncio
from datetime import datetime, timedelta, timezone
from uuid import UUID

import httpx
import pytest
from veeam_365.client import VeeamClient
from veeam_365.discovery import detect_api_version
from veeam_365.exceptions import VeeamSessionError
from veeam_365.v8.models.account_get_accounts_account_type import AccountGetAccountsAccountType
from veeam_365.v8.models.rest_account import RESTAccount
from veeam_365.v8.models.rest_account_to_send import RESTAccountToSend
from veeam_365.v8.models.rest_account_to_send_account_type import RESTAccountToSendAccountType

ACCOUNTS = (("azureBlobAccount", "contractazure"), ("amazonS3Account", "AKIACONTRACT0001"),
            ("amazonS3CompatibleAccount", "CONTRACTKEY01"))


def client_for(sim, schema_check):
    client = VeeamClient(sim.vb365_url, sim.username, sim.password, "v8", verify_ssl=sim.ssl_context())
    # The SDK's documented test seam: keyword arguments for its httpx.AsyncClient.
    client._httpx_args = {"event_hooks": {"response": [schema_check.httpx_hook]}}
    return client


def to_send(account_type, user_name, **fields):
    return RESTAccountToSend(account_type=RESTAccountToSendAccountType(account_type), user_name=user_name, **fields)


async def create_each_type(client, accounts):
    created = {}
    for account_type, user_name in ACCOUNTS:
        result = await client.call(accounts.account_add_account,
                                   body=to_send(account_type, user_name, password=f"secret-of-{user_name}"))
        assert isinstance(result, RESTAccount), result
        assert (result.account_type.value, result.user_name) == (account_type, user_name)
        created[user_name] = result.id
    return created


async def list_names(client, accounts, **filters):
    result = await client.call(accounts.account_get_accounts, **filters)
    return sorted(account.user_name for account in result)


async def read_update_delete(client, accounts, account_id):
    fetched = await client.call(accounts.account_get_account, account_id=account_id)
    assert (fetched.id, fetched.user_name) == (account_id, "AKIACONTRACT0001")
    update = to_send("amazonS3Account", "AKIACONTRACT0001", description="changed by the SDK",
                     password="secret-of-AKIACONTRACT0001")
    assert await client.call(accounts.account_update_account, account_id=account_id, body=update) is None
    changed = await client.call(accounts.account_get_account, account_id=account_id)
    assert changed.description == "changed by the SDK"
    assert await client.call(accounts.account_remove_account, account_id=account_id) is None


async def refresh(client):
    """The SDK refreshes once its own clock says the token is old; move that clock instead of waiting."""
    before = (client._access_token, client._refresh_token)
    client._expires_at = datetime.now(timezone.utc) - timedelta(seconds=1)
    await client._refresh_token_if_needed()
    assert client._access_token not in before and client._refresh_token not in before


async def life_cycle(sim, schema_check):
    async with client_for(sim, schema_check) as client:
        await client.connect()
        accounts = client.api("account")
        created = await create_each_type(client, accounts)
        assert await list_names(client, accounts, name="contract*") == ["CONTRACTKEY01", "contractazure"]
        assert await list_names(client, accounts, account_type=AccountGetAccountsAccountType("amazonS3Account")) == [
            "AKIACONTRACT0001"]
        await read_update_delete(client, accounts, created["AKIACONTRACT0001"])
        assert await list_names(client, accounts) == ["CONTRACTKEY01", "contractazure"]
        await refresh(client)
        assert await list_names(client, accounts, name="contractazure") == ["contractazure"]
        await client.call(client.api("auth").logout)
        # The logged-out token is rejected with an empty 401: the SDK drops its session ...
        with pytest.raises(VeeamSessionError):
            await client.call(accounts.account_get_accounts)
        # ... and logs in again on the next call.
        assert len(await list_names(client, accounts)) == 2
        sim.control("POST", "/tokens/expire", json={"api": "vb365"})
        with pytest.raises(VeeamSessionError):
            await client.call(accounts.account_get_accounts)
        assert len(await list_names(client, accounts)) == 2


def test_account_life_cycle(sim, schema_check):
    asyncio.run(life_cycle(sim, schema_check))
    grants = [entry for entry in sim.journal() if entry["path"].lower() == "/v8/token"]
    assert [entry["status"] for entry in grants] == [200, 200, 200, 200]  # login, refresh, two re-logins
    assert ("GET", "/v8/Accounts", 401) in schema_check.checked
    assert len(schema_check.checked) == len(sim.journal())  # every answer the SDK got was validated


def test_api_version_detection_probes_anonymously(sim, schema_check):
    async def detect():
        async with httpx.AsyncClient(verify=sim.ssl_context(), event_hooks={"response": [schema_check.httpx_hook]}) as http:
            return await detect_api_version(sim.vb365_url, client=http)

    assert asyncio.run(detect()) == "v8"
    assert sorted(schema_check.checked) == [("GET", "/v6/ServiceInstance", 404), ("GET", "/v7/ServiceInstance", 404),
                                            ("GET", "/v8/ServiceInstance", 401)]


def test_account_ids_are_uuids(sim, schema_check):
    async def one():
        async with client_for(sim, schema_check) as client:
            accounts = client.api("account")
            result = await client.call(accounts.account_add_account,
                                       body=to_send("azureBlobAccount", "uuidcheck", password="key"))
            return result.id

    assert isinstance(asyncio.run(one()), UUID)
