"""China proper by date: Japanese-held China, the collaborationist governments, base areas.

The inputs are ``geodata/authored/occupation_china.json`` and the places of
``authored/places.json``. Each *piece* is a dated shape drawn from named places (a ring
through front towns, a radius around a city, a corridor along a railway or river, or a
whole province unit) and belongs to a *group* (``occupied``, ``garrison``, ``sgn``...).
The build cuts China (the ``china_rest`` cell: China minus Manchukuo, Kwantung and the
Mengjiang claim) into disjoint *atoms* along every piece and every province line, so that
each atom is either wholly inside a piece or wholly outside it. On each date an atom goes
to the first *rule* whose group has an active piece over it (and whose provinces hold it,
and where no active piece of the rule's ``except_groups`` lies: the Communist base areas
leave out the railways and cities Japan held inside them); atoms no rule takes are the
Republic of China's. One feature is written per rule and per
run of dates with the same atoms, so every date has one clean, non-overlapping shape each.

A plan file may name another ``cell`` to cut (``occupation_manchuria.json`` cuts the
``manchukuo`` cell into the Nationalist- and Communist-held zones of 1945–46); there the atoms
no rule takes go to the territories that name that cell (Soviet occupation, then contested).
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass
from pathlib import Path

import geopandas as gpd
import shapely
from shapely.geometry import LineString, Point, Polygon

from layers.build import AUTHORED, GRID, _polygonal, extend_unit

DATA = AUTHORED / "occupation_china.json"
MANCHURIA = AUTHORED / "occupation_manchuria.json"
SPLIT_CELL = "china_rest"  # the cell cut into atoms, and the name territories use for it
ATOM_PREFIX = "china_atom_"
ATLAS_START = "1939-05-11"


@dataclass(frozen=True)
class Piece:
    """One dated shape of a group, with its sources and notes."""

    id: str
    group: str
    start: str
    end: str | None
    governed: bool
    shape: object
    spec: dict

    def active(self, day: str) -> bool:
        return self.start <= day and (self.end is None or day < self.end)


@dataclass(frozen=True)
class Atom:
    """A piece of China that every piece and province either covers or misses."""

    name: str
    pieces: frozenset[str]
    province: str | None


@dataclass(frozen=True)
class ChinaPlan:
    """The cells with China cut into atoms, and the pieces and rules to assign them."""

    cells: dict
    atoms: tuple[Atom, ...]
    pieces: dict[str, Piece]
    rules: tuple[dict, ...]
    # province code -> group of provinces drawn as one ROC feature; a group that lists no
    # provinces (the plan's only one) takes every atom, under the key None
    roc_groups: dict[str | None, str]
    cell: str = SPLIT_CELL  # the cell cut into atoms (a plan file's ``cell``)


def load_plan(path: Path = DATA) -> dict:
    """The authored pieces and rules, their dates checked."""
    data = json.loads(path.read_text(encoding="utf-8"))
    check_dates(data, path.name)
    return data


def _local_crs(lon: float, lat: float) -> str:
    return f"+proj=aeqd +lat_0={lat} +lon_0={lon} +units=m +ellps=WGS84"


def _buffer_km(geom, km: float):
    """Buffer a lon/lat geometry by ``km`` kilometres in a local equidistant projection."""
    centre = geom.centroid
    crs = _local_crs(round(centre.x, 2), round(centre.y, 2))
    projected = gpd.GeoSeries([geom], crs=4326).to_crs(crs)
    return projected.buffer(km * 1000, quad_segs=16).to_crs(4326).iloc[0]


def piece_shape(spec: dict, places: dict[str, dict], units: dict, country) -> object:
    """The shape of one piece (see the module docstring), not yet clipped to China."""
    geometry, label = spec["geometry"], spec["id"]

    def at(key: str) -> tuple[float, float]:
        if key not in places:
            raise SystemExit(f"piece {label!r}: geometry: unknown place {key!r}")
        return places[key]["lon"], places[key]["lat"]

    parts = []
    if "ring" in geometry:
        ring = [at(v) if isinstance(v, str) else tuple(v) for v in geometry["ring"]]
        parts.append(shapely.make_valid(Polygon(ring)))
        radius = geometry.get("held_radius_km", 0)
        if radius:
            named = [at(v) for v in geometry["ring"] if isinstance(v, str)]
            parts.extend(_buffer_km(Point(p), radius) for p in named)
    if "centre" in geometry:
        for key in [geometry["centre"], *geometry.get("centres", [])]:
            parts.append(_buffer_km(Point(at(key)), geometry["radius_km"]))
    if "path" in geometry:
        line = LineString([at(k) for k in geometry["path"]])
        parts.append(_buffer_km(line, geometry["half_width_km"]))
    if "province" in geometry:
        parts.append(extend_unit(units, [geometry["province"]], country))
    if not parts:
        raise SystemExit(f"piece {label!r}: geometry: no ring, centre, path or province")
    return _polygonal(shapely.union_all(parts))


def plan_china(cells: dict, units: dict, country, places: dict[str, dict], data: dict) -> ChinaPlan:
    """Cut the plan's cell (``china_rest`` unless ``data["cell"]`` names another) into atoms
    along all pieces and the provinces of its ROC groups."""
    cell, prefix = data.get("cell", SPLIT_CELL), data.get("atom_prefix", ATOM_PREFIX)
    pieces = {}
    for spec in data["pieces"]:
        shape = piece_shape(spec, places, units, country)
        pieces[spec["id"]] = Piece(
            spec["id"],
            spec["group"],
            spec["valid_from"],
            spec["valid_to"],
            spec["governed"],
            shape,
            spec,
        )
    codes = sorted({c for group in data["roc_groups"].values() for c in group})
    atoms: list[tuple[object, frozenset, str | None]] = [(cells[cell], frozenset(), None)]
    taken = None
    for code in codes:
        unit = extend_unit(units, [code], country)
        if taken is not None:
            unit = shapely.difference(unit, taken, grid_size=GRID)
        taken = unit if taken is None else shapely.union(taken, unit, grid_size=GRID)
        atoms = _split(atoms, unit, lambda sig, prov, c=code: (sig, c))
    for piece in pieces.values():
        atoms = _split(atoms, piece.shape, lambda sig, prov, p=piece.id: (sig | {p}, prov))
    out = {k: v for k, v in cells.items() if k != cell}
    named = []
    placed = [(g, p) for g, _, p in atoms if p is not None]
    tree = shapely.STRtree([g for g, _ in placed]) if placed else None
    for i, (geom, sig, prov) in enumerate(atoms):
        if prov is None and tree is not None:  # a sliver between the units and the outline
            prov = placed[int(tree.query_nearest(geom)[0])][1]
        name = f"{prefix}{i:04d}"
        out[name] = geom
        named.append(Atom(name, sig, prov))
    groups = {code: name for name, codes in data["roc_groups"].items() for code in codes}
    groups.update((None, name) for name, codes in data["roc_groups"].items() if not codes)
    return ChinaPlan(out, tuple(named), pieces, tuple(data["rules"]), groups, cell)


def _split(atoms: list, shape, tag) -> list:
    """Split every atom by ``shape``: the inside gets ``tag(signature, province)``."""
    result = []
    box = shapely.box(*shape.bounds)
    for geom, sig, prov in atoms:
        if not shapely.intersects(box, geom) or not shapely.intersects(shape, geom):
            result.append((geom, sig, prov))
            continue
        inside = _polygonal(shapely.intersection(geom, shape, grid_size=GRID))
        outside = _polygonal(shapely.difference(geom, shape, grid_size=GRID))
        if not inside.is_empty:
            result.append((inside, *tag(sig, prov)))
        if not outside.is_empty:
            result.append((outside, sig, prov))
    return result


def _change_dates(plan: ChinaPlan, specs: list[dict]) -> list[str]:
    dates = {ATLAS_START}
    for piece in plan.pieces.values():
        dates.update(d for d in (piece.start, piece.end) if d)
    for item in [*plan.rules, *specs]:
        dates.update(d for d in (item["valid_from"], item["valid_to"]) if d)
    return sorted(dates)


def assign(plan: ChinaPlan, day: str) -> dict[str | None, list[Atom]]:
    """Atoms by rule id on ``day``; the key ``None`` holds the Republic of China's atoms."""
    result: dict[str | None, list[Atom]] = {}
    active_rules = [
        r
        for r in plan.rules
        if r["valid_from"] <= day and (not r["valid_to"] or day < r["valid_to"])
    ]
    for atom in plan.atoms:
        live = [plan.pieces[p] for p in atom.pieces if plan.pieces[p].active(day)]
        groups = {p.group for p in live}
        governed = any(p.governed for p in live)
        owner = None
        for rule in active_rules:
            if rule["group"] not in groups:
                continue
            if rule.get("provinces") and atom.province not in rule["provinces"]:
                continue
            if rule.get("governed_only") and not governed:
                continue
            if groups & set(rule.get("except_groups") or ()):
                continue
            owner = rule["id"]
            break
        result.setdefault(owner, []).append(atom)
    return result


