"""Parsing: normalised report text → ``ParsedReport`` (values with evidence)."""

from jixiao.parse.parser import parse_report

__all__ = ["parse_report"]
