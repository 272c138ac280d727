"""When `jixiao ingest` sends its run to the resident runner, and when it runs the flow in its own process: the
runner serves only jixiao's own background server; any API of the user's keeps the run in the command."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from jixiao_cli import runner_state


@pytest.mark.parametrize(
    ("env", "profile", "wanted"),
    [
        pytest.param({}, None, True, id="default-set-up-uses-the-runner"),
        pytest.param(
            {"PREFECT_API_URL": "http://127.0.0.1:9/api"}, None, False, id="user-api-url-in-process"
        ),
        pytest.param({"JIXIAO_PREFECT_SERVER": "temporary"}, None, False, id="temporary-server-in-process"),
        pytest.param({"JIXIAO_RUNNER": "off"}, None, False, id="runner-off-in-process"),
        pytest.param({}, 'PREFECT_API_URL = "http://x:1/api"\n', False, id="profile-with-an-api-in-process"),
        pytest.param(
            {}, "PREFECT_LOGGING_LEVEL = 'INFO'\n", True, id="profile-without-an-api-uses-the-runner"
        ),
    ],
)
def test_runner_wanted(tmp_path: Path, env: dict[str, str], profile: str | None, wanted: bool) -> None:
    drop = ("PREFECT_API_URL", "JIXIAO_PREFECT_SERVER", "JIXIAO_RUNNER", "PREFECT_PROFILES_PATH")
    run_env = {k: v for k, v in os.environ.items() if k not in drop} | {"PREFECT_HOME": str(tmp_path), **env}
    if profile is not None:
        (tmp_path / "profiles.toml").write_text(f"[profiles.default]\n{profile}")
    # A new process, as a command is: no Prefect imported, no test harness in its settings.
    out = subprocess.run(
        [sys.executable, "-c", "from jixiao_cli import runner_state; print(runner_state.wanted())"],
        env=run_env,
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    assert out.stdout.strip() == str(wanted)


@pytest.mark.parametrize(
    ("length", "inside"),
    [
        pytest.param(20, True, id="short-home-socket-in-prefect-home"),
        pytest.param(120, False, id="long-home-socket-in-the-temporary-folder"),
    ],
)
def test_socket_path_fits_a_unix_socket(tmp_path: Path, length: int, inside: bool) -> None:
    home = Path("/" + "h" * length)
    path = runner_state.socket_path(home)
    assert len(str(path)) < 108
    assert path.is_relative_to(home) is inside
