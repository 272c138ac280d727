"""Alerts delivered for real: a local SMTP server (aiosmtpd) and a local HTTP receiver."""

from __future__ import annotations

import email
import email.header
import json
import shutil
import socket
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, HTTPServer
from pathlib import Path
from typing import Any

import pytest
from aiosmtpd.controller import Controller

from jixiao.alerts import ReportInfo, render_digest, render_failure, send_digest
from jixiao.quality import CheckOutcome
from tests.support import ROOT


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class Inbox:
    def __init__(self) -> None:
        self.messages: list[email.message.Message] = []

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:  # aiosmtpd's hook name
        self.messages.append(email.message_from_bytes(envelope.content))
        return "250 OK"


@pytest.fixture
def smtp() -> Iterator[tuple[Inbox, int]]:
    handler = Inbox()
    port = free_port()
    controller = Controller(handler, hostname="127.0.0.1", port=port)
    controller.start()
    yield handler, port
    controller.stop()


@pytest.fixture
def http_receiver() -> Iterator[tuple[list[dict[str, Any]], int]]:
    received: list[dict[str, Any]] = []

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:  # http.server's hook name
            body = self.rfile.read(int(self.headers["Content-Length"]))
            received.append(json.loads(body))
            self.send_response(200)
            self.end_headers()

        def log_message(self, *args: Any) -> None:
            pass

    server = HTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield received, server.server_address[1]
    server.shutdown()


def subject_of(msg: email.message.Message) -> str:
    return str(email.header.make_header(email.header.decode_header(msg["Subject"])))


def body_of(msg: email.message.Message) -> str:
    part = next(p for p in msg.walk() if p.get_content_type() == "text/plain")
    return part.get_payload(decode=True).decode(part.get_content_charset() or "utf-8")  # type: ignore[union-attr]


FAIL = CheckOutcome(
    "consistency",
    "report_date_consistent_with_year",
    "error",
    "fail",
    7,
    "-326",
    "dated between 1 Dec of the fiscal year and 31 Dec of the next",
    "report_date_offset_days = -326 days outside that window",
)
WARN = CheckOutcome("consistency", "stated_rate_matches_figures", "warning", "fail", 8, "2", "agree", "off")
PASS = CheckOutcome("consistency", "shares_sum_to_100", "error", "pass", None, None, None, "ok")
INFOS = {7: ReportInfo("临泽县科学技术协会", 2022, "004.txt"), 8: ReportInfo("江华", 2024, "003.txt")}


@pytest.mark.parametrize(
    ("outcomes", "warnings", "alert"),
    [
        pytest.param([PASS], False, False, id="all-clean-no-alert"),
        pytest.param([PASS, WARN], False, False, id="warning-only-no-alert-by-default"),
        pytest.param([PASS, WARN], True, True, id="warning-alerts-when-asked"),
        pytest.param([FAIL, PASS], False, True, id="error-alerts"),
    ],
)
def test_when_to_alert(outcomes: list[CheckOutcome], warnings: bool, alert: bool) -> None:
    digest = render_digest(outcomes, INFOS, run_id="r1", flow_run_url=None, include_warnings=warnings)
    assert (digest is not None) is alert


def test_email_digest_reaches_a_real_smtp_server(smtp: tuple[Inbox, int]) -> None:
    inbox, port = smtp
    digest = render_digest(
        [FAIL, PASS], INFOS, run_id="run-42", flow_run_url="http://127.0.0.1:4200/runs/flow-run/x"
    )
    assert digest is not None
    url = f"mailto://127.0.0.1:{port}?from=jx@example.org&to=ops@example.org&mode=insecure"
    assert send_digest([url], *digest)
    assert len(inbox.messages) == 1
    msg = inbox.messages[0]
    assert "数据质量告警" in subject_of(msg)
    body = body_of(msg)
    for needle in (
        "临泽县科学技术协会",
        "2022年度",
        "004.txt",
        "report_date_consistent_with_year",
        "-326",
        "jixiao dq --failed --run run-42",
        "http://127.0.0.1:4200/runs/flow-run/x",
    ):
        assert needle in body


