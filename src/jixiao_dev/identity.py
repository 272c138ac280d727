"""Unit identity on real reports: each text read, parsed and matched exactly as the ingest does, and the
registry unit it was filed under compared with the unit the typed truth names.

The truth's ``unit_name`` is read strictly to find *its* registry unit: the last place it names (official
name or short form, consistent with the province or prefecture written before it) and a department type
written exactly (an alias or template of ``departments.toml``, never a typo). Where that does not pin one
unit — a name without its place (县委办公室), a place several divisions share, a body the registry has no type
for — the unit was checked by hand and written in ``units.toml`` beside the truth files, with the reason.

Outcomes: ``right`` (matched automatically, to the truth's unit), ``wrong`` (matched automatically to
another unit, or to any unit when the truth's unit is not in the registry), ``review`` (no automatic match:
review or unmatched, though the registry has the unit), ``not_in_registry`` (no automatic match, and the
registry genuinely has no such unit), ``no_unit`` (no automatic match, and the document never names its
unit: nothing to match), ``quarantined`` (the ingest refuses the document before matching,
e.g. a project report), ``unresolved`` (the truth's unit is not yet checked by hand).
"""

from __future__ import annotations

import re
import tomllib
import unicodedata
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from jixiao.status import MatchStatus
from jixiao.units.aliases import ORG_ALIASES, PlaceIndex, places_in
from jixiao.units.departments import KEXIE, Departments, unit_of
from jixiao.units.match import Matcher, MatchResult
from jixiao.units.registry import Registry, Unit

OUTCOMES = ("right", "wrong", "review", "not_in_registry", "no_unit", "quarantined", "unresolved")
UNITS_FILE = "units.toml"
NO_UNIT = "no unit:"  # a hand-checked note saying the document never names its unit
_ANNOTATION = re.compile(r"\([a-zA-Zàáǎèéěìíǐòóǒùúǔüǘǚǜāēīōūǖ]+\)")  # 區(qū): a page's pinyin ruby
_CODE = re.compile(r"^\d{3,}[-—_ ]+")  # 705-重庆市忠县科学技术协会: a budget code before the name


@dataclass(frozen=True)
class Expected:
    """The registry unit a truth names: (adcode, type), or none with the reason."""

    adcode: str | None
    key: str | None
    name: str  # the registry's canonical name, or the truth's name when it has no registry unit
    how: str  # name (read from the truth's name) | checked (units.toml) | unresolved
    note: str = ""


@dataclass(frozen=True)
class Row:
    file: str
    doc_kind: str
    truth: str
    expected: Expected
    outcome: str
    got: str  # the unit filed under (automatic), the first candidate (review), or the reason
    method: str


def clean_name(name: str) -> str:
    """The truth's name as one string: NFKC, no spaces or pinyin annotations, Simplified, no budget code."""
    from jixiao_dev.synth.accuracy import _simplified

    text = "".join(unicodedata.normalize("NFKC", name).split())
    text = _ANNOTATION.sub("", text)
    return _CODE.sub("", str(_simplified().convert(text)))


def _type_after(deps: Departments, before: str, after: str) -> str | None:
    """The department type written exactly around a place, or None."""
    if not before and after in ORG_ALIASES:
        return KEXIE
    if not before and after in deps.by_alias:
        return deps.by_alias[after]
    return deps.by_template.get(f"{before}{{}}{after}")


def _fits_prefix(index: PlaceIndex, unit: Unit, prefix: Sequence[tuple[int, int, str]]) -> bool:
    return all(
        any(p.division in (unit.province, unit.city) for p in index.units(place)) for _, _, place in prefix
    )


def resolve_truth(name: str, index: PlaceIndex, deps: Departments) -> Expected:
    """The registry unit the truth's name pins, strictly; ``unresolved`` when it pins none or several."""
    text = clean_name(name)
    mentions = places_in(text, index)
    for k in range(len(mentions) - 1, -1, -1):
        _, end, place = mentions[k]
        # 中国人民政治协商会议云南省开远市委员会: the template wraps the whole chain of places.
        first = k
        while first and mentions[first - 1][1] == mentions[first][0]:
            first -= 1
        before = text[mentions[first - 1][1] if first else 0 : mentions[first][0]]
        key = _type_after(deps, before, text[end:])
        if key is None:
            continue
        prefix = mentions[:k]
        units = [u for u in index.units(place) if _fits_prefix(index, u, prefix)]
        if len(units) == 1:
            canonical = unit_of(units[0], key).name
            return Expected(units[0].adcode, key, canonical, "name")
        return Expected(None, key, text, "unresolved", f"{len(units)} divisions named {place}")
    return Expected(None, None, text, "unresolved", "no registry place with an exact department type")


def load_checked(truth_dir: Path) -> dict[str, dict[str, Any]]:
    """``units.toml``: the units checked by hand, by text file name."""
    path = truth_dir / UNITS_FILE
    if not path.is_file():
        return {}
    raw = tomllib.loads(path.read_text("utf-8"))
    return {str(k): dict(v) for k, v in raw.items()}


