"""Connections through ADBC (adbc_driver_flightsql): password login, UNAUTHENTICATED errors and
the FAIR pool chosen by the call header adbc.flight.sql.rpc.call_header.pool."""

import json
import time
import urllib.request
import uuid

import pytest
from adbc_driver_manager import Error

from clients import connect


def test_query_with_password(gateway):
    with connect(gateway, gateway["password"], gateway["user"]) as conn, conn.cursor() as cur:
        cur.execute("SELECT count(*) AS n FROM tpch.lineitem")
        assert cur.fetchone()[0] == 60175


def test_wrong_password_is_unauthenticated(gateway):
    with pytest.raises(Error) as err:
        with connect(gateway, "wrong", gateway["user"]) as conn, conn.cursor() as cur:
            cur.execute("SELECT 1")
            cur.fetchall()
    text = str(err.value)
    assert "UNAUTHENTICATED" in text or "Unauthenticated" in text, text
    assert "invalid user name or password" in text, text


def test_missing_credentials_are_unauthenticated(gateway):
    with pytest.raises(Error) as err:
        with connect(gateway) as conn, conn.cursor() as cur:
            cur.execute("SELECT 1")
            cur.fetchall()
    assert "authentication required" in str(err.value), str(err.value)


def _stage_pools(ui, marker):
    apps = json.load(urllib.request.urlopen(f"{ui}/api/v1/applications"))
    stages = json.load(urllib.request.urlopen(
        f"{ui}/api/v1/applications/{apps[0]['id']}/stages"))
    return {s["schedulingPool"] for s in stages if marker in (s.get("description") or "")}


def test_pool_from_call_header(gateway):
    marker = "marker-" + uuid.uuid4().hex
    with connect(gateway, gateway["password"], gateway["user"],
                 **{"adbc.flight.sql.rpc.call_header.pool": "low-priority"}) as conn, \
            conn.cursor() as cur:
        cur.execute(f"SELECT count(*) FROM range(1000000) WHERE id >= 0 -- {marker}")
        assert cur.fetchone()[0] == 1000000
    pools = set()
    for _ in range(50):  # the UI's status store is updated asynchronously
        pools = _stage_pools(gateway["ui"], marker)
        if pools:
            break
        time.sleep(0.2)
    assert pools == {"low-priority"}, pools


def test_unknown_pool_from_call_header(gateway):
    with pytest.raises(Error) as err:
        with connect(gateway, gateway["password"], gateway["user"],
                     **{"adbc.flight.sql.rpc.call_header.pool": "nope"}) as conn, \
                conn.cursor() as cur:
            cur.execute("SELECT 1")
            cur.fetchall()
    assert "unknown pool 'nope'" in str(err.value), str(err.value)
