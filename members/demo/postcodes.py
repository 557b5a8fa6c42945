"""The demo postcode file, in the layout of the ONS Postcode Directory.

postcodes.csv is committed; this module made it and can make it again, the same
byte for byte (a fixed seed):

    python -m members.demo.postcodes > members/demo/postcodes.csv

The postcodes are made up but well formed, in the real postcode sectors of each
ward; the area codes are ONS-looking. A real ONSPD has about fifty columns; this
file keeps the ones partyhub reads (pcds, osward, pcon) and a few it ignores.
"""

from __future__ import annotations

import csv
import io
import math
import random
import sys
from collections.abc import Iterator
from pathlib import Path

from members.demo.data import CONSTITUENCIES, NEIGHBOURS, ConstituencySpec

POSTCODE_FILE = Path(__file__).with_name("postcodes.csv")
POSTCODES_PER_WARD = 30
NEIGHBOUR_POSTCODES = 3
HEADER = (
    "pcd,pcd2,pcds,dointr,doterm,oscty,oslaua,osward,usertype,oseast1m,osnrth1m,"
    "osgrdind,ctry,rgn,pcon,lat,long"
).split(",")
# The letters Royal Mail uses in the last two places of a postcode.
_UNIT_LETTERS = "ABDEFGHJLNPQRSTUWXYZ"
_SEED = "partyhub-demo-postcodes"


def _units(rng: random.Random, sector: str, taken: set[str]) -> Iterator[str]:
    while True:
        postcode = f"{sector}{rng.choice(_UNIT_LETTERS)}{rng.choice(_UNIT_LETTERS)}"
        if postcode not in taken:
            taken.add(postcode)
            yield postcode


def _row(
    rng: random.Random,
    postcode: str,
    *,
    ward: str,
    constituency: str,
    local_authority: str,
    region: str,
    centre: tuple[int, int, float, float],
) -> list[str]:
    outward, inward = postcode.split(" ")
    easting, northing, lat, long = centre
    east = rng.randint(-450, 450)
    north = rng.randint(-450, 450)
    return [
        outward.ljust(4) + inward if len(outward) < 4 else outward + inward,
        outward.ljust(5) + inward,
        postcode,
        f"{rng.randint(1980, 2019)}{rng.choice(('01', '04', '06', '08', '10', '12'))}",
        "",
        "E99999999",
        local_authority,
        ward,
        "0",
        str(easting + east),
        str(northing + north),
        "1",
        "E92000001",
        region,
        constituency,
        f"{lat + north / 111_200:.6f}",
        f"{long + east / (111_200 * math.cos(math.radians(lat))):.6f}",
    ]


def _ward_centre(spec: ConstituencySpec, index: int) -> tuple[int, int, float, float]:
    # Wards around the constituency's centre, about 2 km out.
    angle = 2 * math.pi * index / len(spec.wards)
    east, north = int(2000 * math.cos(angle)), int(2000 * math.sin(angle))
    return (
        spec.easting + east,
        spec.northing + north,
        spec.latitude + north / 111_200,
        spec.longitude + east / (111_200 * math.cos(math.radians(spec.latitude))),
    )


def rows() -> list[list[str]]:
    """Every row of the demo file, header first, sorted by postcode as ONS does."""
    rng = random.Random(_SEED)  # noqa: S311 - made-up demo data, not a secret
    taken: set[str] = set()
    body: list[list[str]] = []
    for spec in CONSTITUENCIES:
        for index, ward in enumerate(spec.wards):
            centre = _ward_centre(spec, index)
            units = {sector: _units(rng, sector, taken) for sector in ward.sectors}
            for n in range(POSTCODES_PER_WARD):
                postcode = next(units[ward.sectors[n % len(ward.sectors)]])
                body.append(
                    _row(
                        rng,
                        postcode,
                        ward=ward.ons_code,
                        constituency=spec.ons_code,
                        local_authority=spec.local_authority,
                        region=spec.region,
                        centre=centre,
                    )
                )
    for sector, ward_code, constituency_code, local_authority in NEIGHBOURS:
        spec = next(s for s in CONSTITUENCIES if s.local_authority == local_authority)
        units = _units(rng, sector, taken)
        for _n in range(NEIGHBOUR_POSTCODES):
            body.append(
                _row(
                    rng,
                    next(units),
                    ward=ward_code,
                    constituency=constituency_code,
                    local_authority=local_authority,
                    region=spec.region,
                    centre=_ward_centre(spec, 0),
                )
            )
    body.sort(key=lambda row: row[2])
    return [HEADER, *body]


def render() -> str:
    out = io.StringIO()
    csv.writer(out, lineterminator="\n").writerows(rows())
    return out.getvalue()


def ward_postcodes() -> dict[str, list[str]]:
    """Ward code -> the postcodes the committed file puts in that ward."""
    found: dict[str, list[str]] = {}
    with POSTCODE_FILE.open(newline="", encoding="utf-8") as fh:
        for row in csv.DictReader(fh):
            found.setdefault(row["osward"], []).append(row["pcds"])
    return found


if __name__ == "__main__":
    sys.stdout.write(render())
