"""`jixiao browse` in headless Chromium, on SQLite and PostgreSQL: the faceted list, a report page with the
value marked inside its source sentence, hostile markup shown as text, versions, and a unit's years side by side.

The server is the real command in its own process; screenshots land in test-output/.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.cli.corpus import HOSTILE, Corpus, loaded_corpus
from tests.support import ROOT

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
OUT = ROOT / "test-output"
ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture(scope="module", params=["sqlite", "postgres"])
def site(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory, prefect_api: None
) -> Iterator[tuple[str, str]]:
    """(base URL, database kind) of a running `jixiao browse` over the loaded corpus."""
    admin = request.getfixturevalue("pg_server") if request.param == "postgres" else None
    saved = dict(os.environ)
    with loaded_corpus(request.param, tmp_path_factory.mktemp(f"browse-{request.param}"), admin) as corpus:
        os.environ.clear()
        os.environ.update(saved)
        yield from _serve(corpus, request.param)


def _serve(corpus: Corpus, kind: str) -> Iterator[tuple[str, str]]:
    port = _free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith("JIXIAO_")}
    proc = subprocess.Popen(
        [sys.executable, "-m", "jixiao_cli.main", "browse", *corpus.args(), "--port", str(port)],
        env={**env, "PYTHONPATH": str(ROOT)},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        start_new_session=True,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                with urllib.request.urlopen(base + "/", timeout=2) as r:
                    if r.status == 200:
                        break
            except OSError:
                pass
            assert proc.poll() is None, (proc.stderr.read() if proc.stderr else b"").decode()
            assert time.monotonic() < deadline, "jixiao browse did not answer within 60 s"
            time.sleep(0.3)
        yield base, kind
    finally:
        os.killpg(proc.pid, 15)
        proc.wait(timeout=30)


@pytest.fixture(scope="module")
def browser() -> Iterator[object]:
    from playwright.sync_api import sync_playwright

    assert Path(CHROMIUM).exists(), "Debian's chromium is required (apt-get install -y chromium)"
    OUT.mkdir(exist_ok=True)
    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        yield b
        b.close()


def _rows(page: object) -> list[str]:
    return page.locator("#reports tbody tr").all_inner_texts()  # type: ignore[attr-defined, no-any-return]


@pytest.mark.browser
def test_list_with_facets(site: tuple[str, str], browser: object) -> None:
    base, kind = site
    page = browser.new_page(viewport={"width": 1400, "height": 900})  # type: ignore[attr-defined]
    page.goto(base + "/")
    assert len(_rows(page)) == 6
    province = page.locator('[data-facet="province"]')
    assert "河北省" in province.inner_text() and "甘肃省" in province.inner_text()
    province.get_by_role("link", name="甘肃省").click()
    page.wait_for_url("**/?province=*")
    rows = _rows(page)
    assert len(rows) == 2 and all("临泽县科学技术协会" in r for r in rows)
    page.screenshot(path=str(OUT / f"browse-list-gansu-{kind}.png"), full_page=True)
    page.locator('[data-facet="dq"]').get_by_role("link", name="未通过").click()
    assert len(_rows(page)) == 2 and "dq=failed" in page.url
    page.goto(base + "/?year=1999")
    assert "没有符合筛选条件的报告" in page.locator("#empty").inner_text()
    page.goto(base + "/")
    page.locator('[data-facet="year"]').get_by_role("link", name="2019").click()
    page.wait_for_url("**/?year=2019*")
    rows = _rows(page)
    assert len(rows) == 1 and "香河县科学技术协会" in rows[0]
    page.screenshot(path=str(OUT / f"browse-list-{kind}.png"), full_page=True)
    page.close()


@pytest.mark.browser
def test_report_page_marks_each_value_in_its_sentence_and_compares_years(
    site: tuple[str, str], browser: object
) -> None:
    base, kind = site
    page = browser.new_page(viewport={"width": 1400, "height": 1000})  # type: ignore[attr-defined]
    page.goto(base + "/?province=甘肃省&year=2022")
    page.locator("#reports tbody a").first.click()
    page.wait_for_url("**/report/*")
    assert "临泽县科学技术协会 · 2022 年度" in page.locator("h1").inner_text()
    date_row = page.locator('#figures tr[data-field="report_date"]')
    assert "2022年3月15日" in date_row.locator("mark").inner_text()
    score = page.locator('#figures tr[data-field="score"]')
    assert score.count() == 1
    marked = score.locator("td.src mark").inner_text()
    assert marked in score.locator("td.src").inner_text() and any(ch.isdigit() for ch in marked)
    assert page.locator("#figures mark").count() >= 5
    assert "report_date_consistent_with_year" in page.locator("#dq").inner_text()
    versions = page.locator("#versions tbody tr").all_inner_texts()
    assert len(versions) == 2
    assert any("当前" in v and "2022-03-15" in v for v in versions)
    assert any("已替代" in v and "报告日期较新" in v for v in versions)
    headers = page.locator("#yoy thead th").all_inner_texts()
    assert headers[1:3] == ["2021", "2022"] and headers[-1] == "较上年"
    page.screenshot(path=str(OUT / f"browse-report-{kind}.png"), full_page=True)

    page.locator("#yoy thead").get_by_role("link", name="2021").click()
    page.wait_for_url("**/report/*")
    assert "2021 年度" in page.locator("h1").inner_text()
    # The 2021 report carries markup in a figure's sentence: it shows as text and never runs.
    figures = page.locator("#figures")
    assert HOSTILE in figures.inner_text()
    assert figures.locator("img").count() == 0 and page.title() != "pwned"
    page.screenshot(path=str(OUT / f"browse-hostile-{kind}.png"), full_page=True)
    page.close()


@pytest.mark.parametrize(
    ("path", "host", "status"),
    [
        pytest.param("/", "127.0.0.1", 200, id="list-answers-on-loopback"),
        pytest.param("/report/999999", "127.0.0.1", 404, id="unknown-report-is-404"),
        pytest.param("/", "attacker.example", 400, id="foreign-host-header-refused"),
        pytest.param("/?year=abc", "127.0.0.1", 400, id="bad-year-is-400"),
    ],
)
def test_requests_outside_the_browser(site: tuple[str, str], path: str, host: str, status: int) -> None:
    base, _ = site
    req = urllib.request.Request(base + path, headers={"Host": host})
    try:
        with urllib.request.urlopen(req, timeout=10) as r:
            code, headers = r.status, r.headers
    except urllib.error.HTTPError as exc:
        code, headers = exc.code, exc.headers
    assert code == status
    if status != 400 or host == "127.0.0.1":
        assert "default-src 'none'" in headers.get("Content-Security-Policy", "")
