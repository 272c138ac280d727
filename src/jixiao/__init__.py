"""jixiao core: plain functions on plain data. No orchestration or validation frameworks here."""

__version__ = "0.1.0"
