"""Prefect tasks: thin wrappers over core functions (retries on transient I/O, logging, artifacts)."""
