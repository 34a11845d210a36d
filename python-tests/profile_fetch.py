"""Client side of scripts/bench --profile: one ADBC fetch of SQL into a pyarrow Table
(fetch_arrow_table()), measured with the client's own CPU time.

It warms up with one fetch, prints READY and waits for a line on stdin (the bench starts its
recording then), fetches once more and prints
"RESULT rows=N wall_s=S cpu_s=C" — C is this process's CPU time (every thread: Python, the ADBC
driver's Go runtime, Arrow) during the fetch.

Usage: profile_fetch.py FLIGHT_URI SQL
"""

import sys
import time

import adbc_driver_flightsql.dbapi as flightsql


def main():
    uri, sql = sys.argv[1], sys.argv[2]
    with flightsql.connect(uri) as conn, conn.cursor() as cur:
        cur.execute(sql)
        cur.fetch_arrow_table()  # warm-up
        print("READY", flush=True)
        sys.stdin.readline()
        wall, cpu = time.perf_counter(), time.process_time()
        cur.execute(sql)
        rows = cur.fetch_arrow_table().num_rows
        wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
    print(f"RESULT rows={rows} wall_s={wall:.3f} cpu_s={cpu:.3f}", flush=True)


if __name__ == "__main__":
    main()
