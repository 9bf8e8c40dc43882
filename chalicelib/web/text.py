"""The words on the citizen's pages: Bahasa Indonesia first, English second.

``t(lang, key)`` gives a text; ``server_message(lang, message)`` puts one of the API's field
messages (English, from the domain rules) into the page's language. The same tables go to the
browser (``client_texts``) so that the script says exactly what the server would.
"""

from __future__ import annotations

import re
from datetime import datetime
from typing import Any

from chalicelib.domain.complaint import STATUS_LABELS
from chalicelib.domain.reference import CATEGORIES, zone_of

LANGS = ("id", "en")

TEXT: dict[str, tuple[str, str]] = {
    # Layout
    "site_tagline": ("Layanan Aspirasi dan Pengaduan Online Rakyat",
                     "People's Online Aspiration and Complaint Service"),
    "skip": ("Langsung ke isi", "Skip to content"),
    "nav_label": ("Menu utama", "Main menu"),
    "nav_file": ("Buat laporan", "File a report"),
    "nav_track": ("Lacak laporan", "Track a report"),
    "switch_to": ("English", "Bahasa Indonesia"),
    "footer": ("SP4N-LAPOR! dikelola oleh Kementerian PANRB bersama Ombudsman RI dan Kantor Staf Presiden.",
               "SP4N-LAPOR! is run by the Ministry of Administrative and Bureaucratic Reform with the "
               "Ombudsman of the Republic of Indonesia and the Executive Office of the President."),
    # The form
    "form_heading": ("Sampaikan laporan Anda", "Submit your report"),
    "form_intro": ("Laporan Anda diteruskan ke instansi yang berwenang dan wajib ditindaklanjuti dalam batas "
                   "waktu yang ditetapkan. Isian bertanda (wajib) harus diisi.",
                   "Your report goes to the agency responsible, which must follow it up within the legal time "
                   "limits. Fields marked (required) must be filled in."),
    "required": ("(wajib)", "(required)"),
    "optional": ("(tidak wajib)", "(optional)"),
    "legend_report": ("Laporan", "Your report"),
    "legend_place": ("Lokasi dan instansi", "Place and agency"),
    "legend_privacy": ("Privasi", "Privacy"),
    "legend_contact": ("Identitas dan kontak", "Your name and contact details"),
    "legend_files": ("Lampiran", "Attachments"),
    "kind": ("Jenis laporan", "Type of report"),
    "kind_complaint_hint": ("Keluhan atas pelayanan publik yang tidak sesuai.",
                            "A problem with a public service."),
    "kind_aspiration_hint": ("Saran atau usulan untuk perbaikan pelayanan.",
                             "A suggestion to improve a service."),
    "kind_information_request_hint": ("Meminta informasi publik dari instansi pemerintah.",
                                      "A request for public information from an agency."),
    "title": ("Judul laporan", "Title"),
    "title_hint": ("5–150 karakter, misalnya: Jalan berlubang di Jl. Perintis Kemerdekaan.",
                   "5–150 characters, e.g. Potholes on Jl. Perintis Kemerdekaan."),
    "description": ("Isi laporan", "What happened"),
    "description_hint": ("Ceritakan kronologinya: apa yang terjadi, di mana, kapan, dan siapa yang terlibat "
                         "(20–4000 karakter).",
                         "Tell us what happened, where, when and who was involved (20–4000 characters)."),
    "category": ("Kategori", "Category"),
    "choose_category": ("— Pilih kategori —", "— Choose a category —"),
    "province": ("Provinsi", "Province"),
    "choose_province": ("— Pilih provinsi —", "— Choose a province —"),
    "regency": ("Kabupaten/kota", "Regency/city"),
    "choose_regency": ("— Pilih kabupaten/kota —", "— Choose a regency/city —"),
    "regency_hint": ("Tempat kejadian. Pilih provinsi terlebih dahulu.",
                     "Where it happened. Choose the province first."),
    "address": ("Alamat atau lokasi kejadian", "Address or place"),
    "address_hint": ("Misalnya nama jalan, nomor, RT/RW, atau patokan terdekat.",
                     "E.g. street, number, or a landmark nearby."),
    "incident_date": ("Tanggal kejadian", "Date it happened"),
    "incident_date_hint": ("Tidak boleh tanggal yang akan datang.", "Not a date in the future."),
    "agency": ("Instansi tujuan", "Agency"),
    "agency_hint": ("Jika tidak yakin, biarkan petugas yang menentukan: laporan akan diteruskan ke instansi "
                    "yang berwenang.",
                    "If you are not sure, let the verifier decide: the report will be forwarded to the agency "
                    "responsible."),
    "agency_default": ("— Biarkan petugas yang menentukan —", "— Let the verifier decide —"),
    "agency_search": ("Cari instansi", "Search agencies"),
    "agency_none": ("Pilih kabupaten/kota untuk melihat daftar instansinya.",
                    "Choose a regency/city to see its agencies."),
    "anonymous": ("Kirim sebagai anonim", "File anonymously"),
    "anonymous_hint": ("Nama dan kontak Anda tidak ditampilkan kepada instansi yang menangani maupun kepada "
                       "publik. Anda tetap dapat mengikuti laporan dengan nomor pelacakan dan token pelapor.",
                       "Your name and contact details are hidden from the agency handling the report and from "
                       "the public. You can still follow it with the tracking number and reporter token."),
    "confidential": ("Rahasiakan isi laporan", "Keep the report confidential"),
    "confidential_hint": ("Judul, isi, dan lampiran laporan hanya dapat dilihat oleh Anda dan petugas yang "
                          "menanganinya. Publik hanya melihat status laporan.",
                          "The title, description and attachments are seen only by you and the staff handling "
                          "the report. The public sees only its status."),
    "reporter_name": ("Nama lengkap", "Full name"),
    "reporter_name_hint": ("Wajib, kecuali laporan dikirim sebagai anonim.",
                           "Required unless you file anonymously."),
    "reporter_email": ("Alamat e-mail", "E-mail address"),
    "reporter_email_hint": ("Kabar perkembangan laporan dikirim ke alamat ini.",
                            "We send news about your report to this address."),
    "reporter_phone": ("Nomor telepon", "Phone number"),
    "reporter_phone_hint": ("Misalnya 0812-3456-7890 atau +62 812 3456 7890.",
                            "E.g. 0812-3456-7890 or +62 812 3456 7890."),
    "files": ("Foto atau dokumen", "Photos or documents"),
    "files_hint": ("Hingga 5 berkas JPG, PNG, atau PDF, masing-masing paling besar 10 MB.",
                   "Up to 5 JPG, PNG or PDF files, 10 MB each at most."),
    "files_noscript": ("Untuk melampirkan berkas, aktifkan JavaScript di peramban Anda. Laporan tetap dapat "
                       "dikirim tanpa lampiran.",
                       "To attach files, turn on JavaScript in your browser. You can still send the report "
                       "without attachments."),
    "submit": ("Kirim laporan", "Submit report"),
    "form_errors": ("Beberapa isian belum benar. Periksa pesan di bawah setiap isian.",
                    "Some fields need attention. See the message under each field."),
    "form_other_errors": ("Hal lain yang perlu diperbaiki:", "Also to fix:"),
    "form_already_sent": ("Formulir ini sudah pernah dikirim dengan isi yang berbeda. Periksa isian Anda lalu "
                          "kirim lagi untuk membuat laporan baru.",
                          "This form was already sent with different contents. Check your entries and send "
                          "again to file a new report."),
    "form_busy": ("Laporan Anda sedang diproses. Tekan Kirim laporan sekali lagi untuk melihat tanda "
                  "terimanya; laporan tidak akan terkirim dua kali.",
                  "Your report is being processed. Press Submit report once more to see its receipt; it will "
                  "not be filed twice."),
    # The receipt
    "receipt_heading": ("Laporan Anda sudah diterima", "Your report has been received"),
    "tracking_id": ("Nomor pelacakan", "Tracking number"),
    "reporter_token": ("Token pelapor", "Reporter token"),
    "save_this": ("Simpan token pelapor dan nomor pelacakan ini sekarang: catat, foto, atau cetak halaman ini. "
                  "Token hanya ditampilkan sekali ini dan diperlukan untuk membalas pertanyaan petugas serta "
                  "menilai tindak lanjut laporan Anda. Jangan berikan token kepada siapa pun.",
                  "Save the tracking number and reporter token now: write them down, take a photo or print "
                  "this page. The token is shown only this once; you need it to answer the agency's questions "
                  "and to rate the follow-up. Do not give it to anyone."),
    "receipt_title": ("Judul", "Title"),
    "status": ("Status", "Status"),
    "verification_due": ("Batas waktu verifikasi", "Verification due by"),
    "open_tracking": ("Buka halaman pelacakan", "Open the tracking page"),
    "public_page": ("Lihat tampilan publik laporan ini", "See this report's public page"),
    "file_another": ("Buat laporan lain", "File another report"),
    # The tracking page
    "track_heading": ("Lacak laporan", "Track a report"),
    "track_intro": ("Masukkan nomor pelacakan untuk melihat status laporan. Tambahkan token pelapor untuk "
                    "melihat laporan lengkap, membalas, atau menilai tindak lanjut.",
                    "Enter the tracking number to see the report's status. Add the reporter token to see the "
                    "whole report, reply, or rate the follow-up."),
    "tracking_id_hint": ("Contoh: LPR-7K3M-9QXD", "E.g. LPR-7K3M-9QXD"),
    "token_hint": ("Token diberikan sekali saat laporan dikirim.", "The token was shown once, when you filed."),
    "track_button": ("Lacak", "Track"),
    "sign_in_heading": ("Anda pelapornya?", "Are you the reporter?"),
    "sign_in_intro": ("Masukkan token pelapor untuk melihat laporan lengkap, membalas, atau menilai tindak lanjut.",
                      "Enter your reporter token to see the whole report, reply, or rate the follow-up."),
    "sign_in_button": ("Masuk sebagai pelapor", "Continue as the reporter"),
    "not_found": ("Laporan dengan nomor pelacakan ini tidak ditemukan. Periksa kembali nomornya.",
                  "No report has this tracking number. Please check it."),
    "wrong_token": ("Token pelapor tidak cocok dengan laporan ini.", "This reporter token does not match the report."),
    "token_needed": ("Masukkan token pelapor untuk melakukan ini.", "Enter the reporter token to do this."),
    "kind_label": ("Jenis", "Type"),
    "category_label": ("Kategori", "Category"),
    "region_label": ("Wilayah", "Region"),
    "agency_label": ("Instansi yang menangani", "Handled by"),
    "submitted_label": ("Dikirim", "Filed"),
    "updated_label": ("Terakhir diperbarui", "Last updated"),
    "deadlines": ("Batas waktu", "Deadlines"),
    "no_deadlines": ("Tidak ada batas waktu yang sedang berjalan.", "No deadline is running."),
    "deadline_verification": ("Verifikasi dan disposisi", "Verification and forwarding"),
    "deadline_first_response": ("Tanggapan pertama instansi", "The agency's first response"),
    "deadline_resolution": ("Penyelesaian", "Resolution"),
    "deadline_reporter_reply": ("Tanggapan pelapor", "The reporter's reply"),
    "deadline_pending": ("belum lewat", "not yet due"),
    "deadline_missed": ("terlewati", "missed"),
    "overdue": ("Laporan ini sudah melewati batas waktu.", "This report is past its deadline."),
    "ombudsman": ("Laporan ini belum selesai lebih dari 60 hari. Anda dapat menyampaikannya ke Ombudsman "
                  "Republik Indonesia.",
                  "This report has not been resolved in 60 days. You may take it to the Ombudsman of the "
                  "Republic of Indonesia."),
    "report_content": ("Isi laporan", "The report"),
    "confidential_hidden": ("Isi laporan ini dirahasiakan atas permintaan pelapor.",
                            "The reporter asked to keep this report confidential."),
    "address_label": ("Lokasi", "Place"),
    "incident_date_label": ("Tanggal kejadian", "Date it happened"),
    "reporter_label": ("Pelapor", "Reporter"),
    "anonymous_on": ("Dikirim sebagai anonim", "Filed anonymously"),
    "confidential_on": ("Isi dirahasiakan dari publik", "Contents hidden from the public"),
    "attachments_label": ("Lampiran", "Attachments"),
    "attachment_n": ("Lampiran {n}", "Attachment {n}"),
    "links_expire": ("Tautan lampiran berlaku 10 menit.", "Attachment links work for 10 minutes."),
    "timeline": ("Riwayat", "Timeline"),
    "no_events": ("Belum ada riwayat.", "Nothing has happened yet."),
    "actor_reporter": ("Pelapor", "Reporter"),
    "actor_agency": ("Instansi", "Agency"),
    "actor_system": ("Sistem", "System"),
    "awaiting_you": ("Petugas menunggu tanggapan Anda. Jawab pertanyaannya di bawah ini.",
                     "The agency is waiting for your answer. Reply below."),
    "reply_heading": ("Balas atau tambahkan informasi", "Reply or add information"),
    "message": ("Pesan Anda", "Your message"),
    "message_hint": ("Paling banyak 4000 karakter.", "At most 4000 characters."),
    "send_reply": ("Kirim balasan", "Send reply"),
    "feedback_heading": ("Nilai tindak lanjut", "Rate the follow-up"),
    "feedback_intro": ("Instansi menyatakan laporan ini sudah selesai ditindaklanjuti. Jika Anda puas, terima "
                       "penyelesaiannya dan beri nilai. Jika belum, buka kembali laporan dengan alasannya.",
                       "The agency says this report is resolved. If you are satisfied, accept it and give a "
                       "rating. If not, reopen the report and say why."),
    "accept_legend": ("Terima penyelesaian", "Accept the resolution"),
    "rating": ("Nilai: 1 = sangat tidak puas, 5 = sangat puas", "Rating: 1 = very dissatisfied, 5 = very satisfied"),
    "comment": ("Komentar", "Comment"),
    "accept_button": ("Terima dan beri nilai", "Accept and rate"),
    "reopen_legend": ("Buka kembali laporan", "Reopen the report"),
    "reason": ("Alasan", "Reason"),
    "reopen_button": ("Buka kembali", "Reopen"),
    "notice_replied": ("Balasan Anda sudah terkirim.", "Your reply has been sent."),
    "notice_accepted": ("Terima kasih. Penilaian Anda sudah dicatat dan laporan ditutup.",
                        "Thank you. Your rating is recorded and the report is closed."),
    "notice_reopened": ("Laporan dibuka kembali dan dikembalikan ke instansi.",
                        "The report is reopened and back with the agency."),
    "action_refused": ("Tindakan ini tidak dapat dilakukan sekarang.", "This cannot be done now."),
    # Shared by the script
    "sending": ("Mengirim…", "Sending…"),
    "uploading": ("mengunggah…", "uploading…"),
    "uploaded": ("terunggah", "uploaded"),
    "remove": ("Hapus", "Remove"),
    "error_generic": ("Terjadi kesalahan. Coba lagi beberapa saat lagi.", "Something went wrong. Please try again."),
    "error_network": ("Tidak dapat terhubung. Periksa koneksi Anda lalu coba lagi; laporan tidak akan terkirim "
                      "dua kali.",
                      "Cannot connect. Check your connection and try again; the report will not be filed twice."),
    "error_busy": ("Server sedang sibuk. Coba lagi sebentar lagi.", "The server is busy. Try again shortly."),
}

