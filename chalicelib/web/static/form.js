/* The report form, enhanced: regencies and agencies follow the chosen region, the same checks as
   the server before sending, attachments uploaded straight to S3, the report sent as JSON with the
   page's Idempotency-Key, and the receipt shown in place. Without this script the form still
   posts as a plain HTML form. */
(function () {
  "use strict";
  var form = document.getElementById("report-form");
  if (!form || !window.fetch || !window.FormData) { return; }
  var data = JSON.parse(document.getElementById("page-data").textContent);
  var M = data.messages;
  var FIELD_IDS = {
    "kind": "kind", "title": "title", "description": "description", "category": "category",
    "province_code": "province_code", "regency_code": "regency_code", "address": "address",
    "latitude": "address", "longitude": "address", "incident_date": "incident_date",
    "target_agency_id": "target_agency_id", "anonymous": "anonymous", "confidential": "confidential",
    "reporter": "reporter_name", "reporter.name": "reporter_name", "reporter.email": "reporter_email",
    "reporter.phone": "reporter_phone", "attachments": "attachments", "token_by_email": "token_by_email"
  };
  var TYPES = {"image/jpeg": 1, "image/png": 1, "application/pdf": 1};
  var EXTENSIONS = {jpg: "image/jpeg", jpeg: "image/jpeg", png: "image/png", pdf: "application/pdf"};
  var MAX_BYTES = 10 * 1024 * 1024, MAX_FILES = 5;
  var PHONE = /^\+?[0-9][0-9 \-]{6,18}[0-9]$/;
  var EMAIL = /^[^\s@]+@[^\s@.]+(\.[^\s@.]+)+$/;

  function $(id) { return document.getElementById(id); }
  function val(id) { return ($(id).value || "").trim(); }
  function length(text) { return Array.from ? Array.from(text).length : text.length; }
  function fill(template, name) { return template.replace("{name}", name); }

  var key = form.elements.idempotency_key.value;
  var button = $("submit"), statusLine = $("form-status"), summary = $("error-summary");
  var province = $("province_code"), regency = $("regency_code");
  var agency = $("target_agency_id"), search = $("agency-search");
  var fileInput = $("attachments"), fileList = $("attachment-list");
  var regencyPrompt = regency.options[0].text, agencyPrompt = agency.options[0].text;
  var uploads = [], pending = 0, busy = false, attempted = false, agencies = [];

  /* --- messages -------------------------------------------------------------------------- */
  function say(message, code) {
    // An API message in the page's language, by its stable code (error.field_codes /
    // error.message_code: {"code": "length", "min": 5, "max": 150}); without a code, its own words.
    var text = code && data.problems[code.code];
    if (text) {
      return text.replace(/%\((\w+)\)s/g, function (all, name) { return code[name] === undefined ? all : code[name]; })
                 .replace(/%%/g, "%");
    }
    return message ? message.charAt(0).toUpperCase() + message.slice(1) : message;
  }
  function setError(id, message) {
    var box = $("error-" + id);
    if (!box) { return false; }
    box.textContent = message || "";
    box.hidden = !message;
    var field = $("field-" + id);
    if (field) { field.classList.toggle("has-error", !!message); }
    var control = id === "kind" ? null : $(id);
    if (control) {
      if (message) { control.setAttribute("aria-invalid", "true"); } else { control.removeAttribute("aria-invalid"); }
    }
    return true;
  }
  function showSummary(text, others) {
    $("error-summary-text").textContent = text;
    Array.prototype.forEach.call(summary.querySelectorAll("ul"), function (old) { summary.removeChild(old); });
    if (others && others.length) {
      var list = document.createElement("ul");
      others.forEach(function (line) {
        var item = document.createElement("li");
        item.textContent = line;
        list.appendChild(item);
      });
      summary.appendChild(list);
    }
    summary.hidden = false;
    summary.focus();
  }
  function clearErrors() {
    Array.prototype.forEach.call(form.querySelectorAll(".field-error"), function (box) {
      setError(box.id.slice(6), "");
    });
    summary.hidden = true;
  }
  /* The summary names each field with an error and links to it (the field's own label). */
  function labelOf(id) {
    var label = id === "kind" ? $("field-kind").querySelector("legend") : form.querySelector("label[for='" + id + "']");
    var text = label ? label.firstChild.textContent : id;
    return text.trim();
  }
  function linkErrors(byId) {
    var old = $("error-links");
    if (old) { old.parentNode.removeChild(old); }
    var ids = Array.prototype.map.call(form.querySelectorAll(".field-error"), function (box) { return box.id.slice(6); })
      .filter(function (id) { return byId[id]; });
    if (!ids.length) { return; }
    var list = document.createElement("ul");
    list.id = "error-links";
    ids.forEach(function (id) {
      var item = document.createElement("li"), link = document.createElement("a");
      var target = id === "kind" ? form.querySelector("input[name=kind]") : $(id);
      link.href = "#" + (target ? target.id : id);
      link.textContent = labelOf(id) + ": " + byId[id];
      item.appendChild(link);
      list.appendChild(item);
    });
    $("error-summary-text").insertAdjacentElement("afterend", list);
  }
  function showErrors(byId, others) {
    var placed = 0;
    Object.keys(byId).forEach(function (id) {
      if (setError(id, byId[id])) { placed++; } else { others.push(byId[id]); }
    });
    showSummary(placed ? M.form_errors : (others[0] || M.error_generic), placed ? others : others.slice(1));
    linkErrors(byId);
  }

  /* --- the same rules as the server (chalicelib/domain/submission.py) ---------------------- */
  function validate() {
    var errors = {};
    if (!form.querySelector("input[name=kind]:checked")) { errors.kind = M.choose; }
    var title = val("title"), description = val("description");
    if (!title) { errors.title = M.required; } else if (length(title) < 5 || length(title) > 150) { errors.title = M.title_length; }
    if (!description) { errors.description = M.required; }
    else if (length(description) < 20 || length(description) > 4000) { errors.description = M.description_length; }
    if (!val("category")) { errors.category = M.choose; }
    if (!val("province_code")) { errors.province_code = M.choose; }
    if (!val("regency_code")) { errors.regency_code = M.choose; }
    if (length(val("address")) > 500) { errors.address = M.address_length; }
    var date = $("incident_date");
    date.max = todayIn(province.options[province.selectedIndex].getAttribute("data-tz")) || date.max;
    if (date.validity && date.validity.badInput) { errors.incident_date = M.date_format; }
    else if (date.value && date.max && date.value > date.max) { errors.incident_date = M.date_future; }
    var name = val("reporter_name");
    if (!name && !$("anonymous").checked) { errors.reporter_name = M.name_required; }
    else if (name && (length(name) < 2 || length(name) > 100)) { errors.reporter_name = M.name_length; }
    if (val("reporter_email") && !EMAIL.test(val("reporter_email"))) { errors.reporter_email = M.email; }
    if ($("token_by_email").checked && !val("reporter_email")) { errors.token_by_email = data.problems.token_by_email_needs_email; }
    if (val("reporter_phone") && !PHONE.test(val("reporter_phone"))) { errors.reporter_phone = M.phone; }
    if (pending) { errors.attachments = M.files_pending; }
    return errors;
  }
  form.addEventListener("change", function (event) {
    // The file input says its own problems (its handler runs first): re-checking here would erase them.
    if (!attempted || !event.target.id || event.target === fileInput) { return; }
    var id = event.target.name === "kind" ? "kind" : event.target.id;
    setError(id, validate()[id] || "");
  });

  /* --- regions and agencies ------------------------------------------------------------- */
  function getJSON(url) {
    return fetch(url, {headers: {"Accept": "application/json"}}).then(function (response) {
      if (!response.ok) { throw new Error(String(response.status)); }
      return response.json();
    });
  }
  function setOptions(select, prompt, items, keep) {
    select.textContent = "";
    select.appendChild(new Option(prompt, ""));
    items.forEach(function (item) { select.appendChild(new Option(item[1], item[0], false, item[0] === keep)); });
  }
  function renderAgencies() {
    var query = search.value.trim().toLowerCase(), keep = agency.value;
    setOptions(agency, agencyPrompt, agencies.filter(function (item) {
      return !query || item[0] === keep || item[1].toLowerCase().indexOf(query) >= 0;
    }), keep);
  }
  function loadAgencies() {
    var code = regency.value;
    agencies = [];
    search.hidden = search.previousElementSibling.hidden = true;
    if (!code) { renderAgencies(); return; }
    getJSON("agencies?limit=200&regency_code=" + encodeURIComponent(code)).then(function (body) {
      if (regency.value !== code) { return; }
      agencies = body.agencies.map(function (a) { return [a.agency_id, a.name]; });
      renderAgencies();
      search.hidden = search.previousElementSibling.hidden = agencies.length < 2;
      if ($("agency-none")) { $("agency-none").hidden = agencies.length > 0; }
    }).catch(function () { renderAgencies(); });
  }
  /* The no-script step ("show its regencies", a post back to the form) is not needed here: the
     list comes from /regions/{code}; removed, so Enter in a field still sends the report. */
  if ($("show-regencies")) { $("show-regencies").remove(); }
  var regencyStatus = $("regency-status");
  function loadRegencies(keep) {
    var code = province.value;
    regencyStatus.textContent = "";
    if (!code) {
      setOptions(regency, regencyPrompt, [], "");
      regency.disabled = true;
      loadAgencies();
      return;
    }
    regency.disabled = true;
    regencyStatus.textContent = M.regencies_loading;
    getJSON("regions/" + encodeURIComponent(code)).then(function (body) {
      if (province.value !== code) { return; }
      setOptions(regency, regencyPrompt, body.regencies.map(function (r) { return [r.code, r.name]; }), keep);
      regency.disabled = false;
      regencyStatus.textContent = "";
      loadAgencies();
    }).catch(function () {
      if (province.value !== code) { return; }
      regency.disabled = false;
      regencyStatus.textContent = navigator.onLine === false ? M.offline : M.regencies_failed;
    });
  }
  window.addEventListener("online", function () { if (province.value && regency.options.length < 2) { loadRegencies(""); } });
  province.addEventListener("change", function () { loadRegencies(""); });
  regency.addEventListener("change", loadAgencies);
  search.addEventListener("input", renderAgencies);
  loadRegencies(province.value ? regency.value : "");

  /* --- attachments: POST /attachments, then the file straight to S3 ----------------------- */
  function typeOf(file) {
    if (file.type) { return file.type; }
    var dot = file.name.lastIndexOf(".");
    return EXTENSIONS[file.name.slice(dot + 1).toLowerCase()] || "";
  }
  function listItem(entry) {
    var item = document.createElement("li");
    var label = document.createElement("span");
    item.appendChild(label);
    entry.item = item;
    entry.label = label;
    fileList.appendChild(item);
  }
  function uploaded(entry) {
    entry.label.textContent = entry.name + " — " + M.uploaded;
    var remove = document.createElement("button");
    remove.type = "button";
    remove.className = "link";
    remove.textContent = M.remove;
    remove.setAttribute("aria-label", M.remove + " " + entry.name);
    remove.addEventListener("click", function () {
      uploads.splice(uploads.indexOf(entry), 1);
      fileList.removeChild(entry.item);
      fileInput.focus();
    });
    entry.item.appendChild(remove);
  }
  function failed(entry, message) {
    uploads.splice(uploads.indexOf(entry), 1);
    fileList.removeChild(entry.item);
    setError("attachments", message);
  }
  function upload(file, type) {
    var entry = {id: null, name: file.name};
    uploads.push(entry);
    listItem(entry);
    entry.label.textContent = file.name + " — " + M.uploading;
    pending++;
    fetch("attachments", {
      method: "POST", headers: {"Content-Type": "application/json", "Accept": "application/json"},
      body: JSON.stringify({filename: file.name, content_type: type, size: file.size})
    }).then(function (response) {
      return response.json().then(function (body) { return {status: response.status, body: body}; });
    }).then(function (answer) {
      if (answer.status !== 201) {
        var fields = (answer.body.error || {}).fields || {}, codes = (answer.body.error || {}).field_codes || {};
        var first = Object.keys(fields)[0];
        throw new Error(first ? file.name + ": " + say(fields[first], codes[first]) : fill(M.file_failed, file.name));
      }
      var grant = answer.body, body = new FormData();
      Object.keys(grant.upload.fields).forEach(function (name) { body.append(name, grant.upload.fields[name]); });
      body.append("file", file);
      return fetch(grant.upload.url, {method: "POST", body: body}).then(function (response) {
        if (!response.ok) { throw new Error(fill(M.file_failed, file.name)); }
        entry.id = grant.upload_id;
        entry.token = grant.upload_token;
        uploaded(entry);
      });
    }).catch(function (error) {
      failed(entry, error && error.message && error.message.indexOf(file.name) === 0 ? error.message
        : fill(M.file_failed, file.name));
    }).then(function () { pending--; });
  }
  fileInput.disabled = false;
  var tokenInputs = fileList.querySelectorAll("input[name=attachment_tokens]");
  Array.prototype.forEach.call(fileList.querySelectorAll("input[name=attachments]"), function (input, n) {
    var entry = {id: input.value, name: input.value, token: tokenInputs[n] ? tokenInputs[n].value : ""};
    uploads.push(entry);
    fileList.removeChild(input);
    if (tokenInputs[n]) { fileList.removeChild(tokenInputs[n]); }
    listItem(entry);
    uploaded(entry);
  });
  fileInput.addEventListener("change", function () {
    var problems = [];
    Array.prototype.forEach.call(fileInput.files, function (file) {
      var type = typeOf(file);
      if (uploads.length >= MAX_FILES) { problems.push(M.file_count); }
      else if (!TYPES[type]) { problems.push(fill(M.file_type, file.name)); }
      else if (file.size > MAX_BYTES) { problems.push(fill(M.file_size, file.name)); }
      else { upload(file, type); }
    });
    fileInput.value = "";
    setError("attachments", problems.filter(function (p, i) { return problems.indexOf(p) === i; }).join(" "));
  });

  /* --- sending -------------------------------------------------------------------------- */
  /* "Not in the future" is today where it happened: the chosen province's time zone. */
  function todayIn(zone) {
    if (!zone) { return ""; }
    try {
      return new Intl.DateTimeFormat("en-CA", {timeZone: zone, year: "numeric", month: "2-digit", day: "2-digit"})
        .format(new Date());
    } catch (e) { return ""; }
  }
  province.addEventListener("change", function () {
    var max = todayIn(province.options[province.selectedIndex].getAttribute("data-tz"));
    if (max) { $("incident_date").max = max; }
  });
  function payload() {
    var body = {
      kind: form.querySelector("input[name=kind]:checked").value, title: val("title"),
      description: val("description"), category: val("category"), province_code: val("province_code"),
      regency_code: val("regency_code"), anonymous: $("anonymous").checked, token_by_email: $("token_by_email").checked,
      confidential: $("confidential").checked, reporter: {}, lang: data.lang === "en" ? "en" : "id",
      attachments: uploads.filter(function (u) { return u.id; }).map(function (u) {
        return {upload_id: u.id, upload_token: u.token};  /* the token proves this page made the upload */
      })
    };
    ["address", "incident_date", "target_agency_id"].forEach(function (id) { if (val(id)) { body[id] = val(id); } });
    // The point from "Gunakan lokasi saya" (static/place.js), when the citizen used it.
    var lat = form.elements.latitude, lon = form.elements.longitude;
    if (lat && lon && lat.value && lon.value) { body.latitude = Number(lat.value); body.longitude = Number(lon.value); }
    ["name", "email", "phone"].forEach(function (part) {
      if (val("reporter_" + part)) { body.reporter[part] = val("reporter_" + part); }
    });
    return body;
  }
  function when(iso, zone) {
    try {
      var parts = {};
      new Intl.DateTimeFormat("en-GB", {timeZone: zone, year: "numeric", month: "numeric", day: "numeric",
        hour: "2-digit", minute: "2-digit", hourCycle: "h23"}).formatToParts(new Date(iso)).forEach(function (p) {
        parts[p.type] = p.value;
      });
      var date = Number(parts.day) + " " + data.months[Number(parts.month) - 1] + " " + parts.year;
      var zoneName = data.zones[zone] || "";
      return data.lang === "en" ? date + ", " + parts.hour + ":" + parts.minute + " " + zoneName
        : date + " pukul " + parts.hour + "." + parts.minute + " " + zoneName;
    } catch (error) {
      return iso;
    }
  }
  /* The receipt is kept in this tab (sessionStorage): a reload, or the back button after opening the
     tracking page, shows it again instead of losing the token. Leaving the page otherwise asks first. */
  var RECEIPT_KEY = "lapor-receipt", receiptShown = false, leaving = false;
  function keep(values) {
    try { window.sessionStorage.setItem(RECEIPT_KEY, JSON.stringify(values)); } catch (e) { /* private mode */ }
  }
  function kept() {
    try { return JSON.parse(window.sessionStorage.getItem(RECEIPT_KEY) || "null"); } catch (e) { return null; }
  }
  window.addEventListener("beforeunload", function (event) {
    if (receiptShown && !leaving) { event.preventDefault(); event.returnValue = ""; }
  });
  function copyReceipt(values) {
    var text = $("receipt-keys").innerText.trim();
    var done = function () { $("copy-status").textContent = M.copied; };
    var failed = function () {
      var range = document.createRange();
      range.selectNodeContents($("receipt-keys"));
      window.getSelection().removeAllRanges();
      window.getSelection().addRange(range);
      $("copy-status").textContent = M.copy_failed;
    };
    if (navigator.clipboard && navigator.clipboard.writeText) {
      navigator.clipboard.writeText(text || (values.tracking_id + " " + values.reporter_token)).then(done, failed);
    } else { failed(); }
  }
  function showReceipt(receipt, sent) {
    var zone = province.options[province.selectedIndex].getAttribute("data-tz");
    var values = {
      tracking_id: receipt.tracking_id, reporter_token: receipt.reporter_token, title: sent.title,
      status_label: receipt.status_label, token_by_email: sent.token_by_email === true,
      verification_due: receipt.deadlines && receipt.deadlines.verification ? when(receipt.deadlines.verification, zone) : ""
    };
    keep(values);
    renderReceipt(values);
  }
  function renderReceipt(values) {
    var node = $("receipt-template").content.cloneNode(true);
    Array.prototype.forEach.call(node.querySelectorAll("[data-fill]"), function (el) {
      el.textContent = values[el.getAttribute("data-fill")] || "";
    });
    Array.prototype.forEach.call(node.querySelectorAll("[data-fill-value]"), function (el) {
      el.value = values[el.getAttribute("data-fill-value")] || "";
    });
    Array.prototype.forEach.call(node.querySelectorAll("[data-fill-href]"), function (el) {
      el.href = "track?tracking_id=" + encodeURIComponent(values.tracking_id) + (data.lang === "en" ? "&lang=en" : "");
    });
    node.getElementById("token-by-email").hidden = !values.token_by_email;
    var main = $("main");
    main.textContent = "";
    main.appendChild(node);
    receiptShown = true;
    document.title = values.tracking_id + " · " + $("receipt-heading").textContent + " · SP4N-LAPOR!";
    $("copy-receipt").hidden = false;
    $("copy-receipt").addEventListener("click", function () { copyReceipt(values); });
    $("open-tracking").form.addEventListener("submit", function () { leaving = true; });
    $("public-link").addEventListener("click", function () { leaving = true; });
    $("file-another").addEventListener("click", function () {
      leaving = true;
      try { window.sessionStorage.removeItem(RECEIPT_KEY); } catch (e) { /* private mode */ }
    });
    window.scrollTo(0, 0);
    $("receipt-heading").focus();
  }
  var restored = kept();
  if (restored && restored.tracking_id && restored.reporter_token) { renderReceipt(restored); }
  function newKey() {
    var bytes = new Uint8Array(18);
    window.crypto.getRandomValues(bytes);
    return Array.prototype.map.call(bytes, function (b) { return ("0" + b.toString(16)).slice(-2); }).join("");
  }
  function finish() {
    busy = false;
    button.disabled = false;
    statusLine.textContent = "";
  }
  function send(body, attempt) {
    fetch("complaints", {
      method: "POST", body: JSON.stringify(body),
      headers: {"Content-Type": "application/json", "Accept": "application/json", "Idempotency-Key": key}
    }).then(function (response) {
      return response.json().then(function (answer) { return {status: response.status, body: answer}; });
    }).then(function (answer) {
      var error = answer.body.error || {};
      if (answer.status === 201) { showReceipt(answer.body, body); return; }
      if (((answer.status === 409 && error.code === "request_in_progress") || answer.status === 503) && attempt < 10) {
        window.setTimeout(function () { send(body, attempt + 1); }, 1000);
        return;
      }
      finish();
      if (answer.status === 422 && error.fields) {
        var byId = {}, others = [], codes = error.field_codes || {};
        Object.keys(error.fields).forEach(function (name) {
          var id = FIELD_IDS[name], message = say(error.fields[name], codes[name]);
          if (id) { byId[id] = byId[id] || message; } else { others.push(name + ": " + message); }
        });
        showErrors(byId, others);
      } else if (error.code === "idempotency_key_reused") {
        key = newKey();
        showSummary(M.form_already_sent, []);
      } else if (answer.status === 429 || answer.status === 503) {
        showSummary(M.error_busy, []);
      } else {
        showSummary(say(error.message || "", error.message_code) || M.error_generic, []);
      }
    }).catch(function () {
      finish();
      showSummary(M.error_network, []);
    });
  }
  form.noValidate = true;
  form.addEventListener("submit", function (event) {
    event.preventDefault();
    if (busy) { return; }
    attempted = true;
    clearErrors();
    var errors = validate();
    if (Object.keys(errors).length) { showErrors(errors, []); return; }
    busy = true;
    button.disabled = true;
    statusLine.textContent = M.sending;
    send(payload(), 0);
  });
}());
