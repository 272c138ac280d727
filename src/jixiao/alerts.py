"""The data-quality digest for maintainers, delivered through apprise (e-mail, DingTalk, WeCom, webhooks…)."""

from __future__ import annotations

import logging
import time
from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from jixiao.quality import CheckOutcome

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class ReportInfo:
    unit_name: str
    fiscal_year: int | None
    file_name: str


def render_digest(
    outcomes: Sequence[CheckOutcome],
    reports: Mapping[str, ReportInfo],
    *,
    run_id: str,
    flow_run_url: str | None,
    include_warnings: bool = False,
) -> tuple[str, str] | None:
    """(title, body) in Chinese with check ids in English; None when nothing needs a maintainer."""
    wanted = [
        o
        for o in outcomes
        if o.status == "check_error" or (o.status == "fail" and (o.severity == "error" or include_warnings))
    ]
    if not wanted:
        return None
    by_report: dict[str | None, list[CheckOutcome]] = defaultdict(list)
    for o in wanted:
        by_report[o.report_id].append(o)
    n_reports = len([k for k in by_report if k is not None])
    title = f"[jixiao] 数据质量告警：{n_reports} 份报告 {len(wanted)} 项检查未通过（run {run_id}）"
    lines = [f"jixiao 入库运行 {run_id} 的数据质量检查发现以下问题：", ""]
    for key, items in by_report.items():
        info = reports.get(key) if key is not None else None
        if info is not None:
            year = f"{info.fiscal_year}年度" if info.fiscal_year else "年度未知"
            lines.append(f"■ 单位：{info.unit_name}　{year}　文件：{info.file_name}")
        else:
            lines.append("■ 批次级检查（不针对单份报告）")
        for o in items:
            level = (
                {"error": "错误", "warning": "警告"}[o.severity]
                if o.status != "check_error"
                else "检查本身出错"
            )
            lines.append(f"  - [{level}] check: {o.check_id}")
            lines.append(f"    实际值 (observed): {o.observed or '—'}；期望 (expected): {o.expected or '—'}")
            lines.append(f"    证据 (evidence): {o.message}")
        lines.append("")
    lines.append(f"查看详情：jixiao dq --failed --run {run_id}")
    if flow_run_url:
        lines.append(f"Prefect 运行记录：{flow_run_url}")
    return title, "\n".join(lines)


def send_digest(
    urls: Sequence[str], title: str, body: str, *, attempts: int = 3, backoff_s: float = 1.0
) -> bool:
    """Deliver to every URL; retried with backoff, logged on failure, never raises."""
    try:
        import apprise
    except ImportError:  # pragma: no cover - apprise is a pinned dependency
        log.error("apprise is not installed: cannot send alerts")
        return False
    notifier = apprise.Apprise()
    for url in urls:
        if not notifier.add(url):
            log.error("alert URL not understood by apprise: %s", url.split("?", 1)[0])
    if len(notifier) == 0:
        return False
    for attempt in range(1, attempts + 1):
        try:
            if notifier.notify(title=title, body=body):
                return True
        except Exception as exc:  # a broken notifier plugin must not fail the ingest
            log.error("alert delivery raised %s", exc)
        log.warning("alert delivery failed (attempt %d of %d)", attempt, attempts)
        if attempt < attempts:
            time.sleep(backoff_s * attempt)
    log.error("alert could not be delivered after %d attempts", attempts)
    return False
