"""Suite `loaded`: checks on the database tables themselves, through GX's SQL data source."""

from __future__ import annotations

from jixiao import checks
from jixiao.checks import Expectation

SUITE = "loaded"
# ``{in_run}`` is replaced by the runner: a condition on ``run_id`` that keeps the rows the run wrote (the
# flow checks what it loaded, not the whole history again: issue 18), or ``1=1`` for the whole tables.
IN_RUN = "{in_run}"
SPECS = (
    Expectation(
        checks.ONE_CURRENT_REPORT_PER_UNIT_YEAR,
        "sql",
        table="report",
        # A unit is a division and a department type: a county's 妇联 and 科协 each have their report. The
        # groups looked at are those the run loaded a report into.
        query="SELECT r.unit_adcode, r.department_type, r.fiscal_year, COUNT(*) AS n FROM {batch} AS r "
        "JOIN (SELECT DISTINCT unit_adcode, COALESCE(department_type, '') AS dtype, COALESCE(fiscal_year, 0) "
        f"AS year FROM report WHERE {IN_RUN} AND unit_adcode IS NOT NULL) AS g ON g.unit_adcode = r.unit_adcode "
        "AND g.dtype = COALESCE(r.department_type, '') AND g.year = COALESCE(r.fiscal_year, 0) "
        "WHERE r.is_current GROUP BY r.unit_adcode, r.department_type, r.fiscal_year HAVING COUNT(*) > 1",
        expected="at most one current report per (unit, fiscal year)",
    ),
    # A claimed file is either in a run still going on or left by a crashed one (the next run takes it over).
    Expectation(
        checks.SOURCE_FILES_TERMINAL,
        "sql",
        table="source_file",
        query=f"SELECT id, name, status FROM {{batch}} WHERE {IN_RUN} "
        "AND status NOT IN ('loaded', 'duplicate', 'quarantined')",
        expected="loaded, duplicate or quarantined",
    ),
    Expectation(
        checks.REPORT_COUNT_MATCHES_LOADED_FILES,
        "sql",
        table="report",
        query=f"SELECT n_reports, n_loaded FROM (SELECT (SELECT COUNT(*) FROM {{batch}} WHERE {IN_RUN}) AS n_reports, "
        f"(SELECT COUNT(*) FROM source_file WHERE status = 'loaded' AND {IN_RUN}) AS n_loaded) AS t "
        "WHERE n_reports <> n_loaded",
        expected="one report per loaded file (duplicates make none)",
    ),
    # A unit-year's 自评表 and 报告 are one report (jixiao.merge): where their figures differ, the 报告's stand
    # and the difference is a finding, not a silent overwrite. The run's reports, and the ones they merged into.
    Expectation(
        checks.SELF_EVALUATION_TABLE_AGREES_WITH_REPORT,
        "sql",
        table="report",
        query=f"SELECT id, merge_conflicts FROM {{batch}} WHERE is_current AND merge_conflicts IS NOT NULL AND "
        f"({IN_RUN} OR id IN (SELECT superseded_by FROM report WHERE {IN_RUN}))",
        expected="the 自评表 and the 报告 of a unit-year state the same figures",
    ),
)


def scoped(query: str, run_id: str | None) -> str:
    """The query over the rows the run ``run_id`` wrote; over the whole tables without one."""
    clause = "1=1" if not run_id else "run_id = '" + run_id.replace("'", "''") + "'"
    return query.replace(IN_RUN, clause)
