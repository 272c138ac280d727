"""End to end in a real browser: a local Prefect server with its UI, an ingest run, headless Chromium.

Debian's chromium is driven by Playwright with ``executable_path`` (no browser download). The screenshots
land in ``test-output/``.
"""

from __future__ import annotations

import os
import re
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.support import ROOT

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
OUT = ROOT / "test-output"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture(scope="module")
def prefect_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    port = _free_port()
    api = f"http://127.0.0.1:{port}/api"
    env = {
        **os.environ,
        "PREFECT_HOME": str(tmp_path_factory.mktemp("prefect-home")),
        "PREFECT_SERVER_ANALYTICS_ENABLED": "false",
        "PREFECT_UI_ENABLED": "true",
        "PREFECT_UI_API_URL": api,
    }
    env.pop("PREFECT_API_URL", None)
    proc = subprocess.Popen(
        [sys.executable, "-m", "prefect", "server", "start", "--host", "127.0.0.1", "--port", str(port)],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    try:
        deadline = time.monotonic() + 90
        while True:
            try:
                with urllib.request.urlopen(f"{api}/health", timeout=2) as r:
                    if r.status == 200:
                        break
            except OSError:
                pass
            assert time.monotonic() < deadline, "the Prefect server did not start within 90 s"
            time.sleep(0.5)
        yield api
    finally:
        os.killpg(proc.pid, 15)
        proc.wait(timeout=30)


@pytest.mark.browser
def test_operator_finds_the_run_and_its_artifacts_in_the_ui(prefect_server: str, tmp_path: Path) -> None:
    from playwright.sync_api import sync_playwright

    assert Path(CHROMIUM).exists(), "Debian's chromium is required (apt-get install -y chromium)"
    env = {**os.environ, "PREFECT_API_URL": prefect_server}
    run = subprocess.run(
        [
            sys.executable,
            "-m",
            "jixiao_cli.main",
            "ingest",
            str(ROOT / "seeds" / "reports"),
            "--home",
            str(tmp_path / "h"),
            "--workers",
            "1",
        ],
        env=env,
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert run.returncode == 0, run.stderr[-2000:]
    ui = prefect_server.removesuffix("/api")
    OUT.mkdir(exist_ok=True)
    with sync_playwright() as p:
        browser = p.chromium.launch(
            executable_path=CHROMIUM,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-quic",
                "--no-first-run",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
            ],
        )
        page = browser.new_page(viewport={"width": 1400, "height": 1000})
        page.goto(f"{ui}/runs", wait_until="networkidle")
        link = page.get_by_role("link", name=re.compile(r"ingest-\d{4}-\d\d-\d\dT\d\d:\d\d · 5 files")).first
        link.wait_for(timeout=30_000)
        link.click()
        page.get_by_text("Artifacts", exact=True).first.click()
        page.get_by_text("ingest-files", exact=True).first.wait_for(timeout=30_000)
        page.get_by_text("ingest-dq", exact=True).first.wait_for(timeout=30_000)
        page.screenshot(path=str(OUT / "ui-run-artifacts.png"), full_page=True)
        run_url = page.url

        page.get_by_text("ingest-files", exact=True).first.click()
        page.get_by_text("井陉县科学技术协会").first.wait_for(timeout=30_000)
        body = page.inner_text("body")
        assert "loaded" in body and "620723" in body
        page.screenshot(path=str(OUT / "ui-file-table.png"), full_page=True)

        page.goto(run_url, wait_until="networkidle")
        page.get_by_text("Artifacts", exact=True).first.click()
        page.get_by_text("ingest-dq", exact=True).first.click()
        page.get_by_text("report_date_consistent_with_year").first.wait_for(timeout=30_000)
        assert "临泽县科学技术协会" in page.inner_text("body")
        page.screenshot(path=str(OUT / "ui-dq.png"), full_page=True)
        browser.close()