def territory_specs(plan: ChinaPlan, specs: list[dict]) -> list[dict]:
    """The territory specs with China's dated features expanded into concrete cells.

    A spec naming the plan's cell becomes one spec per run of dates on which the atoms no
    rule takes are the same; every rule gives one spec per run of dates with the same atoms.
    Other specs pass through unchanged. With several ROC groups a run's id names its group
    and start; with one group the first run keeps the spec's id and later ones add the start.
    """
    dynamic = [s for s in specs if plan.cell in s["cells"]]
    result = [s for s in specs if plan.cell not in s["cells"]]
    dates = _change_dates(plan, dynamic)
    runs: dict[str | None, list] = {}  # owner -> [(start, end, atoms)]
    for start, end in zip(dates, [*dates[1:], None], strict=True):
        owned = assign(plan, start)
        for owner in {*owned, *runs}:
            atoms = tuple(a.name for a in owned.get(owner, []))
            history = runs.setdefault(owner, [])
            if history and history[-1][2] == atoms and history[-1][1] == start:
                history[-1] = (history[-1][0], end, atoms)
            else:
                history.append((start, end, atoms))
    by_atom = {a.name: a for a in plan.atoms}
    groups = list(dict.fromkeys(plan.roc_groups.values()))
    span = {
        "valid_from": min(s["valid_from"] for s in dynamic),
        "valid_to": None
        if any(s["valid_to"] is None for s in dynamic)
        else max(s["valid_to"] for s in dynamic),
    }
    for group in groups:
        # The first group carries the specs' other cells, so it follows each spec's dates;
        # the others run across specs (taking the properties of the spec of their start).
        for spec in dynamic if group == groups[0] else [span]:
            extra = [c for c in spec.get("cells", []) if c != plan.cell]
            for lo, hi, atoms in _group_runs(runs.get(None, []), plan, group, spec):
                if extra or atoms:
                    base = [s for s in dynamic if s["valid_from"] <= lo][-1]
                    ident = f"{base['id']}_{group}_{lo}"
                    if len(groups) == 1:
                        ident = base["id"] if lo == base["valid_from"] else f"{base['id']}_{lo}"
                    dates = {"valid_from": lo, "valid_to": hi}
                    result.append(base | {"id": ident, **dates, "cells": extra + list(atoms)})
    for rule in plan.rules:
        for start, end, atoms in runs.get(rule["id"], []):
            if atoms:
                result.append(_rule_spec(plan, rule, start, end, [by_atom[a] for a in atoms]))
    return result


