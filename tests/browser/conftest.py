"""A real headless Chromium (Debian's ``chromium``) driven by Playwright, against the local stack.

Without Chromium (or Playwright) the browser tests are skipped with the reason; with ``CI=true``
that is a failure instead, so CI never passes without running them. Playwright's own browser
downloads are never used: ``executable_path`` points at the system's Chromium.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
ARTIFACTS = ROOT / "test-artifacts"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync"]


def chromium_path() -> str | None:
    configured = os.environ.get("CHROMIUM_PATH")
    if configured:
        return configured if os.path.exists(configured) else None
    if os.path.exists("/usr/bin/chromium"):
        return "/usr/bin/chromium"
    return shutil.which("chromium")


def unavailable(reason: str) -> None:
    if os.environ.get("CI", "").strip().lower() in {"1", "true", "yes"}:
        pytest.fail(f"{reason} (CI=true: the browser tests must run)", pytrace=False)
    pytest.skip(reason)


@pytest.fixture(scope="session")
def browser() -> Iterator[object]:
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        unavailable("Playwright for Python is not installed: pip install -r requirements-dev.txt")
    path = chromium_path()
    if path is None:
        unavailable("Chromium is not installed: apt-get install chromium (or set CHROMIUM_PATH)")
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=path, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture(scope="session")
def expect(browser):
    """Playwright's ``expect``, through ``browser`` so that a missing Playwright follows the CI rule
    (an ``importorskip`` would skip even with CI=true)."""
    from playwright.sync_api import expect as playwright_expect

    return playwright_expect


class Watch:
    """What went wrong in the page: script errors, and any dialog (an alert() means injected code ran).
    The "leave this page?" question the receipt asks (beforeunload) is counted and answered "leave"."""

    def __init__(self, page) -> None:
        self.errors: list[str] = []
        self.dialogs: list[str] = []
        self.leave_prompts = 0
        page.on("pageerror", lambda error: self.errors.append(str(error)))
        page.on("dialog", self._dialog)

    def _dialog(self, dialog) -> None:
        if dialog.type == "beforeunload":
            self.leave_prompts += 1
            dialog.accept()
            return
        self.dialogs.append(dialog.message)
        dialog.dismiss()


def _open(browser, stack, **options):
    context = browser.new_context(base_url=stack.base_url, locale="id-ID", **options)
    context.set_default_timeout(15_000)
    page = context.new_page()
    return context, page, Watch(page)


@pytest.fixture
def page(browser, stack):
    """A page with JavaScript, as most citizens have it."""
    context, page, watch = _open(browser, stack, viewport={"width": 1024, "height": 900})
    page.watch = watch
    yield page
    context.close()
    assert not watch.errors, f"script errors in the page: {watch.errors}"
    assert not watch.dialogs, f"unexpected dialogs: {watch.dialogs}"


@pytest.fixture
def plain_page(browser, stack):
    """A page in a browser with JavaScript turned off."""
    context, page, _ = _open(browser, stack, java_script_enabled=False, viewport={"width": 1024, "height": 900})
    yield page
    context.close()


@pytest.fixture
def phone_page(browser, stack):
    """A cheap phone: 360 px wide."""
    context, page, watch = _open(browser, stack, viewport={"width": 360, "height": 740}, device_scale_factor=1,
                                 is_mobile=True, has_touch=True)
    page.watch = watch
    yield page
    context.close()
    assert not watch.errors, f"script errors in the page: {watch.errors}"


@pytest.fixture(scope="session")
def artifacts() -> Path:
    ARTIFACTS.mkdir(exist_ok=True)
    return ARTIFACTS


@pytest.fixture(scope="session")
def axe():
    """``axe(page)`` fails the test with every WCAG 2.1 A/AA violation axe-core finds on the page
    (tests/browser/axe.py: the pinned npm package, installed at test time, injected from disk)."""
    from tests.browser import axe as axe_core

    try:
        axe_core.source()
    except (RuntimeError, OSError, subprocess.SubprocessError) as error:
        unavailable(f"axe-core could not be installed: {error}")
    return axe_core.assert_accessible
