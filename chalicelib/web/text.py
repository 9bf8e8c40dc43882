"""The words and formats of the pages: Bahasa Indonesia first, English second.

The texts themselves live in the gettext catalogs (``chalicelib/locale``, see ``templating``);
this module formats what varies: times in the region's own time zone, dates, status and event
labels, and ``server_message(lang, message)``, which puts one of the API's field messages (English,
from the domain rules) into the page's language. The same words go to the browser
(``client_texts``) so that the script says exactly what the server would.
"""

from __future__ import annotations

import re
from datetime import datetime
from typing import Any

from chalicelib.domain.complaint import STATUS_LABELS
from chalicelib.domain.reference import CATEGORIES, KINDS, zone_of
from chalicelib.web.templating import LANGS, gettext, has

# The API's field messages (chalicelib/domain/submission.py, services) in Bahasa Indonesia.
# Patterns are plain enough to work the same in Python and JavaScript.
SERVER_MESSAGES_ID: tuple[tuple[str, str], ...] = (
    (r"^required unless the report is anonymous$", "Wajib diisi, kecuali laporan dikirim sebagai anonim."),
    (r"^required$", "Wajib diisi."),
    (r"^required \(or give latitude and longitude\)$", "Wajib diisi, atau berikan lintang dan bujur lokasinya."),
    (r"^must not contain control or invisible formatting characters$",
     "Hapus karakter kontrol atau karakter tak terlihat (misalnya pembalik arah teks) dari isian ini."),
    (r"^must be one line \(no tab or line break\)$", "Tulis dalam satu baris, tanpa tab atau baris baru."),
    (r"^16–128 characters: letters.*$", "Kunci pengiriman tidak sah: muat ulang formulir lalu kirim lagi."),
    (r"^must be (\d+)–(\d+) characters$", "Harus $1–$2 karakter."),
    (r"^must be a valid e-mail address$", "Masukkan alamat e-mail yang benar, misalnya nama@contoh.id."),
    (r"^must be a phone number.*$", "Masukkan nomor telepon, misalnya 0812-3456-7890 atau +62 812 3456 7890."),
    (r"^must be one of: complaint.*$", "Pilih salah satu jenis laporan."),
    (r"^unknown category.*$", "Kategori tidak dikenal. Pilih dari daftar."),
    (r"^unknown province code.*$", "Provinsi tidak dikenal. Pilih dari daftar."),
    (r"^unknown regency/city code.*$", "Kabupaten/kota tidak dikenal. Pilih dari daftar."),
    (r"^this regency/city is not in the chosen province$",
     "Kabupaten/kota ini tidak berada di provinsi yang dipilih."),
    (r"^must not be in the future$", "Tanggal tidak boleh tanggal yang akan datang."),
    (r"^must be a date \(YYYY-MM-DD\)$", "Masukkan tanggal yang benar."),
    (r"^must be inside Indonesia$", "Lokasi harus berada di wilayah Indonesia."),
    (r"^give both coordinates or none$", "Isi kedua koordinat atau kosongkan keduanya."),
    (r"^this point lies in (.+), not in the chosen province$",
     "Titik lokasi berada di $1, bukan di provinsi yang dipilih."),
    (r"^this point is not inside any Indonesian regency or city.*$",
     "Titik lokasi tidak berada di kabupaten/kota mana pun. Pilih kabupaten/kotanya."),
    (r"^must be an https:// address of at most (\d+) characters$", "Harus alamat https:// paling banyak $1 karakter."),
    (r"^unknown agency.*$", "Instansi tidak dikenal. Pilih dari daftar."),
    (r"^at most (\d+) attachments$", "Paling banyak $1 lampiran."),
    (r"^unknown upload id.*$", "Lampiran tidak ditemukan. Unggah ulang berkasnya."),
    (r"^the same upload is listed twice$", "Lampiran yang sama tercantum dua kali."),
    (r"^must be a JPEG or PNG image or a PDF.*$", "Hanya JPG, PNG, atau PDF yang dapat dilampirkan."),
    (r"^must be at most 10 MB$", "Berkas paling besar 10 MB."),
    (r"^must be at most (\d+) characters$", "Paling banyak $1 karakter."),
    (r"^must be text.*$", "Harus berupa teks."),
    (r"^a message is required.*$", "Tulis pesan Anda."),
    (r"^a reason is required.*$", "Tuliskan alasannya."),
    (r"^must be a whole number from 1 to 5$", "Pilih nilai 1 sampai 5."),
    (r"^must be accept or reopen$", "Pilih terima atau buka kembali."),
    (r"^cannot .* a report that is .*$", "Tindakan ini tidak dapat dilakukan pada status laporan saat ini."),
    (r"^the window to reopen this report has passed$", "Batas waktu untuk membuka kembali laporan ini sudah lewat."),
    (r"^a report can be reopened at most (\d+) times$", "Laporan hanya dapat dibuka kembali paling banyak $1 kali."),
    (r"^the report was changed by someone else.*$", "Laporan baru saja berubah. Muat ulang halaman lalu coba lagi."),
)

