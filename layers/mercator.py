"""Web Mercator (EPSG:3857), the projection of the web map and of the exported images."""

from __future__ import annotations

import numpy as np

EARTH_RADIUS = 6378137.0  # EPSG:3857 sphere
MAX_LAT = 85.05112878


def project(lon: np.ndarray | float, lat: np.ndarray | float) -> tuple[np.ndarray, np.ndarray]:
    """Longitude and latitude in degrees to Web Mercator metres."""
    lat = np.clip(np.asarray(lat, dtype=float), -MAX_LAT, MAX_LAT)
    x = EARTH_RADIUS * np.radians(np.asarray(lon, dtype=float))
    y = EARTH_RADIUS * np.log(np.tan(np.pi / 4 + np.radians(lat) / 2))
    return x, y


def unproject(x: np.ndarray | float, y: np.ndarray | float) -> tuple[np.ndarray, np.ndarray]:
    """Web Mercator metres to longitude and latitude in degrees."""
    lon = np.degrees(np.asarray(x, dtype=float) / EARTH_RADIUS)
    lat = np.degrees(2 * np.arctan(np.exp(np.asarray(y, dtype=float) / EARTH_RADIUS)) - np.pi / 2)
    return lon, lat
