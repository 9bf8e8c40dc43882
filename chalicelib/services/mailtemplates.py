"""Templates and catalogs for messages: Jinja2 (autoescaped HTML, plain text as written) and the
gettext domain ``mail`` in ``chalicelib/locale/<lang>/LC_MESSAGES/mail.po``.

Loaded on first use, once per language: nothing here runs at import time.
"""

from __future__ import annotations

import gettext
from collections.abc import Callable
from functools import lru_cache
from pathlib import Path
from typing import Any

PACKAGE = Path(__file__).resolve().parent.parent
LOCALE_DIR = PACKAGE / "locale"
TEMPLATE_DIR = PACKAGE / "templates"
DOMAIN = "mail"


@lru_cache(maxsize=4)
def _catalog(lang: str) -> gettext.GNUTranslations:
    mo = LOCALE_DIR / lang / "LC_MESSAGES" / f"{DOMAIN}.mo"
    po = mo.with_suffix(".po")
    if not mo.exists() or mo.stat().st_mtime < po.stat().st_mtime:
        _compile(po, mo)
    with mo.open("rb") as f:
        return gettext.GNUTranslations(f)


def _compile(po: Path, mo: Path) -> None:
    """A development checkout without a compiled catalog (``make messages`` builds them)."""
    from babel.messages.mofile import write_mo
    from babel.messages.pofile import read_po

    with po.open("rb") as source:
        catalog = read_po(source, abort_invalid=True)
    tmp = mo.with_suffix(".mo.tmp")
    with tmp.open("wb") as target:
        write_mo(target, catalog, use_fuzzy=False)
    tmp.replace(mo)


def has(msgid: str, lang: str = "id") -> bool:
    """Ids are keys, never texts: an id that comes back unchanged is not in the catalog."""
    return _catalog(lang).gettext(msgid) != msgid


def translator(lang: str) -> Callable[[str], str]:
    catalog = _catalog(lang)

    def _(msgid: str) -> str:
        text = catalog.gettext(msgid)
        if text == msgid:
            raise KeyError(f"no text {msgid!r} in the {lang} mail catalog")
        return text

    return _


@lru_cache(maxsize=1)
def _environment() -> Any:
    from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape

    return Environment(loader=FileSystemLoader(str(TEMPLATE_DIR)), undefined=StrictUndefined,
                       autoescape=select_autoescape(["html"], default_for_string=False, default=False),
                       keep_trailing_newline=True, trim_blocks=False, lstrip_blocks=False)


def render(name: str, lang: str, model: dict[str, Any]) -> str:
    return _environment().get_template(name).render(m=model, _=translator(lang))


def render_pair(name: str, lang: str, model: dict[str, Any]) -> tuple[str, str]:
    """(plain text, HTML) of ``mail/<name>``."""
    return render(f"mail/{name}.txt", lang, model), render(f"mail/{name}.html", lang, model)
