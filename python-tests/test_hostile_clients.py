"""What a hostile or crashing client leaves behind: an ingest whose client dies mid-upload leaves
no table and no staged files, in every mode; control characters in SQL never reach the log raw;
the Spark UI cannot kill jobs and listens on loopback only, like the gateway."""

import json
import os
import subprocess
import sys
import textwrap
import time
import urllib.request

import pytest

from clients import login

CRASHING_UPLOAD = textwrap.dedent("""
    import os, sys
    import adbc_driver_flightsql.dbapi as flightsql
    import pyarrow as pa
    uri, user, password, table, mode = sys.argv[1:6]
    schema = pa.schema([("id", pa.int64()), ("s", pa.string())])
    def batches():
        for i in range(1000):
            if i == 5:
                os._exit(3)      # the client dies mid-upload: no error, no goodbye
            yield pa.record_batch([pa.array(range(i * 1000, (i + 1) * 1000), pa.int64()),
                                   pa.array(["x" * 100] * 1000)], schema=schema)
    conn = flightsql.connect(uri, db_kwargs={"username": user, "password": password},
                             autocommit=True)
    with conn.cursor() as cur:
        cur.adbc_ingest(table, pa.RecordBatchReader.from_batches(schema, batches()), mode=mode,
                        db_schema_name="default")
    os._exit(0)
""")


def _staged_files(gateway):
    staging = gateway["log"].parent / "warehouse" / ".libra-ingest"
    return sorted(str(p) for p in staging.rglob("*")) if staging.exists() else []


def _count(cur, table):
    cur.execute(f"SELECT count(*) FROM default.{table}")
    return cur.fetchone()[0]


@pytest.mark.parametrize("mode, existing", [
    ("create", None), ("create_append", None), ("append", 3), ("replace", 3),
])
def test_an_upload_whose_client_dies_leaves_nothing(gateway, mode, existing):
    table = f"py_crash_{mode}"
    with login(gateway) as conn, conn.cursor() as cur:
        cur.execute(f"DROP TABLE IF EXISTS default.{table}")
        if existing is not None:
            cur.execute(f"CREATE TABLE default.{table} (id BIGINT, s STRING) USING parquet")
            cur.execute(f"INSERT INTO default.{table} VALUES (1, 'a'), (2, 'b'), (3, 'c')")
    crashed = subprocess.run([sys.executable, "-c", CRASHING_UPLOAD, gateway["uri"],
                              gateway["user"], gateway["password"], table, mode],
                             capture_output=True, text=True, timeout=120)
    assert crashed.returncode == 3, crashed.stderr
    deadline = time.monotonic() + 10
    while _staged_files(gateway) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert _staged_files(gateway) == []
    with login(gateway) as conn, conn.cursor() as cur:
        cur.execute(f"SHOW TABLES IN default LIKE '{table}'")
        tables = cur.fetchall()
        if existing is None:
            assert tables == [], f"{mode}: the failed upload left table {tables}"
        else:
            assert _count(cur, table) == existing, f"{mode}: the failed upload changed the table"
            cur.execute(f"DROP TABLE default.{table}")


def test_control_characters_in_sql_do_not_reach_the_log(gateway):
    import pyarrow.flight as flight
    from test_pyarrow_flight import statement_query

    marker = "nul_marker_" + str(time.time_ns())
    client = flight.FlightClient(gateway["uri"])  # raw Flight: ADBC's C API stops at a NUL
    try:
        options = flight.FlightCallOptions(
            headers=[client.authenticate_basic_token(gateway["user"], gateway["password"])])
        # The error message quotes the unresolved column name, control characters and all.
        sql = f"SELECT `{marker}\x00\x1b[31mFORGED\n2026-12-03 00:00:00.000 ERROR forged`"
        with pytest.raises(Exception):  # INVALID_ARGUMENT: pyarrow raises ArrowInvalid
            client.get_flight_info(flight.FlightDescriptor.for_command(statement_query(sql)),
                                   options)
    finally:
        client.close()
    log = gateway["log"].read_bytes()
    lines = [line for line in log.splitlines() if marker.encode() in line]
    assert lines, "the error was not logged"
    for line in lines:
        assert b"\x00" not in line and b"\x1b" not in line, line
    assert not any(l.startswith(b"2026-12-03 00:00:00.000 ERROR forged") for l in log.splitlines())


