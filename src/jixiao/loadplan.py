"""Load decisions as data: ``plan_load(batch, existing) -> LoadPlan``, a pure function.

For each file of a batch the planner decides: quarantine (it could not be read), duplicate (same bytes
as a file filed before, same content as a stored report, or near-identical text to a report of the same
unit, type and year) or a new report; and for each (unit, type, year) the batch touches, which report is current.

**The currency rule** (``currency_key``): of all reports of a (unit, department type, year), the current one has the latest
report date (undated sorts first; ``YYYY-MM`` sorts before any day of that month), then the latest file
modification time, then the greatest text hash. The rule looks only at the reports, never at the order in
which batches or runs arrived, so any split of the same files over concurrent runs ends with the same
current report. The writer (``jixiao.db.load``) applies a plan in one transaction under a database lock,
and ``jixiao.db.load.repair`` applies the same rule to groups left with more than one current report.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Literal

from jixiao.dedupe import Doc, find_near_duplicate

Key = tuple[str, str, int | None]  # (unit adcode, department type, fiscal year)


@dataclass(frozen=True)
class BatchItem:
    """One claimed file after reading, parsing and matching: what the planner needs to know of it."""

    file_id: int
    name: str
    sha256: str
    mtime: float
    reason: str | None = None  # why it cannot be loaded; None for a readable report
    text_hash: str | None = None
    doc: Doc | None = None
    key: Key | None = None  # set when the unit is matched
    report_date: str | None = None


@dataclass(frozen=True)
class StoredReport:
    """A current report already in the database."""

    report_id: int
    report_date: str | None
    source_mtime: float | None
    text_hash: str
    text: str


@dataclass(frozen=True)
class Existing:
    """What the database holds that bears on a batch (read under the load lock)."""

    file_by_sha: Mapping[str, tuple[int, str]] = field(default_factory=dict)  # loaded/duplicate files
    report_by_hash: Mapping[str, int] = field(default_factory=dict)
    current: Mapping[Key, Sequence[StoredReport]] = field(default_factory=dict)


@dataclass(frozen=True)
class Ref:
    """A report: one already stored (its id) or one this plan creates (the id of its file)."""

    kind: Literal["stored", "new"]
    id: int


@dataclass(frozen=True)
class Duplicate:
    file_id: int
    reason: str
    of_file_id: int | None = None


@dataclass(frozen=True)
class LoadPlan:
    quarantined: tuple[BatchItem, ...] = ()
    duplicates: tuple[Duplicate, ...] = ()
    new: tuple[BatchItem, ...] = ()  # reports to insert, in a stable order
    superseded: tuple[tuple[Ref, Ref], ...] = ()  # (no longer current, the current one of its group)
    current: Mapping[Key, Ref] = field(default_factory=dict)


CurrencyKey = tuple[str, float, str]


def currency_key(report_date: str | None, mtime: float | None, text_hash: str) -> CurrencyKey:
    """Sort key of the currency rule (module docstring): the greatest is current."""
    return (report_date or "", mtime or 0.0, text_hash)


def choose_current(members: Mapping[Ref, CurrencyKey]) -> Ref:
    """The current report of one (unit, year) group."""
    return max(members, key=lambda ref: (members[ref], ref.kind == "new", ref.id))


@dataclass
class _State:
    existing: Existing
    seen_sha: dict[str, tuple[int, str]] = field(default_factory=dict)
    seen_hash: dict[str, str] = field(default_factory=dict)  # text hash -> file name
    by_key: dict[Key, list[tuple[Ref, Doc]]] = field(default_factory=dict)
    stored_docs: dict[int, Doc] = field(default_factory=dict)

    def pool(self, key: Key) -> list[tuple[Ref, Doc]]:
        out: list[tuple[Ref, Doc]] = []
        for s in self.existing.current.get(key, ()):
            if s.report_id not in self.stored_docs:
                self.stored_docs[s.report_id] = Doc.of(s.text)
            out.append((Ref("stored", s.report_id), self.stored_docs[s.report_id]))
        return out + self.by_key.get(key, [])


def _duplicate_of(item: BatchItem, st: _State, names: Mapping[int, str]) -> Duplicate | None:
    ex = st.existing
    if item.sha256 in ex.file_by_sha or item.sha256 in st.seen_sha:
        of_id, of_name = ex.file_by_sha.get(item.sha256) or st.seen_sha[item.sha256]
        return Duplicate(item.file_id, f"same bytes as {of_name}", of_id)
    assert item.text_hash is not None
    if item.text_hash in ex.report_by_hash:
        return Duplicate(item.file_id, f"same content as report #{ex.report_by_hash[item.text_hash]}")
    if item.text_hash in st.seen_hash:
        return Duplicate(item.file_id, f"same content as {st.seen_hash[item.text_hash]}")
    if item.key is None or item.doc is None:
        return None
    near = find_near_duplicate(item.doc, st.pool(item.key))
    if near is None:
        return None
    what = f"report #{near.id}" if near.kind == "stored" else names[near.id]
    return Duplicate(item.file_id, f"near-identical text to {what}")


def plan_load(batch: Sequence[BatchItem], existing: Existing) -> LoadPlan:
    """Decide every file of ``batch`` and the current report of every (unit, year) it touches."""
    quarantined = tuple(i for i in batch if i.reason is not None)
    readable = sorted((i for i in batch if i.reason is None), key=lambda i: (i.mtime, i.name, i.file_id))
    names = {i.file_id: i.name for i in batch}
    st = _State(existing)
    duplicates: list[Duplicate] = []
    new: list[BatchItem] = []
    for item in readable:
        dup = _duplicate_of(item, st, names)
        if dup is not None:
            st.seen_sha.setdefault(item.sha256, (item.file_id, item.name))
            duplicates.append(dup)
            continue
        st.seen_sha[item.sha256] = (item.file_id, item.name)
        assert item.text_hash is not None
        st.seen_hash[item.text_hash] = item.name
        if item.key is not None and item.doc is not None:
            st.by_key.setdefault(item.key, []).append((Ref("new", item.file_id), item.doc))
        new.append(item)
    superseded, current = _currency(new, existing)
    return LoadPlan(quarantined, tuple(duplicates), tuple(new), superseded, current)


def _currency(
    new: Sequence[BatchItem], existing: Existing
) -> tuple[tuple[tuple[Ref, Ref], ...], dict[Key, Ref]]:
    groups: dict[Key, dict[Ref, CurrencyKey]] = {}
    for key, stored in existing.current.items():
        for s in stored:
            groups.setdefault(key, {})[Ref("stored", s.report_id)] = currency_key(
                s.report_date, s.source_mtime, s.text_hash
            )
    for item in new:
        if item.key is not None:
            assert item.text_hash is not None
            groups.setdefault(item.key, {})[Ref("new", item.file_id)] = currency_key(
                item.report_date, item.mtime, item.text_hash
            )
    superseded: list[tuple[Ref, Ref]] = []
    current: dict[Key, Ref] = {}
    for key in sorted(groups, key=lambda k: (k[0], k[1], k[2] if k[2] is not None else -1)):
        members = groups[key]
        winner = choose_current(members)
        current[key] = winner
        superseded += [(ref, winner) for ref in members if ref != winner]
    return tuple(superseded), current
