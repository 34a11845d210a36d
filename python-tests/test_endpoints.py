"""A large result comes as several endpoints (one per executor core by default: two on the test
gateway's local[2]), read by the Python clients with their default settings: ADBC reads them in
parallel into one table, pyarrow.flight reads each ticket; the rows are the query's, each once."""

import threading

import adbc_driver_flightsql.dbapi as flightsql
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.flight as flight

from test_pyarrow_flight import statement_query

ROWS = 8_000_000
# Estimated by Spark at about 176 MB, over twice libra.results.bytes-per-endpoint (64 MiB).
SQL = f"SELECT id, id * 1.5D AS d, CAST(id AS STRING) AS s FROM range(0, {ROWS}, 1, 4)"


def _check(table: pa.Table):
    assert table.num_rows == ROWS
    ids = table.column("id")
    assert pc.min(ids).as_py() == 0 and pc.max(ids).as_py() == ROWS - 1
    assert pc.sum(ids).as_py() == ROWS * (ROWS - 1) // 2  # every id once
    assert pc.sum(table.column("d")).as_py() == 1.5 * (ROWS * (ROWS - 1) // 2)
    assert pc.all(pc.equal(pc.cast(ids, pa.string()), table.column("s"))).as_py()


def test_adbc_with_defaults_reads_every_endpoint(default_gateway):
    with flightsql.connect(default_gateway["uri"], autocommit=True) as conn, \
            conn.cursor() as cur:
        partitions, schema = cur.adbc_execute_partitions(SQL)
        assert len(partitions) == 2, "one endpoint per core of local[2]"
        cur.execute(SQL)
        _check(cur.fetch_arrow_table())


def test_pyarrow_reads_each_endpoint_once_in_parallel(default_gateway):
    client = flight.FlightClient(default_gateway["uri"])
    try:
        info = client.get_flight_info(flight.FlightDescriptor.for_command(statement_query(SQL)))
        assert len(info.endpoints) == 2
        assert not info.ordered
        tables = [None] * len(info.endpoints)

        def read(i):
            tables[i] = client.do_get(info.endpoints[i].ticket).read_all()

        threads = [threading.Thread(target=read, args=(i,)) for i in range(len(tables))]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        # Endpoint order is partition order: the first endpoint has the lower ids.
        assert pc.max(tables[0].column("id")).as_py() < pc.min(tables[1].column("id")).as_py()
        _check(pa.concat_tables(tables))
        try:
            client.do_get(info.endpoints[0].ticket).read_all()
            raise AssertionError("an endpoint's ticket is read once")
        except KeyError as e:  # NOT_FOUND
            assert "already read" in str(e)
        sorted_info = client.get_flight_info(flight.FlightDescriptor.for_command(
            statement_query(SQL + " ORDER BY id DESC LIMIT 3")))
        assert len(sorted_info.endpoints) == 1 and sorted_info.ordered
        assert client.do_get(sorted_info.endpoints[0].ticket).read_all().column("id") \
            .to_pylist() == [ROWS - 1, ROWS - 2, ROWS - 3]
    finally:
        client.close()
