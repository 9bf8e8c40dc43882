"""The texts of the pages: every message id a template or the code uses is in both catalogs
(Bahasa Indonesia and English), with the same placeholders, and the compiled catalogs say the same
as their sources."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest
from babel.messages.mofile import read_mo
from babel.messages.pofile import read_po

from chalicelib.domain.reference import KINDS
from chalicelib.web import statmap, templating, text, tracking

ROOT = Path(__file__).resolve().parents[2]
PLACEHOLDER = re.compile(r"%\((\w+)\)s")


def catalog(lang: str):
    with (templating.LOCALE_DIR / lang / "LC_MESSAGES" / "messages.po").open("rb") as source:
        return read_po(source)


def ids_in(lang: str) -> dict[str, str]:
    return {message.id: message.string for message in catalog(lang) if message.id}


def template_ids() -> set[str]:
    """Every constant id in ``_("…")`` across the templates (Jinja2's own extractor)."""
    env = templating.environment()
    found = set()
    for path in templating.TEMPLATES_DIR.rglob("*.html"):
        source = path.read_text(encoding="utf-8")
        for _line, _function, message in env.extract_translations(source):
            found.update(m for m in (message if isinstance(message, tuple) else (message,)) if m)
    return found


def code_ids() -> set[str]:
    """Every constant id in ``t(lang, "…")`` / ``gettext(lang, "…")`` calls in the Python code."""
    found = set()
    for path in (ROOT / "chalicelib").rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if (isinstance(node, ast.Call) and getattr(node.func, "id", getattr(node.func, "attr", None))
                    in {"t", "gettext"} and len(node.args) >= 2 and isinstance(node.args[1], ast.Constant)
                    and isinstance(node.args[1].value, str)):
                found.add(node.args[1].value)
    return found


def problem_ids() -> set[str]:
    """``problem_<code>`` for every ``Problem("<code>", …)`` the code makes (errors.Problem)."""
    found = set()
    for path in (ROOT / "chalicelib").rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if (isinstance(node, ast.Call) and getattr(node.func, "id", None) == "Problem" and node.args
                    and isinstance(node.args[0], ast.Constant)):
                found.add(f"problem_{node.args[0].value}")
    from chalicelib.domain.complaint import NOTE_CODES

    return found | {f"problem_{code}" for code in NOTE_CODES.values()}


def built_ids() -> set[str]:
    """Ids the templates and the code build from a value (``_("notice_" ~ notice)``)."""
    return ({f"kind_{code}_hint" for code in KINDS} | {f"notice_{n}" for n in tracking.NOTICES}
            | {f"actor_{a}" for a in ("reporter", "agency", "system")} | {f"month_{n}" for n in range(1, 13)}
            | {f"js_{key}" for key in text.CLIENT_KEYS} | set(text.PAGE_KEYS)
            | {"anonymous", "anonymous_hint", "confidential", "confidential_hint"}
            | {f"deadline_{d}" for d in ("verification", "first_response", "resolution", "reporter_reply")}
            | {f"stats_level_{level}" for level in statmap.LEVELS} | {f"metric_{m}" for m in statmap.METRICS}
            | console_ids())


def console_ids() -> set[str]:
    """The console's ids built from a role, an action, a challenge or an operation."""
    from chalicelib.domain.complaint import ACTIONS
    from chalicelib.web import console

    actions = {f"{prefix}_{a}" for a in ACTIONS for prefix in ("action", "note", "done")}
    return (actions | {f"action_{a}_explain" for a in ACTIONS} | set(console.ROLE_KEYS.values())
            | {f"nav_{n}" for n in ("inbox", "queue", "dashboard", "users", "agencies", "rules", "keys")}
            | {f"challenge_{c}_{p}" for c in ("new_password", "mfa_setup", "mfa_code") for p in ("heading", "intro")}
            | {f"users_changed_{op}" for op in ("role", "disable", "enable", "reset_mfa")}
            | {f"dash_explain_{k}" for k in ("reports", "resolved_pct", "on_time_pct", "median", "overdue",
                                              "escalated", "satisfaction")}
            | {"agency_notify_immediate", "agency_notify_daily", "error_heading_403", "error_heading_404",
               "error_heading_429", "login_failed", "passwords_differ", "wrong_code", "sign_in_again",
               "tracking_id_format", "dash_no_response"})


def test_the_templates_and_the_code_use_message_ids():
    assert len(template_ids()) > 100 and "form_heading" in template_ids()
    assert {"problem_length", "problem_invalid_transition", "problem_resolution_required"} <= problem_ids()


@pytest.mark.parametrize("lang", templating.LANGS)
def test_every_message_id_used_is_in_the_catalog(lang):
    ids = ids_in(lang)
    missing = sorted((template_ids() | code_ids() | built_ids() | problem_ids()) - ids.keys())
    assert not missing, f"not in the {lang} catalog: {missing}"
    empty = sorted(key for key, value in ids.items() if not value.strip())
    assert not empty, f"empty in the {lang} catalog: {empty}"


def test_both_catalogs_have_the_same_ids_and_placeholders():
    indonesian, english = ids_in("id"), ids_in("en")
    assert indonesian.keys() == english.keys()
    for key in indonesian:
        assert set(PLACEHOLDER.findall(indonesian[key])) == set(PLACEHOLDER.findall(english[key])), key
        for value in (indonesian[key], english[key]):
            value % {name: "x" for name in PLACEHOLDER.findall(value)}  # a stray % fails here


@pytest.mark.parametrize("lang", templating.LANGS)
def test_the_compiled_catalog_is_the_source(lang):
    with (templating.LOCALE_DIR / lang / "LC_MESSAGES" / "messages.mo").open("rb") as compiled:
        assert {m.id: m.string for m in read_mo(compiled) if m.id} == ids_in(lang)


def test_a_page_speaks_the_chosen_language():
    assert templating.gettext("id", "form_heading") == "Sampaikan laporan Anda"
    assert templating.gettext("en", "form_heading") == "Submit your report"
    assert templating.gettext("en", "attachment_n", n=2) == "Attachment 2"
    assert templating.language("fr") == "id"


def test_values_in_templates_are_escaped():
    html = templating.render("citizen/confirmation.html", "id", answer={"tracking_id": "<b>x</b>"})
    assert "&lt;b&gt;x&lt;/b&gt;" in html and "<b>x</b>" not in html
