"""No stray words of the other language (issue 15 "Done when": no English on an Indonesian page, no
Indonesian on an English one).

Every citizen page and every console page (asked as each role that sees different pages) is
rendered in Bahasa Indonesia and in English; its text (what a reader sees, the labels, titles and
placeholders, and the texts its script will show) is checked against a short list of unmistakable
words of the other language. Data that is legitimately in one language on both pages (agency,
region and staff names, what reporters and officers typed) is masked by its known values first,
never by shortening the lists.
"""

from __future__ import annotations

import json
import re
from html import unescape
from html.parser import HTMLParser
from urllib.parse import urlencode

import pytest

from tests.factories import valid_report
from tests.staff import DINKES_MKS, MAKASSAR, act

# Every page in two languages as three roles (the statistics page alone asks every agency whether it is
# connected): about 50 s of work, so it runs in make test, not in make check's fast loop.
pytestmark = pytest.mark.slow

# Words that only one of the two languages uses (lower case, whole words).
ONLY_ID = frozenset({"dan", "yang", "untuk", "laporan", "tidak", "atau", "dari", "dengan", "belum", "sudah",
                     "anda", "kirim", "lihat", "batas", "waktu", "instansi", "pelapor", "petugas", "tanggal"})
ONLY_EN = frozenset({"the", "and", "your", "report", "reports", "please", "not", "with", "from", "this", "agency",
                     "deadline", "send", "sent", "show", "date", "reporter", "staff", "until"})
FORM = {"Content-Type": "application/x-www-form-urlencoded", "Accept": "text/html"}
TITLE = "Lampu jalan mati di Jl. Veteran Utara"
NOTE = "Mohon kirim foto tiang lampu yang padam."
ANSWER = "Petugas sudah mengganti lampu pada hari Selasa."
REPLY = "Foto tiang lampu saya kirim lewat lampiran."


class _Text(HTMLParser):
    """What a page shows: its text, its title, its labels for assistive technology and inputs,
    and the strings its script will put on the page (its ``page-data`` JSON)."""

    SKIP = frozenset({"script", "style"})
    ATTRIBUTES = ("title", "alt", "placeholder", "aria-label")

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self._skipping: list[str] = []
        self._json = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        if tag == "script":
            self._json = values.get("type") == "application/json"
        if tag in self.SKIP:
            self._skipping.append(tag)
        for name in self.ATTRIBUTES:
            if values.get(name):
                self.parts.append(values[name] or "")
        if tag == "input" and values.get("type") in ("submit", "button") and values.get("value"):
            self.parts.append(values["value"] or "")

    def handle_endtag(self, tag: str) -> None:
        if self._skipping and self._skipping[-1] == tag:
            self._skipping.pop()
        if tag == "script":
            self._json = False

    def handle_data(self, data: str) -> None:
        if self._json:
            self.parts.extend(_strings(json.loads(data)))
        elif not self._skipping:
            self.parts.append(data)


def _strings(value) -> list[str]:
    if isinstance(value, str):
        return [value]
    if isinstance(value, dict):
        return [s for v in value.values() for s in _strings(v)]
    if isinstance(value, list):
        return [s for v in value for s in _strings(v)]
    return []


def visible_text(html: str) -> str:
    parser = _Text()
    parser.feed(html)
    return unescape(" ".join(" ".join(parser.parts).split()))


def stray_words(text: str, lang: str, masked: list[str]) -> list[str]:
    """The other language's words in ``text`` once the known data values are masked, each with a
    little of the text around it (to find it in the templates or catalogs)."""
    for value in masked:
        text = text.replace(value, " ")
    text = re.sub(r"%\(\w+\)s|\{\w+\}", " ", text)  # the slots a script fills in
    other = ONLY_EN if lang == "id" else ONLY_ID
    return [f"{m.group(0)!r} in …{text[max(0, m.start() - 40):m.end() + 40]}…"
            for m in re.finditer(r"[^\W\d_]+", text) if m.group(0).lower() in other]


