"""Exports from the command line, by the same code as the app.

    python -m layers.export --date 1945-08-20 --out map.png [--format png|svg|pdf]
        [--bounds W,S,E,N] [--lang en|fr] [--width 1600 --height 1000] [--dpi 150]
        [--layers a,b]
    python -m layers.export --from 1941-04-13 --to 1945-09-02 --step month --out pact.gif
    python -m layers.export --html --out atlas.html [--lang fr]

The format follows the file's extension unless ``--format`` says otherwise. A bad argument
prints one line to stderr and exits with status 2; nothing is written. The file is written
to a temporary file beside it and renamed only once complete, so no partial file is left.

:data:`EXPORTS` is the one list of formats, read by this command line and by the app's
Export panel: each format's renderer, MIME type, file extension and limits. This module
imports no renderer until one is used (the app reads the registry without matplotlib).
"""

from __future__ import annotations

import argparse
import contextlib
import datetime as dt
import glob
import importlib
import os
import re
import shutil
import stat
import sys
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from layers.i18n import LANGUAGES
from layers.model import ATLAS_END, ATLAS_START

IMAGE, ANIMATION, HTML = "image", "animation", "html"  # what a format exports
# Limits of the images (each frame of an animation is one) and of the animations.
MIN_SIDE, MAX_SIDE, MAX_PIXELS = 200, 8000, 40_000_000
MIN_DPI, MAX_DPI = 50, 600
MAX_FRAME_SIDE = 2400  # pixels: larger animations are better made as MP4 from images
MAX_FRAMES = 400


@dataclass(frozen=True)
class ExportFormat:
    """One export format: what it exports (:data:`IMAGE`, :data:`ANIMATION` or :data:`HTML`),
    its renderer (``module:function``, imported when used), MIME type, file extension and
    limits (``None``: none), and the program it needs on ``PATH``, if any."""

    name: str
    kind: str
    renderer: str
    mime: str
    extension: str
    max_side: int | None = None
    max_pixels: int | None = None
    max_frames: int | None = None
    needs: str | None = None

    def render_function(self) -> Callable[..., bytes | str]:
        """The renderer, imported now (ImportError or AttributeError if it is missing)."""
        module, function = self.renderer.split(":")
        return getattr(importlib.import_module(module), function)

    def available(self) -> bool:
        """True when the program the format needs (ffmpeg for MP4) is installed."""
        return self.needs is None or shutil.which(self.needs) is not None


_IMAGE = {"renderer": "layers.static:render_image", "max_side": MAX_SIDE, "max_pixels": MAX_PIXELS}
_ANIMATION = {
    "renderer": "layers.timelapse:render_timelapse",
    "max_side": MAX_FRAME_SIDE,
    "max_pixels": MAX_PIXELS,
    "max_frames": MAX_FRAMES,
}
EXPORTS = {
    f.name: f
    for f in (
        ExportFormat("png", IMAGE, mime="image/png", extension="png", **_IMAGE),
        ExportFormat("svg", IMAGE, mime="image/svg+xml", extension="svg", **_IMAGE),
        ExportFormat("pdf", IMAGE, mime="application/pdf", extension="pdf", **_IMAGE),
        ExportFormat("gif", ANIMATION, mime="image/gif", extension="gif", **_ANIMATION),
        ExportFormat(
            "mp4", ANIMATION, mime="video/mp4", extension="mp4", needs="ffmpeg", **_ANIMATION
        ),
        ExportFormat(
            "html",
            HTML,
            renderer="layers.html_export:standalone_html",
            mime="text/html",
            extension="html",
        ),
    )
}
STEPS = ("day", "week", "month")  # an animation's frames: one a day, a week or a month
ALIASES = {"htm": "html", "jpeg": "jpg"}
_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def formats(kind: str) -> tuple[str, ...]:
    """The names of the formats that export ``kind``, in the registry's order."""
    return tuple(name for name, f in EXPORTS.items() if f.kind == kind)


class UsageError(Exception):
    """A bad argument: reported on one line, exit status 2."""


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> None:  # argparse would print usage on several lines
        raise UsageError(message)


def parser() -> argparse.ArgumentParser:
    """The command line's arguments."""
    p = _Parser(
        prog="python -m layers.export",
        description="Export a map image, an animation or the standalone HTML atlas.",
    )
    p.add_argument("--out", required=True, help="file to write (its extension sets the format)")
    p.add_argument("--date", help="YYYY-MM-DD: one map image")
    p.add_argument("--from", dest="start", help="YYYY-MM-DD: first frame of an animation")
    p.add_argument("--to", dest="end", help="YYYY-MM-DD: last frame of an animation")
    p.add_argument("--step", choices=STEPS, help="animation step (default: month)")
    p.add_argument("--html", action="store_true", help="the standalone interactive HTML atlas")
    names = ", ".join(EXPORTS)
    p.add_argument("--format", help=f"one of {names} (default: from --out's extension)")
    p.add_argument("--bounds", help="W,S,E,N in degrees (default: East Asia)")
    p.add_argument("--lang", choices=LANGUAGES, default="en")
    p.add_argument("--width", type=int, help="pixels (image 1600, animation 960)")
    p.add_argument("--height", type=int, help="pixels (image 1000, animation 600)")
    p.add_argument("--dpi", type=float, help="image resolution (default 150)")
    p.add_argument("--layers", help="comma-separated layer ids (default: all)")
    return p


