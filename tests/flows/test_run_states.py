"""A run's Prefect state and name say what happened; a failed run tells the maintainers; killed runs are closed."""

from __future__ import annotations

import email
import json
import shutil
import socket
import subprocess
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from aiosmtpd.controller import Controller
from sqlalchemy import text

from tests.support import seed


def run_state(home: Path, db_url: str) -> Any:
    from prefect.settings import PREFECT_FLOWS_HEARTBEAT_FREQUENCY, temporary_settings

    from flows.ingest import ingest

    with temporary_settings({PREFECT_FLOWS_HEARTBEAT_FREQUENCY: None}):
        return ingest(home=str(home), database_url=db_url, workers=1, return_state=True)


def flow_run_name(state: Any) -> str:
    from prefect.client.orchestration import get_client

    with get_client(sync_client=True) as client:
        return str(client.read_flow_run(state.state_details.flow_run_id).name)


class Mailbox:
    def __init__(self) -> None:
        self.messages: list[email.message.Message] = []

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:  # aiosmtpd's hook name
        self.messages.append(email.message_from_bytes(envelope.content))
        return "250 OK"


@pytest.fixture
def mailbox(monkeypatch: pytest.MonkeyPatch) -> Iterator[Mailbox]:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = int(s.getsockname()[1])
    box = Mailbox()
    controller = Controller(box, hostname="127.0.0.1", port=port)
    controller.start()
    monkeypatch.setenv(
        "JIXIAO_ALERT_URLS", f"mailto://127.0.0.1:{port}?from=jx@example.org&to=ops@example.org&mode=insecure"
    )
    yield box
    controller.stop()


def text_part(msg: email.message.Message) -> str:
    part = next(p for p in msg.walk() if p.get_content_type() == "text/plain")
    return part.get_payload(decode=True).decode(part.get_content_charset() or "utf-8")  # type: ignore[union-attr]


@pytest.mark.usefixtures("prefect_api")
@pytest.mark.parametrize(
    ("files", "fail_setting", "state_type", "state_name", "name_part"),
    [
        pytest.param(["000"], "false", "COMPLETED", "Completed", "· 1 file", id="clean-run-plain-completed"),
        pytest.param(
            ["004"], "false", "COMPLETED", "Completed with DQ errors", "DQ error", id="dq-error-named-state"
        ),
        pytest.param(
            ["004"], "true", "FAILED", "Failed with DQ errors", "DQ error", id="dq-error-fails-when-asked"
        ),
        pytest.param(
            ["junk"],
            "false",
            "COMPLETED",
            "Completed, all quarantined",
            "· 1 quarantined",
            id="all-quarantined",
        ),
    ],
)
def test_state_and_name_say_what_happened(
    home: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    files: list[str],
    fail_setting: str,
    state_type: str,
    state_name: str,
    name_part: str,
) -> None:
    monkeypatch.setenv("JIXIAO_FAIL_ON_DQ_ERRORS", fail_setting)
    monkeypatch.delenv("JIXIAO_ALERT_URLS", raising=False)
    for f in files:
        if f == "junk":
            (home / "inbox" / "菜单.txt").write_text("今天的午饭是面条。" * 5, encoding="utf-8")
        else:
            shutil.copy2(seed(f), home / "inbox")
    state = run_state(home, f"sqlite:///{tmp_path / 's.db'}")
    assert (state.type.value, state.name) == (state_type, state_name)
    assert name_part in flow_run_name(state)
    summary = state.result(raise_on_failure=False)
    assert summary["state"] == state_name and sum(summary["by_status"].values()) == 1


@pytest.mark.usefixtures("prefect_api")
def test_a_failed_run_alerts_with_its_files_and_error(home: Path, tmp_path: Path, mailbox: Mailbox) -> None:
    shutil.copy2(seed("000"), home / "inbox" / "待处理.txt")
    # The archive cannot be created: the run fails before any file is touched.
    shutil.rmtree(home / "archive")
    (home / "archive").write_text("not a folder", encoding="utf-8")
    state = run_state(home, f"sqlite:///{tmp_path / 'f.db'}")
    assert state.is_failed() and state.name == "Failed"
    (msg,) = mailbox.messages
    body = text_part(msg)
    assert "入库运行失败" in str(email.header.make_header(email.header.decode_header(msg["Subject"])))
    assert "待处理.txt" in body and "FileExistsError" in body and "Traceback" not in body
    assert flow_run_name(state) in body
    assert (home / "inbox" / "待处理.txt").exists()


@pytest.mark.usefixtures("prefect_api")
@pytest.mark.parametrize(
    ("owner_alive", "closed"),
    [
        pytest.param(False, True, id="killed-run-closed"),
        pytest.param(True, False, id="live-run-left-alone"),
    ],
)
def test_next_run_closes_runs_of_killed_processes(
    home: Path, tmp_path: Path, owner_alive: bool, closed: bool
) -> None:
    from jixiao.db.engine import get_engine

    db_url = f"sqlite:///{tmp_path / 'k.db'}"
    proc = subprocess.Popen(["sleep", "60"])
    if not owner_alive:
        proc.kill()
        proc.wait()
    engine = get_engine(db_url)
    owner = json.dumps({"state": "running", "owner": f"{socket.gethostname()}:{proc.pid}"})
    with engine.begin() as conn:
        conn.execute(
            text(
                "insert into ingest_run (id, started_at, n_files, summary) "
                "values ('old-run', CURRENT_TIMESTAMP, 3, :s)"
            ),
            {"s": owner},
        )
    shutil.copy2(seed("000"), home / "inbox")
    try:
        run_state(home, db_url)
    finally:
        proc.kill()
        proc.wait()
    with engine.connect() as conn:
        finished, summary = conn.execute(
            text("select finished_at, summary from ingest_run where id = 'old-run'")
        ).one()
    assert (finished is not None) is closed
    assert (json.loads(summary)["state"] == "Killed") is closed
