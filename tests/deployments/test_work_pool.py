"""Scale-out on Prefect's own machinery: two process workers pull ingest runs from one work pool over one
shared inbox and one PostgreSQL database; every file is processed once."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from sqlalchemy import text

from jixiao.db.engine import get_engine
from jixiao_dev.synth import SynthConfig, generate_corpus
from tests.support import ROOT


@pytest.mark.usefixtures("prefect_api")
def test_two_workers_on_one_pool_process_each_file_once(tmp_path: Path, pg_url: str) -> None:
    from prefect.client.orchestration import get_client
    from prefect.client.schemas.actions import WorkPoolCreate
    from prefect.deployments import run_deployment
    from prefect.settings import PREFECT_API_URL

    from flows.ingest import ingest

    home = tmp_path / "shared"
    (home / "inbox").mkdir(parents=True)
    for f in generate_corpus(tmp_path / "corpus", SynthConfig(n=30, seed=31, formats={"txt": 1.0})):
        (home / "inbox" / f.name).write_bytes(f.read_bytes())
    get_engine(pg_url)

    pool = "jixiao-test-pool"
    with get_client(sync_client=True) as client:
        client.create_work_pool(WorkPoolCreate(name=pool, type="process"), overwrite=True)
    deployment = ingest.to_deployment(
        name="pool-test",
        parameters={"home": str(home), "database_url": pg_url, "workers": 1},
        job_variables={"working_dir": str(ROOT)},
    )
    deployment.apply(work_pool_name=pool)

    env = {
        **os.environ,
        "PREFECT_API_URL": str(PREFECT_API_URL.value()),
        "GX_ANALYTICS_ENABLED": "false",
        "PYTHONPATH": f"{ROOT / 'src'}:{ROOT}",
    }
    workers = [
        subprocess.Popen(
            [
                sys.executable,
                "-m",
                "prefect",
                "worker",
                "start",
                "--pool",
                pool,
                "--limit",
                "1",
                "--name",
                f"w{i}",
            ],
            cwd=ROOT,
            env=env,
            stdout=(tmp_path / f"w{i}.log").open("w"),
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        for i in range(2)
    ]
    try:
        runs = [run_deployment("ingest/pool-test", timeout=0) for _ in range(2)]
        deadline = time.monotonic() + 240
        states: list[str] = []
        while time.monotonic() < deadline:
            with get_client(sync_client=True) as client:
                states = [client.read_flow_run(r.id).state.type.value for r in runs]  # type: ignore[union-attr]
            if all(s in ("COMPLETED", "FAILED", "CRASHED", "CANCELLED") for s in states):
                break
            time.sleep(1)
        logs = "".join((tmp_path / f"w{i}.log").read_text()[-3000:] for i in range(2))
        assert states == ["COMPLETED", "COMPLETED"], logs
    finally:
        for w in workers:
            os.killpg(w.pid, signal.SIGTERM)
        for w in workers:
            w.wait(timeout=30)
    with get_engine(pg_url).connect() as conn:
        files = conn.execute(text("select count(*), count(distinct path) from source_file")).one()
        loaded = conn.execute(text("select count(*) from source_file where status = 'loaded'")).scalar_one()
        reports = conn.execute(text("select count(*) from report")).scalar_one()
        runs_with_files = conn.execute(text("select count(distinct run_id) from source_file")).scalar_one()
    assert tuple(files) == (30, 30)
    assert loaded == reports == 30
    assert runs_with_files >= 1
    assert list((home / "inbox").iterdir()) == []
