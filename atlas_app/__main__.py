"""Start the atlas: ``python -m atlas_app [streamlit options]``.

The same as ``streamlit run app.py [options]``, except that the atlas's own start-up work is
done while the server starts and the first browser loads the page, instead of after.
Streamlit imports a script's modules and fills its caches on the first visit, once the
browser has loaded its page (about a second). Started this way, a thread meanwhile, once the
server is up (started before, it would slow the server's own start), imports the app's
modules and fills the process-wide caches the first visit reads: the atlas, the geometry
store, the live map of each language on the embedded base map. The first map appears
sooner; nothing else changes.
"""

from __future__ import annotations

import logging
import sys
import threading
import time
from pathlib import Path

APP = Path(__file__).resolve().parent.parent / "app.py"
WARM_UP_TIMEOUT_S = 60.0  # the runtime not up by then: leave the work to the first visit

log = logging.getLogger(__name__)


def serving() -> bool:
    """True once Streamlit's runtime has started: its options read, the server up."""
    from streamlit.runtime import Runtime, RuntimeState

    return Runtime.exists() and Runtime.instance().state != RuntimeState.INITIAL


def warm_up(timeout: float = WARM_UP_TIMEOUT_S) -> bool:
    """Once the server is up (so that its own start is not slowed), import the app's modules
    and fill the shared caches. True when done; a failure is logged and left to the first
    visit, which shows it."""
    try:
        deadline = time.monotonic() + timeout
        while not serving():
            if time.monotonic() > deadline:
                return False
            time.sleep(0.01)
        import atlas_app.export_panel  # noqa: F401 - imported for app.py's first run
        from atlas_app import assets, controls, livemap, page, panels, session  # noqa: F401
        from layers.i18n import LANGUAGES
        from layers.loading import geodata_folder
        from layers.urlstate import BASEMAPS

        folder = str(geodata_folder())
        for lang in LANGUAGES:
            assets.live_map(folder, lang, BASEMAPS[0])
    except Exception:
        log.warning("atlas warm-up failed; the first visit does the work", exc_info=True)
        return False
    return True


def main(argv: list[str]) -> None:
    """``streamlit run app.py`` with ``argv`` as its options, warming up meanwhile."""
    from streamlit.web import cli

    threading.Thread(target=warm_up, name="atlas-warm-up", daemon=True).start()
    cli.main(["run", str(APP), *argv], prog_name="streamlit")


if __name__ == "__main__":
    main(sys.argv[1:])
