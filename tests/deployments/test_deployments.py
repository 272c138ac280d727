"""Deployments, `jixiao serve` against a real Prefect API, and the watcher driving real ingest runs."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
import yaml
from sqlalchemy import text

from tests.support import ROOT, seed


def _schedule(dep):  # type: ignore[no-untyped-def]
    (sched,) = dep.schedules
    return sched.schedule


@pytest.mark.parametrize(
    ("cron", "tz", "want_cron", "want_tz"),
    [
        pytest.param(None, None, "0 2 * * *", "Asia/Shanghai", id="default-nightly-0200-shanghai"),
        pytest.param("30 3 * * 1-5", "UTC", "30 3 * * 1-5", "UTC", id="configured-cron-and-zone"),
    ],
)
def test_nightly_schedule(
    tmp_path: Path, cron: str | None, tz: str | None, want_cron: str, want_tz: str
) -> None:
    from deployments.serve import build_deployments

    nightly, on_demand = build_deployments(home=str(tmp_path), cron=cron, timezone=tz)
    assert nightly.name == "nightly" and on_demand.name == "on-demand"
    assert _schedule(nightly).cron == want_cron
    assert _schedule(nightly).timezone == want_tz
    assert on_demand.schedules == [] or on_demand.schedules is None
    assert nightly.parameters["home"] == str(tmp_path.resolve()) or nightly.parameters["home"] == str(
        tmp_path
    )


def test_prefect_yaml_points_at_the_flow() -> None:
    config = yaml.safe_load((ROOT / "prefect.yaml").read_text(encoding="utf-8"))
    by_name = {d["name"]: d for d in config["deployments"]}
    nightly = by_name["ingest-nightly"]
    path, func = nightly["entrypoint"].split(":")
    assert (ROOT / path).is_file() and f"def {func}(" in (ROOT / path).read_text(encoding="utf-8")
    assert nightly["schedules"] == [{"cron": "0 2 * * *", "timezone": "Asia/Shanghai"}]


@pytest.mark.usefixtures("prefect_api")
def test_jixiao_serve_registers_the_deployments(tmp_path: Path) -> None:
    from prefect.client.orchestration import get_client
    from prefect.client.schemas.sorting import DeploymentSort
    from prefect.settings import PREFECT_API_URL

    env = {**os.environ, "PREFECT_API_URL": str(PREFECT_API_URL.value()), "JIXIAO_HOME": str(tmp_path / "h")}
    proc = subprocess.Popen(
        [sys.executable, "-m", "jixiao_cli.main", "serve"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    try:
        names: set[str] = set()
        deadline = time.monotonic() + 90
        while time.monotonic() < deadline and not {"nightly", "on-demand"} <= names:
            with get_client(sync_client=True) as client:
                deps = client.read_deployments(limit=50, sort=DeploymentSort.NAME_ASC)
                names = {d.name for d in deps}
                nightly = next((d for d in deps if d.name == "nightly"), None)
            time.sleep(1)
        assert {"nightly", "on-demand"} <= names, proc.stdout.read1(4000) if proc.stdout else b""  # type: ignore[union-attr]
        assert nightly is not None
        sched = nightly.schedules[0].schedule
        assert sched.cron == "0 2 * * *" and sched.timezone == "Asia/Shanghai"
    finally:
        os.killpg(proc.pid, signal.SIGTERM)
        proc.wait(timeout=30)


@pytest.mark.usefixtures("prefect_api")
def test_watcher_ingests_a_file_written_slowly(tmp_path: Path) -> None:
    from deployments.watcher import run_watcher
    from jixiao.db.engine import get_engine

    home = tmp_path / "h"
    db_url = f"sqlite:///{tmp_path / 'w.db'}"
    stop = threading.Event()
    thread = threading.Thread(
        target=run_watcher,
        kwargs={
            "home": str(home),
            "database_url": db_url,
            "stop_event": stop,
            "debounce_s": 0.5,
            "stable_s": 0.8,
        },
        daemon=True,
    )
    thread.start()
    time.sleep(1.0)
    data = seed("004").read_bytes()
    target = home / "inbox" / "临泽 2022.txt"
    with target.open("wb") as f:
        for i in range(0, len(data), len(data) // 4 + 1):
            f.write(data[i : i + len(data) // 4 + 1])
            f.flush()
            time.sleep(0.3)
    deadline = time.monotonic() + 60
    n = 0
    while time.monotonic() < deadline and n < 1:
        if (tmp_path / "w.db").exists():
            with get_engine(db_url).connect() as conn:
                n = conn.execute(text("select count(*) from report")).scalar_one()
        time.sleep(0.2)
    stop.set()
    thread.join(timeout=30)
    assert n == 1
    assert not target.exists()
    assert list((home / "archive").rglob("临泽 2022.txt"))
    with get_engine(db_url).connect() as conn:
        assert conn.execute(text("select count(*) from source_file")).scalar_one() == 1
    shutil.rmtree(home, ignore_errors=True)