ZONE_NAMES = {"Asia/Jakarta": "WIB", "Asia/Makassar": "WITA", "Asia/Jayapura": "WIT"}



# What the page scripts need: the checks before sending (``js_*`` in the catalogs) and these texts.
CLIENT_KEYS = ("required", "choose", "title_length", "description_length", "address_length", "name_required",
               "name_length", "email", "phone", "date_future", "date_format", "file_type", "file_size",
               "file_count", "file_failed", "files_pending", "message_required", "message_length",
               "rating_required", "reason_required", "comment_length")
PAGE_KEYS = ("sending", "uploading", "uploaded", "remove", "error_generic", "error_network", "error_busy",
             "form_errors", "form_already_sent", "submit", "send_reply", "accept_button", "reopen_button")
# The helpers templates use as filters (``{{ report.submitted_at|when(report.province_code) }}``).
FILTERS = ("when", "day", "status_label", "event_label", "category_label", "kind_label", "server_message",
           "percent")


def percent(lang: str, value: float) -> str:
    """``52,4 %`` (Bahasa Indonesia writes a decimal comma), ``52.4 %`` in English."""
    number = f"{value:.1f}"
    return f"{number if lang == 'en' else number.replace('.', ',')} %"


def language(value: str | None) -> str:
    return value if value in LANGS else "id"


def t(lang: str, key: str, **values: Any) -> str:
    return gettext(lang, key, **values)


def months(lang: str) -> list[str]:
    return [gettext(lang, f"month_{n}") for n in range(1, 13)]


def event_label(lang: str, event_type: str) -> str:
    key = f"event_{event_type}"
    return gettext(lang, key) if has(key) else event_type.replace("_", " ").capitalize()


def status_label(lang: str, status: str | None) -> str:
    pair = STATUS_LABELS.get(status or "")
    return (pair[1] if lang == "en" else pair[0]) if pair else ""


def kind_label(lang: str, kind: str | None) -> str:
    pair = KINDS.get(kind or "")
    return (pair[1] if lang == "en" else pair[0]) if pair else ""


def category_label(lang: str, code: str | None) -> str:
    for category in CATEGORIES:
        if category.code == code:
            return category.label_en if lang == "en" else category.label_id
    return code or ""


def server_message(lang: str, message: str) -> str:
    """One API field message in the page's language."""
    if lang == "en":
        return message[:1].upper() + message[1:] if message else message
    for pattern, replacement in SERVER_MESSAGES_ID:
        found = re.match(pattern, message)
        if found:
            groups = found.groups()
            return re.sub(r"\$(\d)", lambda m, g=groups: g[int(m.group(1)) - 1], replacement)
    return message


def client_texts(lang: str) -> dict[str, Any]:
    """What the page script needs to speak the page's language."""
    texts = {key: gettext(lang, f"js_{key}") for key in CLIENT_KEYS}
    texts.update({key: gettext(lang, key) for key in PAGE_KEYS})
    return {"lang": lang, "messages": texts, "server": [] if lang == "en" else list(SERVER_MESSAGES_ID)}


def when(lang: str, iso: str | None, province_code: str) -> str:
    """``27 Maret 2026 pukul 23.59 WITA`` in the time zone of the report's region."""
    if not iso:
        return ""
    moment = datetime.fromisoformat(iso).astimezone(zone_of(province_code))
    zone = ZONE_NAMES.get(str(moment.tzinfo), moment.strftime("%Z"))
    month = gettext(lang, f"month_{moment.month}")
    if lang == "en":
        return f"{moment.day} {month} {moment.year}, {moment:%H:%M} {zone}"
    return f"{moment.day} {month} {moment.year} pukul {moment:%H.%M} {zone}"


def day(lang: str, iso_date: str | None) -> str:
    if not iso_date:
        return ""
    year, month, day_ = (int(part) for part in iso_date[:10].split("-"))
    return f"{day_} {gettext(lang, f'month_{month}')} {year}"
