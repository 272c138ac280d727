"""Load the label vocabulary (``vocab.toml``) into an Aho-Corasick index used by the parser."""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from typing import Any

import ahocorasick


@dataclass(frozen=True)
class Label:
    text: str
    field: str
    kind: str
    side: str


@dataclass(frozen=True)
class Vocabulary:
    labels: tuple[Label, ...]
    actual_markers: tuple[str, ...]
    gap_stop_words: tuple[str, ...]
    part_prefixes: tuple[str, ...]
    part_fields: frozenset[str]
    whole_fields: frozenset[str]
    part_words: tuple[str, ...]
    bare_rate_labels: frozenset[str]
    rate_part_words: tuple[str, ...]
    grades: dict[str, str]
    automaton: Any  # ahocorasick.Automaton: C extension without type information


@lru_cache(maxsize=1)
def load_vocabulary() -> Vocabulary:
    raw = tomllib.loads(resources.files("jixiao.parse").joinpath("vocab.toml").read_text("utf-8"))
    labels: list[Label] = []
    for entry in raw["field"]:
        for text in entry["labels"]:
            labels.append(Label(text=text, field=entry["name"], kind=entry["kind"], side=entry["side"]))
    automaton = ahocorasick.Automaton()
    for label in labels:
        # A label listed under two fields would make the parse ambiguous; the first listing wins.
        if automaton.get(label.text, None) is None:
            automaton.add_word(label.text, label)
    automaton.make_automaton()
    return Vocabulary(
        labels=tuple(labels),
        actual_markers=tuple(raw["actual_markers"]),
        gap_stop_words=tuple(raw["gap_stop_words"]),
        part_prefixes=tuple(raw["part_prefixes"]),
        part_fields=frozenset(raw["rate_subjects"]["part"]),
        whole_fields=frozenset(raw["rate_subjects"]["whole"]),
        part_words=tuple(raw["part_words"]),
        bare_rate_labels=frozenset(raw["bare_rate_labels"]),
        rate_part_words=tuple(raw["rate_part_words"]),
        grades=dict(raw["grades"]),
        automaton=automaton,
    )
