"""A real browser (Debian's Chromium driven by Playwright) against `vestnik serve` on loopback.

Screenshots of each page go to test-artifacts/ at the top of the checkout. The test fails
when Chromium is missing: `.ci/run` installs it (apt-get install chromium).
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time

import httpx
import pytest
from playwright.sync_api import expect, sync_playwright

from conftest import ROOT
from web_store import SCRIPT_URLS, build_store

ARTIFACTS = ROOT / "test-artifacts"
CHROMIUM_FLAGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
                  "--disable-component-update", "--disable-sync"]


def _chromium() -> str:
    found = shutil.which("chromium") or shutil.which("chromium-browser")
    if not found:
        raise RuntimeError("Chromium not found: install Debian's 'chromium' package (.ci/run does it with apt-get)")
    return found


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    db = build_store(tmp_path_factory.mktemp("browser"))
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    process = subprocess.Popen([sys.executable, "-m", "vestnik.cli", "serve", "--db", db, "--port", str(port)],
                               stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env={**os.environ, "VESTNIK_API_KEY": ""})
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while True:
        try:
            if httpx.get(f"{base}/api/stories", timeout=2).status_code == 200:
                break
        except httpx.HTTPError:
            pass
        if process.poll() is not None or time.monotonic() > deadline:
            process.kill()
            raise RuntimeError(f"vestnik serve did not start: {process.stderr.read().decode()}")
        time.sleep(0.2)
    yield base
    process.terminate()
    process.wait(timeout=10)


def test_search_article_quote_and_entity_chart(server):
    ARTIFACTS.mkdir(exist_ok=True)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=_chromium(), headless=True, args=CHROMIUM_FLAGS)
        page = browser.new_page(viewport={"width": 1280, "height": 900})
        dialogs = []
        page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))

        page.goto(server + "/")
        page.get_by_label("Words to find").fill("Рябков")
        page.get_by_role("button", name="Search").click()
        page.wait_for_url("**/?q=*")
        expect(page.locator(".hit").first).to_be_visible()
        page.screenshot(path=str(ARTIFACTS / "1-search.png"), full_page=True)

        page.locator(".hit a.title", has_text="Русия няма да прави").first.click()
        quote = page.locator('.quote[data-speaker="Сергей Рябков"]').first
        expect(quote).to_be_visible()
        quote.hover()
        tooltip = quote.evaluate("element => getComputedStyle(element, '::after').content")
        assert "Сергей Рябков" in tooltip
        expect(page.locator("a.entity-PER", has_text="Рябков").first).to_be_visible()
        page.screenshot(path=str(ARTIFACTS / "2-article.png"), full_page=True)

        page.locator("aside a.entity-PER", has_text="Сергей Рябков").click()
        page.wait_for_url("**/entities/PER-Sergei-Ryabkov")
        expect(page.locator("svg.chart rect.bar")).to_have_count(1)
        expect(page.get_by_role("heading", name="Quotations")).to_be_visible()
        page.screenshot(path=str(ARTIFACTS / "3-entity.png"), full_page=True)

        page.goto(server + "/?q=опасен")
        page.locator(".hit a.title").first.click()
        expect(page.locator(".text")).to_contain_text("<script>alert('xss')</script>")
        page.screenshot(path=str(ARTIFACTS / "4-untrusted-text.png"), full_page=True)

        for name, url in SCRIPT_URLS.items():  # a javascript: or data: url is shown, never linked
            page.goto(server + "/?q=скриптова+" + name)
            page.locator(".hit a.title").first.click()
            expect(page.locator("article .url")).to_have_text(url.strip())
            assert page.locator("a[href^='javascript' i], a[href^='data' i], a[href*='script' i]").count() == 0
            page.locator("article .url").click()
        page.screenshot(path=str(ARTIFACTS / "5-script-url.png"), full_page=True)

        page.goto(server + "/events?type=CONSULT")
        expect(page.locator("table.events tbody tr").first).to_contain_text("Женева")
        page.screenshot(path=str(ARTIFACTS / "6-events.png"), full_page=True)
        browser.close()
    assert dialogs == []  # no script from an article ever ran
