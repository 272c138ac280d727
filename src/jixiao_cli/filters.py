"""The report filters, defined once: the options of ``reports`` and ``export``, the query of ``browse``.

``@with_filters`` adds ``--unit --year --province --dq --status --type`` to a command, which receives them as
one ``filters: Filters`` argument; ``Filters.from_query`` reads the same names from the browser's URL.
"""

from __future__ import annotations

import functools
import inspect
from collections.abc import Callable, Mapping
from dataclasses import dataclass, fields
from typing import Annotated, Any, TypeVar

import typer

F = TypeVar("F", bound=Callable[..., Any])

UnitOpt = Annotated[
    str | None,
    typer.Option("--unit", help="A unit as written (abbreviations allowed): resolved through the registry."),
]
YearOpt = Annotated[int | None, typer.Option("--year", help="Fiscal year.")]
ProvinceOpt = Annotated[str | None, typer.Option("--province", help="Province (e.g. 河北省 or 河北).")]
DqOpt = Annotated[str | None, typer.Option("--dq", help="Data quality: failed, warning or passed.")]
StatusOpt = Annotated[
    str | None, typer.Option("--status", help="Unit match: needs-review, matched or unmatched.")
]
TypeOpt = Annotated[
    str | None, typer.Option("--type", help="Department type (needs the department_type column).")
]
# parameter name → (option type, the browser's query key)
OPTIONS: dict[str, tuple[Any, str]] = {
    "unit": (UnitOpt, "unit"),
    "year": (YearOpt, "year"),
    "province": (ProvinceOpt, "province"),
    "dq": (DqOpt, "dq"),
    "status": (StatusOpt, "status"),
    "department_type": (TypeOpt, "type"),
}
QUERY_KEYS = tuple(key for _, key in OPTIONS.values())


@dataclass(frozen=True)
class Filters:
    unit: str | None = None
    year: int | None = None
    province: str | None = None
    dq: str | None = None
    status: str | None = None
    department_type: str | None = None

    @classmethod
    def from_query(cls, query: Mapping[str, str]) -> Filters:
        """From the browser's URL (``?unit=…&year=2022&type=妇联``); the year must be a number (ValueError)."""
        values: dict[str, Any] = {name: query.get(key) or None for name, (_, key) in OPTIONS.items()}
        if values["year"] is not None:
            if not values["year"].isdigit():
                raise ValueError(f"year {values['year']!r} is not a number")
            values["year"] = int(values["year"])
        return cls(**values)


assert [f.name for f in fields(Filters)] == list(OPTIONS)  # one list of filters, in one order


def with_filters(command: F) -> F:
    """Give a Typer command the filter options; it receives them as ``filters: Filters``."""
    signature = inspect.signature(command, eval_str=True)
    own = [p for p in signature.parameters.values() if p.name != "filters"]
    extra = [
        inspect.Parameter(name, inspect.Parameter.KEYWORD_ONLY, default=None, annotation=annotation)
        for name, (annotation, _) in OPTIONS.items()
    ]

    @functools.wraps(command)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        chosen = {name: kwargs.pop(name, None) for name in OPTIONS}
        return command(*args, filters=Filters(**chosen), **kwargs)

    params = own + extra
    wrapper.__signature__ = signature.replace(parameters=params)  # type: ignore[attr-defined]  # read by Typer
    wrapper.__annotations__ = {p.name: p.annotation for p in params}
    return wrapper  # type: ignore[return-value]  # same call shape for Typer, filters folded in
