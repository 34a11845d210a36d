"""ADBC side of scripts/bench's large fetch (run by LibraBench against its own gateway): reads
every row of SQL with adbc_driver_flightsql's fetch_arrow_table() (an Arrow table, no per-value
conversion, like FlightSqlClient), one warm-up run then RUNS measured ones, on one connection.

Usage: bench_fetch.py URI RUNS SQL; prints RESULT rows=N median_s=S."""

import statistics
import sys
import time

import adbc_driver_flightsql.dbapi as flightsql


def main():
    uri, runs, sql = sys.argv[1], int(sys.argv[2]), sys.argv[3]
    with flightsql.connect(uri) as conn, conn.cursor() as cur:
        def fetch():
            cur.execute(sql)
            return cur.fetch_arrow_table().num_rows

        rows = fetch()  # warm-up
        times = []
        for _ in range(runs):
            started = time.perf_counter()
            assert fetch() == rows
            times.append(time.perf_counter() - started)
    print(f"RESULT rows={rows} median_s={statistics.median(times):.6f}", flush=True)


if __name__ == "__main__":
    main()
