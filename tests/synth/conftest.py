"""A small synthetic corpus, written once per session, with its ground truth loaded beside each file."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from jixiao_dev.synth import SynthConfig, generate_corpus, load_truth

# Half the reports break an identity, so every kind of violation shows up in a corpus this small.
CONFIG = SynthConfig(n=120, seed=11, violation_rate=0.5)


@pytest.fixture(scope="session")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> list[Path]:
    return generate_corpus(tmp_path_factory.mktemp("synth"), CONFIG)


@pytest.fixture(scope="session")
def truths(corpus: list[Path]) -> list[dict[str, Any]]:
    return [load_truth(p) for p in corpus]


@pytest.fixture(scope="session")
def texts(corpus: list[Path], truths: list[dict[str, Any]]) -> dict[Path, str]:
    """The decoded text of every .txt/.md report (decoded with the encoding its truth records)."""
    return {
        p: p.read_bytes().decode(t["encoding"])
        for p, t in zip(corpus, truths, strict=True)
        if p.suffix in (".txt", ".md")
    }
