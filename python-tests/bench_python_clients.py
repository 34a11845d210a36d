"""Python side of scripts/bench's large fetch (run by LibraBench against its own gateway and the
Spark Connect server on the same SparkContext): every row of SQL into a pyarrow Table through

  adbc     Libra, adbc_driver_flightsql: cursor.execute + fetch_arrow_table()
  pyarrow  Libra, pyarrow.flight: GetFlightInfo(CommandStatementQuery) then DoGet of every
           endpoint, read_all()
  pyspark  Spark Connect, pyspark's Connect client: SparkSession.builder.remote(URL),
           spark.sql(SQL).toArrow()

one warm-up round then RUNS measured rounds, the clients interleaved (their order rotates every
round) on one connection each. Before and after each fetch it prints "BEGIN client" / "END client"
so the bench can sample the server's heap while each client reads. At the end, per client:
"RESULT client=NAME rows=N median_s=S".

Usage: bench_python_clients.py FLIGHT_URI CONNECT_URL RUNS SQL
"""

import statistics
import concurrent.futures
import sys
import time

import adbc_driver_flightsql.dbapi as flightsql
import pyarrow as pa
import pyarrow.flight as flight
from pyspark.sql import SparkSession

COMMAND_STATEMENT_QUERY = "type.googleapis.com/arrow.flight.protocol.sql.CommandStatementQuery"


def _field(number: int, payload: bytes) -> bytes:
    """A protobuf length-delimited field (wire type 2) with a varint length."""
    out = bytearray([(number << 3) | 2])
    n = len(payload)
    while n >= 0x80:
        out.append((n & 0x7F) | 0x80)
        n >>= 7
    out.append(n)
    return bytes(out) + payload


def statement_query(sql: str) -> bytes:
    """google.protobuf.Any{type_url, value=CommandStatementQuery{query=sql}}."""
    return _field(1, COMMAND_STATEMENT_QUERY.encode()) + _field(2, _field(1, sql.encode()))


def main():
    flight_uri, connect_url, runs, sql = sys.argv[1], sys.argv[2], int(sys.argv[3]), sys.argv[4]
    adbc = flightsql.connect(flight_uri)
    cursor = adbc.cursor()
    client = flight.FlightClient(flight_uri)
    spark = SparkSession.builder.remote(connect_url).getOrCreate()

    def adbc_fetch():
        cursor.execute(sql)
        return cursor.fetch_arrow_table().num_rows

    pool = concurrent.futures.ThreadPoolExecutor(max_workers=16)

    def pyarrow_fetch():
        # Every endpoint, read at once (docs/python.md), into one Table in endpoint order.
        info = client.get_flight_info(flight.FlightDescriptor.for_command(statement_query(sql)))
        tables = pool.map(lambda e: client.do_get(e.ticket).read_all(), info.endpoints)
        return pa.concat_tables(list(tables)).num_rows

    def pyspark_fetch():
        return spark.sql(sql).toArrow().num_rows

    clients = [("adbc", adbc_fetch), ("pyarrow", pyarrow_fetch), ("pyspark", pyspark_fetch)]
    times = {name: [] for name, _ in clients}
    rows = {}
    for r in range(runs + 1):
        shift = r % len(clients)
        for name, fetch in clients[shift:] + clients[:shift]:
            print(f"BEGIN {name}", flush=True)
            started = time.perf_counter()
            n = fetch()
            elapsed = time.perf_counter() - started
            print(f"END {name}", flush=True)
            if rows.setdefault(name, n) != n:
                raise SystemExit(f"{name} read {n} rows, earlier {rows[name]}")
            if r > 0:  # round 0 warms up
                times[name].append(elapsed)
    for name, _ in clients:
        print(f"RESULT client={name} rows={rows[name]}"
              f" median_s={statistics.median(times[name]):.6f}", flush=True)
    cursor.close()
    adbc.close()
    client.close()
    spark.stop()


if __name__ == "__main__":
    main()
