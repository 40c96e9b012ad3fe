"""The export command line: one-line errors with status 2 and no file; atomic writes."""

from __future__ import annotations

import datetime as dt
import io
import os
import stat
import subprocess
import sys
from pathlib import Path

import pytest
from PIL import Image

from layers import export
from layers.export import main

ROOT = Path(__file__).resolve().parent.parent


def run(capsys, *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


def listing(folder: Path) -> list[str]:
    return sorted(os.listdir(folder))


BAD = [
    (["--date", "1945-8-20"], "map.png", "YYYY-MM-DD"),
    (["--date", "20/08/1945"], "map.png", "YYYY-MM-DD"),
    (["--date", "1945-02-30"], "map.png", "not a valid date"),
    (["--date", "1939-05-10"], "map.png", "outside the atlas period"),
    (["--date", "1946-05-04"], "map.png", "outside the atlas period"),
    (["--from", "1945-09-01", "--to", "1945-08-01"], "a.gif", "after"),
    (["--from", "1945-08-01"], "a.gif", "both --from and --to"),
    (["--date", "1945-08-20", "--bounds", "140,30,120,50"], "map.png", "W < E"),
    (["--date", "1945-08-20", "--bounds", "120,50,140,30"], "map.png", "S < N"),
    (["--date", "1945-08-20", "--bounds", "-190,30,120,50"], "map.png", "-180"),
    (["--date", "1945-08-20", "--bounds", "120,-95,140,50"], "map.png", "-90"),
    (["--date", "1945-08-20", "--bounds", "120,30,140"], "map.png", "four numbers"),
    (["--date", "1945-08-20", "--bounds", "a,b,c,d"], "map.png", "four numbers"),
    (["--date", "1945-08-20", "--layers", "china,atlantis"], "map.png", "'atlantis'"),
    (["--date", "1945-08-20", "--layers", "china,,cities"], "map.png", "empty layer id"),
    (["--date", "1945-08-20"], "map.jpg", "format 'jpg'"),
    (["--date", "1945-08-20"], "map", "cannot tell the format"),
    (["--date", "1945-08-20", "--format", "tiff"], "map.png", "format 'tiff'"),
    (["--date", "1945-08-20"], "map.gif", "format 'gif'"),
    (["--from", "1945-08-01", "--to", "1945-08-09"], "a.png", "format 'png'"),
    (["--html"], "atlas.png", "format 'png'"),
    (["--date", "1945-08-20", "--width", "10"], "map.png", "width 10"),
    (["--date", "1945-08-20", "--height", "90000"], "map.png", "height 90000"),
    (["--date", "1945-08-20", "--width", "wide"], "map.png", "invalid int value"),
    (["--date", "1945-08-20", "--dpi", "5"], "map.png", "dpi"),
    (["--date", "1945-08-20", "--lang", "de"], "map.png", "invalid choice"),
    (["--from", "1941-01-01", "--to", "1946-01-01", "--step", "day"], "a.gif", "frames"),
    (["--from", "1941-01-01", "--to", "1941-03-01", "--dpi", "100"], "a.gif", "--dpi"),
    (["--html", "--width", "800"], "atlas.html", "--width"),
    (["--date", "1945-08-20", "--html"], "atlas.html", "exactly one"),
    ([], "map.png", "exactly one"),
]


@pytest.mark.parametrize(("args", "name", "reason"), BAD, ids=[b[2] for b in BAD])
def test_bad_arguments_exit_2_with_one_line_and_write_nothing(capsys, tmp_path, args, name, reason):
    before = listing(tmp_path)
    code, out, err = run(capsys, *args, "--out", str(tmp_path / name))
    assert code == 2
    assert err.endswith("\n") and err.count("\n") == 1, err
    assert reason in err
    assert out == ""
    assert listing(tmp_path) == before


def test_missing_folder_and_folders_as_files(capsys, tmp_path):
    code, _, err = run(capsys, "--date", "1945-08-20", "--out", str(tmp_path / "no" / "m.png"))
    assert code == 2 and "does not exist" in err and err.count("\n") == 1
    (tmp_path / "taken.png").mkdir()
    code, _, err = run(capsys, "--date", "1945-08-20", "--out", str(tmp_path / "taken.png"))
    assert code == 2 and "is a folder" in err and err.count("\n") == 1
    assert listing(tmp_path) == ["taken.png"]


def test_unwritable_folder(capsys, tmp_path):
    if os.geteuid() == 0:  # root writes anywhere on disk, but not in /proc
        target = Path("/proc/atlas-export-test.png")
    else:
        locked = tmp_path / "locked"
        locked.mkdir()
        locked.chmod(0o500)
        target = locked / "map.png"
    code, _, err = run(capsys, "--date", "1945-08-20", "--out", str(target))
    assert code == 2 and "cannot write" in err and err.count("\n") == 1
    assert not target.exists()


def test_png_of_the_requested_size(capsys, tmp_path):
    out = tmp_path / "map.png"
    code, printed, err = run(
        capsys, "--date", "1945-08-20", "--out", str(out), "--width", "800", "--height", "500"
    )
    assert (code, err) == (0, "")
    assert str(out) in printed
    image = Image.open(io.BytesIO(out.read_bytes()))
    assert image.format == "PNG" and image.size == (800, 500)
    assert listing(tmp_path) == ["map.png"]  # no temporary file left


def test_format_by_extension_and_by_option(capsys, tmp_path):
    svg, pdf = tmp_path / "map.svg", tmp_path / "map.img"
    assert run(capsys, "--date", "1945-08-20", "--out", str(svg), "--lang", "fr")[0] == 0
    assert "<svg" in svg.read_text(encoding="utf-8")[:2000]
    assert "L'Asie orientale le 20 août 1945" in svg.read_text(encoding="utf-8")
    args = ["--date", "1945-08-20", "--out", str(pdf), "--format", "pdf", "--dpi", "100"]
    assert run(capsys, *args)[0] == 0
    assert pdf.read_bytes().startswith(b"%PDF")


def test_bounds_and_layers(capsys, tmp_path):
    out = tmp_path / "korea.png"
    args = ["--date", "1945-09-10", "--bounds", "124,33,131,43", "--layers", "korea,cities"]
    assert run(capsys, *args, "--width", "600", "--height", "600", "--out", str(out))[0] == 0
    assert Image.open(out).size == (600, 600)


def test_animation_and_html(capsys, tmp_path):
    gif, html = tmp_path / "storm.gif", tmp_path / "atlas.html"
    args = ["--from", "1945-08-09", "--to", "1945-08-23", "--step", "week", "--out", str(gif)]
    assert run(capsys, *args, "--width", "400", "--height", "250")[0] == 0
    image = Image.open(gif)
    assert image.n_frames == 3 and image.size == (400, 250)
    assert run(capsys, "--html", "--out", str(html), "--lang", "fr")[0] == 0
    text = html.read_text(encoding="utf-8")
    assert 'control.slider.type = "range"' in text and '<html lang="fr">' in text


def test_a_failed_export_leaves_no_file(capsys, tmp_path, monkeypatch):
    def broken(*args, **kwargs):
        raise RuntimeError("drawing failed\nhalfway")

    monkeypatch.setattr(export, "_render", broken)
    code, _, err = run(capsys, "--date", "1945-08-20", "--out", str(tmp_path / "map.png"))
    assert code == 1 and err.count("\n") == 1 and "drawing failed halfway" in err
    assert listing(tmp_path) == []


def test_an_existing_file_is_replaced_whole(capsys, tmp_path):
    out = tmp_path / "map.png"
    out.write_bytes(b"old")
    assert run(capsys, "--date", "1941-04-13", "--out", str(out), "--width", "400")[0] == 0
    assert Image.open(out).size == (400, 1000)


def test_an_existing_file_keeps_its_mode(capsys, tmp_path):
    out = tmp_path / "map.svg"
    out.write_bytes(b"old")
    os.chmod(out, 0o600)
    assert run(capsys, "--date", "1941-04-13", "--out", str(out), "--width", "300")[0] == 0
    assert stat.S_IMODE(out.stat().st_mode) == 0o600 and out.read_bytes() != b"old"


def test_no_write_through_a_link_or_into_a_fifo(capsys, tmp_path):
    target = tmp_path / "elsewhere.png"
    target.write_bytes(b"keep")
    link = tmp_path / "map.png"
    link.symlink_to(target)
    code, _, err = run(capsys, "--date", "1941-04-13", "--out", str(link))
    assert code == 2 and "symbolic link" in err
    assert link.is_symlink() and target.read_bytes() == b"keep"
    fifo = tmp_path / "pipe.png"
    os.mkfifo(fifo)
    code, _, err = run(capsys, "--date", "1941-04-13", "--out", str(fifo))
    assert code == 2 and "not a regular file" in err
    assert stat.S_ISFIFO(fifo.lstat().st_mode)


def test_parts_left_by_a_killed_run_are_removed(capsys, tmp_path):
    dead = subprocess.Popen([sys.executable, "-c", "pass"])
    dead.wait()
    left = tmp_path / f".map.png.{dead.pid}.x1y2.part"
    left.write_bytes(b"half a file")
    mine = tmp_path / f".map.png.{os.getpid()}.zz.part"  # a run still going: kept
    mine.write_bytes(b"in progress")
    assert run(capsys, "--date", "1941-04-13", "--out", str(tmp_path / "map.png"))[0] == 0
    assert not left.exists() and mine.exists()


def test_the_module_runs_as_a_program(tmp_path):
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    done = subprocess.run(
        [sys.executable, "-m", "layers.export", "--date", "1945-13-01", "--out", "x.png"],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        env=env,
        check=False,
    )
    assert done.returncode == 2
    assert done.stderr.count("\n") == 1 and "not a valid date" in done.stderr
    assert listing(tmp_path) == []


MAGIC = {
    "png": lambda data: data.startswith(b"\x89PNG\r\n\x1a\n"),
    "svg": lambda data: b"<svg" in data[:2000],
    "pdf": lambda data: data.startswith(b"%PDF-"),
    "gif": lambda data: data[:6] in (b"GIF87a", b"GIF89a"),
    "mp4": lambda data: data[4:8] == b"ftyp",
    "html": lambda data: data[:15].lower() == b"<!doctype html>",
}


def test_the_registry_is_what_the_command_line_offers():
    """Every format of the registry is named in --format's help and accepted for its kind;
    its MIME type is the one the extension has."""
    import mimetypes

    assert set(MAGIC) == set(export.EXPORTS)
    help_text = export.parser().format_help()
    for name, fmt in export.EXPORTS.items():
        assert name in help_text.split("--format", 1)[1]
        assert mimetypes.guess_type(f"x.{fmt.extension}")[0] == fmt.mime
        mode = {export.IMAGE: ["--date", "1945-08-20"], export.HTML: ["--html"]}.get(
            fmt.kind, ["--from", "1945-08-09", "--to", "1945-08-10"]
        )
        args = export.parser().parse_args([*mode, "--out", f"atlas.{fmt.extension}"])
        assert export._job(args)["format"] == name
    assert export.formats(export.IMAGE) == ("png", "svg", "pdf")


@pytest.mark.parametrize("name", list(MAGIC))
def test_every_format_of_the_registry_is_produced(capsys, tmp_path, name):
    fmt = export.EXPORTS[name]
    if not fmt.available():
        pytest.skip(f"{fmt.needs} is not installed")
    out = tmp_path / f"atlas.{fmt.extension}"
    size = ["--width", "240", "--height", "200"]
    args = {
        export.IMAGE: ["--date", "1945-08-20", *size, "--dpi", "60"],
        export.ANIMATION: ["--from", "1945-08-09", "--to", "1945-08-10", "--step", "day", *size],
        export.HTML: ["--html", "--layers", "korea,events"],
    }[fmt.kind]
    assert run(capsys, *args, "--out", str(out))[:1] == (0,)
    assert MAGIC[name](out.read_bytes())


def test_the_registry_limits_are_the_renderers_limits():
    from layers.loading import load_atlas
    from layers.static import ExportError, check_size
    from layers.timelapse import check_timelapse

    side = export.EXPORTS["png"].max_side
    check_size(side, export.MIN_SIDE, 100)
    with pytest.raises(ExportError, match=str(side)):
        check_size(side + 1, export.MIN_SIDE, 100)
    atlas, gif, day = load_atlas(), export.EXPORTS["gif"], export.ATLAS_START
    with pytest.raises(ExportError, match=f"{gif.max_side} pixels"):
        check_timelapse(atlas, day, day, "day", None, None, "gif", gif.max_side + 1, 300)
    end = day + dt.timedelta(days=gif.max_frames)
    with pytest.raises(ExportError, match=f"more than {gif.max_frames}"):
        check_timelapse(atlas, day, end, "day", None, None, "gif", 300, 300)
