"""Queries, parameters, metadata and cancellation through ADBC's DB-API (adbc_driver_flightsql)."""

import threading
import time
from decimal import Decimal

import pyarrow as pa
import pytest
from adbc_driver_manager import Error

from clients import login

NATION_COLUMNS = ["n_nationkey", "n_name", "n_regionkey", "n_comment"]


def test_fetch_arrow_table_fetch_df_fetchall(gateway):
    with login(gateway) as conn, conn.cursor() as cur:
        sql = "SELECT n_nationkey, n_name FROM tpch.nation WHERE n_nationkey < 3 ORDER BY 1"
        cur.execute(sql)
        table = cur.fetch_arrow_table()
        assert table.column_names == ["n_nationkey", "n_name"]
        assert table.column("n_name").to_pylist() == ["ALGERIA", "ARGENTINA", "BRAZIL"]
        cur.execute(sql)
        df = cur.fetch_df()
        assert df["n_nationkey"].tolist() == [0, 1, 2]
        cur.execute(sql)
        assert cur.fetchall() == [(0, "ALGERIA"), (1, "ARGENTINA"), (2, "BRAZIL")]


def test_stream_schema_equals_promised_schema_with_metadata(gateway):
    sql = ("SELECT l_orderkey, l_extendedprice, l_shipdate, l_comment,"
           " CAST(l_shipdate AS TIMESTAMP) AS ts, array(l_linenumber) AS arr"
           " FROM tpch.lineitem LIMIT 5")
    with login(gateway) as conn, conn.cursor() as cur:
        promised = cur.adbc_execute_schema(sql)
        cur.execute(sql)
        streamed = cur.fetch_arrow_table().schema
    assert streamed.equals(promised, check_metadata=True), (promised, streamed)
    assert promised.field("l_extendedprice").type == pa.decimal128(15, 2)
    assert promised.field("ts").type == pa.timestamp("us", tz="UTC")
    assert promised.field("l_extendedprice").metadata[b"ARROW:FLIGHT:SQL:TYPE_NAME"] \
        == b"DECIMAL(15,2)"


def test_parameters(gateway):
    with login(gateway) as conn, conn.cursor() as cur:
        cur.execute("SELECT ? + 1 AS x", (41,))
        assert cur.fetchall() == [(42,)]
        cur.execute("SELECT ? AS s, ? * 2 AS d", ("a", Decimal("1.25")))
        assert cur.fetchall() == [("a", Decimal("2.50"))]
        batch = pa.record_batch([pa.array([1, 2, 3, 4], pa.int64())], names=["p"])
        cur.execute("SELECT ? * 10 AS y", batch)
        assert sorted(r[0] for r in cur.fetchall()) == [10, 20, 30, 40]


def test_executemany_inserts_every_row(gateway):
    with login(gateway) as conn, conn.cursor() as cur:
        cur.execute("DROP TABLE IF EXISTS default.py_many")
        cur.execute("CREATE TABLE default.py_many (a INT, b STRING) USING parquet")
        cur.executemany("INSERT INTO default.py_many VALUES (?, ?)",
                        [(1, "one"), (2, "two"), (3, None)])
        cur.execute("SELECT a, b FROM default.py_many ORDER BY a")
        assert cur.fetchall() == [(1, "one"), (2, "two"), (3, None)]


def _objects(conn, depth, **filters):
    return conn.adbc_get_objects(depth=depth, **filters).read_all().to_pylist()


def test_get_objects_at_every_depth(gateway):
    with login(gateway) as conn:
        catalogs = _objects(conn, "catalogs")
        assert {c["catalog_name"] for c in catalogs} >= {"spark_catalog"}
        assert all(c["catalog_db_schemas"] is None for c in catalogs)

        schemas = _objects(conn, "db_schemas", catalog_filter="spark_catalog")
        names = {s["db_schema_name"] for c in schemas for s in c["catalog_db_schemas"]}
        assert {"default", "tpch"} <= names

        tables = _objects(conn, "tables", catalog_filter="spark_catalog", db_schema_filter="tpch",
                          table_name_filter="n%")
        found = [(s["db_schema_name"], t["table_name"], t["table_type"])
                 for c in tables for s in c["catalog_db_schemas"] for t in s["db_schema_tables"]]
        assert found == [("tpch", "nation", "TABLE")]

        for depth in ("columns", "all"):
            cols = _objects(conn, depth, catalog_filter="spark_catalog", db_schema_filter="tpch",
                            table_name_filter="nation")
            table = cols[0]["catalog_db_schemas"][0]["db_schema_tables"][0]
            columns = table["table_columns"]
            assert [c["column_name"] for c in columns] == NATION_COLUMNS
            assert [c["ordinal_position"] for c in columns] == [1, 2, 3, 4]
            assert [c["xdbc_type_name"] for c in columns] == ["BIGINT", "STRING", "BIGINT",
                                                              "STRING"]

        filtered = _objects(conn, "columns", catalog_filter="spark_catalog",
                            db_schema_filter="tpch", table_name_filter="nation",
                            column_name_filter="n_name")
        table = filtered[0]["catalog_db_schemas"][0]["db_schema_tables"][0]
        assert [c["column_name"] for c in table["table_columns"]] == ["n_name"]


