"""Fonts of the labels: DejaVu Sans for Latin and Cyrillic, then a CJK font when installed.

matplotlib keeps its list of the system's fonts in a cache file made on its first run; fonts
installed later (``apt-get install fonts-noto-cjk``) are not in it. When the list has no CJK
font but fontconfig knows one, the list is rebuilt (and its cache file rewritten) once.
"""

from __future__ import annotations

import functools
import logging
import shutil
import subprocess

from matplotlib import font_manager
from matplotlib.font_manager import FontProperties, findfont, fontManager
from matplotlib.ft2font import FT2Font

log = logging.getLogger(__name__)

LATIN_FONT = "DejaVu Sans"
CJK_FONTS = (
    "Noto Sans CJK JP",
    "Noto Sans CJK TC",
    "Noto Sans CJK SC",
    "Noto Sans CJK KR",
    "Noto Serif CJK JP",
    "Source Han Sans JP",
    "Source Han Sans",
    "WenQuanYi Zen Hei",
    "Droid Sans Fallback",
)


def font_families() -> list[str]:
    """The font chain for labels: DejaVu Sans for Latin and Cyrillic, then a CJK font if any."""
    return list(chain())


@functools.cache
def chain() -> tuple[str, ...]:
    """The font chain, found once per process (warns when there is no CJK font)."""
    name = _cjk_font()
    if name is None and fontconfig_cjk_fonts():
        log.info("fontconfig has CJK fonts that matplotlib's font list lacks: rebuilding it")
        refresh_font_list()
        name = _cjk_font()
    if name is not None:
        return (LATIN_FONT, name)
    log.warning(
        "No CJK font found (install fonts-noto-cjk): native names in Chinese, Japanese or "
        "Korean script are left out of map images."
    )
    return (LATIN_FONT,)


def _cjk_font() -> str | None:
    """The first of :data:`CJK_FONTS` in matplotlib's font list."""
    installed = {f.name for f in fontManager.ttflist}
    return next((name for name in CJK_FONTS if name in installed), None)


def fontconfig_cjk_fonts() -> list[str]:
    """Files of the Chinese-script fonts fontconfig knows (``fc-list :lang=zh``); empty
    without fontconfig."""
    if shutil.which("fc-list") is None:
        return []
    try:
        listed = subprocess.run(
            ["fc-list", ":lang=zh", "file"], capture_output=True, text=True, timeout=30
        )
    except (OSError, subprocess.SubprocessError):
        return []
    return sorted({line.split(":")[0].strip() for line in listed.stdout.splitlines() if line})


def refresh_font_list() -> None:
    """Rebuild matplotlib's font list from the system's fonts, rewrite its cache file, and
    put the new list in the shared font manager (``findfont`` is bound to it)."""
    fresh = font_manager._load_fontmanager(try_read_cache=False)
    fontManager.__dict__.update(fresh.__dict__)
    fontManager._findfont_cached.cache_clear()
    _font_files.cache_clear()
    can_draw.cache_clear()


@functools.cache
def _font_files(families: tuple[str, ...]) -> tuple[FT2Font, ...]:
    files = []
    for name in families:
        path = findfont(FontProperties(family=name), fallback_to_default=False)
        files.append(FT2Font(path, face_index=getattr(path, "face_index", 0)))
    return tuple(files)


@functools.lru_cache(maxsize=4096)
def can_draw(text: str, families: tuple[str, ...]) -> bool:
    """True when every character of ``text`` has a glyph in the font chain."""
    fonts = _font_files(families)
    return all(c.isspace() or any(f.get_char_index(ord(c)) for f in fonts) for c in text)
