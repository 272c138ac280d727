"""Errors reach the operator as one line naming the cause (exit != 0); --debug shows the trace."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text

from jixiao_cli.env import describe_error
from tests.support import seed


def cli(args: list[str], home: Path) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("JIXIAO_")} | {"JIXIAO_HOME": str(home)}
    return subprocess.run(
        [sys.executable, "-m", "jixiao_cli.main", *args], env=env, capture_output=True, text=True, timeout=120
    )


@pytest.mark.parametrize(
    ("debug", "traceback_shown"),
    [
        pytest.param([], False, id="one-line-by-default"),
        pytest.param(["--debug"], True, id="debug-shows-the-trace"),
    ],
)
def test_a_crash_is_one_line_unless_debug(tmp_path: Path, debug: list[str], traceback_shown: bool) -> None:
    home = tmp_path / "home"
    home.mkdir()
    (home / "archive").write_text("a file where the archive folder should be", encoding="utf-8")
    proc = cli([*debug, "ingest", str(seed("000"))], home)
    assert proc.returncode == 1
    assert ("Traceback" in proc.stderr) is traceback_shown
    if not traceback_shown:
        lines = [line for line in proc.stderr.splitlines() if line.strip()]
        assert lines[0].startswith("error: FileExistsError") and "archive" in lines[0]
        assert len(lines) <= 3, proc.stderr
        assert "Traceback" in (home / "logs" / "jixiao.log").read_text(encoding="utf-8")


def _operational_error() -> BaseException:
    try:
        with create_engine("postgresql+psycopg://nobody@127.0.0.1:1/nothing").connect() as conn:
            conn.execute(text("select 1"))
    except Exception as exc:
        return exc
    raise AssertionError("port 1 accepted a connection")


@pytest.mark.parametrize(
    ("make", "start"),
    [
        pytest.param(_operational_error, "the database is unreachable", id="database-outage-named"),
        pytest.param(
            lambda: OSError(28, "No space left on device"), "the disk is full", id="full-disk-named"
        ),
        pytest.param(lambda: KeyError("x"), "KeyError: 'x'", id="anything-else-by-type"),
    ],
)
def test_causes_are_named(make: object, start: str) -> None:
    exc = make()  # type: ignore[operator]  # a factory from the parameters
    line = describe_error(exc)
    assert line.startswith(start) and "\n" not in line


START_TOO_SOON = """
import psutil
from jixiao_cli.env import PrefectStartError, ensure_prefect_api
try:
    ensure_prefect_api(timeout_s=0.2)
except PrefectStartError as exc:
    print(str(exc))
left = [p for p in psutil.Process().children(recursive=True) if "create_app" in " ".join(p.cmdline())]
print("servers left:", len(left))
"""


@pytest.mark.parametrize(
    ("api_url", "fails"),
    [
        pytest.param(None, True, id="server-too-slow-one-line-no-orphan"),
        pytest.param("http://127.0.0.1:9/api", False, id="configured-api-starts-nothing"),
    ],
)
def test_prefect_start(tmp_path: Path, api_url: str | None, fails: bool) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith("PREFECT_")}
    env |= {"PREFECT_HOME": str(tmp_path / "prefect"), "PREFECT_SERVER_ANALYTICS_ENABLED": "false"}
    if api_url:
        env["PREFECT_API_URL"] = api_url
    proc = subprocess.run(
        [sys.executable, "-c", START_TOO_SOON], env=env, capture_output=True, text=True, timeout=120
    )
    out = proc.stdout.splitlines()
    assert out[-1] == "servers left: 0", proc.stdout + proc.stderr
    assert (len(out) == 2 and "did not start within 0 s" in out[0]) is fails
