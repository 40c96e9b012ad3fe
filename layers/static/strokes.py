"""Line widths and dashes of :mod:`layers.style` (Leaflet pixels) in print (points)."""

from __future__ import annotations

PX = 0.55  # points per web-map pixel: the Leaflet widths and dashes of layers.style, in print


def dashes(dash: str | None, unit: float):
    """A Leaflet dash array (pixels) as a matplotlib line style (points)."""
    if not dash:
        return "solid"
    return (0, tuple(float(v) * PX * unit for v in dash.replace(",", " ").split()))
