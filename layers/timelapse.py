"""Animated maps: one frame per day, week or month, as a GIF (Pillow) or an MP4 (ffmpeg).

Each frame is a full map image from :mod:`layers.static` (title with the date, legend, scale
bar), drawn directly at the target size; what does not change between frames (projected
geometries, fonts, label anchors, text sizes) comes from that module's caches.
"""

from __future__ import annotations

import calendar
import datetime as dt
import shutil
import subprocess
import tempfile
from collections.abc import Callable
from pathlib import Path

import numpy as np
from PIL import GifImagePlugin, Image

from layers.export import ANIMATION, MAX_FRAME_SIDE, MAX_FRAMES, STEPS, formats
from layers.model import Atlas
from layers.static import ExportError, check_day, check_request, render_array

FORMATS = formats(ANIMATION)
FRAME_MS = 500  # per frame
LAST_FRAME_MS = 2000  # the last frame stays longer before the loop starts again
REFERENCE_WIDTH, REFERENCE_HEIGHT, REFERENCE_DPI = 1600, 1000, 150


def frame_dates(start: dt.date, end: dt.date, step: str = "month") -> list[dt.date]:
    """Frame dates from ``start`` to ``end`` inclusive, every day, week or month.

    Months keep the day of ``start``, clamped to the month's length (31 January, 28 February,
    31 March…). When the steps do not land on ``end``, ``end`` is added as the last frame, so
    an animation always closes on the date asked for.
    """
    if step not in STEPS:
        raise ExportError(f"unknown step {step!r} (use one of {', '.join(STEPS)})")
    if start > end:
        raise ExportError(f"start {start} is after end {end}")
    dates = []
    k = 0
    while (day := _advance(start, step, k)) <= end:
        dates.append(day)
        k += 1
    if dates[-1] != end:
        dates.append(end)
    return dates


def _advance(start: dt.date, step: str, k: int) -> dt.date:
    if step == "day":
        return start + dt.timedelta(days=k)
    if step == "week":
        return start + dt.timedelta(weeks=k)
    months = start.month - 1 + k
    year, month = start.year + months // 12, months % 12 + 1
    return dt.date(year, month, min(start.day, calendar.monthrange(year, month)[1]))


def frame_dpi(width: int, height: int) -> float:
    """The resolution that gives a frame the layout of the 1600×1000 image at 150 dpi."""
    scale = min(width / REFERENCE_WIDTH, height / REFERENCE_HEIGHT)
    return round(max(REFERENCE_DPI * scale, 50.0), 2)


def check_timelapse(
    atlas: Atlas,
    start: dt.date,
    end: dt.date,
    step: str,
    layer_ids: list[str] | None,
    bounds: tuple[float, float, float, float] | None,
    fmt: str,
    width: int,
    height: int,
) -> list[dt.date]:
    """The frame dates, or :class:`ExportError` saying what is wrong with the request."""
    if fmt not in FORMATS:
        raise ExportError(f"unknown animation format {fmt!r} (use one of {', '.join(FORMATS)})")
    if fmt == "mp4" and shutil.which("ffmpeg") is None:
        raise ExportError("MP4 export needs ffmpeg on PATH (apt-get install ffmpeg); use GIF")
    check_day(start)
    check_day(end)
    if max(width, height) > MAX_FRAME_SIDE:
        raise ExportError(f"frames of {width}×{height} exceed {MAX_FRAME_SIDE} pixels a side")
    dates = frame_dates(start, end, step)
    if len(dates) > MAX_FRAMES:
        raise ExportError(f"{len(dates)} frames is more than {MAX_FRAMES}: use a longer step")
    check_request(atlas, start, layer_ids, bounds, width, height, frame_dpi(width, height))
    return dates