def test_json_webhook_receives_the_digest(http_receiver: tuple[list[dict[str, Any]], int]) -> None:
    received, port = http_receiver
    digest = render_digest([FAIL], INFOS, run_id="r2", flow_run_url=None)
    assert digest is not None
    assert send_digest([f"json://127.0.0.1:{port}/"], *digest)
    assert len(received) == 1
    assert "report_date_consistent_with_year" in received[0]["message"]
    assert "数据质量告警" in received[0]["title"]


def test_undeliverable_alert_returns_false_quickly() -> None:
    t0 = time.perf_counter()
    assert send_digest([f"json://127.0.0.1:{free_port()}/"], "t", "b", attempts=2, backoff_s=0.1) is False
    assert time.perf_counter() - t0 < 30


def html_of(msg: email.message.Message) -> str:
    part = next(p for p in msg.walk() if p.get_content_type() == "text/html")
    return part.get_payload(decode=True).decode(part.get_content_charset() or "utf-8")  # type: ignore[union-attr]


EVIDENCED = CheckOutcome(
    "consistency",
    "report_date_consistent_with_year",
    "error",
    "fail",
    7,
    "-326",
    "dated between 1 Dec of the fiscal year and 31 Dec of the next",
    "report_date_offset_days = -326 · 原文 「2022年1月9日」",
)
HOSTILE = ReportInfo("某某县科协<img src=x onerror=alert(1)>", 2023, "a|b.txt", status="quarantined")


@pytest.mark.parametrize(
    ("infos", "loaded_text", "escaped"),
    [
        pytest.param(
            {7: ReportInfo("临泽县科学技术协会", 2022, "004.txt", status="loaded")},
            "已入库",
            "临泽县科学技术协会",
            id="loaded-report-said-loaded",
        ),
        pytest.param({7: HOSTILE}, "已隔离，未入库", "&lt;img src=x", id="report-text-is-escaped-in-html"),
    ],
)
def test_mail_is_readable_html_with_a_plain_part(
    smtp: tuple[Inbox, int], infos: dict[str, ReportInfo], loaded_text: str, escaped: str
) -> None:
    inbox, port = smtp
    ui = "http://127.0.0.1:4200/runs/flow-run/abc"
    digest = render_digest([EVIDENCED, WARN, PASS], infos, run_id="run-7", flow_run_url=ui)
    assert digest is not None
    url = f"mailto://127.0.0.1:{port}?from=jx@example.org&to=ops@example.org&mode=insecure"
    assert send_digest([url], *digest)
    (msg,) = inbox.messages
    page = html_of(msg)
    # One table per failing report, the finding in Chinese, the 原文 evidence, loaded or not, a link to act.
    assert page.count("<table>") == 1 and "报告日期与评价年度不相符" in page
    assert "原文证据：" in page and "「2022年1月9日」" in page
    assert loaded_text in page and escaped in page
    assert "<img src=x" not in page
    assert f'<a href="{ui}">' in page and "jixiao dq --failed --run run-7" in page
    text = body_of(msg)
    assert not [tag for tag in ("<table", "<td", "<br", "<a ", "&lt;") if tag in text]
    for needle in (
        "报告日期与评价年度不相符",
        "2022年1月9日",
        loaded_text,
        ui,
        "jixiao dq --failed --run run-7",
    ):
        assert needle in text, needle


@pytest.mark.parametrize(
    ("waiting", "shown"),
    [
        pytest.param(["a.txt", "子目录/b.docx"], "仍有 2 个文件", id="files-left-in-inbox-listed"),
        pytest.param([], "仍有 0 个文件", id="nothing-left-says-so"),
    ],
)
def test_failure_notice_reaches_a_real_smtp_server(
    smtp: tuple[Inbox, int], waiting: list[str], shown: str
) -> None:
    inbox, port = smtp
    notice = render_failure(
        run_name="ingest-2026-11-30T22:00 · 2 files",
        run_id="20261130T220000-abc123",
        error="OperationalError: connection refused\nTraceback (most recent call last): …",
        inbox_files=waiting,
        flow_run_url="http://127.0.0.1:4200/runs/flow-run/f1",
        state_name="Crashed",
    )
    url = f"mailto://127.0.0.1:{port}?from=jx@example.org&to=ops@example.org&mode=insecure"
    assert send_digest([url], *notice)
    (msg,) = inbox.messages
    assert "入库运行失败" in subject_of(msg) and "Crashed" in subject_of(msg)
    text = body_of(msg)
    assert "OperationalError: connection refused" in text and "Traceback" not in text
    assert shown in text and all(name in text for name in waiting)
    assert "http://127.0.0.1:4200/runs/flow-run/f1" in text
    assert '<a href="http://127.0.0.1:4200/runs/flow-run/f1">' in html_of(msg)


