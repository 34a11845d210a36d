"""Python client benchmark (scripts/bench --python): starts a gateway with TPC-H at the given
scale and measures, each after a warm-up, the median of several runs:

- fetch: ADBC fetch_arrow_table() of SELECT * FROM tpch.lineitem, against raw pyarrow.flight
  (GetFlightInfo + DoGet of the same query: the protocol without ADBC) as reference;
- ingest: adbc_ingest of 1 million rows (id, v, s) as 100k-row batches, against Spark writing the
  same rows in the gateway (CREATE TABLE AS SELECT from range) as reference.

Prints a table with ratios and writes bench-results/python.json."""

import argparse
import json
import statistics
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.flight as flight

sys.path.insert(0, str(Path(__file__).resolve().parent))
from clients import login  # noqa: E402
from gateway_process import ROOT, GatewayProcess  # noqa: E402
from test_pyarrow_flight import statement_query  # noqa: E402

LINEITEM = "SELECT * FROM tpch.lineitem"


def median_seconds(fn, runs):
    fn()  # warm-up
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        fn()
        times.append(time.perf_counter() - started)
    return statistics.median(times)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--scale", type=float, default=0.1)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--ingest-rows", type=int, default=1_000_000)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as base, \
            GatewayProcess(Path(base), tpch_scale=args.scale, heap="4g") as gw:
        info = gw.info
        conn = login(info)
        cur = conn.cursor()
        cur.execute("SELECT count(*) FROM tpch.lineitem")
        rows = cur.fetchone()[0]
        nbytes = []

        def adbc_fetch():
            cur.execute(LINEITEM)
            t = cur.fetch_arrow_table()
            assert t.num_rows == rows
            nbytes.append(t.nbytes)

        client = flight.FlightClient(info["uri"])
        options = flight.FlightCallOptions(
            headers=[client.authenticate_basic_token(info["user"], info["password"])])

        def raw_fetch():
            fi = client.get_flight_info(flight.FlightDescriptor.for_command(
                statement_query(LINEITEM)), options)
            t = client.do_get(fi.endpoints[0].ticket, options).read_all()
            assert t.num_rows == rows

        adbc_s = median_seconds(adbc_fetch, args.runs)
        raw_s = median_seconds(raw_fetch, args.runs)

        n = args.ingest_rows
        df = pd.DataFrame({"id": np.arange(n, dtype=np.int64), "v": np.arange(n) * 0.5,
                           "s": [f"row-{i}" for i in range(n)]})
        table = pa.Table.from_pandas(df, preserve_index=False)

        def ingest():
            reader = pa.RecordBatchReader.from_batches(
                table.schema, table.to_batches(max_chunksize=100_000))
            assert cur.adbc_ingest("bench_ingest", reader, mode="replace",
                                   db_schema_name="default") == n

        def spark_write():
            cur.execute("DROP TABLE IF EXISTS default.bench_ctas")
            cur.execute("CREATE TABLE default.bench_ctas USING parquet AS SELECT id,"
                        f" id * 0.5 AS v, concat('row-', id) AS s FROM range({n})")

        ingest_s = median_seconds(ingest, args.runs)
        ctas_s = median_seconds(spark_write, args.runs)
        cur.close()
        conn.close()
        client.close()

    mb = statistics.median(nbytes) / 1e6
    result = {
        "scale": args.scale,
        "fetch": {"rows": rows, "arrow_mb": round(mb, 1),
                  "adbc_rows_per_s": round(rows / adbc_s),
                  "pyarrow_flight_rows_per_s": round(rows / raw_s),
                  "adbc_mb_per_s": round(mb / adbc_s, 1),
                  "ratio_adbc_vs_pyarrow_flight": round(raw_s / adbc_s, 3)},
        "ingest": {"rows": n, "adbc_ingest_rows_per_s": round(n / ingest_s),
                   "spark_ctas_rows_per_s": round(n / ctas_s),
                   "ratio_ingest_vs_spark_ctas": round(ctas_s / ingest_s, 3)},
    }
    print(f"{'scenario':44} {'rows/s':>12} {'reference rows/s':>18} {'ratio':>7}")
    print(f"{'fetch lineitem SF' + str(args.scale) + ' (ADBC vs pyarrow.flight)':44}"
          f" {result['fetch']['adbc_rows_per_s']:>12,} "
          f"{result['fetch']['pyarrow_flight_rows_per_s']:>18,} "
          f"{result['fetch']['ratio_adbc_vs_pyarrow_flight']:>7}")
    print(f"{'ingest ' + str(n) + ' rows (adbc_ingest vs Spark CTAS)':44}"
          f" {result['ingest']['adbc_ingest_rows_per_s']:>12,} "
          f"{result['ingest']['spark_ctas_rows_per_s']:>18,} "
          f"{result['ingest']['ratio_ingest_vs_spark_ctas']:>7}")
    out = ROOT / "bench-results"
    out.mkdir(exist_ok=True)
    (out / "python.json").write_text(json.dumps(result, indent=2))


if __name__ == "__main__":
    main()