def render_timelapse(
    atlas: Atlas,
    start: dt.date,
    end: dt.date,
    step: str = "month",
    layer_ids: list[str] | None = None,
    *,
    bounds: tuple[float, float, float, float] | None = None,
    lang: str = "en",
    fmt: str = "gif",
    width: int = 960,
    height: int = 600,
    progress: Callable[[int, int], None] | None = None,
) -> bytes:
    """An animated map from ``start`` to ``end``: GIF bytes (looping) or MP4 bytes (ffmpeg).

    ``progress(i, n)`` is called after frame ``i`` of ``n`` (1-based) is drawn.
    """
    fmt = str(fmt).lower().lstrip(".")
    dates = check_timelapse(atlas, start, end, step, layer_ids, bounds, fmt, width, height)
    dpi = frame_dpi(width, height)

    def frames():
        for i, day in enumerate(dates, start=1):
            yield render_array(
                atlas, day, layer_ids, bounds=bounds, lang=lang, width=width, height=height, dpi=dpi
            )
            if progress is not None:
                progress(i, len(dates))

    if fmt == "mp4":
        return _mp4(frames(), width, height)
    return _gif(frames())


def _gif(frames) -> bytes:
    """Palette-quantised frames (an adaptive palette each, no dithering), looping forever.

    Each frame is encoded as soon as it is drawn and appended to a temporary file, so memory
    holds one frame at a time whatever the number and size of the frames (Pillow's own
    animated GIF writer keeps every frame until the end)."""
    with tempfile.TemporaryFile() as out:
        previous = None  # held back one step: the last frame stays longer
        for rgb in frames:
            image = Image.fromarray(np.ascontiguousarray(rgb)).quantize(
                colors=256, method=Image.Quantize.MEDIANCUT, dither=Image.Dither.NONE
            )
            if previous is None:
                header, _ = GifImagePlugin.getheader(image, info={"loop": 0})
                out.writelines(header)
            else:
                out.write(_gif_frame(previous, FRAME_MS))
            previous = image
        if previous is None:
            raise ExportError("an animation needs at least one frame")
        out.write(_gif_frame(previous, max(FRAME_MS, LAST_FRAME_MS)) + b";")
        out.seek(0)
        return out.read()


def _gif_frame(image: Image.Image, duration: int) -> bytes:
    """One frame's graphic control block, local palette and LZW data."""
    chunks = GifImagePlugin.getdata(image, duration=duration, disposal=1, include_color_table=True)
    return b"".join(chunks)


def _mp4(frames, width: int, height: int) -> bytes:
    """H.264 at 2 frames a second (frames repeated to 10 fps so that every player copes)."""
    ffmpeg = shutil.which("ffmpeg")
    if ffmpeg is None:
        raise ExportError("MP4 export needs ffmpeg on PATH (apt-get install ffmpeg); use GIF")
    with tempfile.TemporaryDirectory() as folder:
        out = Path(folder) / "timelapse.mp4"
        command = [
            ffmpeg,
            "-hide_banner",
            "-loglevel",
            "error",
            "-f",
            "rawvideo",
            "-pix_fmt",
            "rgb24",
            "-s",
            f"{width}x{height}",
            "-framerate",
            str(1000 / FRAME_MS),
            "-i",
            "-",
            "-vf",
            "pad=ceil(iw/2)*2:ceil(ih/2)*2,fps=10,format=yuv420p",
            "-c:v",
            "libx264",
            "-movflags",
            "+faststart",
            str(out),
        ]
        process = subprocess.Popen(command, stdin=subprocess.PIPE, stderr=subprocess.PIPE)
        try:
            for rgb in frames:
                process.stdin.write(np.ascontiguousarray(rgb, dtype=np.uint8).tobytes())
        finally:
            process.stdin.close()
            error = process.stderr.read().decode(errors="replace").strip()
            process.stderr.close()
            code = process.wait()
        if code != 0:
            raise RuntimeError(f"ffmpeg failed ({code}): {error.splitlines()[-1] if error else ''}")
        return out.read_bytes()
