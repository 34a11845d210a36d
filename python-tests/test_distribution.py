"""The binary distribution (scripts/libra dist): unpacked into an empty directory and run with a
PATH that holds only java and a few core utilities (no Maven, no source tree), its bin/libra
starts a gateway with the shipped defaults, and the JDBC driver jar it contains (through the
bundled sqlline, bin/libra sql) queries it."""

import os
import shutil
import subprocess
import tarfile
import tempfile
import time
from pathlib import Path

from gateway_process import ROOT, free_port, service_user

# What bin/libra, sqlline and Hadoop's local file system (chmod, ...) call besides java: bash,
# sh and core utilities.
TOOLS = ["bash", "sh", "env", "dirname", "basename", "sed", "grep", "tail", "head", "cat", "ls",
         "mkdir", "rm", "date", "wc", "seq", "sleep", "nohup", "cut", "tr", "sort", "uname",
         "readlink", "id", "whoami", "groups", "chmod", "chown", "stat", "ln", "cp", "mv",
         "touch", "df", "du", "hostname", "tput", "stty"]


def tarball() -> Path:
    """The newest target/libra-*.tar.gz, built (from the packaged modules) when there is none."""
    found = sorted((ROOT / "target").glob("libra-*.tar.gz"), key=lambda p: p.stat().st_mtime)
    if not found:
        subprocess.run([str(ROOT / "scripts" / "libra"), "dist", "--no-build"], check=True,
                       capture_output=True)
        found = sorted((ROOT / "target").glob("libra-*.tar.gz"))
    return found[-1]


def limited_path(directory: Path) -> str:
    directory.mkdir()
    java = Path(shutil.which("java")).resolve()
    (directory / "java").symlink_to(java)
    for tool in TOOLS:
        found = shutil.which(tool)
        if found:
            (directory / tool).symlink_to(found)
    return str(directory)


def test_the_distribution_serves_sql_with_only_java_on_the_path():
    archive = tarball()
    size_mib = archive.stat().st_size / 2**20
    base = Path(tempfile.mkdtemp(prefix="libra-dist-"))
    os.chmod(base, 0o755)
    try:
        with tarfile.open(archive) as t:
            t.extractall(base, filter="tar")
        (home,) = [p for p in base.iterdir() if p.name.startswith("libra-")]
        for shipped in ["bin/libra", "conf/libra.properties", "conf/fairscheduler.xml",
                        "LICENSE", "NOTICE", "licenses/THIRD-PARTY.txt", "README.md",
                        "docs/operations.md", "apps"]:
            assert (home / shipped).exists(), shipped
        assert list((home / "jdbc").glob("libra-jdbc-driver-*.jar"))
        assert list((home / "lib").glob("libra-gateway-*.jar"))
        assert not (home / "pom.xml").exists() and not (home / "gateway").exists()
        assert "Apache License" in (home / "LICENSE").read_text()
        third_party = (home / "licenses" / "THIRD-PARTY.txt").read_text()
        for component in ["spark-core_2.13", "flight-sql", "sqlline:sqlline"]:
            assert component in third_party, component

        port = free_port()
        env = {"PATH": limited_path(base / "path"), "HOME": str(base),
               "LIBRA_SERVER_PORT": str(port), "LIBRA_HEAP": "2g", "LANG": "C.UTF-8"}
        prefix = []
        user = service_user()
        if user:
            subprocess.run(["chown", "-R", user, str(base)], check=True)
            prefix = [shutil.which("runuser"), "-m", "-u", user, "--"]
        elif os.geteuid() == 0:
            env["LIBRA_SERVER_ALLOW_ROOT"] = "true"
        script = str(home / "bin" / "libra")
        t0 = time.monotonic()
        started = subprocess.run(prefix + [script, "start", "--conf", "spark.ui.port=0"],
                                 env=env, text=True, capture_output=True, timeout=600)
        start_s = time.monotonic() - t0
        assert started.returncode == 0, started.stdout + started.stderr
        try:
            assert "libra: ready" in started.stdout, started.stdout
            shell = subprocess.run(
                prefix + [script, "sql", f"jdbc:libra://127.0.0.1:{port}", "--silent=true",
                          "-e", "SELECT 6 * 7 AS answer, count(*) AS nations FROM tpch.nation;"],
                env=env, text=True, capture_output=True, timeout=120)
            assert shell.returncode == 0, shell.stdout + shell.stderr
            assert "42" in shell.stdout and "25" in shell.stdout, shell.stdout
            status = subprocess.run(prefix + [script, "status"], env=env, text=True,
                                    capture_output=True, timeout=60)
            assert "running" in status.stdout, status.stdout
        finally:
            stopped = subprocess.run(prefix + [script, "stop"], env=env, text=True,
                                     capture_output=True, timeout=120)
        assert stopped.returncode == 0 and "stopped" in stopped.stdout, stopped.stdout
        print(f"distribution {archive.name}: {size_mib:.0f} MiB, bin/libra start ready in"
              f" {start_s:.1f} s (fresh work dir, TPC-H sample 0.01 loaded)")
    finally:
        if os.environ.get("LIBRA_KEEP_DIST_TEST") is None:
            shutil.rmtree(base, ignore_errors=True)
