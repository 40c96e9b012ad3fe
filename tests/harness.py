"""Running the app for real: a Streamlit server on a free port, headless Chromium, no network.

Shared by ``tests/conftest.py`` (the browser fixtures) and ``benchmarks/`` (the same server and
browser set-up, timed). Nothing here is a test: it starts, probes and stops things.
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

REPO = Path(__file__).resolve().parent.parent
ARTIFACTS = REPO / "artifacts"
SYSTEM_CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-quic",
    "--no-first-run",
    "--disable-dev-shm-usage",
]
LOCAL_HOSTS = {"localhost", "127.0.0.1", "::1", "[::1]"}
LOCAL_SCHEMES = {"data", "blob", "file", "about", "chrome-extension", "devtools"}


def in_ci() -> bool:
    """True on the CI machine (``CI=true``): missing prerequisites fail instead of skipping."""
    return os.environ.get("CI", "").strip().lower() in {"1", "true", "yes"}


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on right now."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class ServerError(RuntimeError):
    """The Streamlit server died or never became healthy."""


@dataclass
class StreamlitServer:
    """One Streamlit server subprocess; :meth:`stop` ends it by its process id."""

    process: subprocess.Popen
    port: int
    log_path: Path
    started: float

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def pid(self) -> int:
        return self.process.pid

    def log(self) -> str:
        try:
            return self.log_path.read_text(encoding="utf-8", errors="replace")
        except OSError:
            return ""

    def alive(self) -> bool:
        return self.process.poll() is None

    def stop(self, timeout: float = 10.0) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=timeout)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=timeout)
        with contextlib.suppress(OSError):
            self.log_path.unlink()


def server_command(script: str | Path) -> list[str]:
    """How the README starts ``script``: the atlas (app.py) by its launcher, which warms it
    up while the server starts (``python -m atlas_app``), any other by ``streamlit run``."""
    if Path(script) == Path("app.py"):
        return [sys.executable, "-m", "atlas_app"]
    return [sys.executable, "-m", "streamlit", "run", str(script)]


def start_streamlit(
    script: str | Path = "app.py",
    *,
    cwd: Path = REPO,
    env: dict[str, str] | None = None,
    timeout: float = 60.0,
    extra_args: list[str] | None = None,
) -> StreamlitServer:
    """Start ``script`` (as :func:`server_command` says) on a free port and wait until
    ``/_stcore/health`` is ok.

    ``env`` entries are added to (or, with value ``""``, removed from) this process's
    environment. Raises :class:`ServerError` with the server's output if it dies or hangs.
    """
    port = free_port()
    run_env = dict(os.environ)
    run_env.pop("ATLAS_GEODATA", None)
    for key, value in (env or {}).items():
        if value == "":
            run_env.pop(key, None)
        else:
            run_env[key] = value
    run_env["PYTHONUNBUFFERED"] = "1"
    cmd = [
        *server_command(script),
        "--server.headless",
        "true",
        "--server.port",
        str(port),
        "--server.address",
        "127.0.0.1",
        "--browser.gatherUsageStats",
        "false",
        "--server.fileWatcherType",
        "none",
        *(extra_args or []),
    ]
    log = tempfile.NamedTemporaryFile(  # noqa: SIM115 - kept open by the child, removed in stop()
        prefix="streamlit-", suffix=".log", delete=False
    )
    started = time.perf_counter()
    process = subprocess.Popen(
        cmd,
        cwd=cwd,
        env=run_env,
        stdin=subprocess.DEVNULL,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    log.close()
    server = StreamlitServer(process, port, Path(log.name), started)
    deadline = started + timeout
    while True:
        if not server.alive():
            output = server.log()
            server.stop()
            raise ServerError(
                f"streamlit exited with code {process.returncode} before it was healthy:\n{output}"
            )
        if health(server.url):
            return server
        if time.perf_counter() > deadline:
            output = server.log()
            server.stop()
            raise ServerError(f"streamlit not healthy after {timeout:.0f} s:\n{output}")
        time.sleep(0.1)


@contextlib.contextmanager
def served_atlas(env: dict[str, str] | None = None):
    """Serve app.py (``env`` added) for the block; a server that cannot start fails the test."""
    import pytest

    try:
        server = start_streamlit("app.py", cwd=REPO, env=env, timeout=60)
    except ServerError as exc:
        pytest.fail(str(exc), pytrace=False)
    try:
        yield server.url
    finally:
        server.stop()


def health(url: str) -> bool:
    """``GET /_stcore/health`` answers ``ok``."""
    try:
        with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as response:
            return response.status == 200 and response.read().strip() == b"ok"
    except (urllib.error.URLError, OSError):
        return False


# --- The browser --------------------------------------------------------------------------


def system_chromium() -> Path | None:
    """Debian's /usr/bin/chromium, or a ``chromium`` on PATH; None when there is none."""
    if SYSTEM_CHROMIUM.exists():
        return SYSTEM_CHROMIUM
    found = shutil.which("chromium")
    return Path(found) if found else None


