"""Helpers for end-to-end tests and benchmarks: the real app (`streamlit run`) on loopback, driven by Debian's Chromium."""
from __future__ import annotations

import contextlib
import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent  # the checkout: app.py and artifacts/
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                  "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-quic"]
SCREENSHOTS = ROOT / "artifacts" / "screenshots"
#: axe-core, the accessibility audit run in the browser tests: fetched from the npm registry by
#: :func:`axe_script` into a git-ignored folder (pinned, so the audit is the same everywhere).
AXE_VERSION = "4.14.1"
AXE_DIR = ROOT / ".cache" / f"axe-core-{AXE_VERSION}"
#: The viewport widths every page is checked and photographed at: a phone and a desktop.
WIDTHS = (390, 1440)


def free_port() -> int:
    with contextlib.closing(socket.socket()) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextlib.contextmanager
def running_app(timeout: float = 90.0, env: dict | None = None):
    """Start `streamlit run app.py` on 127.0.0.1 and yield its base URL; stop it afterwards.

    ``env`` replaces the server's environment (default: this process's)."""
    port = free_port()
    log = open(ROOT / "artifacts" / f"streamlit-{port}.log", "w") if (ROOT / "artifacts").is_dir() else subprocess.DEVNULL
    proc = subprocess.Popen(
        [sys.executable, "-m", "streamlit", "run", "app.py", "--server.port", str(port), "--server.address", "127.0.0.1",
         "--server.headless", "true", "--browser.gatherUsageStats", "false"],
        cwd=ROOT, env=os.environ.copy() if env is None else env, stdout=log, stderr=subprocess.STDOUT,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if proc.poll() is not None:
                raise RuntimeError(f"streamlit exited with code {proc.returncode}")
            try:
                with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as response:
                    if response.status == 200:
                        break
            except OSError:
                time.sleep(0.5)
        else:
            raise RuntimeError("streamlit did not become healthy in time")
        yield url
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            proc.kill()
        if log is not subprocess.DEVNULL:
            log.close()


def launch(playwright):
    return playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_FLAGS[1:], headless=True)


#: Text that means a page failed.
ERROR_MARKERS = ("Traceback", "Error:", "StreamlitAPIException", "ModuleNotFoundError")
#: Requests that stay on this machine (everything else is "outside").
LOCAL = r"^(https?://127\.0\.0\.1[:/]|data:|blob:|about:)"


def new_page(browser, width: int = 1400, height: int = 2200):
    """A page in a fresh context (a new session), recording any request that leaves the machine."""
    import re

    context = browser.new_context(viewport={"width": width, "height": height})
    page = context.new_page()
    page.outside_requests = []
    page.on("request", lambda r: page.outside_requests.append(r.url) if not re.match(LOCAL, r.url) else None)
    return page


def wait_for_app(page, timeout=60_000):
    """Wait until the page has a heading and the script has stopped running."""
    page.wait_for_selector("[data-testid='stMain'] h1", timeout=timeout)
    page.wait_for_function("() => !document.querySelector('[data-testid=\"stStatusWidget\"]')", timeout=timeout)


def map_frame(page):
    page.wait_for_selector("iframe[title^='Interactive map']", timeout=60_000)
    return page.frame_locator("iframe[title^='Interactive map']").first


def assert_no_error_text(page):
    text = page.locator("[data-testid='stMain']").inner_text()
    for marker in ERROR_MARKERS:
        assert marker not in text, f"{marker!r} on the page"
    assert page.locator("[data-testid='stException']").count() == 0


def axe_script() -> Path:
    """``axe.min.js`` of axe-core :data:`AXE_VERSION`, fetched once with ``npm pack`` (the only download).

    Raises
    ------
    RuntimeError
        If npm is missing or the package cannot be fetched (the message says what to do).
    """
    script = AXE_DIR / "axe.min.js"
    if script.is_file():
        return script
    import shutil
    import tarfile
    import tempfile

    npm = shutil.which("npm")
    if npm is None:
        raise RuntimeError("npm is needed to fetch axe-core for the accessibility audit: install it "
                           "(apt-get install npm) or run scripts/test.sh, which does")
    with tempfile.TemporaryDirectory() as tmp:
        done = subprocess.run([npm, "pack", f"axe-core@{AXE_VERSION}", "--silent", "--pack-destination", tmp],
                              capture_output=True, text=True, timeout=300)
        tarballs = list(Path(tmp).glob("axe-core-*.tgz"))
        if done.returncode != 0 or not tarballs:
            raise RuntimeError(f"npm pack axe-core@{AXE_VERSION} failed: {done.stderr.strip()[-300:]}")
        with tarfile.open(tarballs[0]) as tar:
            member = tar.getmember("package/axe.min.js")
            data = tar.extractfile(member).read()
    AXE_DIR.mkdir(parents=True, exist_ok=True)
    tmp_file = AXE_DIR / "axe.min.js.part"
    tmp_file.write_bytes(data)
    tmp_file.replace(script)
    return script


def axe_audit(page, script: Path, impacts=("serious", "critical")) -> list[dict]:
    """Run axe-core in the page and in each of its frames; the violations of the given impacts.

    Each violation is ``{"id", "impact", "help", "frame", "nodes"}`` (the first few offending elements).
    """
    found = []
    for frame in page.frames:
        try:
            frame.add_script_tag(path=str(script))
            violations = frame.evaluate("""async () => {
                const r = await axe.run(document, {resultTypes: ["violations"]});
                return r.violations.map(v => ({id: v.id, impact: v.impact, help: v.help,
                                                nodes: v.nodes.slice(0, 5).map(n => n.target.join(" "))}));
            }""")
        except Exception as exc:  # a frame without a document of its own (about:blank) cannot be audited
            if "axe" in str(exc) and "not defined" not in str(exc):
                raise
            continue
        found += [dict(v, frame=frame.url[:80]) for v in violations if v["impact"] in impacts]
    return found
