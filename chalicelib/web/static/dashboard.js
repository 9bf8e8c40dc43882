// Agency scorecards (GET /dashboard): asks /agency/stats with the staff member's API key.
// The key stays in this tab (sessionStorage) and only ever goes to this site, in a header.
// Text from the server is set with textContent; the charts are SVG the server drew and escaped.
(function () {
  "use strict";
  var KEY = "lapor.dashboard.key";
  var form = document.getElementById("query");
  var keyInput = document.getElementById("key");
  var status = document.getElementById("status");
  var agencyInput = document.getElementById("agency");
  var visited = [];
  var latest = 0;  // only the answer to the last request is drawn, whatever order answers come in

  function iso(date) { return date.toISOString().slice(0, 10); }
  function show(value, suffix) { return value === null || value === undefined ? "–" : value + (suffix || ""); }
  function say(text, isError) {
    status.textContent = text;
    status.className = isError ? "error" : "";
  }
  function headers() { return { "Authorization": "Bearer " + keyInput.value.trim() }; }

  function problem(response, body) {
    var error = (body && body.error) || {};
    if (response.status === 401) { return "Kunci API tidak dikenal atau sudah dicabut (unknown or revoked key)."; }
    if (response.status === 403) { return "Di luar wewenang Anda (outside your scope): " + (error.message || ""); }
    var fields = error.fields ? Object.keys(error.fields).map(function (k) { return k + ": " + error.fields[k]; })
      : [];
    return (error.message || "Gagal memuat (failed)") + (fields.length ? " — " + fields.join("; ") : "");
  }

  function query() {
    var params = new URLSearchParams({ charts: "true", sort: form.sort.value });
    if (form.from.value) { params.set("from", form.from.value); }
    if (form.to.value) { params.set("to", form.to.value); }
    if (agencyInput.value) { params.set("agency_id", agencyInput.value); }
    return params;
  }

  function summary(row) {
    var list = document.getElementById("summary");
    list.textContent = "";
    [["Laporan / reports", show(row.reports)], ["Selesai / resolved", show(row.resolved_pct, "%")],
     ["Tepat waktu / on time", show(row.on_time_pct, "%")],
     ["Median tanggapan / first response", show(row.median_first_response_hours, " jam")],
     ["Terlambat / overdue", show(row.overdue)], ["Eskalasi / escalated", show(row.escalated)],
     ["Kepuasan / satisfaction", show(row.satisfaction_avg, " / 5")],
     ["Dibuka kembali / reopened", show(row.reopen_rate, "%")]].forEach(function (pair) {
      var term = document.createElement("dt");
      var value = document.createElement("dd");
      term.textContent = pair[0];
      value.textContent = pair[1];
      list.appendChild(term);
      list.appendChild(value);
    });
  }

  function table(rows) {
    var body = document.querySelector("#agencies tbody");
    body.textContent = "";
    if (!rows.length) {
      var empty = body.insertRow();
      var cell = empty.insertCell();
      cell.colSpan = 8;
      cell.textContent = "Tidak ada instansi di bawah (no agencies below).";
      return;
    }
    rows.forEach(function (row) {
      var tr = body.insertRow();
      var name = tr.insertCell();
      var link = document.createElement("button");
      link.type = "button";
      link.className = "link";
      link.textContent = row.name;
      link.title = row.agency_id;
      link.addEventListener("click", function () {
        visited.push(agencyInput.value);
        agencyInput.value = row.agency_id;
        load();
      });
      name.appendChild(link);
      [show(row.reports), show(row.resolved_pct, "%"), show(row.on_time_pct, "%"),
       show(row.median_first_response_hours), show(row.overdue), show(row.escalated),
       show(row.satisfaction_avg)].forEach(function (text) {
        var cell = tr.insertCell();
        cell.textContent = text;
        cell.className = "number";
      });
    });
  }

  function render(answer) {
    document.getElementById("result").hidden = false;
    document.getElementById("agency-name").textContent = answer.agency.name;
    document.getElementById("range").textContent = answer.from + " – " + answer.to;
    summary(answer.agency);
    var direct = answer.held_directly;
    document.getElementById("direct").textContent = answer.agencies.length
      ? "Dipegang langsung (held directly): " + direct.reports + " laporan, " + show(direct.overdue) + " terlambat."
      : "";
    table(answer.agencies);
    document.getElementById("up").hidden = visited.length === 0;
    document.getElementById("chart-monthly").innerHTML = answer.charts.monthly;
    document.getElementById("chart-resolution").innerHTML = answer.charts.resolution;
  }

  function load() {
    var mine = ++latest;
    say("Memuat… (loading)");
    return fetch("agency/stats?" + query().toString(), { headers: headers(), cache: "no-store" })
      .then(function (response) {
        return response.json().catch(function () { return null; }).then(function (body) {
          if (mine !== latest) { return; }
          if (!response.ok) { throw new Error(problem(response, body)); }
          render(body);
          say("");
        });
      })
      .catch(function (error) { if (mine === latest) { say(error.message, true); } });
  }

  function download() {
    var params = new URLSearchParams();
    if (form.from.value) { params.set("from", form.from.value); }
    if (form.to.value) { params.set("to", form.to.value); }
    say("Menyiapkan CSV… (preparing)");
    fetch("agency/complaints.csv?" + params.toString(), { headers: headers(), cache: "no-store" })
      .then(function (response) {
        if (!response.ok) {
          return response.json().catch(function () { return null; }).then(function (body) {
            throw new Error(problem(response, body));
          });
        }
        var name = (response.headers.get("Content-Disposition") || "").split("filename=")[1] || "lapor.csv";
        var truncated = response.headers.get("X-Export-Truncated") === "true";
        return response.blob().then(function (blob) {
          var link = document.createElement("a");
          link.href = URL.createObjectURL(blob);
          link.download = name.replace(/"/g, "");
          document.body.appendChild(link);
          link.click();
          link.remove();
          say(truncated ? "CSV terpotong: persempit rentang tanggal (truncated: narrow the dates)." : "");
        });
      })
      .catch(function (error) { say(error.message, true); });
  }

  // The last year by default; "to" left empty means today in the easternmost zone (WIT), as the
  // server judges it, so a report filed this morning in Papua is not cut off by the browser's date.
  form.from.value = iso(new Date(Date.now() - 365 * 86400000));
  keyInput.value = sessionStorage.getItem(KEY) || "";

  form.addEventListener("submit", function (event) {
    event.preventDefault();
    sessionStorage.setItem(KEY, keyInput.value.trim());
    load();
  });
  document.getElementById("forget").addEventListener("click", function () {
    sessionStorage.removeItem(KEY);
    keyInput.value = "";
    document.getElementById("result").hidden = true;
    say("Kunci dihapus dari tab ini (key forgotten).");
  });
  document.getElementById("up").addEventListener("click", function () {
    agencyInput.value = visited.pop() || "";
    load();
  });
  document.getElementById("csv").addEventListener("click", download);
  document.querySelectorAll("#agencies th[data-sort]").forEach(function (th) {
    th.addEventListener("click", function () {
      var key = th.getAttribute("data-sort");
      var current = form.sort.value;
      var descending = key !== "name" && key !== "median_first_response_hours";
      var next = current === key ? "-" + key : current === "-" + key ? key : (descending ? "-" + key : key);
      var option = Array.prototype.find.call(form.sort.options, function (o) { return o.value === next; });
      if (!option) {
        option = new Option(next, next);
        form.sort.add(option);
      }
      form.sort.value = next;
      load();
    });
  });
  if (keyInput.value) { load(); }
}());
