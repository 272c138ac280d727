"""The batch stages: parallel parsing equals serial parsing; matching a batch equals matching one by one."""

from __future__ import annotations

from pathlib import Path

import pytest

from jixiao import pipeline
from jixiao.read import ReadLimits
from jixiao.units.match import Matcher
from jixiao.units.registry import load_registry
from jixiao_dev.synth import SynthConfig, generate_corpus
from tests.support import seed_paths


def test_parallel_parse_equals_serial(tmp_path: Path) -> None:
    files = [*generate_corpus(tmp_path, SynthConfig(n=60, seed=5)), *seed_paths()]
    items = [(i, str(p)) for i, p in enumerate(files)]
    serial = pipeline.read_and_parse_many(items, ReadLimits(), workers=1)
    parallel = pipeline.read_and_parse_many(items, ReadLimits(), workers=2)
    assert [r.file_id for r in parallel] == list(range(len(files)))
    assert parallel == serial


def test_batch_match_equals_single(tmp_path: Path) -> None:
    files = generate_corpus(tmp_path, SynthConfig(n=30, seed=6))
    results = pipeline.read_and_parse_many(
        [(i, str(p)) for i, p in enumerate(files)], ReadLimits(), workers=1
    )
    matcher = Matcher(load_registry())
    batch = pipeline.match_many(results, matcher)
    for r in results:
        assert r.parsed is not None and r.text is not None
        assert batch[r.file_id] == matcher.match(r.parsed.unit_names, r.text)


def test_progress_reports_every_file(tmp_path: Path) -> None:
    files = generate_corpus(tmp_path, SynthConfig(n=20, seed=7, formats={"txt": 1.0}))
    seen: list[int] = []
    pipeline.read_and_parse_many(
        [(i, str(p)) for i, p in enumerate(files)], ReadLimits(), 2, progress=seen.append
    )
    assert sum(seen) == 20


@pytest.mark.parametrize(
    "ahead",
    [
        pytest.param(0, id="unbounded"),
        pytest.param(1, id="one-file-ahead-still-yields-every-file"),
        pytest.param(8, id="a-chunk-ahead"),
    ],
)
def test_bounded_read_ahead_yields_every_file_once(tmp_path: Path, ahead: int) -> None:
    files = generate_corpus(tmp_path, SynthConfig(n=24, seed=8, formats={"txt": 1.0}))
    items = [(i, str(p)) for i, p in enumerate(files)]
    stream = pipeline.iter_read_and_parse(items, ReadLimits(), 2, ahead=ahead)
    first = next(stream)  # the caller stops: the pool holds no more than ``ahead`` files for it
    got = dict([first, *stream])
    assert sorted(got) == list(range(24))
    assert [got[k] for k in range(24)] == pipeline.read_and_parse_many(items, ReadLimits(), workers=1)