# ---------------------------------------------------------------------------------------------- the mail in a browser

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
OUT = ROOT / "test-output"
ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-sync",
]
SECOND = CheckOutcome(
    "parsed",
    "shares_sum_to_100",
    "error",
    "fail",
    8,
    "92.5",
    "人员经费占比 + 公用经费占比 = 100",
    "personnel_share + public_share = 92.5 · 原文 「人员经费占比61.99%」",
)
TWO = {
    7: ReportInfo("临泽县科学技术协会", 2022, "004.txt", status="loaded"),
    8: ReportInfo("江华瑶族自治县科学技术协会", 2024, "003.txt", status="loaded"),
}


@pytest.fixture
def run_page() -> Iterator[str]:
    """A local stand-in for the Prefect UI's run page, so following the mail's link can be checked."""

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:  # http.server's hook name
            body = b"<html><head><title>flow run page</title></head><body>run</body></html>"
            self.send_response(200)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args: Any) -> None:
            pass

    server = HTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_address[1]}/runs/flow-run/abc"
    server.shutdown()


def mail_problems(page: Any, reports: dict[str, ReportInfo], link: str) -> list[str]:
    """What a reader of the rendered mail would miss: a visible table per failing report, a link that works."""
    problems = []
    tables = page.locator("table")
    if tables.count() != len(reports):
        problems.append(f"{tables.count()} table(s) for {len(reports)} failing report(s)")
    for i, info in enumerate(reports.values()):
        heading = page.locator("h3", has_text=info.unit_name)
        if heading.count() != 1 or not heading.is_visible():
            problems.append(f"no visible heading for {info.unit_name}")
        elif i < tables.count() and not tables.nth(i).is_visible():
            problems.append(f"the table of {info.unit_name} is not visible")
    anchor = page.locator(f'a[href="{link}"]')
    if anchor.count() != 1 or not anchor.is_visible():
        return [*problems, "no visible link to the run"]
    anchor.click()
    page.wait_for_load_state()
    if page.url != link or page.title() != "flow run page":
        problems.append(f"the link led to {page.url}")
    return problems


@pytest.mark.browser
@pytest.mark.parametrize(
    ("as_sent", "expect_problems"),
    [
        pytest.param("digest", [], id="html-part-has-a-table-per-report-and-a-working-link"),
        # The mail as it was before issue 16: the text body sent as the HTML part (one paragraph, no link).
        pytest.param(
            "text-as-html",
            ["0 table(s) for 2", "no visible heading", "no visible heading", "no visible link"],
            id="plain-text-as-html-fails",
        ),
    ],
)
def test_alert_mail_rendered_in_chromium(
    smtp: tuple[Inbox, int], run_page: str, as_sent: str, expect_problems: list[str]
) -> None:
    from playwright.sync_api import sync_playwright

    inbox, port = smtp
    digest = render_digest([FAIL, SECOND, PASS], TWO, run_id="run-9", flow_run_url=run_page)
    assert digest is not None
    sent = digest if as_sent == "digest" else digest._replace(html=digest.body)
    url = f"mailto://127.0.0.1:{port}?from=jx@example.org&to=ops@example.org&mode=insecure"
    assert send_digest([url], *sent)
    (msg,) = inbox.messages
    assert Path(CHROMIUM).exists(), "Debian's chromium is required (apt-get install -y chromium)"
    OUT.mkdir(exist_ok=True)
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        page = browser.new_page(viewport={"width": 1100, "height": 700})
        page.set_content(html_of(msg))
        page.screenshot(path=str(OUT / f"alert-mail-{as_sent}.png"), full_page=True)
        problems = mail_problems(page, TWO, run_page)
        browser.close()
    assert len(problems) == len(expect_problems), problems
    for found, expected in zip(problems, expect_problems, strict=True):
        assert found.startswith(expected), problems
