"""Incremental execution through ADBC (adbc.statement.exec.incremental = true): the driver polls
PollFlightInfo; the gateway runs the query in the background and reports Spark task progress."""

import json
import threading
import time
import urllib.request

import pytest
from adbc_driver_manager import Error
from adbc_driver_manager import StatementOptions

from clients import login

ROWS = 4_000_000
# Two stages (the scan with a costly filter that is always true, then the groups); a few
# seconds on two cores.
SLOW_GROUPS = (
    "SELECT id % 4 AS k, count(*) AS n, sum(id) AS total"
    f" FROM range(0, {ROWS}, 1, 32)"
    " WHERE length(sha2(repeat(CAST(id AS STRING), 100), 512)) = 128"
    " GROUP BY id % 4 ORDER BY k")


def _incremental(cur):
    cur.adbc_statement.set_options(**{StatementOptions.INCREMENTAL.value: "true"})


def _progress(cur):
    return cur.adbc_statement.get_option_float(StatementOptions.PROGRESS.value)


def _running_jobs(ui):
    apps = json.load(urllib.request.urlopen(f"{ui}/api/v1/applications"))
    jobs = json.load(urllib.request.urlopen(
        f"{ui}/api/v1/applications/{apps[0]['id']}/jobs?status=running"))
    return [j for j in jobs if any(t.startswith("libra-") for t in j.get("jobTags", []))]


def _await_no_running_job(ui, seconds=5):
    deadline = time.monotonic() + seconds
    while _running_jobs(ui) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert _running_jobs(ui) == []


def test_incremental_query_reports_rising_progress_then_the_result(gateway):
    with login(gateway) as conn, conn.cursor() as cur:
        _incremental(cur)
        seen = []
        done = threading.Event()

        def watch():
            while not done.is_set():
                p = _progress(cur)
                if not seen or seen[-1] != p:
                    seen.append(p)
                time.sleep(0.02)

        watcher = threading.Thread(target=watch, daemon=True)
        watcher.start()
        try:
            # The driver polls until the query is done: then its one partition comes.
            partitions, schema = cur.adbc_execute_partitions(SLOW_GROUPS)
        finally:
            done.set()
            watcher.join()
        assert len(partitions) == 1
        assert schema.names == ["k", "n", "total"]
        assert _progress(cur) == pytest.approx(1.0)
        below_one = [p for p in seen if p < 1.0]
        print("progress seen while polling:", seen)
        assert len(set(below_one)) >= 2 and max(below_one) > 0, seen
        assert below_one == sorted(below_one), seen
        # The next call ends the execution: no more partitions.
        more, _ = cur.adbc_execute_partitions(SLOW_GROUPS)
        assert more == []
        cur.adbc_read_partition(partitions[0])
        table = cur.fetch_arrow_table()
        n = ROWS // 4
        assert table.to_pylist() == [
            {"k": k, "n": n, "total": sum(range(k, ROWS, 4))} for k in range(4)]


def test_incremental_quick_query_is_done_in_one_poll(gateway):
    with login(gateway) as conn, conn.cursor() as cur:
        _incremental(cur)
        partitions, schema = cur.adbc_execute_partitions("SELECT 6 * 7 AS answer")
        assert len(partitions) == 1
        assert _progress(cur) == pytest.approx(1.0)
        assert cur.adbc_execute_partitions("SELECT 6 * 7 AS answer")[0] == []
        cur.adbc_read_partition(partitions[0])
        assert cur.fetchall() == [(42,)]


def test_incremental_cancel_while_polling(gateway):
    with login(gateway) as conn, conn.cursor() as cur:
        _incremental(cur)
        errors = []

        def run():
            try:
                cur.adbc_execute_partitions(
                    "SELECT count(*) FROM range(100000000000) a WHERE a.id % 7 = 3")
            except Error as e:
                errors.append(e)

        worker = threading.Thread(target=run)
        worker.start()
        deadline = time.monotonic() + 30
        while not _running_jobs(gateway["ui"]) and time.monotonic() < deadline:
            time.sleep(0.1)
        assert _running_jobs(gateway["ui"]), "the query never started"
        time.sleep(0.5)
        # Cancels the poll in flight (the gateway cancels the statement at once) or, between
        # polls, stops polling (the gateway cancels it when its lease, 8 s here, ends).
        cur.adbc_cancel()
        worker.join(30)
        assert not worker.is_alive()
        assert errors and "CANCEL" in str(errors[0]).upper(), errors
        _await_no_running_job(gateway["ui"], seconds=8 + 3)
    with login(gateway) as conn, conn.cursor() as cur:
        cur.execute("SELECT 1")
        assert cur.fetchone() == (1,)


def test_incremental_bad_sql_is_an_error_with_its_sqlstate(gateway):
    with login(gateway) as conn, conn.cursor() as cur:
        _incremental(cur)
        with pytest.raises(Error) as err:
            cur.adbc_execute_partitions("SELEC 1")
        assert "PARSE_SYNTAX_ERROR" in str(err.value) and "42601" in str(err.value)