# What the browser checks before sending: the same rules as chalicelib/domain/submission.py.
CLIENT_MESSAGES: dict[str, tuple[str, str]] = {
    "required": ("Wajib diisi.", "This field is required."),
    "choose": ("Silakan pilih salah satu.", "Please choose one."),
    "title_length": ("Judul harus 5–150 karakter.", "The title must be 5–150 characters."),
    "description_length": ("Isi laporan harus 20–4000 karakter.", "The description must be 20–4000 characters."),
    "address_length": ("Alamat paling banyak 500 karakter.", "The address must be at most 500 characters."),
    "name_required": ("Nama wajib diisi, kecuali laporan dikirim sebagai anonim.",
                      "Your name is required unless you file anonymously."),
    "name_length": ("Nama harus 2–100 karakter.", "The name must be 2–100 characters."),
    "email": ("Masukkan alamat e-mail yang benar, misalnya nama@contoh.id.",
              "Enter a valid e-mail address, e.g. name@example.id."),
    "phone": ("Masukkan nomor telepon, misalnya 0812-3456-7890 atau +62 812 3456 7890.",
              "Enter a phone number, e.g. 0812-3456-7890 or +62 812 3456 7890."),
    "date_future": ("Tanggal kejadian tidak boleh tanggal yang akan datang.", "The date must not be in the future."),
    "date_format": ("Masukkan tanggal yang benar.", "Enter a valid date."),
    "file_type": ("{name}: hanya JPG, PNG, atau PDF yang dapat dilampirkan.",
                  "{name}: only JPG, PNG or PDF files can be attached."),
    "file_size": ("{name}: berkas lebih besar dari 10 MB.", "{name}: the file is larger than 10 MB."),
    "file_count": ("Paling banyak 5 lampiran.", "At most 5 attachments."),
    "file_failed": ("{name}: gagal diunggah. Coba lagi.", "{name}: the upload failed. Please try again."),
    "files_pending": ("Tunggu sampai semua lampiran selesai diunggah.", "Wait until every attachment is uploaded."),
    "message_required": ("Tulis pesan Anda.", "Write your message."),
    "message_length": ("Pesan paling banyak 4000 karakter.", "The message must be at most 4000 characters."),
    "rating_required": ("Pilih nilai 1 sampai 5.", "Choose a rating from 1 to 5."),
    "reason_required": ("Tuliskan alasan membuka kembali laporan.", "Say why you are reopening the report."),
    "comment_length": ("Paling banyak 2000 karakter.", "At most 2000 characters."),
}