def main(argv: list[str] | None = None) -> int:
    """Run the command line; 0 on success, 2 on a bad argument, 1 if the export failed."""
    from layers.loading import load_atlas
    from layers.static import ExportError, check_layers

    argv = sys.argv[1:] if argv is None else list(argv)
    try:
        args = parser().parse_args(_joined_bounds(argv))
        job = _job(args)
        atlas = load_atlas()
        layer_ids = check_layers(atlas, job["layers"]) if job["layers"] is not None else None
        _check(atlas, job, layer_ids)
        with _atomic(job["out"]) as handle:
            handle.write(_render(atlas, job, layer_ids))
    except (UsageError, ExportError) as error:
        print(f"error: {_one_line(error)}", file=sys.stderr)
        return 2
    except Exception as error:  # a failure of ours, not of the arguments: still one line
        print(f"export failed: {type(error).__name__}: {_one_line(error)}", file=sys.stderr)
        return 1
    print(f"wrote {job['out']}")
    return 0


def _job(args: argparse.Namespace) -> dict:
    """Everything the arguments ask for, checked as far as can be without the data."""
    modes = [bool(args.date), bool(args.start or args.end), bool(args.html)]
    if sum(modes) != 1:
        raise UsageError("give exactly one of --date, --from/--to or --html")
    out = Path(args.out)
    fmt = (args.format or out.suffix.lstrip(".")).lower()
    fmt = ALIASES.get(fmt, fmt)
    if not fmt:
        raise UsageError(f"cannot tell the format of {out.name!r}: add an extension or --format")
    job: dict = {"out": out, "format": fmt, "lang": args.lang, "layers": _layer_list(args.layers)}
    if args.html:
        for name in ("bounds", "width", "height", "dpi", "step"):
            if getattr(args, name) is not None:
                raise UsageError(f"--{name} does not apply to --html")
        _expect(fmt, formats(HTML), "--html")
        job["mode"] = "html"
    elif args.date:
        if args.step is not None:
            raise UsageError("--step applies to --from/--to animations only")
        _expect(fmt, formats(IMAGE), "an image (--date)")
        job.update(mode="image", date=_date(args.date, "--date"))
        job.update(width=_or(args.width, 1600), height=_or(args.height, 1000))
        job.update(dpi=_or(args.dpi, 150.0), bounds=_bounds(args.bounds))
    else:
        if not (args.start and args.end):
            raise UsageError("an animation needs both --from and --to")
        if args.dpi is not None:
            raise UsageError("--dpi applies to --date images only (frames are sized in pixels)")
        _expect(fmt, formats(ANIMATION), "an animation (--from/--to)")
        start, end = _date(args.start, "--from"), _date(args.end, "--to")
        if start > end:
            raise UsageError(f"--from {start} is after --to {end}")
        job.update(mode="animation", start=start, end=end, step=args.step or "month")
        job.update(width=_or(args.width, 960), height=_or(args.height, 600))
        job.update(bounds=_bounds(args.bounds))
    _check_output(out)
    return job


def _check(atlas, job: dict, layer_ids: list[str] | None) -> None:
    """The checks the renderers make, made before any file is touched."""
    from layers.static import check_request
    from layers.timelapse import check_timelapse

    if job["mode"] == "image":
        check_request(
            atlas, job["date"], layer_ids, job["bounds"], job["width"], job["height"], job["dpi"]
        )
    elif job["mode"] == "animation":
        check_timelapse(
            atlas,
            job["start"],
            job["end"],
            job["step"],
            layer_ids,
            job["bounds"],
            job["format"],
            job["width"],
            job["height"],
        )


def _render(atlas, job: dict, layer_ids: list[str] | None) -> bytes:
    render = EXPORTS[job["format"]].render_function()
    if job["mode"] == "image":
        return render(
            atlas,
            job["date"],
            layer_ids,
            bounds=job["bounds"],
            lang=job["lang"],
            fmt=job["format"],
            width=job["width"],
            height=job["height"],
            dpi=job["dpi"],
        )
    if job["mode"] == "animation":
        return render(
            atlas,
            job["start"],
            job["end"],
            job["step"],
            layer_ids,
            bounds=job["bounds"],
            lang=job["lang"],
            fmt=job["format"],
            width=job["width"],
            height=job["height"],
        )
    return render(atlas, lang=job["lang"], layer_ids=layer_ids).encode("utf-8")