def known_data() -> list[str]:
    """Names and texts that are data, longest first (so a long name is masked before its parts)."""
    from chalicelib.domain.reference import regions
    from chalicelib.models import AgencyModel, UserModel

    names = [a.name for a in AgencyModel.scan() if a.name]  # test inspection of the seeded directory
    names += [u.name for u in UserModel.scan() if getattr(u, "name", None)]
    places = regions()
    names += [p.name for p in places.provinces.values()] + [r.name for r in places.regencies.values()]
    report = valid_report()
    names += [TITLE, NOTE, ANSWER, REPLY, report["description"], report["title"], report["reporter"]["name"],
              "SP4N-LAPOR!", "LAPOR!"]
    names += [name[:37] + "…" for name in names if len(name) > 38]  # as the charts shorten them
    return sorted({n for n in names if n}, key=len, reverse=True)


@pytest.fixture(scope="module")
def client(tables):
    """One test client for the module: the pages are read many times over the same report."""
    from chalice.test import Client

    from app import app
    from tests.fixtures import ROOT

    with Client(app, project_dir=str(ROOT), stage_name="local") as test_client:
        yield test_client


@pytest.fixture(scope="module")
def world(client, staff, pump) -> dict:
    """A report that went through the hands of staff and reporter, so every part of every page shows."""
    filed = client.http.post("/complaints", headers={"Content-Type": "application/json"},
                             body=json.dumps(valid_report(title=TITLE, category="health",
                                                          target_agency_id=DINKES_MKS)))
    receipt = json.loads(filed.body)
    tid, token = receipt["tracking_id"], receipt["reporter_token"]
    pump.drain()
    officer = staff.headers("officer", DINKES_MKS)
    assert act(client, officer, tid, "request_info", note=NOTE).status_code == 200
    client.http.post(f"/complaints/{tid}/replies", headers={"X-Reporter-Token": token,
                                                            "Content-Type": "application/json"},
                     body=json.dumps({"message": REPLY}))
    assert act(client, officer, tid, "respond", note=ANSWER).status_code == 200
    pump.drain()
    return {"tid": tid, "token": token, "masked": known_data()}


def citizen_pages(client, world: dict, lang: str) -> dict[str, str]:
    tid, token = world["tid"], world["token"]
    q = "&lang=en" if lang == "en" else ""
    get = {
        "form": f"/?x=1{q}", "track": f"/track?x=1{q}", "public view": f"/track?tracking_id={tid}{q}",
        "unknown report": f"/track?tracking_id=LPR-2345-6789{q}", "confirm e-mail": f"/confirm-email?token=a.b{q}",
        "statistics": f"/statistik?x=1{q}", "sign in": f"/staff/login?x=1{q}",
    }
    pages = {name: client.http.get(path).body.decode() for name, path in get.items()}
    form = {**{k: v for k, v in valid_report().items() if k != "reporter"}, "reporter_name": "Siti Rahma",
            "lang": lang}
    posts = {
        "reporter view": ("/track", {"tracking_id": tid, "reporter_token": token, "lang": lang}),
        "wrong token": ("/track", {"tracking_id": tid, "reporter_token": "0000-0000-0000-0000-0000", "lang": lang}),
        "receipt": ("/complaints", form),
        "form with errors": ("/complaints", {**form, "title": "x", "token_by_email": "on", "reporter_phone": "12"}),
        "confirmation refused": ("/confirm-email", {"token": "a.b", "lang": lang}),
    }
    for name, (path, fields) in posts.items():
        pages[name] = client.http.post(path, headers=FORM, body=urlencode(fields)).body.decode()
    return pages


