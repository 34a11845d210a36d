"""Starts a Libra gateway the way the README does (scripts/libra start) in its own conf and work
directory, on free loopback ports, with authentication on; stops it afterwards."""

import os
import re
import shutil
import socket
import subprocess
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PASSWORD = "alice-secret-1"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class GatewayProcess:
    """`with GatewayProcess(base_dir) as gw:` gives gw.info: uri, user, password, ui."""

    def __init__(self, base: Path, tpch_scale: float = 0.01, heap: str = "2g"):
        self.base = Path(base)
        conf = self.base / "conf"
        shutil.copytree(ROOT / "conf", conf, dirs_exist_ok=True)
        self.env = dict(os.environ)
        self.env.update(
            LIBRA_CONF_DIR=str(conf),
            LIBRA_WORK_DIR=str(self.base / "work"),
            LIBRA_SERVER_PORT=str(free_port()),
            LIBRA_AUTH_ENABLED="true",
            LIBRA_HEAP=heap,
            LIBRA_SAMPLE_DATA_TPCH_SCALE=str(tpch_scale),
        )
        self.script = str(ROOT / "scripts" / "libra")
        self.info = None

    def __enter__(self):
        subprocess.run([self.script, "user", "add", "alice", "--password-stdin"],
                       input=PASSWORD + "\n", text=True, env=self.env, check=True,
                       capture_output=True)
        ui_port = free_port()
        started = subprocess.run(
            [self.script, "start", "--conf", f"spark.ui.port={ui_port}",
             "--conf", "spark.master=local[2]"],
            env=self.env, text=True, capture_output=True, timeout=900)
        assert started.returncode == 0, started.stdout + started.stderr
        log = (self.base / "work" / "libra.log").read_text()
        ui = re.findall(r"Spark UI (http://\S+?)\)", log)
        self.info = {
            "uri": f"grpc://127.0.0.1:{self.env['LIBRA_SERVER_PORT']}",
            "user": "alice",
            "password": PASSWORD,
            "ui": ui[-1] if ui else f"http://127.0.0.1:{ui_port}",
        }
        return self

    def __exit__(self, *exc):
        subprocess.run([self.script, "stop"], env=self.env, check=False, capture_output=True,
                       timeout=120)
