"""The several-server layout (scripts/cluster): two app servers and two workers on one PostgreSQL
behind nginx. Starting it migrates a new database and boots four gunicorns, minutes on a 2-core
machine, so the suite runs it only when asked: METROHUB_TEST_CLUSTER=1 pytest -m cluster."""

import os
import shutil
import subprocess
import tempfile
import urllib.request
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
pytestmark = [
    pytest.mark.cluster,
    pytest.mark.skipif(
        os.environ.get("METROHUB_TEST_CLUSTER") != "1", reason="set METROHUB_TEST_CLUSTER=1"
    ),
]


def test_both_app_servers_answer_health_through_nginx():
    if not list(Path("/usr/lib/postgresql").glob("*/bin/initdb")):
        pytest.skip("no PostgreSQL server binaries")
    if not (shutil.which("nginx") or Path("/usr/sbin/nginx").exists()) and os.getuid() != 0:
        pytest.skip("no nginx")
    # Not pytest's tmp_path: PostgreSQL runs as its own user and must reach the directory.
    directory = Path(tempfile.mkdtemp(prefix="metrohub-cluster-test-"))
    directory.chmod(0o755)
    environment = {
        **os.environ,
        "METROHUB_CLUSTER_DIR": str(directory),
        "METROHUB_CLUSTER_PORT": "8190",
    }
    environment.pop("DATABASE_URL", None)
    environment.pop("METROHUB_DATA_DIR", None)

    def cluster(*args, timeout=600):
        return subprocess.run(
            [str(ROOT / "scripts/cluster"), *args],
            env=environment,
            capture_output=True,
            text=True,
            timeout=timeout,
        )

    try:
        started = cluster("start")
        assert started.returncode == 0, started.stderr[-2000:]
        seen = set()
        for _attempt in range(8):
            with urllib.request.urlopen("http://127.0.0.1:8190/healthz", timeout=10) as response:  # noqa: S310
                assert b'"status": "ok"' in response.read()
                seen.add(response.headers["X-Upstream"])
        assert seen == {"127.0.0.1:8191", "127.0.0.1:8192"}
        checked = cluster("check")
        assert checked.returncode == 0 and "answered by" in checked.stdout
    finally:
        stopped = cluster("stop", "--purge", timeout=180)
    assert stopped.returncode == 0 and "stopped and purged" in stopped.stdout
