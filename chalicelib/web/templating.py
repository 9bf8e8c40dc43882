"""The one template system of every page and message: Jinja2 templates in ``chalicelib/templates/``
with autoescaping, and the words in gettext catalogs (``chalicelib/locale/<lang>/LC_MESSAGES/
messages.po``, compiled to ``.mo`` at build time by ``devtools/catalogs.py``).

- ``render("citizen/form.html", lang, **context)`` renders a template in ``id`` or ``en``;
- ``gettext(lang, "form_heading", n=3)`` is the same text for Python code (an e-mail subject, a
  notice), and in a template it is ``{{ _("form_heading") }}`` / ``{{ _("attachment_n", n=3) }}``.

Message ids are stable keys, never English sentences, so an English edit cannot break a page in
Bahasa Indonesia. Values are put in with ``%(name)s`` (always formatted, so a literal percent sign is
``%%``), as Jinja2's new-style gettext does.

Nothing here is built at import time: the API functions import this module only when they render a
page, and Jinja2 itself is imported when the first template is rendered (the API's cold start does
not pay for it). The environment is built once per process and compiles each template once.
"""

from __future__ import annotations

import gettext as _gettext
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import jinja2

PACKAGE_DIR = Path(__file__).resolve().parents[1]
TEMPLATES_DIR = PACKAGE_DIR / "templates"
LOCALE_DIR = PACKAGE_DIR / "locale"
DOMAIN = "messages"
LANGS = ("id", "en")
DEFAULT_LANG = "id"


def language(value: Any) -> str:
    """A supported language from a query or form value; Bahasa Indonesia otherwise."""
    return value if value in LANGS else DEFAULT_LANG


@cache
def translations(lang: str) -> _gettext.GNUTranslations:
    """The compiled catalog of one language; a missing ``.mo`` is a build mistake, said plainly."""
    try:
        return _gettext.translation(DOMAIN, LOCALE_DIR, languages=[language(lang)])
    except FileNotFoundError:
        raise RuntimeError(f"no compiled catalog for {lang!r} in {LOCALE_DIR}: run `make messages` "
                           "(python -m devtools.catalogs)") from None


def has(key: str) -> bool:
    """Whether ``key`` is a message id of the catalogs (and not, say, an API message)."""
    return key in translations(DEFAULT_LANG)._catalog  # type: ignore[attr-defined]


def gettext(lang: str, key: str, **values: Any) -> str:
    """One text in ``lang``; ``%(name)s`` placeholders filled from ``values``."""
    return translations(lang).gettext(key) % values


def ngettext(lang: str, singular: str, plural: str, n: int, **values: Any) -> str:
    return translations(lang).ngettext(singular, plural, n) % {"num": n, **values}


@cache
def environment() -> jinja2.Environment:
    """The Jinja2 environment: templates from ``chalicelib/templates``, autoescaped, with ``_`` and
    ``ngettext`` speaking the ``lang`` of the template's context, and the page helpers as filters."""
    import jinja2

    from chalicelib.web import assets, text

    @jinja2.pass_context
    def _(context: Any, key: str) -> str:
        return translations(context.get("lang", DEFAULT_LANG)).gettext(key)

    @jinja2.pass_context
    def _n(context: Any, singular: str, plural: str, n: int) -> str:
        return translations(context.get("lang", DEFAULT_LANG)).ngettext(singular, plural, n)

    def in_lang(lang: str, key: str, **values: Any) -> str:
        """A text in another language than the page's (the language switch, bilingual pages)."""
        return gettext(lang, key, **values)

    def speaking(function: Any) -> Any:
        """A ``text`` helper as a filter that takes the page's language from the context."""
        return jinja2.pass_context(lambda context, *args: function(context.get("lang", DEFAULT_LANG), *args))

    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(TEMPLATES_DIR),
        autoescape=True,
        undefined=jinja2.Undefined,  # an absent optional key (report.address) renders as nothing
        extensions=["jinja2.ext.i18n", "jinja2.ext.do"],
        trim_blocks=True,
        lstrip_blocks=True,
        auto_reload=False,
    )
    env.install_gettext_callables(_, _n, newstyle=True)  # type: ignore[attr-defined]
    env.globals.update(asset=assets.url, inline_asset=assets.read, in_lang=in_lang, has_text=has, langs=LANGS)
    env.filters.update({name: speaking(getattr(text, name)) for name in text.FILTERS})
    env.policies["json.dumps_kwargs"] = {"ensure_ascii": False, "separators": (",", ":"), "sort_keys": False}
    return env


def render(template_name: str, lang: str, **context: Any) -> str:
    """The template rendered in ``lang`` (``id`` or ``en``) with ``context``."""
    return environment().get_template(template_name).render(lang=language(lang), **context)
