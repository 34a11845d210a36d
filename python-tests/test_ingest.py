"""Bulk ingest (Flight SQL CommandStatementIngest) through ADBC's adbc_ingest: every mode, the
errors of create and append, rejected options, and a million rows."""

import time

import numpy as np
import pandas as pd
import pyarrow as pa
import pytest
from adbc_driver_manager import Error

from clients import login

SMALL = pa.table({
    "id": pa.array([1, 2, 3], pa.int64()),
    "name": pa.array(["a", None, "c"], pa.large_string()),
    "at": pa.array([0, 1_500_000_000_123_456_789, None], pa.timestamp("ns", tz="UTC")),
    "price": pa.array([1.5, 2.25, None], pa.float64()),
})


def _rows(cur, sql):
    cur.execute(sql)
    return cur.fetchall()


def test_create_append_replace_create_append(gateway):
    with login(gateway) as conn, conn.cursor() as cur:
        cur.execute("DROP TABLE IF EXISTS default.py_ingest")
        assert cur.adbc_ingest("py_ingest", SMALL, mode="create", db_schema_name="default") == 3
        table = _rows(cur, "SELECT id, name, CAST(at AS STRING), price FROM default.py_ingest"
                           " ORDER BY id")
        assert table == [(1, "a", "1970-01-01 00:00:00", 1.5),
                         (2, None, "2017-07-14 02:40:00.123456", 2.25),
                         (3, "c", None, None)]
        assert cur.adbc_ingest("py_ingest", SMALL, mode="append", db_schema_name="default") == 3
        assert _rows(cur, "SELECT count(*) FROM default.py_ingest") == [(6,)]
        assert cur.adbc_ingest("py_ingest", SMALL, mode="create_append",
                               db_schema_name="default") == 3
        assert _rows(cur, "SELECT count(*) FROM default.py_ingest") == [(9,)]
        other = pa.table({"x": pa.array(["only"], pa.string())})
        assert cur.adbc_ingest("py_ingest", other, mode="replace", db_schema_name="default") == 1
        assert _rows(cur, "SELECT * FROM default.py_ingest") == [("only",)]
        described = _rows(cur, "DESCRIBE TABLE EXTENDED default.py_ingest")
        assert ("Provider", "parquet", "") in described


def test_create_append_into_the_current_schema(gateway):
    with login(gateway) as conn, conn.cursor() as cur:
        cur.execute("CREATE DATABASE IF NOT EXISTS py_ingest_db")
        conn.adbc_current_db_schema = "py_ingest_db"
        cur.execute("DROP TABLE IF EXISTS py_ingest_db.t")
        assert cur.adbc_ingest("t", SMALL, mode="create_append") == 3
        assert _rows(cur, "SELECT count(*) FROM py_ingest_db.t") == [(3,)]


def test_create_on_existing_is_already_exists_and_append_on_missing_is_not_found(gateway):
    with login(gateway) as conn, conn.cursor() as cur:
        cur.execute("DROP TABLE IF EXISTS default.py_exists")
        cur.adbc_ingest("py_exists", SMALL, mode="create", db_schema_name="default")
        with pytest.raises(Error) as err:
            cur.adbc_ingest("py_exists", SMALL, mode="create", db_schema_name="default")
        assert "ALREADY_EXISTS" in str(err.value) and "py_exists" in str(err.value)
        with pytest.raises(Error) as err:
            cur.adbc_ingest("py_missing", SMALL, mode="append", db_schema_name="default")
        assert "NOT_FOUND" in str(err.value) and "py_missing" in str(err.value)
        # Nothing was half-written.
        assert _rows(cur, "SELECT count(*) FROM default.py_exists") == [(3,)]
        assert _rows(cur, "SHOW TABLES IN default LIKE 'py_missing'") == []


