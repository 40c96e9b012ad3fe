"""CJK fonts installed after matplotlib made its font list are still found by the exports."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from layers.static.fonts import CJK_FONTS, fontconfig_cjk_fonts
from tests.harness import in_ci

REPO = Path(__file__).resolve().parent.parent

STALE = """
import matplotlib.font_manager as fm
cjk = {cjk!r}
fm.fontManager.ttflist = [f for f in fm.fontManager.ttflist if f.name not in cjk]
fm.json_dump(fm.fontManager, {path!r})
"""

EXPORT = """
import json
from matplotlib import font_manager
from layers.static import fonts
before = sorted({f.name for f in font_manager.fontManager.ttflist} & set(fonts.CJK_FONTS))
chain = fonts.chain()
draws = fonts.can_draw("滿洲國", chain)
print(json.dumps({"before": before, "chain": list(chain), "draws": draws}))
"""


def run(code: str, config: Path) -> str:
    env = {**os.environ, "MPLCONFIGDIR": str(config)}
    done = subprocess.run(
        [sys.executable, "-c", textwrap.dedent(code)],
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert done.returncode == 0, done.stderr
    return done.stdout


def test_a_font_list_made_before_the_cjk_fonts_is_rebuilt(tmp_path):
    if not fontconfig_cjk_fonts():
        if in_ci():
            pytest.fail("no CJK font (.ci/run installs fonts-noto-cjk)")
        pytest.skip("fontconfig knows no CJK font here")
    import matplotlib.font_manager as fm

    cache = tmp_path / f"fontlist-v{fm.FontManager.__version__}.json"
    run(STALE.format(cjk=list(CJK_FONTS), path=str(cache)), tmp_path)
    stale = {f["name"] for f in json.loads(cache.read_text(encoding="utf-8"))["ttflist"]}
    assert not stale & set(CJK_FONTS), "the cache was made without the CJK fonts"

    result = json.loads(run(EXPORT, tmp_path).strip().splitlines()[-1])
    assert result["before"] == [], "matplotlib read the stale list"
    assert len(result["chain"]) == 2 and result["chain"][1] in CJK_FONTS
    assert result["draws"], "the CJK font has the glyphs of a native name"
    fresh = {f["name"] for f in json.loads(cache.read_text(encoding="utf-8"))["ttflist"]}
    assert fresh & set(CJK_FONTS), "the rebuilt list was written back to the cache"
