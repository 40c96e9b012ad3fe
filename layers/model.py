"""The atlas data model: layers with their temporal index, events, and what holds on a date.

Reading files lives in :mod:`layers.loading`; this module only works on loaded data.
"""

from __future__ import annotations

import datetime as dt
import threading
from collections.abc import Callable
from dataclasses import dataclass, field

import geopandas as gpd
import pandas as pd

from layers.lru import LRU
from layers.temporal import TemporalIndex, axis_progress
from layers.validate import ROLE_BASE, Problem

ATLAS_START = dt.date(1939, 5, 11)
ATLAS_END = dt.date(1946, 5, 3)
DEFAULT_DATE = dt.date(1941, 4, 13)
ROUTE_FADE_DAYS = 60  # routes stay on the map, faded, this long after they end
MAX_SLICES = 256  # date slices kept per layer (a shipped layer has fewer epochs than this)


def route_fade_days(frame: pd.DataFrame) -> int:
    """How long a route layer's ended features stay on the map, faded: troop movements for
    :data:`ROUTE_FADE_DAYS`; a campaign's axes (routes with dated waypoints) not at all, they
    go when the campaign is over."""
    if "waypoints" in frame and frame["waypoints"].map(lambda w: isinstance(w, list)).any():
        return 0
    return ROUTE_FADE_DAYS


@dataclass(frozen=True)
class LayerSpec:
    """One catalogue entry, with its flags: ``role`` (``"base"``: the base map, ``"cities"``:
    the city layer), ``line_style`` (how a line or route layer is drawn, see
    :func:`layers.style.route_style`) and ``moving_front`` (a route layer whose axes advance
    along their dated waypoints), and the group the app lists it in (``group``, with that
    group's titles)."""

    id: str
    file: str
    kind: str
    title_en: str
    title_fr: str
    visible: bool
    order: int
    role: str | None = None
    line_style: str | None = None
    moving_front: bool = False
    group: str | None = None
    group_en: str | None = None
    group_fr: str | None = None

    def title(self, lang: str) -> str:
        return self.title_fr if lang == "fr" else self.title_en

    def group_title(self, lang: str) -> str | None:
        return self.group_fr if lang == "fr" else self.group_en


class DeferredFrame:
    """A layer's features read when first asked for, once (the atlas cache's layers: the
    main page sends its map before the notes need any layer's features)."""

    def __init__(self, read: Callable[[], gpd.GeoDataFrame]) -> None:
        self._read: Callable[[], gpd.GeoDataFrame] | None = read
        self._frame: gpd.GeoDataFrame | None = None
        self._lock = threading.Lock()

    def get(self) -> gpd.GeoDataFrame:
        """The features, read on the first call (by one thread; others wait for it)."""
        with self._lock:
            if self._read is not None:
                self._frame, self._read = self._read(), None
            return self._frame


@dataclass(frozen=True)
class Layer:
    """A loaded layer: its valid features (``stored``: a frame, or one read when first
    used), their temporal index, and any problems found."""

    spec: LayerSpec
    stored: gpd.GeoDataFrame | DeferredFrame
    index: TemporalIndex
    problems: tuple[Problem, ...] = ()
    checksum: str = ""  # an upload's: the SHA-256 of the file it was read from
    _slices: LRU = field(default_factory=lambda: LRU(MAX_SLICES), repr=False, compare=False)

    @property
    def frame(self) -> gpd.GeoDataFrame:
        """The layer's valid features."""
        stored = self.stored
        return stored.get() if isinstance(stored, DeferredFrame) else stored

    def on(self, day: dt.date) -> gpd.GeoDataFrame:
        """The features shown on ``day``; one slice per epoch, computed once."""
        epoch = self.index.epoch(day)
        frame = self._slices.get(epoch)
        if frame is None:
            positions = self.index.active(day)
            frame = self.frame.iloc[positions]
            if self.spec.kind == "route":
                frame = frame.assign(ended=self.index.ended(day)[positions])
            self._slices.put(epoch, frame)
        return frame

    @property
    def broken(self) -> bool:
        """True when nothing of the layer could be loaded."""
        return bool(self.problems) and len(self.frame) == 0


@dataclass(frozen=True)
class Atlas:
    """Everything the app, the exports and the tests draw from."""

    layers: dict[str, Layer]
    events: gpd.GeoDataFrame
    problems: tuple[Problem, ...] = ()
    user_layer_ids: frozenset[str] = field(default_factory=frozenset)
    source: str = ""  # names the data: the folder loaded, then each upload's id and checksum
    events_spec: LayerSpec | None = None  # the events' catalogue entry (title, group)

    def specs(self) -> list[LayerSpec]:
        """Catalogue entries in draw order (events excluded: they are not drawn as a layer)."""
        return sorted((layer.spec for layer in self.layers.values()), key=lambda s: s.order)

    def default_layer_ids(self) -> list[str]:
        return [s.id for s in self.specs() if s.visible]

    def role_layer(self, role: str) -> Layer | None:
        """The layer the catalogue gives ``role`` (at most one has it), or None."""
        return next((layer for layer in self.layers.values() if layer.spec.role == role), None)

    def base_layer(self) -> Layer | None:
        """The base map's layer (land, graticule, land outside the scope), or None."""
        return self.role_layer(ROLE_BASE)


def snapshot(atlas: Atlas, day: dt.date, layer_ids: list[str] | None = None) -> dict:
    """The features of each layer shown on ``day``, in draw order.

    Route layers include features that ended less than :data:`ROUTE_FADE_DAYS` ago, with
    a boolean ``ended`` column so they can be drawn faded.
    """
    wanted = set(atlas.layers) if layer_ids is None else set(layer_ids)
    result = {}
    for spec in atlas.specs():
        if spec.id not in wanted:
            continue
        result[spec.id] = atlas.layers[spec.id].on(day)
    return result


def state_key(atlas: Atlas, day: dt.date, layer_ids: list[str]) -> tuple:
    """Equal keys mean identical maps: used to skip re-rendering when nothing changed.

    August 1945 axes advance along their waypoints, so their progress is part of the key.
    """
    key = []
    for layer_id in sorted(layer_ids):
        layer = atlas.layers.get(layer_id)
        if layer is None:
            continue
        progress = None
        if "waypoints" in layer.frame:
            shown = layer.on(day)["waypoints"]
            progress = tuple(axis_progress(w, day) for w in shown if isinstance(w, list))
        key.append((layer_id, layer.index.epoch(day), progress))
    return tuple(key)


def events_between(atlas: Atlas, start: dt.date, end: dt.date) -> pd.DataFrame:
    """Events whose date range meets ``[start, end]``, in date order."""
    events = atlas.events
    if events.empty:
        return events
    first = events["date"]
    last = events["date_end"].fillna(events["date"])
    mask = (first <= end.isoformat()) & (last >= start.isoformat())
    return events[mask].sort_values(["date", "id"])


def territory_at(atlas: Atlas, day: dt.date, lon: float, lat: float) -> list[dict]:
    """Properties of the territories containing a point on ``day`` (for tests and tooltips)."""
    from shapely.geometry import Point

    point = Point(lon, lat)
    found = []
    for layer_id, frame in snapshot(atlas, day).items():
        if atlas.layers[layer_id].spec.kind != "territory":
            continue
        for _, row in frame[frame.contains(point)].iterrows():
            found.append({"layer": layer_id, **row.drop("geometry").to_dict()})
    return found