def launch_chromium(playwright, headless: bool = True):
    """The system Chromium when there is one, else Playwright's own Chromium (may raise)."""
    executable = system_chromium()
    if executable is not None:
        return playwright.chromium.launch(
            executable_path=str(executable), args=CHROMIUM_ARGS, headless=headless
        )
    return playwright.chromium.launch(args=CHROMIUM_ARGS, headless=headless)


def _local_assets() -> dict[str, Path]:
    """File name → local copy, for CDN assets a Folium page may ask for."""
    assets: dict[str, Path] = {}
    try:
        import xstatic.pkg.leaflet as leaflet

        base = Path(leaflet.BASE_DIR)
        for name in ("leaflet.js", "leaflet-src.js", "leaflet.css"):
            assets[f"leaflet/{name}"] = base / name
        for image in (base / "images").iterdir():
            assets[f"leaflet/images/{image.name}"] = image
    except ImportError:
        pass
    try:
        import xstatic.pkg.jquery as jquery

        base = Path(jquery.BASE_DIR)
        assets["jquery/jquery.min.js"] = base / "jquery.min.js"
        assets["jquery/jquery.js"] = base / "jquery.js"
    except ImportError:
        pass
    return assets


LOCAL_ASSETS = _local_assets()
CONTENT_TYPES = {".js": "application/javascript", ".css": "text/css", ".png": "image/png"}


def local_asset_for(url: str) -> Path | None:
    """The local copy of a known CDN asset (Leaflet 1.9.x, jQuery 3.x), or None."""
    parts = urlsplit(url)
    path = parts.path.lower()
    name = path.rsplit("/", 1)[-1]
    if "leaflet" in path and "awesome" not in path:
        for image in ("marker-icon-2x.png", "marker-icon.png", "marker-shadow.png", "layers"):
            if name.endswith(image) or (image == "layers" and "/images/" in path):
                # Leaflet guesses its image folder from leaflet.css: ".../dist" + "marker-icon.png"
                return LOCAL_ASSETS.get(f"leaflet/images/{name}") or LOCAL_ASSETS.get(
                    f"leaflet/images/{image}"
                )
        if name in ("leaflet.js", "leaflet-src.js", "leaflet.css"):
            return LOCAL_ASSETS.get(f"leaflet/{name}")
    if name.startswith("jquery") and name.endswith(".js"):
        key = "jquery/jquery.min.js" if ".min." in name else "jquery/jquery.js"
        return LOCAL_ASSETS.get(key)
    return None


def is_local(url: str) -> bool:
    parts = urlsplit(url)
    if parts.scheme in LOCAL_SCHEMES:
        return True
    return (parts.hostname or "") in LOCAL_HOSTS


@dataclass
class PageProbe:
    """What a page did that a test may object to."""

    external: list[str] = field(default_factory=list)  # requests that left localhost (aborted)
    served_locally: list[str] = field(default_factory=list)  # CDN assets answered from disk
    console_errors: list[str] = field(default_factory=list)
    page_errors: list[str] = field(default_factory=list)
    dialogs: list[str] = field(default_factory=list)

    def problems(self) -> list[str]:
        return (
            [f"external request: {u}" for u in self.external]
            + [f"console error: {m}" for m in self.console_errors]
            + [f"page error: {m}" for m in self.page_errors]
            + [f"dialog: {m}" for m in self.dialogs]
        )


