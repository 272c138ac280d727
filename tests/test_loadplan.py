"""The load planner as a pure function: duplicates and the currency rule, independent of batch order."""

from __future__ import annotations

import itertools

import pytest

from jixiao.dedupe import Doc, content_fingerprint
from jixiao.loadplan import BatchItem, Existing, Ref, StoredReport, currency_key, plan_load

KEY = ("431129000000", "科协", 2024)


def report_text(unit: str, amount: str, note: str) -> str:
    return f"{unit}2024年度部门整体支出绩效自评报告\n支出合计{amount}万元。{note}\n"


def item(
    fid: int, text: str, date: str | None, mtime: float, key: tuple[str, str, int] | None = KEY
) -> BatchItem:
    return BatchItem(
        fid,
        f"f{fid}.txt",
        f"sha-{fid}",
        mtime,
        text_hash=content_fingerprint(text),
        doc=Doc.of(text),
        key=key,
        report_date=date,
    )


VERSIONS = [
    item(1, report_text("江华县科协", "100.5", "初稿"), "2025-01-10", 100.0),
    item(2, report_text("江华县科协", "120.0", "修订稿，补充了项目绩效说明"), "2025-03-02", 50.0),
    item(3, report_text("江华县科协", "118.0", "第二次修订，调整了公用经费"), "2025-03-02", 70.0),
    item(4, report_text("江华县科协", "90.0", "未注明日期的版本"), None, 900.0),
]


def winner_of(batches: list[list[BatchItem]]) -> int:
    """Load the batches one after another, as runs would; return the file id of the final current report."""
    stored: list[StoredReport] = []
    ids: dict[int, int] = {}
    for batch in batches:
        plan = plan_load(batch, Existing(current={KEY: stored} if stored else {}))
        for i in plan.new:
            ids[i.file_id] = 1000 + i.file_id
        new_current = plan.current[KEY]
        current_fid = new_current.id if new_current.kind == "new" else new_current.id - 1000
        by_fid = {i.file_id: i for batch in batches for i in batch}
        cur = by_fid[current_fid]
        stored = [
            StoredReport(ids[current_fid], cur.report_date, cur.mtime, str(cur.text_hash), cur.doc.text)
        ]  # type: ignore[union-attr]
    return current_fid


@pytest.mark.parametrize(
    "split",
    [
        pytest.param(lambda xs: [xs], id="one-batch"),
        pytest.param(lambda xs: [[x] for x in xs], id="one-file-per-batch"),
        pytest.param(lambda xs: [xs[:2], xs[2:]], id="two-halves"),
        pytest.param(lambda xs: [xs[1::2], xs[::2]], id="interleaved"),
    ],
)
def test_the_current_report_does_not_depend_on_batch_order(split) -> None:  # type: ignore[no-untyped-def]
    winners = {winner_of(split(list(order))) for order in itertools.permutations(VERSIONS)}
    # Latest date wins; the tie on 2025-03-02 goes to the later file time (70 > 50); undated sorts first.
    assert winners == {3}


def test_the_arrival_order_rule_it_replaces_would_have_differed() -> None:
    # The failing case beside the rule: "the later arrival wins a tie" gives different answers by order.
    tie = [VERSIONS[1], VERSIONS[2]]
    later_arrival = {order[-1].file_id for order in itertools.permutations(tie)}
    assert later_arrival == {2, 3}
    assert {winner_of([list(order)]) for order in itertools.permutations(tie)} == {3}


@pytest.mark.parametrize(
    ("a", "b", "newer"),
    [
        pytest.param(("2025-03-02", 1.0, "a"), ("2025-01-10", 9.0, "b"), "a", id="date-beats-mtime"),
        pytest.param(("2025-03", 1.0, "a"), ("2025-03-01", 1.0, "b"), "b", id="a-day-beats-its-month"),
        pytest.param((None, 9.0, "a"), ("2020-01-01", 1.0, "b"), "b", id="undated-sorts-first"),
        pytest.param(("2025-03-02", 1.0, "a"), ("2025-03-02", 2.0, "b"), "b", id="mtime-breaks-a-date-tie"),
        pytest.param(("2025-03-02", 2.0, "a"), ("2025-03-02", 2.0, "b"), "b", id="hash-breaks-the-rest"),
    ],
)
def test_currency_key(a: tuple[str | None, float, str], b: tuple[str | None, float, str], newer: str) -> None:
    assert (currency_key(*a) > currency_key(*b)) == (newer == "a")


def test_two_copies_of_one_text_make_one_report_and_one_duplicate() -> None:
    text = report_text("江华县科协", "100.5", "同一份报告")
    a, b = item(1, text, "2025-01-10", 1.0), item(2, text, "2025-01-10", 2.0)
    plan = plan_load([b, a], Existing())
    assert [i.file_id for i in plan.new] == [1]
    assert [(d.file_id, d.reason) for d in plan.duplicates] == [(2, "same content as f1.txt")]
    # Against a stored copy, the batch's copy is the duplicate.
    stored = plan_load([a], Existing(report_by_hash={str(a.text_hash): 7}))
    assert stored.new == () and stored.duplicates[0].reason == "same content as report #7"


def test_same_bytes_under_another_path_is_a_duplicate_of_that_file() -> None:
    a = item(1, report_text("江华县科协", "1", "x"), None, 1.0)
    plan = plan_load([a], Existing(file_by_sha={"sha-1": (42, "old.txt")}))
    assert plan.duplicates[0].of_file_id == 42
    assert plan_load([a], Existing(file_by_sha={"sha-9": (42, "old.txt")})).duplicates == ()


def test_a_group_with_two_current_reports_is_settled_by_the_plan() -> None:
    stored = [
        StoredReport(10, "2025-01-10", 5.0, "h10", report_text("江华县科协", "1", "甲")),
        StoredReport(11, "2025-02-10", 1.0, "h11", report_text("江华县科协", "2", "乙")),
    ]
    new = item(5, report_text("江华县科协", "3", "丙"), "2024-12-31", 9.0)
    plan = plan_load([new], Existing(current={KEY: stored}))
    assert plan.current[KEY] == Ref("stored", 11)
    assert set(plan.superseded) == {
        (Ref("stored", 10), Ref("stored", 11)),
        (Ref("new", 5), Ref("stored", 11)),
    }


def test_unreadable_and_unmatched_files() -> None:
    bad = BatchItem(1, "bad.txt", "s1", 1.0, reason="empty file (0 bytes)")
    loose = item(2, report_text("某单位", "1", "无法匹配"), None, 1.0, key=None)
    plan = plan_load([bad, loose], Existing())
    assert plan.quarantined == (bad,)
    assert plan.new == (loose,) and plan.current == {} and plan.superseded == ()
