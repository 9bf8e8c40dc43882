"""axe-core in the browser tests: the npm package, installed at test time (pinned, into the
gitignored ``.local/npm``), injected into the page from disk through the DevTools protocol (never a
CDN, and never an inline ``<script>``: the pages' Content-Security-Policy stays as it is).

``assert_accessible(page)`` runs axe on the page as it is now and fails with each WCAG 2.1 A/AA
violation, its rule, the elements and how to fix them.
"""

from __future__ import annotations

import json
import shutil
import subprocess
from functools import cache
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
AXE_VERSION = "4.14.1"
NPM_DIR = ROOT / ".local" / "npm"
AXE_PACKAGE = NPM_DIR / "node_modules" / "axe-core"
WCAG_21_AA = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]


def installed_version() -> str | None:
    try:
        return json.loads((AXE_PACKAGE / "package.json").read_text(encoding="utf-8"))["version"]
    except (OSError, ValueError, KeyError):
        return None


def install() -> None:
    """``npm install axe-core@<pinned>`` into .local/npm, when it is missing or another version."""
    if installed_version() == AXE_VERSION:
        return
    npm = shutil.which("npm")
    if npm is None:
        raise RuntimeError("npm is needed to install axe-core for the accessibility checks: apt-get install npm")
    NPM_DIR.mkdir(parents=True, exist_ok=True)
    subprocess.run([npm, "install", "--prefix", str(NPM_DIR), "--no-audit", "--no-fund", "--no-save",
                    "--no-package-lock", f"axe-core@{AXE_VERSION}"], check=True, capture_output=True, timeout=300)
    if installed_version() != AXE_VERSION:
        raise RuntimeError(f"npm did not install axe-core {AXE_VERSION} into {NPM_DIR}")


@cache
def source() -> str:
    install()
    return (AXE_PACKAGE / "axe.min.js").read_text(encoding="utf-8")


def violations(page, *, disable: tuple[str, ...] = ()) -> list[dict]:
    """axe's WCAG 2.1 A/AA violations on the page as it is now."""
    if not page.evaluate("() => typeof window.axe === 'object'"):
        page.evaluate(source() + "\n;undefined")
    options = {"runOnly": {"type": "tag", "values": WCAG_21_AA}, "resultTypes": ["violations"],
               "rules": {rule: {"enabled": False} for rule in disable}}
    return page.evaluate("options => window.axe.run(document, options).then(r => r.violations)", options)


def describe(found: list[dict]) -> str:
    lines = []
    for violation in found:
        lines.append(f"{violation['id']} ({violation['impact']}): {violation['help']}")
        for node in violation["nodes"][:5]:
            fix = node["failureSummary"].splitlines()[-1].strip()
            lines.append(f"    {', '.join(map(str, node['target']))}: {fix}")
    return "\n".join(lines)


def assert_accessible(page, *, disable: tuple[str, ...] = ()) -> None:
    found = violations(page, disable=disable)
    assert not found, f"axe-core {AXE_VERSION}: WCAG 2.1 A/AA violations on {page.url}:\n{describe(found)}"
