"""``jixiao browse``: a local, read-only report browser for auditors (Starlette + server-side HTML).

Faceted lists of reports, and one page per report with each figure beside the sentence it was read from.
Everything taken from a report is hostile input: it reaches the page only through Jinja2's autoescaping,
and the pages load nothing from elsewhere (no CDN, inline CSS only, a Content-Security-Policy that says so).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence
from typing import Annotated, Any
from urllib.parse import urlencode

import typer

from jixiao_cli.output import DbOpt, HomeOpt, fail, read_engine, stdout_console

LOOPBACK = ("127.0.0.1", "localhost", "::1")
FACET_KEYS = ("province", "year", "type", "dq")
DQ_LABELS = {"failed": "未通过", "warning": "有警告", "passed": "通过"}
YOY_FIELDS = (
    "budget_initial",
    "income_total",
    "expenditure_total",
    "basic_expenditure",
    "personnel_expense",
    "public_expense",
    "project_expenditure",
    "execution_rate",
    "personnel_share",
    "public_share",
    "score",
    "grade",
    "staff_quota",
    "staff_actual",
)
SENTENCE_ENDS = "。；;\n！？"

CSS = """
body{font-family:"Noto Sans CJK SC","Microsoft YaHei",sans-serif;margin:0;color:#1f2933;background:#f7f9fb}
header{background:#243b53;color:#fff;padding:10px 20px}header a{color:#fff;text-decoration:none;font-weight:bold}
main{display:flex;gap:20px;padding:16px 20px}aside{min-width:210px}section{flex:1;min-width:0}
h1{font-size:20px;margin:4px 0 12px}h2{font-size:16px;margin:22px 0 8px}h3{font-size:14px;margin:12px 0 4px}
table{border-collapse:collapse;background:#fff;width:100%}th,td{border:1px solid #d9e2ec;padding:4px 8px;vertical-align:top}
th{background:#e4ecf5;text-align:left;font-weight:600}td.num{text-align:right;white-space:nowrap;font-variant-numeric:tabular-nums}
.facet ul{list-style:none;padding:0;margin:0 0 8px}.facet li{padding:1px 0}.facet a{text-decoration:none}
.facet .on{font-weight:bold}.count{color:#627d98;font-size:12px}
mark{background:#ffe066;padding:0 1px;font-weight:bold}.ev{text-decoration:underline;text-decoration-color:#f0b429}.src{color:#334e68}
.failed{color:#b42318;font-weight:bold}.warning{color:#b54708}.passed{color:#027a48}
.cur{color:#027a48;font-weight:bold}.old{color:#7b8794}.muted{color:#7b8794}.chips a{margin-right:8px}
"""

PAGE = """<!doctype html>
<html lang="zh-CN"><head><meta charset="utf-8"><title>{{ title }} · jixiao</title>
<style>{{ css }}</style></head><body>
<header><a href="/">jixiao 报告浏览</a> <span class="muted">只读 · 本机</span></header>
<main>{% block body %}{% endblock %}</main></body></html>"""

LIST = """{% extends "page" %}{% block body %}
<aside>
{% for facet in facets %}<div class="facet" data-facet="{{ facet.key }}"><h3>{{ facet.title }}</h3><ul>
{% for item in facet["items"] %}<li><a class="{{ 'on' if item.on else '' }}" href="{{ item.href }}">{{ item.label }}</a>
<span class="count">{{ item.n }}</span></li>{% endfor %}</ul></div>{% endfor %}
</aside>
<section><h1>报告（{{ reports|length }}）</h1>
{% if chips %}<p class="chips">筛选：{% for c in chips %}<a href="{{ c.href }}">{{ c.label }} ✕</a>{% endfor %}</p>{% endif %}
{% if not reports %}<p id="empty">{{ empty }}</p>{% else %}
<table id="reports"><thead><tr><th>编号</th><th>单位名称</th><th>省</th><th>年度</th><th>报告日期</th>
<th>支出合计(万元)</th><th>预算执行率(%)</th><th>自评得分</th><th>数据质量</th></tr></thead><tbody>
{% for r in reports %}<tr><td class="num">{{ r.report_id }}</td><td><a href="/report/{{ r.report_id }}">{{ r.unit_name or "（未写明）" }}</a></td>
<td>{{ r.province or "" }}</td><td class="num">{{ r.fiscal_year or "" }}</td><td>{{ r.report_date or "" }}</td>
<td class="num">{{ num(r.expenditure_total) }}</td><td class="num">{{ num(r.execution_rate) }}</td><td class="num">{{ num(r.score) }}</td>
<td class="{{ dq(r) }}">{{ dq_label(r) }}</td></tr>{% endfor %}</tbody></table>{% endif %}
</section>{% endblock %}"""

REPORT = """{% extends "page" %}{% block body %}<section>
<h1>{{ r.unit_name or "（未写明单位）" }} · {{ r.fiscal_year or "年度未写明" }} 年度</h1>
<p>报告编号 {{ r.report_id }} · 报告日期 {{ r.report_date or "未写明" }} ·
{{ r.province or "" }}{{ r.city or "" }}{{ r.county or "" }} · 行政区划代码 {{ r.adcode or "未匹配" }} ·
<span class="{{ 'cur' if r.is_current else 'old' }}">{{ "当前版本" if r.is_current else "已替代" }}</span>
· 来源文件 {{ r.source_files|join("；") or "—" }}</p>
<h2>数值与原文</h2>
<table id="figures"><thead><tr><th>字段</th><th>值</th><th>原文</th><th>页码</th></tr></thead><tbody>
{% for f in fields %}<tr data-field="{{ f.field }}"><td>{{ f.title }}</td><td class="num">{{ f.value }}{{ f.unit or "" }}</td>
<td class="src">{{ f.before }}<span class="ev">{{ f.pre }}{% if f.mark %}<mark>{{ f.mark }}</mark>{% endif %}{{ f.post }}</span>{{ f.after }}</td><td class="num">{{ f.page or "" }}</td></tr>{% endfor %}
</tbody></table>
<h2>数据质量</h2>
{% if not dq %}<p id="dq-empty">没有检查结果记录。</p>{% else %}
<table id="dq"><thead><tr><th>检查项</th><th>级别</th><th>结果</th><th>观测值</th><th>期望</th><th>说明</th></tr></thead><tbody>
{% for d in dq %}<tr><td>{{ d.check }}</td><td>{{ d.severity }}</td><td class="{{ 'passed' if d.status == 'pass' else 'failed' }}">{{ d.status }}</td>
<td>{{ d.observed or "" }}</td><td>{{ d.expected or "" }}</td><td>{{ d.message or "" }}</td></tr>{% endfor %}</tbody></table>{% endif %}
<h2>版本</h2>
<table id="versions"><thead><tr><th>编号</th><th>版本</th><th>报告日期</th><th>支出合计(万元)</th><th>替代原因</th><th>来源文件</th></tr></thead><tbody>
{% for v in versions %}<tr><td class="num"><a href="/report/{{ v.report_id }}">{{ v.report_id }}</a></td>
<td class="{{ 'cur' if v.is_current else 'old' }}">{{ "当前" if v.is_current else "已替代" }}</td><td>{{ v.report_date or "" }}</td>
<td class="num">{{ num(v.expenditure_total) }}</td><td>{{ v.version_reason or "" }}</td><td>{{ v.source_files|join("；") }}</td></tr>{% endfor %}
</tbody></table>
<h2>历年对比</h2>
{% if years|length < 2 %}<p id="yoy-empty">该单位只有这一个年度的报告。</p>{% endif %}
<table id="yoy"><thead><tr><th>字段</th>{% for y in years %}<th class="num"><a href="/report/{{ y.report_id }}">{{ y.fiscal_year or "?" }}</a></th>{% endfor %}
{% if years|length > 1 %}<th>较上年</th>{% endif %}</tr></thead><tbody>
{% for row in yoy %}<tr><td>{{ row.title }}</td>{% for v in row["values"] %}<td class="num">{{ v }}</td>{% endfor %}
{% if years|length > 1 %}<td class="num">{{ row.change }}</td>{% endif %}</tr>{% endfor %}</tbody></table>
</section>{% endblock %}"""


def num(value: Any) -> str:
    from jixiao_cli.output import fmt_cell

    return fmt_cell(value)


def _value_span(span: str, value: str) -> tuple[int, int] | None:
    """Where ``value`` is written inside the evidence ``span``: as stored, without trailing zeros, grouped."""
    if re.fullmatch(r"\d{4}-\d{2}(?:-\d{2})?", value):
        return 0, len(span)  # a date is written in words (2022年3月15日): the whole span is the value
    forms = [value]
    if re.fullmatch(r"-?\d+\.\d*", value):
        forms.append(value.rstrip("0").rstrip("."))
    if re.fullmatch(r"-?\d+(?:\.\d+)?", value):
        whole, _, frac = value.partition(".")
        forms.append(f"{int(whole):,}" + (f".{frac}" if frac else ""))
    for form in forms:
        at = span.find(form) if form else -1
        if at >= 0:
            return at, at + len(form)
    numbers = list(re.finditer(r"\d[\d,，.]*", span))
    if numbers:
        return numbers[-1].start(), numbers[-1].end()
    return None


def sentence(body: str, start: int, end: int, snippet: str, value: str) -> dict[str, str]:
    """The sentence around the evidence span [start, end): text before, the span's words with the value
    as written marked, and text after (each part escaped by the template)."""
    if body and 0 <= start < end <= len(body):
        lo = max(body.rfind(ch, 0, start) for ch in SENTENCE_ENDS) + 1
        hi_candidates = [i for ch in SENTENCE_ENDS if (i := body.find(ch, end)) != -1]
        hi = min(hi_candidates) + 1 if hi_candidates else len(body)
        lo, hi = max(lo, start - 160), min(hi, end + 160)
        before, span, after = body[lo:start].lstrip(), body[start:end], body[end:hi].rstrip()
    else:
        before, span, after = "", snippet, ""
    at = _value_span(span, value)
    if at is None:
        return {"before": before, "pre": span, "mark": "", "post": "", "after": after}
    return {
        "before": before,
        "pre": span[: at[0]],
        "mark": span[at[0] : at[1]],
        "post": span[at[1] :],
        "after": after,
    }


def _yoy(years: Sequence[Any]) -> list[dict[str, Any]]:
    from jixiao.db.public import field_title

    rows = []
    for key in YOY_FIELDS:
        values = [getattr(y, key) for y in years]
        if all(v is None for v in values):
            continue
        change = ""
        a, b = (values[-2], values[-1]) if len(values) > 1 else (None, None)
        if isinstance(a, int | float) and isinstance(b, int | float) and not isinstance(a, bool) and a:
            change = f"{(b - a) / abs(a):+.1%}"
        rows.append({"title": field_title(key), "values": [num(v) for v in values], "change": change})
    return rows


HEADERS = {
    "Content-Security-Policy": "default-src 'none'; style-src 'unsafe-inline'; img-src 'self'; form-action 'self'",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
}


def _renderer() -> Callable[..., Any]:
    """html(template, status=200, **context) → an HTML response; report text is always escaped."""
    from jinja2 import DictLoader, Environment, select_autoescape
    from markupsafe import Markup
    from starlette.responses import HTMLResponse

    from jixiao.db import queries

    env = Environment(
        loader=DictLoader({"page": PAGE, "list": LIST, "report": REPORT}),
        autoescape=select_autoescape(default=True, default_for_string=True),
    )
    env.globals.update(
        css=Markup(CSS),  # our own constant; everything from a report stays escaped
        num=num,
        dq=queries.dq_state,
        dq_label=lambda r: DQ_LABELS[queries.dq_state(r)],
    )

    def html(name: str, status: int = 200, **ctx: Any) -> Any:
        return HTMLResponse(env.get_template(name).render(**ctx), status_code=status, headers=HEADERS)

    return html


def _href(q: dict[str, str], **change: str | None) -> str:
    clean = {k: v for k, v in {**q, **change}.items() if v}
    return "/?" + urlencode(clean) if clean else "/"


def _facets(q: dict[str, str], counts: Any) -> list[dict[str, Any]]:
    """Each facet's values with their counts, most first; a chosen value links to its removal."""
    facets = []
    spec = [
        ("province", "省", counts.province, None),
        ("year", "年度", counts.year, None),
        ("type", "部门类型", counts.department_type, None),
        ("dq", "数据质量", counts.dq, DQ_LABELS),
    ]
    for key, title, counter, labels in spec:
        items = [
            {
                "label": (labels or {}).get(value, value),
                "n": n,
                "on": q.get(key) == value,
                "href": _href(q, **{key: None if q.get(key) == value else value}),
            }
            for value, n in sorted(counter.items(), key=lambda kv: (-kv[1], kv[0]))
        ]
        if items:
            facets.append({"key": key, "title": title, "items": items})
    return facets


def listing(engine: Any, html: Callable[..., Any], params: Mapping[str, str]) -> Any:
    """The faceted list of current reports."""
    from jixiao.db import queries
    from jixiao.errors import JixiaoError
    from jixiao_cli.filters import QUERY_KEYS, Filters
    from jixiao_cli.reads import build_filter

    q = {k: v for k, v in params.items() if k in QUERY_KEYS and v}
    error = {"title": "错误", "facets": [], "reports": [], "chips": []}
    try:
        filters = Filters.from_query(q)
    except ValueError:
        return html("list", 400, **error, empty=f"年度 {q.get('year')!r} 不是数字")
    try:
        every = queries.count_current(engine)
        shown = queries.reports(engine, build_filter(filters), evidence=False)
    except (JixiaoError, typer.Exit) as exc:
        return html("list", 400, **error, empty=str(exc))
    if q.get("province"):
        shown = [r for r in shown if r.province == q["province"]]
    if q.get("type"):
        shown = [r for r in shown if (r.department_type or "（未分类）") == q["type"]]
    empty = (
        "尚未载入任何报告：先运行 jixiao ingest PATH。"
        if not every
        else f"没有符合筛选条件的报告（共 {every} 份当前报告）；去掉一个筛选条件试试。"
    )
    chips = [{"label": f"{k}={v}", "href": _href(q, **{k: None})} for k, v in q.items()]
    facets = _facets(q, queries.facets(engine, shown))
    return html("list", title="报告", facets=facets, reports=shown, chips=chips, empty=empty)


def report_page(engine: Any, html: Callable[..., Any], report_id: int) -> Any:
    """One report: each figure beside its sentence, its findings, versions and years side by side."""
    from jixiao.db import queries
    from jixiao.errors import JixiaoError

    try:
        detail = queries.report_detail(engine, report_id)
    except JixiaoError as exc:
        return html("list", 404, title="未找到", facets=[], reports=[], chips=[], empty=str(exc))
    fields = [
        {**f, **sentence(detail.text, f["start"], f["end"], f["snippet"], f["value"])} for f in detail.fields
    ]
    return html(
        "report",
        title=detail.report.unit_name or "报告",
        r=detail.report,
        fields=fields,
        dq=detail.dq,
        versions=detail.versions,
        years=detail.years,
        yoy=_yoy(detail.years),
    )


def make_app(engine: Any) -> Any:
    """The browser as an ASGI app on ``engine`` (read-only queries only)."""
    from starlette.applications import Starlette
    from starlette.middleware import Middleware
    from starlette.middleware.trustedhost import TrustedHostMiddleware
    from starlette.requests import Request
    from starlette.routing import Route

    html = _renderer()

    def list_route(request: Request) -> Any:
        return listing(engine, html, request.query_params)

    def report_route(request: Request) -> Any:
        return report_page(engine, html, int(request.path_params["report_id"]))

    routes = [Route("/", list_route), Route("/report/{report_id:int}", report_route)]
    middleware = [Middleware(TrustedHostMiddleware, allowed_hosts=["127.0.0.1", "localhost", "[::1]"])]
    return Starlette(routes=routes, middleware=middleware)


def browse(
    home: HomeOpt = None,
    database_url: DbOpt = None,
    port: Annotated[int, typer.Option("--port", help="Port on 127.0.0.1 (localhost only).")] = 8765,
) -> None:
    """Browse reports in a local web page (127.0.0.1 only): facets, evidence beside each value, years side by side."""
    import uvicorn

    engine = read_engine(home, database_url)
    app = make_app(engine)
    stdout_console().print(
        f"jixiao browse: http://127.0.0.1:{port}/ (read-only, this machine only; Ctrl-C to stop)"
    )
    try:
        uvicorn.run(app, host="127.0.0.1", port=port, log_level="warning")
    except OSError as exc:  # pragma: no cover - the port is taken
        fail(f"cannot listen on 127.0.0.1:{port}: {exc}; pick another with --port")