def test_unsupported_requests_are_rejected(gateway):
    with login(gateway) as conn, conn.cursor() as cur:
        with pytest.raises(Error) as err:
            cur.adbc_ingest("py_temp", SMALL, mode="create", temporary=True)
        assert "NOT_IMPLEMENTED" in str(err.value) and "temporary" in str(err.value)
        encoded = pa.table({"d": pa.array(["a", "b", "a"]).dictionary_encode()})
        with pytest.raises(Error) as err:
            cur.adbc_ingest("py_dict", encoded, mode="create", db_schema_name="default")
        assert "INVALID_ARGUMENT" in str(err.value) and "dictionary-encoded" in str(err.value)
        # (A NUL in the name never reaches the server: ADBC's C API cuts the name there.)
        for bad in ("t.dot", "t`bt", "x; DROP TABLE tpch.nation; --"):
            with pytest.raises(Error) as err:
                cur.adbc_ingest(bad, SMALL, mode="create", db_schema_name="default")
            assert "INVALID_ARGUMENT" in str(err.value) and "not allowed" in str(err.value)
        assert _rows(cur, "SHOW TABLES IN default LIKE 't'") == []
        unsigned = pa.table({"u": pa.array([1], pa.uint32())})
        with pytest.raises(Error) as err:
            cur.adbc_ingest("py_unsigned", unsigned, mode="create", db_schema_name="default")
        assert "INVALID_ARGUMENT" in str(err.value) and "'u'" in str(err.value)


def test_view_types_round_trip(gateway):
    # string_view / binary_view (Arrow Utf8View / BinaryView: what pyarrow, DuckDB and Polars
    # increasingly produce) and list_view become Spark STRING, BINARY and ARRAY.
    strings = ["short", None, "a string longer than twelve bytes, kept out of line", "",
               "ünïcödé ✓"]
    blobs = [b"\x00\x01", b"\xff" * 40, None, b"", b"inline"]
    lists = [[1, 2], None, [], [3], [None, 5]]
    table = pa.table({
        "id": pa.array(range(5), pa.int64()),
        "s": pa.array(strings, pa.string_view()),
        "b": pa.array(blobs, pa.binary_view()),
        "l": pa.array(lists, pa.list_view(pa.int32())),
    })
    with login(gateway) as conn, conn.cursor() as cur:
        cur.execute("DROP TABLE IF EXISTS default.py_views")
        assert cur.adbc_ingest("py_views", table, mode="create", db_schema_name="default") == 5
        described = {r[0]: r[1] for r in _rows(cur, "DESCRIBE TABLE default.py_views")}
        assert (described["s"], described["b"], described["l"]) == ("string", "binary",
                                                                    "array<int>")
        cur.execute("SELECT id, s, b, l FROM default.py_views ORDER BY id")
        back = cur.fetch_arrow_table()
        assert back.column("s").to_pylist() == strings
        assert back.column("b").to_pylist() == blobs
        assert back.column("l").to_pylist() == lists
        # Appending views to the table made of them.
        assert cur.adbc_ingest("py_views", table, mode="append", db_schema_name="default") == 5
        assert _rows(cur, "SELECT count(*), count(s), count(b) FROM default.py_views") \
            == [(10, 8, 8)]


def test_a_million_rows(gateway):
    n = 1_000_000
    df = pd.DataFrame({"id": np.arange(n, dtype=np.int64), "v": np.arange(n) * 0.5,
                       "s": [f"row-{i}" for i in range(n)]})
    table = pa.Table.from_pandas(df, preserve_index=False)
    # Batches under gRPC's 16 MiB message limit (a client-side limit of ADBC's).
    reader = pa.RecordBatchReader.from_batches(table.schema,
                                               table.to_batches(max_chunksize=100_000))
    with login(gateway) as conn, conn.cursor() as cur:
        cur.execute("DROP TABLE IF EXISTS default.py_million")
        started = time.monotonic()
        assert cur.adbc_ingest("py_million", reader, mode="create",
                               db_schema_name="default") == n
        seconds = time.monotonic() - started
        print(f"\ningested {n} rows in {seconds:.1f} s: {n / seconds:,.0f} rows/s")
        assert _rows(cur, "SELECT count(*), sum(id), sum(v), max(s) FROM default.py_million") \
            == [(n, n * (n - 1) // 2, n * (n - 1) / 4, "row-999999")]
