"""Pages for a browser without JavaScript: the filing confirmation, the form with its errors."""

from __future__ import annotations

from html import escape
from typing import Any

from chalicelib.domain.reference import CATEGORIES, KINDS

STYLE = """body{font-family:system-ui,sans-serif;max-width:40rem;margin:0 auto;padding:1rem;
line-height:1.5;color:#1a1a1a}label{display:block;font-weight:600;margin-top:.8rem}
input,select,textarea{width:100%;box-sizing:border-box;padding:.5rem;font-size:1rem}
.error{color:#a00000;font-weight:600}.token{font-family:monospace;font-size:1.1rem;
background:#fff4ce;padding:.5rem;word-break:break-all}button{margin-top:1rem;padding:.7rem 1.2rem;
font-size:1rem;background:#0b5394;color:#fff;border:0;border-radius:4px}"""


def layout(title: str, body: str, lang: str = "id") -> str:
    return (f'<!doctype html><html lang="{lang}"><head><meta charset="utf-8">'
            f'<meta name="viewport" content="width=device-width, initial-scale=1">'
            f"<title>{escape(title)} · SP4N-LAPOR!</title><style>{STYLE}</style></head>"
            f"<body><main>{body}</main></body></html>")


def confirmation(answer: dict[str, Any]) -> str:
    tid = escape(answer["tracking_id"])
    token = escape(answer.get("reporter_token") or "")
    deadline = escape(answer.get("deadlines", {}).get("verification", ""))
    body = (
        "<h1>Laporan Anda sudah diterima</h1>"
        f'<p>Nomor pelacakan: <strong id="tracking-id">{tid}</strong></p>'
        '<p class="error">Simpan token pelapor ini sekarang. Token hanya ditampilkan sekali dan '
        "diperlukan untuk membalas atau menilai tindak lanjut laporan Anda.</p>"
        f'<p class="token" id="reporter-token">{token}</p>'
        f"<p>Status: {escape(answer.get('status_label', ''))}. Batas verifikasi: {deadline}.</p>"
        f'<p><a href="/track?tracking_id={tid}">Lacak laporan ini</a></p>'
    )
    return layout("Laporan diterima", body)


def _field_error(fields: dict[str, str], name: str) -> str:
    message = fields.get(name)
    if not message:
        return ""
    return f'<p class="error" id="error-{escape(name)}" role="alert">{escape(message)}</p>'


def form_with_errors(data: dict[str, Any], fields: dict[str, str]) -> str:
    """The form again, with what the person typed and each error next to its field."""
    def value(name: str) -> str:
        return escape(str(data.get(name) or ""))

    reporter = data.get("reporter") or {}
    kinds = "".join(f'<option value="{k}"{" selected" if data.get("kind") == k else ""}>{escape(v[0])}</option>'
                    for k, v in KINDS.items())
    cats = "".join(f'<option value="{c.code}"{" selected" if data.get("category") == c.code else ""}>'
                   f"{escape(c.label_id)}</option>" for c in CATEGORIES)
    rows = [
        f'<label for="kind">Jenis laporan</label><select id="kind" name="kind">{kinds}</select>',
        _field_error(fields, "kind"),
        f'<label for="title">Judul</label><input id="title" name="title" value="{value("title")}">',
        _field_error(fields, "title"),
        f'<label for="description">Isi laporan</label><textarea id="description" name="description" rows="6">'
        f'{value("description")}</textarea>',
        _field_error(fields, "description"),
        f'<label for="category">Kategori</label><select id="category" name="category">{cats}</select>',
        _field_error(fields, "category"),
        f'<label for="province_code">Kode provinsi</label><input id="province_code" name="province_code" '
        f'value="{value("province_code")}">',
        _field_error(fields, "province_code"),
        f'<label for="regency_code">Kode kabupaten/kota</label><input id="regency_code" name="regency_code" '
        f'value="{value("regency_code")}">',
        _field_error(fields, "regency_code"),
        f'<label for="incident_date">Tanggal kejadian</label><input id="incident_date" name="incident_date" '
        f'type="date" value="{value("incident_date")}">',
        _field_error(fields, "incident_date"),
        f'<label for="reporter_name">Nama</label><input id="reporter_name" name="reporter_name" '
        f'value="{escape(reporter.get("name") or "")}">',
        _field_error(fields, "reporter.name"),
        f'<label for="reporter_email">E-mail</label><input id="reporter_email" name="reporter_email" '
        f'value="{escape(reporter.get("email") or "")}">',
        _field_error(fields, "reporter.email"),
        f'<label for="reporter_phone">Telepon</label><input id="reporter_phone" name="reporter_phone" '
        f'value="{escape(reporter.get("phone") or "")}">',
        _field_error(fields, "reporter.phone"),
    ]
    for flag, label in (("anonymous", "Anonim"), ("confidential", "Rahasia")):
        checked = " checked" if data.get(flag) else ""
        rows.append(f'<label><input type="checkbox" name="{flag}" value="on"{checked}> {label}</label>')
    others = {k: v for k, v in fields.items() if k not in {
        "kind", "title", "description", "category", "province_code", "regency_code", "incident_date",
        "reporter.name", "reporter.email", "reporter.phone"}}
    summary = "".join(f"<li>{escape(k)}: {escape(v)}</li>" for k, v in others.items())
    body = ("<h1>Periksa kembali laporan Anda</h1>"
            '<p class="error" role="alert">Beberapa isian belum benar.</p>'
            + (f"<ul>{summary}</ul>" if summary else "")
            + '<form method="post" action="/complaints">' + "".join(rows)
            + '<button type="submit">Kirim laporan</button></form>')
    return layout("Periksa laporan", body)