@contextlib.contextmanager
def _atomic(out: Path):
    """A temporary file beside ``out``, renamed to it only when everything was written. An
    existing file keeps its permissions; the temporary files of runs that were killed are
    removed first."""
    folder = out.parent if str(out.parent) else Path(".")
    _remove_dead_parts(folder, out.name)
    existing = _existing_mode(out)
    try:
        descriptor, temporary = tempfile.mkstemp(
            dir=folder, prefix=f".{out.name}.{os.getpid()}.", suffix=".part"
        )
    except OSError as error:
        raise UsageError(f"cannot write in {str(folder)!r}: {error.strerror}") from None
    try:
        with os.fdopen(descriptor, "wb") as handle:
            yield handle
            handle.flush()
            os.fsync(handle.fileno())
        if existing is None:
            umask = os.umask(0)
            os.umask(umask)
            existing = 0o666 & ~umask
        os.chmod(temporary, existing)
        os.replace(temporary, out)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(temporary)
        raise


def _existing_mode(out: Path) -> int | None:
    """The permissions of the file ``out`` replaces (None when there is none). Writing
    through a symbolic link, or over a FIFO, device or socket, is refused."""
    try:
        info = out.lstat()
    except FileNotFoundError:
        return None
    except OSError as error:
        raise UsageError(f"cannot write {str(out)!r}: {error.strerror}") from None
    if stat.S_ISLNK(info.st_mode):
        raise UsageError(f"{str(out)!r} is a symbolic link: give the file it points to")
    if not stat.S_ISREG(info.st_mode):
        raise UsageError(f"{str(out)!r} is not a regular file")
    return stat.S_IMODE(info.st_mode)


def _remove_dead_parts(folder: Path, name: str) -> None:
    """Remove ``.NAME.PID.*.part`` files left by runs that were killed (their PID is gone)."""
    for part in folder.glob(f".{glob.escape(name)}.*.part"):
        pid = part.name[len(name) + 2 :].split(".", 1)[0]
        if pid.isdigit() and not _alive(int(pid)):
            with contextlib.suppress(OSError):
                part.unlink()


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def _check_output(out: Path) -> None:
    folder = out.parent if str(out.parent) else Path(".")
    if not folder.is_dir():
        raise UsageError(f"output folder {str(folder)!r} does not exist")
    if out.is_dir():
        raise UsageError(f"{str(out)!r} is a folder, not a file")
    _existing_mode(out)
    if not os.access(folder, os.W_OK | os.X_OK):
        raise UsageError(f"cannot write in {str(folder)!r}: permission denied")
    if out.exists() and not os.access(out, os.W_OK):
        raise UsageError(f"cannot overwrite {str(out)!r}: permission denied")


def _expect(fmt: str, allowed: tuple[str, ...], what: str) -> None:
    if fmt not in allowed:
        raise UsageError(f"format {fmt!r} does not suit {what}: use {', '.join(allowed)}")


def _date(text: str, option: str) -> dt.date:
    if not _DATE.match(text):
        raise UsageError(f"{option} {text!r} is not a date in the form YYYY-MM-DD")
    try:
        day = dt.date.fromisoformat(text)
    except ValueError:
        raise UsageError(f"{option} {text!r} is not a valid date") from None
    if not ATLAS_START <= day <= ATLAS_END:
        raise UsageError(f"{option} {day} is outside the atlas period {ATLAS_START}..{ATLAS_END}")
    return day


def _bounds(text: str | None) -> tuple[float, float, float, float] | None:
    from layers.static import check_bounds

    if text is None:
        return None
    parts = text.split(",")
    if len(parts) != 4:
        raise UsageError(f"--bounds {text!r} needs four numbers W,S,E,N")
    try:
        values = [float(p) for p in parts]
    except ValueError:
        raise UsageError(f"--bounds {text!r} needs four numbers W,S,E,N") from None
    return check_bounds(values)


def _joined_bounds(argv: list[str]) -> list[str]:
    """``--bounds -10,30,40,60`` as ``--bounds=-10,…``: argparse takes ``-10…`` for an option."""
    joined, skip = [], False
    for i, arg in enumerate(argv):
        if skip:
            skip = False
            continue
        following = argv[i + 1] if i + 1 < len(argv) else ""
        if arg == "--bounds" and re.match(r"^-\d", following):
            joined.append(f"--bounds={following}")
            skip = True
        else:
            joined.append(arg)
    return joined


def _layer_list(text: str | None) -> list[str] | None:
    if text is None:
        return None
    ids = [part.strip() for part in text.split(",")]
    if not all(ids):
        raise UsageError(f"--layers {text!r} has an empty layer id")
    return ids


def _or(value, default):
    return default if value is None else value


def _one_line(error: BaseException) -> str:
    return " ".join(str(error).split()) or type(error).__name__


if __name__ == "__main__":
    sys.exit(main())
