"""``coursegen dev`` on ports other than 8080/8000: the pages call the API it started."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest

pytest.importorskip("playwright")
from playwright.sync_api import Browser, expect  # noqa: E402

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "tests"))
from e2e.test_tryit_browser import HOME, free_port, wait_until_up  # noqa: E402

pytestmark = pytest.mark.browser

LESSON = """\
# Lesson

```tryit
# Add two numbers
GET /api/calculate?x=2&y=3
```
"""


def test_dev_on_other_ports_try_it_reaches_the_api_it_started(
    browser: Browser, tmp_path: Path
) -> None:
    vault = tmp_path / "vault"
    vault.mkdir()
    (vault / "index.md").write_text(HOME, encoding="utf-8")
    (vault / "Lesson.md").write_text(LESSON, encoding="utf-8")
    site_port, api_port = free_port(), free_port()
    env = {**os.environ, "WEATHER_DATABASE_PATH": str(tmp_path / "api.sqlite3"),
           "WEATHER_PROVIDER": "offline"}
    env.pop("WEATHER_CORS_ORIGINS", None)
    dev = subprocess.Popen(
        [sys.executable, "-m", "generator", "dev", str(vault), "-o", str(tmp_path / "site"),
         "--port", str(site_port), "--api-port", str(api_port)],
        cwd=tmp_path, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )
    try:
        site = f"http://127.0.0.1:{site_port}"
        wait_until_up(site + "/", dev)
        wait_until_up(f"http://127.0.0.1:{api_port}/api/health", dev)
        # localhost, not 127.0.0.1: another loopback origin than the one the API was made for.
        context = browser.new_context()
        page = context.new_page()
        page.goto(f"http://localhost:{site_port}/lesson/")
        expect(page.locator(".api-base")).to_have_value(f"http://127.0.0.1:{api_port}")
        panel = page.locator("section.tryit")
        panel.get_by_role("button", name="Send").click()
        expect(panel.locator(".tryit-status")).to_have_text("200 OK")
        expect(panel.locator(".tryit-body")).to_contain_text('"value": 5')
        context.close()
    finally:
        dev.send_signal(signal.SIGINT)
        try:
            dev.wait(timeout=20)
        except subprocess.TimeoutExpired:
            dev.kill()
            dev.wait()
