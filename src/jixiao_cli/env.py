"""Process environment the frameworks read at import time; set before Prefect or GX is imported."""

from __future__ import annotations

import os
from pathlib import Path


def prepare_environment(home: Path | None) -> None:
    """No network here and a clean terminal: analytics and progress bars off, Prefect's home under ours.

    A reused PREFECT_HOME starts the local Prefect server in ~6 s instead of ~14 s, so it lives in JIXIAO_HOME.
    Values the user set are kept.
    """
    base = Path(home or os.environ.get("JIXIAO_HOME") or "./jixiao-data").resolve()
    if home is not None:
        os.environ["JIXIAO_HOME"] = str(base)
    defaults = {
        "PREFECT_HOME": str(base / "prefect"),
        "PREFECT_SERVER_ANALYTICS_ENABLED": "false",
        "GX_ANALYTICS_ENABLED": "false",
        "PREFECT_LOGGING_HANDLERS_CONSOLE_LEVEL": "WARNING",
        "PREFECT_LOGGING_HANDLERS_CONSOLE_FLOW_RUNS_LEVEL": "WARNING",
        "PREFECT_LOGGING_HANDLERS_CONSOLE_TASK_RUNS_LEVEL": "WARNING",
        "PREFECT_UI_ENABLED": os.environ.get("PREFECT_UI_ENABLED", "false"),
        "TQDM_DISABLE": "1",
    }
    for key, value in defaults.items():
        os.environ.setdefault(key, value)
