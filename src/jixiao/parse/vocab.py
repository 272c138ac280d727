"""Load the label vocabulary (``vocab.toml``) into an Aho-Corasick index used by the parser."""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources

from jixiao.parse.automaton import WordIndex


@dataclass(frozen=True)
class Label:
    text: str
    field: str
    kind: str
    side: str
    needs: tuple[str, ...] = ()  # words the sentence must hold before the label
    siblings: tuple[str, ...] = ()  # other parts: named in the sentence, they make this label a part
    tight: bool = False  # the number must follow the label at once


@dataclass(frozen=True)
class TableVocab:
    """Words of the 部门整体支出绩效自评表 (``[table]`` in vocab.toml)."""

    columns: tuple[tuple[str, tuple[str, ...]], ...]  # (column key, words), in the order they are tried
    lead: tuple[str, ...]
    rows: tuple[tuple[str, tuple[str, ...]], ...]
    scope_words: tuple[str, ...]
    block_end: tuple[str, ...]
    labels: tuple[tuple[str, tuple[str, ...]], ...]
    yuan_marks: tuple[str, ...]
    wan_marks: tuple[str, ...]
    not_columns: tuple[str, ...] = ()

    @property
    def anchors(self) -> tuple[str, ...]:
        """Words whose presence makes a text worth reading for a table at all."""
        return tuple(w for _, words in (*self.columns[:3], *self.labels) for w in words)


def _pairs(section: dict[str, list[str]]) -> tuple[tuple[str, tuple[str, ...]], ...]:
    return tuple((key, tuple(words)) for key, words in section.items())


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
    change_before: tuple[str, ...]
    budget_before: tuple[str, ...]
    budget_gap_words: tuple[str, ...]
    scope_words: tuple[str, ...]
    count_part_gap: tuple[str, ...]
    budget_split_heads: tuple[str, ...]
    grades: dict[str, str]
    table: TableVocab
    kind: dict[str, tuple[str, ...]]  # ``[kind]``: words of each document kind's title
    organ: dict[str, tuple[str, ...]]  # ``[organ]``: the organ's own staff vs units under it
    follow_up: dict[str, tuple[str, ...]]  # ``[follow_up]``: the other side's figure later in a sentence
    sections: dict[str, tuple[str, ...]]
    words: dict[
        str, tuple[str, ...]
    ]  # ``[words]``: the other word lists  # ``[sections]``: heading words and indicator kinds
    automaton: WordIndex[Label]  # a label listed under two fields: the first listing wins


@lru_cache(maxsize=1)
def load_vocabulary() -> Vocabulary:
    raw = tomllib.loads(resources.files("jixiao.parse").joinpath("vocab.toml").read_text("utf-8"))
    labels: list[Label] = []
    for entry in raw["field"]:
        for text in entry["labels"]:
            labels.append(
                Label(
                    text=text,
                    field=entry["name"],
                    kind=entry["kind"],
                    side=entry["side"],
                    needs=tuple(entry.get("needs", ())),
                    siblings=tuple(entry.get("siblings", ())),
                    tight=bool(entry.get("tight", False)),
                )
            )
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
        change_before=tuple(raw["change_before"]),
        budget_before=tuple(raw["budget_before"]),
        budget_gap_words=tuple(raw["budget_gap_words"]),
        scope_words=tuple(raw["scope_words"]),
        count_part_gap=tuple(raw["count_part_gap"]),
        budget_split_heads=tuple(raw["budget_split_heads"]),
        grades=dict(raw["grades"]),
        table=TableVocab(
            columns=_pairs(raw["table"]["columns"]),
            lead=tuple(raw["table"]["lead"]),
            rows=_pairs(raw["table"]["rows"]),
            scope_words=tuple(raw["table"]["scope_words"]),
            block_end=tuple(raw["table"]["block_end"]),
            labels=_pairs(raw["table"]["labels"]),
            yuan_marks=tuple(raw["table"]["yuan_marks"]),
            wan_marks=tuple(raw["table"]["wan_marks"]),
            not_columns=tuple(raw["table"]["not_columns"]),
        ),
        kind={key: tuple(words) for key, words in raw["kind"].items()},
        organ={key: tuple(words) for key, words in raw["organ"].items()},
        follow_up={key: tuple(words) for key, words in raw["follow_up"].items()},
        words={key: tuple(words) for key, words in raw["words"].items()},
        sections={key: tuple(words) for key, words in raw["sections"].items()},
        automaton=WordIndex((label.text, label) for label in labels),
    )