# The API's field messages (chalicelib/domain/submission.py, services) in Bahasa Indonesia.
# Patterns are plain enough to work the same in Python and JavaScript.
SERVER_MESSAGES_ID: tuple[tuple[str, str], ...] = (
    (r"^required unless the report is anonymous$", "Wajib diisi, kecuali laporan dikirim sebagai anonim."),
    (r"^required$", "Wajib diisi."),
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

EVENTS: dict[str, tuple[str, str]] = {
    "submitted": ("Laporan dikirim", "Report filed"),
    "queued": ("Menunggu verifikasi", "Waiting for verification"),
    "forwarded": ("Diteruskan ke instansi", "Forwarded to an agency"),
    "responded": ("Ditanggapi instansi", "The agency responded"),
    "info_requested": ("Petugas meminta informasi tambahan", "The agency asked for more information"),
    "reporter_replied": ("Pelapor membalas", "The reporter replied"),
    "resolved": ("Dinyatakan selesai oleh instansi", "Resolved by the agency"),
    "accepted": ("Penyelesaian diterima pelapor", "The reporter accepted the resolution"),
    "reopened": ("Dibuka kembali oleh pelapor", "Reopened by the reporter"),
    "returned": ("Dikembalikan: bukan wewenang instansi", "Returned: not this agency's authority"),
    "rejected": ("Diarsipkan", "Archived"),
    "reminder": ("Pengingat dikirim ke instansi", "Reminder sent to the agency"),
    "escalated": ("Dieskalasi ke tingkat lebih tinggi", "Escalated to a higher level"),
    "closed": ("Ditutup otomatis", "Closed automatically"),
    "archived": ("Diarsipkan otomatis", "Archived automatically"),
    "ombudsman_eligible": ("Dapat disampaikan ke Ombudsman", "May be taken to the Ombudsman"),
}

MONTHS = {
    "id": ("Januari", "Februari", "Maret", "April", "Mei", "Juni", "Juli", "Agustus", "September", "Oktober",
           "November", "Desember"),
    "en": ("January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
           "November", "December"),
}
ZONE_NAMES = {"Asia/Jakarta": "WIB", "Asia/Makassar": "WITA", "Asia/Jayapura": "WIT"}


def language(value: str | None) -> str:
    return value if value in LANGS else "id"


def _pick(pair: tuple[str, str], lang: str) -> str:
    return pair[1] if lang == "en" else pair[0]


def t(lang: str, key: str, **values: Any) -> str:
    text = _pick(TEXT[key], lang)
    return text.format(**values) if values else text


def event_label(lang: str, event_type: str) -> str:
    pair = EVENTS.get(event_type)
    return _pick(pair, lang) if pair else event_type.replace("_", " ").capitalize()


def status_label(lang: str, status: str | None) -> str:
    pair = STATUS_LABELS.get(status or "")
    return _pick(pair, lang) if pair else ""


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
    texts = {key: _pick(pair, lang) for key, pair in CLIENT_MESSAGES.items()}
    for key in ("sending", "uploading", "uploaded", "remove", "error_generic", "error_network", "error_busy",
                "form_errors", "form_already_sent", "submit", "send_reply", "accept_button", "reopen_button"):
        texts[key] = t(lang, key)
    return {"lang": lang, "messages": texts, "server": [] if lang == "en" else list(SERVER_MESSAGES_ID)}


def when(lang: str, iso: str | None, province_code: str) -> str:
    """``27 Maret 2026 pukul 23.59 WITA`` in the time zone of the report's region."""
    if not iso:
        return ""
    moment = datetime.fromisoformat(iso).astimezone(zone_of(province_code))
    zone = ZONE_NAMES.get(str(moment.tzinfo), moment.strftime("%Z"))
    month = MONTHS[lang][moment.month - 1]
    if lang == "en":
        return f"{moment.day} {month} {moment.year}, {moment:%H:%M} {zone}"
    return f"{moment.day} {month} {moment.year} pukul {moment:%H.%M} {zone}"


def day(lang: str, iso_date: str | None) -> str:
    if not iso_date:
        return ""
    year, month, day_ = (int(part) for part in iso_date[:10].split("-"))
    return f"{day_} {MONTHS[lang][month - 1]} {year}"
