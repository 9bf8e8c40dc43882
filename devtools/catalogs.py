"""Compile the gettext catalogs (``chalicelib/locale/<lang>/LC_MESSAGES/messages.po``) to the
``.mo`` files the app reads: ``make messages`` (run by ``make run``, ``make test``, ``make package``
and ``make check``; the test session runs it too, so a bare ``pytest`` works).

The ``.mo`` files are build output (gitignored): Babel compiles them here, at build time, and the
Lambda package carries them; the app itself reads them with the standard library's ``gettext``, so
Babel is a development requirement only. A catalog is compiled again only when its ``.po`` is newer.

    python -m devtools.catalogs [--force]
"""

from __future__ import annotations

import sys
from pathlib import Path

LOCALE_DIR = Path(__file__).resolve().parent.parent / "chalicelib" / "locale"


def catalogs() -> list[Path]:
    return sorted(LOCALE_DIR.glob("*/LC_MESSAGES/*.po"))


def compile_catalogs(force: bool = False) -> list[Path]:
    """Write every stale ``.mo``; returns the ones written. A broken ``.po`` raises with its line."""
    from babel.messages.mofile import write_mo
    from babel.messages.pofile import read_po

    written = []
    for po in catalogs():
        mo = po.with_suffix(".mo")
        if not force and mo.exists() and mo.stat().st_mtime >= po.stat().st_mtime:
            continue
        with po.open("rb") as source:
            catalog = read_po(source, abort_invalid=True)
        tmp = mo.with_suffix(".mo.tmp")
        with tmp.open("wb") as target:
            write_mo(target, catalog, use_fuzzy=False)
        tmp.replace(mo)  # atomic: a test process reading it never sees half a file
        written.append(mo)
    return written


def main(argv: list[str] | None = None) -> int:
    args = argv if argv is not None else sys.argv[1:]
    written = compile_catalogs(force="--force" in args)
    for mo in written:
        print(f"compiled {mo.relative_to(LOCALE_DIR.parent.parent)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
