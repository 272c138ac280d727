"""Messages for maintainers, delivered through apprise (e-mail, DingTalk, WeCom, webhooks…).

Two kinds: the data-quality digest of a run, and the notice that a run failed or crashed. Each is rendered
twice: plain text (webhooks, chat, and the text part of a mail) and HTML (the mail a person reads: a table
per failing report, clickable links). Everything shown that came from a report is HTML-escaped.
"""

from __future__ import annotations

import html
import logging
import time
import tomllib
from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from typing import NamedTuple

from jixiao.quality import CheckOutcome

log = logging.getLogger(__name__)

MAIL_SCHEMES = ("mailto://", "mailtos://")


@dataclass(frozen=True)
class ReportInfo:
    unit_name: str
    fiscal_year: int | None
    file_name: str
    status: str | None = None  # loaded, duplicate or quarantined: was the report loaded?


class Message(NamedTuple):
    """(title, plain text, HTML); ``send_digest(urls, *message)`` delivers it."""

    title: str
    body: str
    html: str | None = None


@lru_cache(maxsize=1)
def _texts() -> dict[str, dict[str, str]]:
    raw = resources.files("jixiao").joinpath("alert_texts.toml").read_text(encoding="utf-8")
    return tomllib.loads(raw)


def what_is_wrong(check_id: str) -> str:
    return _texts()["checks"].get(check_id, check_id)


def status_text(status: str | None) -> str:
    return _texts()["status"].get(status or "", "入库状态未知")


def _evidence(message: str) -> tuple[str, str]:
    """(the check's own message, the 原文 quotes) — with_evidence appends ``· 原文 「…」`` to the message."""
    head, sep, quotes = message.partition(" · 原文 ")
    return head, quotes if sep else ""


def _level(o: CheckOutcome) -> str:
    if o.status == "check_error":
        return "检查本身出错"
    return {"error": "错误", "warning": "警告"}[o.severity]


def _page(title: str, parts: list[str]) -> str:
    style = (
        "body{font-family:'Microsoft YaHei','Noto Sans CJK SC',sans-serif;color:#222}"
        "table{border-collapse:collapse;margin:6px 0 16px}th,td{border:1px solid #bbb;padding:4px 8px;"
        "text-align:left;vertical-align:top}th{background:#f2f2f2}.code{font-family:monospace}.err{color:#b00020}.warn{color:#8a5a00}"
    )
    return (
        f'<!DOCTYPE html><html lang="zh-CN"><head><meta charset="utf-8"><title>{html.escape(title)}</title>'
        f"<style>{style}</style></head><body>{''.join(parts)}</body></html>"
    )


def _link(url: str) -> str:
    u = html.escape(url, quote=True)
    return f'<a href="{u}">{u}</a>'


def _wanted(outcomes: Sequence[CheckOutcome], include_warnings: bool) -> list[CheckOutcome]:
    return [
        o
        for o in outcomes
        if o.status == "check_error" or (o.status == "fail" and (o.severity == "error" or include_warnings))
    ]


def _report_head(info: ReportInfo | None) -> str:
    if info is None:
        return "批次级检查（不针对单份报告）"
    year = f"{info.fiscal_year}年度" if info.fiscal_year else "年度未知"
    return f"单位：{info.unit_name}　{year}　文件：{info.file_name}　（{status_text(info.status)}）"


def _finding(o: CheckOutcome) -> tuple[list[str], str]:
    """One failing check as plain-text lines and as a table row."""
    message, quotes = _evidence(o.message)
    wrong = what_is_wrong(o.check_id)
    lines = [
        f"  - [{_level(o)}] {wrong}（check: {o.check_id}）",
        f"    实际值 (observed): {o.observed or '—'}；期望 (expected): {o.expected or '—'}",
        f"    说明：{message}",
        *([f"    原文：{quotes}"] if quotes else []),
    ]
    css = "err" if o.severity == "error" or o.status == "check_error" else "warn"
    # Each cell names what it holds, so the mail's plain-text part (made from this HTML by apprise,
    # one cell a line) reads as well as the table.
    row = (
        f'<tr><td class="{css}">【{html.escape(_level(o))}】{html.escape(wrong)}</td>'
        f"<td>原文证据：{html.escape(quotes) or '—'}</td>"
        f"<td>实际值：{html.escape(o.observed or '—')}；期望：{html.escape(o.expected or '—')}</td>"
        f"<td>说明：{html.escape(message)}（检查项 <span class=code>{html.escape(o.check_id)}</span>）</td></tr>"
    )
    return lines, row


def _actions(run_id: str, flow_run_url: str | None) -> tuple[list[str], str]:
    """What to do next: the command for the details, the review queue, the run in the Prefect UI."""
    dq_cmd = f"jixiao dq --failed --run {run_id}"
    lines = [f"查看详情：{dq_cmd}", "单位匹配待人工确认的报告：jixiao review"]
    items = [
        f"<li>查看详情：<span class=code>{html.escape(dq_cmd)}</span></li>",
        "<li>单位匹配待人工确认：<span class=code>jixiao review</span></li>",
    ]
    if flow_run_url:
        lines.append(f"Prefect 运行记录：{flow_run_url}")
        items.append(f"<li>Prefect 运行记录：{_link(flow_run_url)}</li>")
    return lines, "<h3>如何处理</h3><ul>" + "".join(items) + "</ul>"


