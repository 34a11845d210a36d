"""Every connection is a session, whatever the client sends: ADBC's dbapi.connect(uri) and a
plain pyarrow.flight.FlightClient with no options (no cookie middleware, no login) against the
README's default gateway keep SET, USE, temporary views, SET TIME ZONE and the current schema
from one statement to the next; a second connection sees none of it; closing a connection closes
its session on the server at once. Session time zones in every spelling Spark accepts reach
pyarrow, pandas and polars as zones they read. Statement timeouts set as an ADBC session option
stop the statement on the server."""

import datetime as dt
import time

import adbc_driver_flightsql.dbapi as flightsql
import pyarrow as pa
import pyarrow.flight as flight
import pytest

from test_pyarrow_flight import statement_query


def _connect(gw):
    return flightsql.connect(gw["uri"], autocommit=True)  # the defaults: no options at all


def _one(cur, sql):
    cur.execute(sql)
    return cur.fetchone()


def _await_sessions(gw, expected, seconds=2.0):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if gw["process"].open_sessions() == expected:
            return
        time.sleep(0.05)
    assert gw["process"].open_sessions() == expected


def test_adbc_default_connection_keeps_its_session(default_gateway):
    gw = default_gateway
    before = gw["process"].open_sessions()
    conn = _connect(gw)
    try:
        with conn.cursor() as cur:
            cur.execute("CREATE DATABASE IF NOT EXISTS adbc_defaults")
            cur.execute("SET spark.sql.shuffle.partitions=7")
            cur.execute("USE adbc_defaults")
            cur.execute("CREATE OR REPLACE TEMPORARY VIEW answer AS SELECT 42 AS x")
            cur.execute("SET TIME ZONE 'America/Los_Angeles'")
            assert _one(cur, "SET spark.sql.shuffle.partitions")[1] == "7"
            assert _one(cur, "SELECT current_database()")[0] == "adbc_defaults"
            assert _one(cur, "SELECT x FROM answer")[0] == 42
            assert _one(cur, "SELECT current_timezone()")[0] == "America/Los_Angeles"
        assert conn.adbc_current_db_schema == "adbc_defaults"
        assert len(gw["process"].open_sessions() - before) == 1

        other = _connect(gw)
        try:
            with other.cursor() as cur:
                assert _one(cur, "SET spark.sql.shuffle.partitions")[1] != "7"
                assert _one(cur, "SELECT current_database()")[0] == "default"
                assert _one(cur, "SELECT current_timezone()")[0] != "America/Los_Angeles"
                with pytest.raises(Exception) as err:
                    _one(cur, "SELECT x FROM answer")
                assert "TABLE_OR_VIEW_NOT_FOUND" in str(err.value)
            assert other.adbc_current_db_schema == "default"
        finally:
            other.close()
    finally:
        conn.close()
    _await_sessions(gw, before)


def test_adbc_default_connections_one_after_another(default_gateway):
    # Closing a connection and opening a new one (as applications and pools do): each new
    # connection runs statements at once in a fresh session, none sees the last one's settings,
    # and the closed ones leave no session behind.
    gw = default_gateway
    before = gw["process"].open_sessions()
    for i in range(3):
        conn = _connect(gw)
        try:
            with conn.cursor() as cur:
                assert _one(cur, "SET spark.sql.shuffle.partitions")[1] != "11"
                cur.execute("SET spark.sql.shuffle.partitions=11")
                assert _one(cur, "SELECT 40 + 2")[0] == 42
                assert _one(cur, "SET spark.sql.shuffle.partitions")[1] == "11"
        finally:
            conn.close()
        _await_sessions(gw, before)


def test_pyarrow_flight_client_without_options_keeps_its_session(default_gateway):
    gw = default_gateway
    before = gw["process"].open_sessions()

    def query(client, sql):
        info = client.get_flight_info(flight.FlightDescriptor.for_command(statement_query(sql)))
        return client.do_get(info.endpoints[0].ticket).read_all()

    client = flight.FlightClient(gw["uri"])
    try:
        query(client, "SET spark.sql.shuffle.partitions=9")
        query(client, "CREATE OR REPLACE TEMPORARY VIEW raw_v AS SELECT 'kept' AS s")
        assert query(client, "SET spark.sql.shuffle.partitions").column(1).to_pylist() == ["9"]
        assert query(client, "SELECT s FROM raw_v").column(0).to_pylist() == ["kept"]
        second = flight.FlightClient(gw["uri"])
        try:
            assert query(second, "SET spark.sql.shuffle.partitions").column(1).to_pylist() != ["9"]
        finally:
            second.close()
    finally:
        client.close()
    _await_sessions(gw, before)


INSTANT = dt.datetime(2024, 1, 2, 3, 4, 5, tzinfo=dt.timezone.utc)


@pytest.mark.parametrize("zone, arrow_zone", [
    ("Z", "UTC"), ("UTC", "UTC"), ("GMT", "UTC"), ("+00:00", "UTC"), ("Etc/UTC", "UTC"),
    ("GMT+08:00", "+08:00"), ("UTC+8", "+08:00"), ("America/Los_Angeles", "America/Los_Angeles"),
])
def test_every_session_time_zone_reaches_python_as_a_zone_it_reads(default_gateway, zone,
                                                                    arrow_zone):
    with _connect(default_gateway) as conn, conn.cursor() as cur:
        cur.execute(f"SET TIME ZONE '{zone}'")
        cur.execute("SELECT TIMESTAMP '2024-01-02 03:04:05 UTC' AS ts")
        table = cur.fetch_arrow_table()
    assert table.schema.field("ts").type == pa.timestamp("us", tz=arrow_zone)
    value = table.column("ts").to_pylist()[0]
    assert value == INSTANT, (zone, value)
    assert value.utcoffset() == INSTANT.astimezone(value.tzinfo).utcoffset()
    assert table.to_pandas()["ts"][0].to_pydatetime() == INSTANT
    import polars as pl
    assert pl.from_arrow(table)["ts"][0] == INSTANT


def test_statement_timeout_as_an_adbc_session_option(default_gateway):
    with _connect(default_gateway) as conn:
        conn.adbc_connection.set_options(
            **{"adbc.flight.sql.session.option.statement_timeout": "2"})
        with conn.cursor() as cur:
            t0 = time.monotonic()
            with pytest.raises(Exception) as err:
                # About 10 minutes of work on two cores.
                cur.execute("SELECT count(*) FROM range(0, 1000000000000, 1, 4)"
                            " WHERE id % 1000003 = 7")
                cur.fetchall()
            elapsed = time.monotonic() - t0
            assert "timeout of 2 s" in str(err.value), str(err.value)
            assert 1.9 <= elapsed < 8, elapsed
            # The session goes on; its Spark jobs stopped (the next query gets the cores).
            cur.execute("SELECT count(*) FROM range(0, 1000, 1, 2)")
            assert cur.fetchone()[0] == 1000
            assert time.monotonic() - t0 < 10
