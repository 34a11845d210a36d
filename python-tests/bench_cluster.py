"""Executor-direct fetch benchmark (scripts/bench --cluster): a Spark standalone cluster of two
Workers on this machine (scripts/spark-cluster, 2 cores and 4 GiB each) and two gateways on it,
each with two 1-core executors and TPC-H at the given scale:

- direct: the defaults (libra.results.direct-fetch=auto; the gateway listens on loopback, so its
  loopback executors serve) — lineitem's FlightInfo lists one endpoint per executor, at it;
- gateway: libra.results.direct-fetch=off and libra.results.max-endpoints=1 — one endpoint, every
  byte through the gateway (what every other Spark gateway does).

ADBC (default settings) reads SELECT * FROM tpch.lineitem from each, interleaved, after a
warm-up; medians of rows/s and of the gateway JVM's CPU seconds during the fetch (utime + stime
of its process, /proc). Prints the ratios and writes bench-results/cluster.json."""

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pyarrow.flight as flight

sys.path.insert(0, str(Path(__file__).resolve().parent))
from clients import login  # noqa: E402
from gateway_process import ROOT, GatewayProcess, free_port, service_user  # noqa: E402
from test_pyarrow_flight import statement_query  # noqa: E402

LINEITEM = "SELECT * FROM tpch.lineitem"
TICKS = os.sysconf("SC_CLK_TCK")