def expected_unit(
    file: str, truth: dict[str, Any], checked: dict[str, dict[str, Any]], matcher: Matcher
) -> Expected:
    entry = checked.get(file)
    name = str(truth.get("fields", {}).get("unit_name") or truth.get("unit_name_written") or "")
    if entry is not None:
        note = str(entry.get("why", ""))
        if "adcode" not in entry:
            return Expected(None, None, clean_name(name) or "(no unit)", "checked", note)
        if str(entry["type"]) not in matcher.departments.by_key:  # a type a later vocabulary adds
            return Expected(
                None, None, clean_name(name), "checked", f"type {entry['type']} not in the vocabulary"
            )
        unit = unit_of(matcher.by_code[str(entry["adcode"])], str(entry["type"]))
        return Expected(unit.adcode, str(entry["type"]), unit.name, "checked", note)
    if not name.strip():
        return Expected(None, None, "(no unit)", "unresolved", "the truth names no unit")
    return resolve_truth(name, matcher.index, matcher.departments)


def _got(result: MatchResult, matcher: Matcher) -> str:
    if result.status == MatchStatus.MATCHED and result.adcode is not None:
        unit = unit_of(matcher.by_code[result.adcode], result.department_type or KEXIE)
        return f"{unit.name} ({'/'.join(p for p in (unit.province, unit.city) if p)})"
    first = result.candidates[0].name if result.candidates else "-"
    return f"{result.status.value}: {first} [{len(result.candidates)}] {result.reason}".strip()


def judge(expected: Expected, result: MatchResult | None) -> str:
    if result is None:
        return "quarantined"
    if expected.how == "unresolved":
        return "unresolved"  # the truth's unit is still to be checked by hand (units.toml)
    if result.status == MatchStatus.MATCHED:
        if expected.adcode is None:
            return "wrong"
        same = result.adcode == expected.adcode and (result.department_type or KEXIE) == expected.key
        return "right" if same else "wrong"
    if expected.adcode is not None:
        return "review"
    return "no_unit" if expected.note.startswith(NO_UNIT) else "not_in_registry"


def held(results: Sequence[Any], matches: dict[int, MatchResult]) -> dict[int, MatchResult]:
    """``matches`` after the ingest's identity checks: an automatic match of a report without a plausible
    unit name, or matched with no own name, is held for review (``quality.hold_for_review``). The checks
    are read from the same core frames the GX suites validate (parsed: ``unit_name`` not null,
    ``unit_name_plausible`` 1; matched: ``matched_without_own_name`` 0)."""
    from dataclasses import replace

    import pandas as pd

    from jixiao import frames, quality

    ok = [r for r in results if r.file_id in matches]
    if not ok:
        return matches
    parsed = quality.parsed_checks_frame(frames.parsed_frame(ok)).set_index(frames.BATCH_KEY)
    matched = quality.matched_checks_frame(frames.matched_frame(ok, matches), 90.0).set_index(
        frames.BATCH_KEY
    )
    out = dict(matches)
    for file_id, m in matches.items():
        row, mrow = parsed.loc[file_id], matched.loc[file_id]
        failed = [
            check
            for check, fails in (
                ("unit_name_present", bool(pd.isna(row["unit_name"]))),
                ("unit_name_plausible", row["unit_name_plausible"] == 0),
                ("matched_by_own_name", mrow["matched_without_own_name"] == 1),
            )
            if fails
        ]
        if failed and m.status == MatchStatus.MATCHED:
            reason = f"held for review: the check(s) {', '.join(failed)} failed"
            out[file_id] = replace(
                m, status=MatchStatus.NEEDS_REVIEW, method=m.method + "+held", reason=reason
            )
    return out


def measure_units(texts: Sequence[Path], truth_dir: Path, registry: Registry | None = None) -> list[Row]:
    """Read, parse and match ``texts`` as the ingest does (``pipeline.read_and_parse``,
    ``pipeline.match_many`` with a fresh ``Matcher``: no decisions learned in review; then ``held``)."""
    from jixiao import pipeline
    from jixiao.read import ReadLimits
    from jixiao.units.registry import load_registry
    from jixiao_dev.synth import load_truth

    matcher = Matcher(registry or load_registry())
    results = [pipeline.read_and_parse(i, str(p), ReadLimits()) for i, p in enumerate(texts)]
    matches = held(results, pipeline.match_many(results, matcher))
    checked = load_checked(truth_dir)
    rows: list[Row] = []
    for i, path in enumerate(texts):
        truth = load_truth(truth_dir / path.name)
        expected = expected_unit(path.name, truth, checked, matcher)
        result = matches.get(i)
        got = _got(result, matcher) if result is not None else f"quarantined: {results[i].reason}"
        rows.append(
            Row(
                file=path.stem,
                doc_kind=str(truth.get("doc_kind", "")),
                truth=clean_name(str(truth.get("fields", {}).get("unit_name") or "")) or "-",
                expected=expected,
                outcome=judge(expected, result),
                got=got,
                method=result.method if result is not None else "-",
            )
        )
    return rows


def counts(rows: Sequence[Row]) -> Counter[str]:
    return Counter(r.outcome for r in rows)


def format_rows(rows: Sequence[Row]) -> str:
    """A per-file table, then the counts (all documents, and the department-level ones)."""
    lines = ["file\tkind\toutcome\texpected (how)\tgot\tmethod"]
    for r in rows:
        exp = f"{r.expected.name} ({r.expected.how}{': ' + r.expected.note if r.expected.note else ''})"
        lines.append(f"{r.file}\t{r.doc_kind}\t{r.outcome}\t{exp}\t{r.got}\t{r.method}")
    dept = [r for r in rows if r.doc_kind.startswith("部门整体")]
    for label, subset in (("all", rows), ("department-level", dept)):
        c = counts(subset)
        lines.append(f"{label} ({len(subset)}): " + " · ".join(f"{o} {c.get(o, 0)}" for o in OUTCOMES))
    return "\n".join(lines)