CONSOLE = {
    "officer": (DINKES_MKS, ["/staff", "/staff/queue", "/staff/reports/{tid}", "/staff/dashboard",
                             "/staff/participation", "/staff/evaluation"]),
    "coordinator": (MAKASSAR, ["/staff", "/staff/queue", "/staff/reports/{tid}", "/staff/dashboard",
                               "/staff/participation", "/staff/evaluation", "/staff/admin/users",
                               "/staff/admin/keys"]),
    "national_admin": ("kemenpanrb", ["/staff", "/staff/queue", "/staff/reports/{tid}", "/staff/dashboard",
                                      "/staff/participation", "/staff/evaluation", "/staff/admin/users",
                                      "/staff/admin/keys", "/staff/admin/agencies",
                                      f"/staff/admin/agencies/{DINKES_MKS}", "/staff/admin/rules"]),
}


def console_pages(client, staff, world: dict, lang: str) -> dict[str, str]:
    pages = {}
    for role, (agency, paths) in CONSOLE.items():
        headers = {"Authorization": f"Bearer {staff.key(role, agency)}"}
        for path in paths:
            url = path.format(tid=world["tid"]) + ("?lang=en" if lang == "en" else "?lang=id")
            response = client.http.get(url, headers=headers)
            # 403: the page that says a role may not see this (an officer's queue) is read too
            assert response.status_code in (200, 403), (role, url, response.status_code)
            pages[f"{role} {path}"] = response.body.decode()
    # And the pages that say why something was refused (the API's messages, by their codes)
    coordinator = {**FORM, "Authorization": f"Bearer {staff.key('coordinator', MAKASSAR)}"}
    national = {**FORM, "Authorization": f"Bearer {staff.key('national_admin', 'kemenpanrb')}"}
    refusals = {
        "forward outside the scope": (coordinator, f"/staff/reports/{world['tid']}",
                                      {"action": "forward", "agency_id": "dinas-kesehatan-kota-bandung"}),
        "no such routing rule": (national, "/staff/admin/rules", {"operation": "delete", "region_code": "73.71",
                                                                  "category": "other"}),
    }
    for name, (headers, path, fields) in refusals.items():
        response = client.http.post(f"{path}?lang={lang}", headers=headers, body=urlencode({**fields, "lang": lang}))
        assert 400 <= response.status_code < 500, (name, response.status_code)
        pages[name] = response.body.decode()
    unknown = client.http.get(f"/staff/admin/agencies/x9-q7?lang={lang}",
                              headers={"Authorization": national["Authorization"]})
    pages["unknown agency"] = unknown.body.decode()
    return pages


@pytest.fixture(scope="module")
def rendered(client, staff, world) -> dict[tuple[str, str], dict[str, str]]:
    """(side, language) -> {page: HTML}, rendered once for the module."""
    return {(side, lang): (citizen_pages(client, world, lang) if side == "citizen" else
                           console_pages(client, staff, world, lang))
            for side in ("citizen", "console") for lang in ("id", "en")}


def _report(found: dict[str, list[str]]) -> str:
    return "\n".join(f"{name}: {hit}" for name, hits in found.items() for hit in hits)


@pytest.mark.parametrize("side", ["citizen", "console"])
@pytest.mark.parametrize("lang", ["id", "en"])
def test_no_page_carries_words_of_the_other_language(rendered, world, side, lang):
    found = {name: stray_words(visible_text(html), lang, world["masked"])
             for name, html in rendered[(side, lang)].items()}
    assert not any(found.values()), _report(found)


def test_the_check_can_fail(rendered, world):
    # Each language's pages read as the other language's are full of stray words
    for (side, lang), pages in rendered.items():
        other = "en" if lang == "id" else "id"
        assert all(stray_words(visible_text(html), other, world["masked"]) for html in pages.values()), side
    # And one English word slipped into an Indonesian page is caught, in text, attributes and script texts
    for html in ('<p>Kirim laporan <b>now</b> please</p>', '<input placeholder="Your name">',
                 '<script type="application/json" id="page-data">{"messages": {"x": "the file"}}</script>'):
        assert stray_words(visible_text(html), "id", []), html
    # But masked data is not
    assert stray_words(visible_text("<p>Dinas Kesehatan and more</p>"), "id", ["Dinas Kesehatan and more"]) == []
