"""Starts a Libra gateway the way the README does (scripts/libra start) in its own conf and work
directory, on free loopback ports, with authentication on; stops it afterwards."""

import os
import pwd
import re
import shutil
import socket
import subprocess
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PASSWORD = "alice-secret-1"
SERVICE_USER = "libra"


def service_user():
    """The user the gateway runs as when the tests run as root: `libra`, which scripts/setup
    creates, if it exists and can read the build. None when not root or no such user (then the
    gateway is allowed to run as root on purpose, libra.server.allow-root)."""
    if os.geteuid() != 0 or shutil.which("runuser") is None:
        return None
    try:
        pwd.getpwnam(SERVICE_USER)
    except KeyError:
        return None
    probe = subprocess.run(["runuser", "-u", SERVICE_USER, "--", "test", "-r",
                            str(ROOT / "gateway" / "target" / "lib")], capture_output=True)
    return SERVICE_USER if probe.returncode == 0 else None


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class GatewayProcess:
    """`with GatewayProcess(base_dir) as gw:` gives gw.info: uri, user, password, ui (user and
    password None with auth=False, the README's default gateway). Run as root, the gateway runs
    as the service user (service_user) where there is one."""

    def __init__(self, base: Path, tpch_scale: float = 0.01, heap: str = "2g", auth: bool = True,
                 host: str = "127.0.0.1", conf: dict | None = None):
        self.auth = auth
        self.conf = dict(conf or {})  # more --conf key=value, after (so over) the defaults
        # Never as root when the machine has a service user; else root only on purpose.
        self.run_as = service_user()
        if self.run_as:
            # pytest's own temporary directories are private to root: a directory of its own.
            base = tempfile.mkdtemp(prefix="libra-test-")
        self.base = Path(base)
        conf = self.base / "conf"
        shutil.copytree(ROOT / "conf", conf, dirs_exist_ok=True)
        self.env = dict(os.environ)
        self.env.update(
            LIBRA_CONF_DIR=str(conf),
            LIBRA_WORK_DIR=str(self.base / "work"),
            LIBRA_SERVER_PORT=str(free_port()),
            LIBRA_AUTH_ENABLED="true" if auth else "false",
            LIBRA_SERVER_HOST=host,
            LIBRA_HEAP=heap,
            LIBRA_SAMPLE_DATA_TPCH_SCALE=str(tpch_scale),
        )
        self.script = str(ROOT / "scripts" / "libra")
        self.info = None
        if self.run_as:
            self.env["HOME"] = str(self.base)
        elif os.geteuid() == 0:
            self.env["LIBRA_SERVER_ALLOW_ROOT"] = "true"

    def __enter__(self):
        if self.auth:
            subprocess.run([self.script, "user", "add", "alice", "--password-stdin"],
                           input=PASSWORD + "\n", text=True, env=self.env, check=True,
                           capture_output=True)
        ui_port = free_port()
        prefix = []
        if self.run_as:
            (self.base / "work").mkdir(exist_ok=True)
            subprocess.run(["chown", "-R", self.run_as, str(self.base)], check=True)
            prefix = ["runuser", "-m", "-u", self.run_as, "--"]
        started = subprocess.run(
            prefix + [self.script, "start", "--conf", f"spark.ui.port={ui_port}",
             "--conf", "spark.master=local[2]",
             # test_adbc_incremental: a query whose client stops polling ends within 8 s.
             "--conf", "libra.statement.poll-lease-seconds=8"]
            + [a for k, v in self.conf.items() for a in ("--conf", f"{k}={v}")],
            env=self.env, text=True, capture_output=True, timeout=900)
        assert started.returncode == 0, started.stdout + started.stderr
        log = (self.base / "work" / "libra.log").read_text()
        ui = re.findall(r"Spark UI (http://\S+?)\)", log)
        self.info = {
            "uri": f"grpc://127.0.0.1:{self.env['LIBRA_SERVER_PORT']}",
            "user": "alice" if self.auth else None,
            "password": PASSWORD if self.auth else None,
            "log": self.base / "work" / "libra.log",
            "ui": ui[-1] if ui else f"http://127.0.0.1:{ui_port}",
        }
        return self

    def open_sessions(self) -> set:
        """Ids of the sessions open now, from the gateway's log ('session X opened for U' and
        'session X of U closed (...)')."""
        opened, closed = set(), set()
        for line in (self.base / "work" / "libra.log").read_text(errors="replace").splitlines():
            m = re.search(r"SessionManager: session (\S+) opened for ", line)
            if m:
                opened.add(m.group(1))
                closed.discard(m.group(1))
            m = re.search(r"SessionManager: session (\S+) of .* closed \(", line)
            if m:
                closed.add(m.group(1))
        return opened - closed

    def __exit__(self, *exc):
        subprocess.run([self.script, "stop"], env=self.env, check=False, capture_output=True,
                       timeout=120)
        if self.run_as:
            shutil.rmtree(self.base, ignore_errors=True)
