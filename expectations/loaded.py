"""Suite `loaded`: checks on the database tables themselves, through GX's SQL data source."""

from __future__ import annotations

from jixiao import checks
from jixiao.checks import Expectation

SUITE = "loaded"
SPECS = (
    Expectation(
        checks.ONE_CURRENT_REPORT_PER_UNIT_YEAR,
        "sql",
        table="report",
        # A unit is a division and a department type: a county's 妇联 and 科协 each have their report.
        query="SELECT unit_adcode, department_type, fiscal_year, COUNT(*) AS n FROM {batch} WHERE is_current "
        "AND unit_adcode IS NOT NULL GROUP BY unit_adcode, department_type, fiscal_year HAVING COUNT(*) > 1",
        expected="at most one current report per (unit, fiscal year)",
    ),
    # A claimed file is either in a run still going on or left by a crashed one (the next run takes it over).
    Expectation(
        checks.SOURCE_FILES_TERMINAL,
        "in_set",
        "status",
        table="source_file",
        value_set=("loaded", "duplicate", "quarantined"),
        expected="loaded, duplicate or quarantined",
        explain="claimed but not finished",
    ),
    Expectation(
        checks.REPORT_COUNT_MATCHES_LOADED_FILES,
        "sql",
        table="report",
        query="SELECT n_reports, n_loaded FROM (SELECT (SELECT COUNT(*) FROM {batch}) AS n_reports, "
        "(SELECT COUNT(*) FROM source_file WHERE status = 'loaded') AS n_loaded) AS t "
        "WHERE n_reports <> n_loaded",
        expected="one report per loaded file (duplicates make none)",
    ),
    # A unit-year's 自评表 and 报告 are one report (jixiao.merge): where their figures differ, the 报告's stand
    # and the difference is a finding, not a silent overwrite.
    Expectation(
        checks.SELF_EVALUATION_TABLE_AGREES_WITH_REPORT,
        "sql",
        table="report",
        query="SELECT id, merge_conflicts FROM {batch} WHERE is_current AND merge_conflicts IS NOT NULL",
        expected="the 自评表 and the 报告 of a unit-year state the same figures",
    ),
)
