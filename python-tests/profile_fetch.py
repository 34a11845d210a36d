"""Client side of scripts/bench --profile: one ADBC fetch of SQL into a pyarrow Table
(fetch_arrow_table()), measured with the client's own CPU time.

It warms up with WARM_UPS fetches, prints READY and waits for a line on stdin (the bench starts its
recording then), fetches once more and prints
"RESULT rows=N wall_s=S cpu_s=C" — C is this process's CPU time (every thread: Python, the ADBC
driver's Go runtime, Arrow) during the fetch.

Usage: profile_fetch.py FLIGHT_URI SQL
"""

import sys
import time

import adbc_driver_flightsql.dbapi as flightsql

# Fetches before the measured one: the server's JIT is still compiling after one (about 2.5 s of
# C2 time in the second fetch of a fresh gateway), settled after three.
WARM_UPS = 3


def main():
    uri, sql = sys.argv[1], sys.argv[2]
    with flightsql.connect(uri) as conn, conn.cursor() as cur:
        for _ in range(WARM_UPS):
            cur.execute(sql)
            cur.fetch_arrow_table()
        print("READY", flush=True)
        sys.stdin.readline()
        wall, cpu = time.perf_counter(), time.process_time()
        cur.execute(sql)
        rows = cur.fetch_arrow_table().num_rows
        wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
    print(f"RESULT rows={rows} wall_s={wall:.3f} cpu_s={cpu:.3f}", flush=True)


if __name__ == "__main__":
    main()
