"""Starts a Libra gateway the way the README does (scripts/libra start), with authentication on,
on free loopback ports, for the Python client tests; stops it afterwards."""

import os
import re
import shutil
import socket
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PASSWORD = "alice-secret-1"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="session")
def gateway(tmp_path_factory):
    base = tmp_path_factory.mktemp("libra")
    conf = base / "conf"
    shutil.copytree(ROOT / "conf", conf)
    env = dict(os.environ)
    env.update(
        LIBRA_CONF_DIR=str(conf),
        LIBRA_WORK_DIR=str(base / "work"),
        LIBRA_SERVER_PORT=str(_free_port()),
        LIBRA_AUTH_ENABLED="true",
        LIBRA_HEAP="2g",
    )
    script = str(ROOT / "scripts" / "libra")
    subprocess.run([script, "user", "add", "alice", "--password-stdin"], input=PASSWORD + "\n",
                   text=True, env=env, check=True, capture_output=True)
    ui_port = _free_port()
    started = subprocess.run(
        [script, "start", "--conf", f"spark.ui.port={ui_port}", "--conf", "spark.master=local[2]"],
        env=env, text=True, capture_output=True, timeout=600)
    assert started.returncode == 0, started.stdout + started.stderr
    log = (base / "work" / "libra.log").read_text()
    ui = re.findall(r"Spark UI (http://\S+?)\)", log)
    yield {
        "uri": f"grpc://127.0.0.1:{env['LIBRA_SERVER_PORT']}",
        "user": "alice",
        "password": PASSWORD,
        "ui": ui[-1] if ui else f"http://127.0.0.1:{ui_port}",
    }
    subprocess.run([script, "stop"], env=env, check=False, capture_output=True, timeout=120)