def render_digest(
    outcomes: Sequence[CheckOutcome],
    reports: Mapping[int, ReportInfo],
    *,
    run_id: str,
    flow_run_url: str | None,
    include_warnings: bool = False,
) -> Message | None:
    """The data-quality digest in Chinese (check ids kept for searching); None when nothing needs a person.

    HTML: a heading and a table per failing report; plain text: the same, one finding a few lines.
    """
    wanted = _wanted(outcomes, include_warnings)
    if not wanted:
        return None
    by_report: dict[int | None, list[CheckOutcome]] = defaultdict(list)  # by source file id
    for o in wanted:
        by_report[o.file_id].append(o)
    n_reports = len([k for k in by_report if k is not None])
    title = f"[jixiao] 数据质量告警：{n_reports} 份报告 {len(wanted)} 项检查未通过（run {run_id}）"
    lines = [f"jixiao 入库运行 {run_id} 的数据质量检查发现以下问题：", ""]
    parts = [
        f"<h2>{html.escape(title)}</h2>",
        f"<p>jixiao 入库运行 <b>{html.escape(run_id)}</b> 的数据质量检查发现以下问题。</p>",
    ]
    for key, items in by_report.items():
        head = _report_head(reports.get(key) if key is not None else None)
        lines.append(f"■ {head}")
        parts.append(f"<h3>{html.escape(head)}</h3>")
        rows = []
        for o in items:
            text, row = _finding(o)
            lines += text
            rows.append(row)
        parts.append("<table>" + "".join(rows) + "</table>")
        lines.append("")
    act_lines, act_html = _actions(run_id, flow_run_url)
    return Message(title, "\n".join(lines + act_lines), _page(title, [*parts, act_html]))


def render_failure(
    *,
    run_name: str,
    run_id: str | None,
    error: str,
    inbox_files: Sequence[str],
    flow_run_url: str | None,
    state_name: str = "Failed",
) -> Message:
    """A run failed or crashed: which run, the error's first line, the files still waiting, where to look."""
    first = next((line.strip() for line in error.splitlines() if line.strip()), "（无错误信息）")
    title = f"[jixiao] 入库运行失败：{run_name}（{state_name}）"
    waiting = list(inbox_files)
    lines = [
        f"jixiao 入库运行 {run_name} 以 {state_name} 结束。",
        f"运行编号：{run_id or '未分配'}",
        f"错误：{first}",
        f"收件箱中仍有 {len(waiting)} 个文件待处理（下次运行会重新处理）：",
        *[f"  - {name}" for name in waiting[:50]],
        *([f"  … 另有 {len(waiting) - 50} 个"] if len(waiting) > 50 else []),
        "",
        "处理：修复原因后执行 jixiao ingest（或等待下一次定时运行）；完整错误见运行日志。",
    ]
    parts = [
        f"<h2>{html.escape(title)}</h2>",
        "<table>",
        f"<tr><th>运行</th><td>{html.escape(run_name)}</td></tr>",
        f"<tr><th>运行编号</th><td>{html.escape(run_id or '未分配')}</td></tr>",
        f"<tr><th>状态</th><td>{html.escape(state_name)}</td></tr>",
        f'<tr><th>错误</th><td class="err">{html.escape(first)}</td></tr>',
        "</table>",
        f"<p>收件箱中仍有 {len(waiting)} 个文件待处理（下次运行会重新处理）：</p>",
        "<ul>" + "".join(f"<li>{html.escape(n)}</li>" for n in waiting[:50]) + "</ul>",
        "<p>处理：修复原因后执行 <span class=code>jixiao ingest</span>（或等待下一次定时运行）；完整错误见运行日志。</p>",
    ]
    if flow_run_url:
        lines.append(f"Prefect 运行记录：{flow_run_url}")
        parts.append(f"<p>Prefect 运行记录：{_link(flow_run_url)}</p>")
    return Message(title, "\n".join(lines), _page(title, parts))


def send_digest(
    urls: Sequence[str],
    title: str,
    body: str,
    html_body: str | None = None,
    *,
    attempts: int = 3,
    backoff_s: float = 1.0,
) -> bool:
    """Deliver to every URL (mail gets the HTML, with a plain-text part); retried with backoff, never raises."""
    try:
        import apprise
    except ImportError:  # pragma: no cover - apprise is a pinned dependency
        log.error("apprise is not installed: cannot send alerts")
        return False
    mail = [u for u in urls if u.lower().startswith(MAIL_SCHEMES)] if html_body else []
    other = [u for u in urls if u not in mail]
    ok = True
    for group, text, fmt in (
        (mail, html_body or body, apprise.NotifyFormat.HTML),
        (other, body, apprise.NotifyFormat.TEXT),
    ):
        if group:
            ok = _deliver(apprise, group, title, text, fmt, attempts, backoff_s) and ok
    return ok


def _deliver(
    apprise: object, urls: Sequence[str], title: str, body: str, fmt: object, attempts: int, backoff_s: float
) -> bool:
    notifier = apprise.Apprise()  # type: ignore[attr-defined]  # the module, imported lazily above
    for url in urls:
        if not notifier.add(url):
            log.error("alert URL not understood by apprise: %s", url.split("?", 1)[0])
    if len(notifier) == 0:
        return False
    for attempt in range(1, attempts + 1):
        try:
            if notifier.notify(title=title, body=body, body_format=fmt):
                return True
        except Exception as exc:  # a broken notifier plugin must not fail the ingest
            log.error("alert delivery raised %s", exc)
        log.warning("alert delivery failed (attempt %d of %d)", attempt, attempts)
        if attempt < attempts:
            time.sleep(backoff_s * attempt)
    log.error("alert could not be delivered after %d attempts", attempts)
    return False