def guard_network(context, probe: PageProbe) -> None:
    """Serve known CDN assets from disk; abort and record every other non-local request.

    Installed on the browser *context*, so it also covers iframes and pages opened later.
    """

    def handle(route) -> None:
        url = route.request.url
        if is_local(url):
            route.continue_()
            return
        local = local_asset_for(url)
        if local is not None and local.exists():
            probe.served_locally.append(url)
            route.fulfill(
                status=200,
                body=local.read_bytes(),
                headers={
                    "content-type": CONTENT_TYPES.get(local.suffix, "application/octet-stream"),
                    "access-control-allow-origin": "*",
                },
            )
            return
        probe.external.append(url)
        route.abort("blockedbyclient")

    context.route("**/*", handle)


def guarded_context(browser, probe: PageProbe, **options):
    """A new browser context with the network guard and the map instrumentation installed."""
    from tests import mapprobe

    options.setdefault("viewport", {"width": 1400, "height": 950})
    context = browser.new_context(**options)
    guard_network(context, probe)
    mapprobe.install(context)
    return context


def watch_page(page, probe: PageProbe) -> None:
    """Record console errors, uncaught exceptions and dialogs (dialogs are dismissed)."""

    def on_console(message) -> None:
        if message.type == "error":
            location = message.location or {}
            probe.console_errors.append(f"{message.text} @ {location.get('url', '')}")

    def on_dialog(dialog) -> None:
        probe.dialogs.append(f"{dialog.type}: {dialog.message}")
        with contextlib.suppress(Exception):
            dialog.dismiss()

    page.on("console", on_console)
    page.on("pageerror", lambda error: probe.page_errors.append(str(error)))
    page.on("dialog", on_dialog)


def screenshot_path(name: str) -> Path:
    """``artifacts/<name>.png`` with a file-system-safe name."""
    safe = "".join(c if c.isalnum() or c in "-_." else "_" for c in name)[:150]
    ARTIFACTS.mkdir(exist_ok=True)
    return ARTIFACTS / f"{safe}.png"


def live_map_args(at) -> dict:
    """What a page sends to the live map's component on this AppTest run (the map cannot
    render in AppTest): the date, the layers, the playback step, the uploads, the mount."""
    maps = at.get("bidi_component")
    assert len(maps) == 1
    return json.loads(maps[0].proto.json)


def served(url: str) -> Path:
    """The file the app serves at ``url`` (Streamlit serves static/ at /app/static)."""
    return REPO / url.removeprefix("/app/")


def served_engine_data(at) -> dict:
    """The engine's data the live map fetches (named in its served script), with the popups
    it fetches apart (``popupsUrl``) back in their places."""
    script = served(live_map_args(at)["mount"]["scriptUrl"]).read_text(encoding="utf-8")
    url = re.search(r'"url":\s*"([^"]*/engine_[^"]+)"', script).group(1)
    data = json.loads(served(url.removesuffix(".gz")).read_text(encoding="utf-8"))
    texts = json.loads(served(data.pop("popupsUrl").removesuffix(".gz")).read_text("utf-8"))
    return with_popups(data, texts)


def with_popups(data: dict, texts: list[str]) -> dict:
    """The engine's data as :func:`layers.engine_data.split_popups` found it."""

    def placed(props: dict) -> dict:
        if "pp" not in props:
            return props
        return {**{k: v for k, v in props.items() if k != "pp"}, "p": texts[props["pp"]]}

    for record in data["records"]:
        for _, shown in record["states"]:
            for feature in shown:
                feature["p"] = placed(feature["p"])
    for event in data["events"]:
        event["marker"] = {key: placed(m) for key, m in event["marker"].items()}
    return data


def overlaps_on(layer_ids: list[str], day: str) -> tuple[int, list[str]]:
    """The shipped territory features of ``layer_ids`` that hold on ``day`` (ISO), read as the
    app reads them: how many, and the overlaps between them (validate's messages)."""
    from layers.reader import read_features
    from layers.validate import GEODATA, overlap_problems

    records = []
    for layer in layer_ids:
        path = GEODATA / f"{layer}.geojson"
        for feature in json.loads(path.read_text(encoding="utf-8"))["features"]:
            props = feature["properties"]
            if props["valid_from"] <= day and (
                props["valid_to"] is None or day < props["valid_to"]
            ):
                read = read_features([feature], path.name, "territory")
                records += [(path.name, record) for record in read.records]
    return len(records), [str(p) for p in overlap_problems(records)]