def test_libra_catalog_and_its_schema_less_jobs_table(gateway):
    with login(gateway) as conn:
        # Listed before first use (Spark loads a configured catalog lazily).
        assert "libra" in {c["catalog_name"] for c in _objects(conn, "catalogs")}
        schema = conn.adbc_get_table_schema("jobs", catalog_filter="libra")
        assert schema.names[:2] == ["job_id", "name"]


def test_table_schema_info_and_table_types(gateway):
    with login(gateway) as conn:
        schema = conn.adbc_get_table_schema("nation", db_schema_filter="tpch")
        assert schema.names == NATION_COLUMNS
        assert schema.field("n_nationkey").type == pa.int64()
        assert schema.field("n_name").metadata[b"ARROW:FLIGHT:SQL:TYPE_NAME"] == b"STRING"
        info = conn.adbc_get_info()
        assert info["vendor_name"] == "Libra"
        assert "Spark 4.0.1" in info["vendor_version"]
        assert info["vendor_arrow_version"] == "18.1.0"
        assert {"TABLE", "VIEW"} <= set(conn.adbc_get_table_types())


def test_current_catalog_and_db_schema(gateway):
    with login(gateway) as conn:
        assert conn.adbc_current_catalog == "spark_catalog"
        assert conn.adbc_current_db_schema == "default"
        conn.adbc_current_db_schema = "tpch"
        assert conn.adbc_current_db_schema == "tpch"
        with conn.cursor() as cur:
            cur.execute("SELECT count(*) FROM nation")
            assert cur.fetchone()[0] == 25
        conn.adbc_current_catalog = "spark_catalog"
        assert conn.adbc_current_catalog == "spark_catalog"
        with pytest.raises(Error) as err:
            conn.adbc_current_db_schema = "no_such_schema"
        # SetSessionOptions answers INVALID_VALUE for the option (the protocol has no text).
        assert "'schema' (invalid value)" in str(err.value)
        assert conn.adbc_current_db_schema == "tpch"


def test_cancel_a_running_query(gateway):
    with login(gateway) as conn, conn.cursor() as cur:
        errors = []

        def run():
            try:
                cur.execute("SELECT count(*) FROM range(100000000000) a WHERE a.id % 7 = 3")
                cur.fetchall()
            except Error as e:
                errors.append(e)

        worker = threading.Thread(target=run)
        worker.start()
        time.sleep(2)
        started = time.monotonic()
        cur.adbc_cancel()
        worker.join(60)
        assert not worker.is_alive()
        assert time.monotonic() - started < 15
        assert errors and "CANCELLED" in str(errors[0]).upper(), errors
        # The connection stays usable.
        with conn.cursor() as again:
            again.execute("SELECT 1")
            assert again.fetchone() == (1,)


def test_errors_carry_sqlstate_and_error_class_as_details(gateway):
    # ADBC's Flight SQL driver returns every trailer of a failed call as an error detail
    # (Error.details, (name, value) pairs of bytes); it does not fill Error.sqlstate from them.
    with login(gateway) as conn, conn.cursor() as cur:
        for sql, sqlstate, error_class in [
                ("SELECT * FROM no_such_table_for_adbc", b"42P01", b"TABLE_OR_VIEW_NOT_FOUND"),
                ("SELEC 1", b"42601", b"PARSE_SYNTAX_ERROR"),
                ("SELECT no_such_column FROM range(1)", b"42703",
                 b"UNRESOLVED_COLUMN.WITH_SUGGESTION")]:
            with pytest.raises(Error) as err:
                cur.execute(sql)
                cur.fetchall()
            details = dict(err.value.details)
            assert details.get(b"sqlstate") == sqlstate, (sql, err.value.details)
            assert details.get(b"error-class") == error_class, (sql, err.value.details)
        # A runtime error of Spark, raised while the result streams.
        with pytest.raises(Error) as err:
            cur.execute("SELECT 1 / (id - 3) AS x FROM range(0, 10, 1, 1)")
            cur.fetchall()
        details = dict(err.value.details)
        assert details.get(b"sqlstate") == b"22012", err.value.details
        assert details.get(b"error-class") == b"DIVIDE_BY_ZERO", err.value.details
        cur.execute("SELECT 1")
        assert cur.fetchall() == [(1,)]
