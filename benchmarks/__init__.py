"""Benchmarks of the atlas: ``python -m benchmarks`` (``--load`` adds the 8-session load test,
``--upload`` the worst allowed upload while seven sessions step dates).

Each benchmark returns rows ``(name, value, unit, target key)``; the table says whether each
target in :data:`TARGETS` was met. Results go to ``benchmarks/results/latest.json``. Nothing
here asserts: the test suite has no timing assertions.
"""

from __future__ import annotations

# Targets: (comparison, bound, unit). "<=" means the measured value must not exceed it.
TARGETS: dict[str, tuple[str, float, str]] = {
    # Issue 15 (the map engine in the browser): a step is drawn without the server.
    "engine_step_p50_ms": ("<=", 50.0, "ms"),  # slider key press → map updated, in the app
    "engine_step_p95_ms": ("<=", 100.0, "ms"),
    "engine_speedup_vs_naive": (">=", 40.0, "x"),  # naive full re-render p50 / atlas step p50
    "drag_frames_per_s": (">=", 30.0, "/s"),  # dates drawn while dragging across one year
    "drag_frame_p95_ms": ("<=", 50.0, "ms"),  # animation-frame interval during the drag
    "server_release_p50_ms": ("<=", 20.0, "ms"),  # the fragment's work on a released date
    "released_step_bytes": ("<=", 20 * 1024, "B"),  # websocket, both directions, per step
    "cold_start_over_floor_s": ("<=", 0.8, "s"),  # beyond benchmarks/floor_app.py, same run
    "server_update_p50_ms": ("<=", 30.0, "ms"),  # the Compare page's streamlit-folium maps
    "cold_start_s": ("<=", 4.0, "s"),  # as set in the issue; the floor app alone takes 3–4 s here
    "scale_index_p50_ms": ("<=", 5.0, "ms"),
    "export_png_p50_ms": ("<=", 1500.0, "ms"),  # warm, 1600×1000
    "export_gif60_s": ("<=", 30.0, "s"),  # 60 frames, 960×600
    "server_peak_rss_mb": ("<=", 500.0, "MB"),
    "load_errors": ("<=", 0.0, "errors"),
    "load_sessions_isolated": (">=", 1.0, "bool"),
    "upload_load_p95_ratio": ("<=", 2.0, "x"),  # server's answer p95 during the worst upload / not
    "upload_load_peak_rss_mb": ("<=", 1000.0, "MB"),
}


def met(key: str, value: float) -> bool | None:
    """Whether ``value`` meets the target ``key`` (None when there is no such target)."""
    if key not in TARGETS:
        return None
    op, bound, _ = TARGETS[key]
    return value <= bound if op == "<=" else value >= bound