def _group_runs(runs: list, plan: ChinaPlan, group: str, spec: dict) -> list:
    """The runs of the Republic's atoms in one province group within a spec's dates."""
    province = {a.name: plan.roc_groups[a.province] for a in plan.atoms}
    merged: list = []
    for start, end, atoms in runs:
        lo, hi = max(start, spec["valid_from"]), _min_end(end, spec["valid_to"])
        if hi is not None and lo >= hi:
            continue
        mine = tuple(a for a in atoms if province[a] == group)
        if merged and merged[-1][2] == mine and merged[-1][1] == lo:
            merged[-1] = (merged[-1][0], hi, mine)
        else:
            merged.append((lo, hi, mine))
    return merged


def _min_end(a: str | None, b: str | None) -> str | None:
    if a is None:
        return b
    return a if b is None else min(a, b)


def _rule_spec(plan: ChinaPlan, rule: dict, start: str, end: str | None, atoms: list) -> dict:
    """One feature spec of a rule: its atoms, and the sources and notes of its pieces."""
    live = sorted(
        {p for a in atoms for p in a.pieces if plan.pieces[p].active(start)},
        key=lambda p: (plan.pieces[p].start, p),
    )
    live = [plan.pieces[p] for p in live if plan.pieces[p].group == rule["group"]]
    sources = list(rule["sources"])
    for piece in live:
        sources += [s for s in piece.spec["sources"] if s not in sources]
    new = [p for p in live if p.start == start]
    detail_en = "; ".join(f"{p.spec['name_en']} ({_span(p)}; {p.spec['accuracy']})" for p in live)
    detail_fr = "; ".join(
        f"{p.spec['name_fr']} ({_span(p)} ; {p.spec.get('accuracy_fr', p.spec['accuracy'])})"
        for p in live
    )
    if new:
        detail_en += ". New on this date: " + " ".join(p.spec["notes"] for p in new)
        detail_fr += ". Nouveau à cette date : " + " ".join(p.spec["notes_fr"] for p in new)
    keys = ("name_en", "name_fr", "name_native", "status", "controller")
    labels = {k: rule[k] for k in ("label_en", "label_fr") if rule.get(k)}  # the map's name
    return {
        "layer": rule["layer"],
        "id": f"{rule['id']}_{start}",
        **{k: rule[k] for k in keys},
        **labels,
        "valid_from": start,
        "valid_to": end,
        "cells": [a.name for a in atoms],
        "sources": sources,
        "notes": f"{rule['notes']} Drawn from: {detail_en}",
        "notes_fr": f"{rule['notes_fr']} Tracé à partir de : {detail_fr}",
    }


def _span(piece: Piece) -> str:
    return f"{piece.start} – {piece.end or '…'}"


def check_dates(data: dict, name: str = DATA.name) -> None:
    """Every piece and rule has ISO dates in order (a clear error names the item)."""
    for kind in ("pieces", "rules"):
        for item in data[kind]:
            start, end = item["valid_from"], item["valid_to"]
            dt.date.fromisoformat(start)
            if end is not None and not dt.date.fromisoformat(start) < dt.date.fromisoformat(end):
                raise SystemExit(f"{name}: {kind} {item['id']!r}: valid_to: not after {start}")
