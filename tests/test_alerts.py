"""Alerts delivered for real: a local SMTP server (aiosmtpd) and a local HTTP receiver."""

from __future__ import annotations

import email
import email.header
import json
import socket
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, HTTPServer
from typing import Any

import pytest
from aiosmtpd.controller import Controller

from jixiao.alerts import ReportInfo, render_digest, send_digest
from jixiao.quality import CheckOutcome


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
    "7",
    "-326",
    "dated between 1 Dec of the fiscal year and 31 Dec of the next",
    "report_date_offset_days = -326 days outside that window",
)
WARN = CheckOutcome("consistency", "stated_rate_matches_figures", "warning", "fail", "8", "2", "agree", "off")
PASS = CheckOutcome("consistency", "shares_sum_to_100", "error", "pass", None, None, None, "ok")
INFOS = {"7": ReportInfo("临泽县科学技术协会", 2022, "004.txt"), "8": ReportInfo("江华", 2024, "003.txt")}


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