def cpu_seconds(pid):
    """utime + stime of process pid (all its threads), in seconds."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / TICKS


def gateway_pid(gw):
    return int((gw.base / "work" / "libra.pid").read_text().strip())


def endpoints_of(gw):
    client = flight.FlightClient(gw.info["uri"])
    options = flight.FlightCallOptions(headers=[
        client.authenticate_basic_token(gw.info["user"], gw.info["password"])])
    info = client.get_flight_info(
        flight.FlightDescriptor.for_command(statement_query(LINEITEM)), options)
    out = [[loc.uri.decode() for loc in e.locations] for e in info.endpoints]
    # Read them, so nothing waits for its ticket's expiry.
    for e in info.endpoints:
        if e.locations:
            with flight.FlightClient(e.locations[0]) as c:
                c.do_get(e.ticket).read_all()
        else:
            client.do_get(e.ticket, options).read_all()
    client.close()
    return out


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--scale", type=float, default=1.0)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as base:
        base = Path(base)
        # The cluster runs as the user the gateways run as: executors write the TPC-H tables
        # into the gateway's warehouse.
        user = service_user()
        prefix = []
        if user:
            os.chmod(base, 0o777)
            (base / "cluster").mkdir()
            subprocess.run(["chown", "-R", user, str(base / "cluster")], check=True)
            prefix = ["runuser", "-m", "-u", user, "--"]
        env = dict(os.environ, LIBRA_CLUSTER_DIR=str(base / "cluster"),
                   SPARK_MASTER_PORT=str(free_port()), SPARK_MASTER_WEBUI_PORT=str(free_port()),
                   SPARK_WORKER_WEBUI_PORT=str(free_port()))
        cluster = prefix + [str(ROOT / "scripts" / "spark-cluster")]
        started = subprocess.run(cluster + ["start", "--workers", "2", "--cores", "2",
                                            "--memory", "4g"],
                                 env=env, text=True, capture_output=True, timeout=300)
        assert started.returncode == 0, started.stdout + started.stderr
        url = f"spark://127.0.0.1:{env['SPARK_MASTER_PORT']}"
        common = {"spark.master": url, "spark.executor.cores": "1", "spark.cores.max": "2",
                  "spark.executor.memory": "1800m", "spark.sql.catalogImplementation": "in-memory",
                  # as the gateway JVM (conf/jvm.properties): 8 MiB blocks not humongous
                  "spark.executor.extraJavaOptions": "-XX:G1HeapRegionSize=32m"}
        try:
            with GatewayProcess(base / "direct", tpch_scale=args.scale, heap="4g",
                                conf=common) as direct, \
                    GatewayProcess(base / "gateway", tpch_scale=args.scale, heap="4g",
                                   conf=dict(common, **{"libra.results.direct-fetch": "off",
                                                        "libra.results.max-endpoints": "1"})
                                   ) as single:
                paths = {"direct": direct, "gateway": single}
                locations = {k: endpoints_of(gw) for k, gw in paths.items()}
                assert all(locs for locs in locations["direct"]), locations
                assert locations["gateway"] == [[]], locations
                conns = {k: login(gw.info) for k, gw in paths.items()}
                pids = {k: gateway_pid(gw) for k, gw in paths.items()}
                rows_per_s = {k: [] for k in paths}
                cpu = {k: [] for k in paths}
                split = {k: [] for k in paths}  # (GetFlightInfo s, DoGets s)
                idle = {}
                for k in paths:  # what the gateway JVM burns doing nothing, per second
                    c0 = cpu_seconds(pids[k])
                    time.sleep(5)
                    idle[k] = (cpu_seconds(pids[k]) - c0) / 5
                rows = None
                for run in range(args.runs + 1):  # the first is the warm-up
                    for k in paths:
                        cur = conns[k].cursor()
                        c0 = cpu_seconds(pids[k])
                        t0 = time.perf_counter()
                        cur.execute(LINEITEM)
                        t1 = time.perf_counter()
                        table = cur.fetch_arrow_table()
                        seconds = time.perf_counter() - t0
                        used = cpu_seconds(pids[k]) - c0
                        cur.close()
                        assert rows is None or table.num_rows == rows
                        rows = table.num_rows
                        del table
                        if run > 0:
                            rows_per_s[k].append(rows / seconds)
                            cpu[k].append(used)
                            split[k].append((t1 - t0, t0 + seconds - t1))
                for c in conns.values():
                    c.close()
        finally:
            subprocess.run(cluster + ["stop"], env=env, capture_output=True, timeout=120)
    paths_names = list(rows_per_s)
    med = {k: statistics.median(v) for k, v in rows_per_s.items()}
    med_cpu = {k: statistics.median(v) for k, v in cpu.items()}
    result = {
        "scale": args.scale, "rows": rows, "runs": args.runs,
        "direct_endpoints": locations["direct"],
        "rows_per_s": med, "gateway_cpu_s": med_cpu, "gateway_idle_cpu_per_s": idle,
        "execute_and_fetch_s": {k: [statistics.median(x[0] for x in v),
                                    statistics.median(x[1] for x in v)] for k, v in split.items()},
        "rows_per_s_ratio": med["direct"] / med["gateway"],
        "gateway_cpu_ratio": med_cpu["direct"] / med_cpu["gateway"],
    }
    print(f"lineitem SF{args.scale:g} ({rows:,} rows) into ADBC, 2 workers x 1-core executors,"
          f" medians of {args.runs}:")
    print(f"  executor-direct, {len(locations['direct'])} endpoints at executors:"
          f" {med['direct'] / 1e6:.2f}M rows/s, gateway CPU {med_cpu['direct']:.2f} s")
    print(f"  gateway, 1 endpoint:            {med['gateway'] / 1e6:.2f}M rows/s,"
          f" gateway CPU {med_cpu['gateway']:.2f} s")
    for k in paths_names:
        e, f = result["execute_and_fetch_s"][k]
        print(f"  {k}: execute (GetFlightInfo) {e:.2f} s, fetch (DoGets) {f:.2f} s; gateway JVM"
              f" idle {idle[k]:.3f} CPU s per s")
    print(f"  direct / gateway: rows/s {result['rows_per_s_ratio']:.2f}x (goal >= 1.3),"
          f" gateway CPU {result['gateway_cpu_ratio']:.3f} (goal <= 0.10)")
    out = ROOT / "bench-results"
    out.mkdir(exist_ok=True)
    (out / "cluster.json").write_text(json.dumps(result, indent=2))


if __name__ == "__main__":
    main()