def _ui_port(gateway):
    return int(gateway["ui"].rsplit(":", 1)[1].strip("/"))


def test_the_spark_ui_cannot_kill_jobs_and_listens_on_loopback(gateway):
    ui = gateway["ui"]
    apps = json.load(urllib.request.urlopen(f"{ui}/api/v1/applications"))
    env = json.load(urllib.request.urlopen(
        f"{ui}/api/v1/applications/{apps[0]['id']}/environment"))
    assert ["spark.ui.killEnabled", "false"] in env["sparkProperties"], env["sparkProperties"]
    _assert_listens_on_loopback_only(_ui_port(gateway))


LOOPBACK = ("0100007F",                            # 127.0.0.1
            "00000000000000000000000001000000",    # ::1
            "0000000000000000FFFF00000100007F")    # ::ffff:127.0.0.1


def _listening(port):
    """Where sockets listen on port (/proc/net/tcp: local address, hex, little-endian IPv4)."""
    out = []
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        if not os.path.exists(table):
            continue
        for row in open(table).read().splitlines()[1:]:
            local, state = row.split()[1], row.split()[3]
            address, hexport = local.rsplit(":", 1)
            if int(hexport, 16) == port and state == "0A":  # LISTEN
                out.append(address)
    return out


def _assert_listens_on_loopback_only(port):
    listening = _listening(port)
    assert listening, f"nothing listens on the UI port {port}"
    assert all(a in LOOPBACK for a in listening), \
        f"the Spark UI listens beyond loopback: {listening}"


def test_the_spark_ui_stays_on_loopback_when_the_gateway_is_exposed(tmp_path_factory):
    from gateway_process import GatewayProcess

    with GatewayProcess(tmp_path_factory.mktemp("libra-exposed"), tpch_scale=0,
                        host="0.0.0.0") as gw:
        gateway_port = int(gw.info["uri"].rsplit(":", 1)[1])
        assert any(a not in LOOPBACK for a in _listening(gateway_port)), \
            "the gateway itself is exposed"
        _assert_listens_on_loopback_only(_ui_port(gw.info))


def test_the_gateway_does_not_run_as_root(gateway):
    from gateway_process import service_user

    if os.geteuid() == 0 and service_user() is None:
        pytest.skip("running as root without the service user scripts/setup creates")
    pid = int((gateway["log"].parent / "libra.pid").read_text().strip())
    assert os.stat(f"/proc/{pid}").st_uid != 0, "the gateway runs as root"


def test_the_log_holds_no_token_session_id_or_statement_handle(gateway):
    import re
    import pyarrow.flight as flight
    from test_pyarrow_flight import statement_query

    client = flight.FlightClient(gateway["uri"])
    try:
        header = client.authenticate_basic_token(gateway["user"], gateway["password"])
        token = header[1].decode().split(" ", 1)[1]
        options = flight.FlightCallOptions(headers=[header])
        info = client.get_flight_info(flight.FlightDescriptor.for_command(
            statement_query("SELECT id FROM range(5)")), options)
        ticket = info.endpoints[0].ticket
        assert client.do_get(ticket, options).read_all().num_rows == 5
        with pytest.raises(Exception):  # a bad statement is logged with its error
            client.get_flight_info(flight.FlightDescriptor.for_command(
                statement_query("SELECT nope FROM nowhere")), options)
        with pytest.raises(Exception):  # a ticket read twice: NOT_FOUND, logged
            client.do_get(ticket, options).read_all()
        list(client.do_action(flight.Action("CloseSession", b""), options))
    finally:
        client.close()
    handles = re.findall(rb"[0-9a-f]{32}", ticket.ticket)
    assert handles, ticket.ticket
    log = gateway["log"].read_text(errors="replace")
    assert token not in log
    for handle in handles:
        assert handle.decode() not in log, "a statement handle is in the log"
    assert not re.search(r"(bearer|connection)-[0-9a-f]{32}", log), "a session id is in the log"
    assert re.search(r"session [0-9a-f]{12} of alice closed \(CloseSession\)", log), \
        "sessions are logged by their public id"
