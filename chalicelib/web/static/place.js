/* "Gunakan lokasi saya" and the reports nearby (SPEC §12), on the report form.

   With the browser's location (Geolocation API) the form finds the regency that holds the point
   (GET regions/locate), fills the province and regency, and keeps the point (latitude/longitude,
   which form.js sends). With a point and a category it lists the open reports of that category
   within 1 km (GET complaints/nearby), so the citizen can support one (POST
   complaints/{id}/support, with a fresh Idempotency-Key) instead of filing it again. Without
   JavaScript, or without geolocation, none of this shows and the form is as before. */
(function () {
  "use strict";
  var form = document.getElementById("report-form");
  var box = document.getElementById("field-location");
  if (!form || !box || !window.fetch || !navigator.geolocation) { return; }
  var data = JSON.parse(document.getElementById("page-data").textContent);
  var M = data.messages;

  function $(id) { return document.getElementById(id); }
  function fill(template, values) {
    return template.replace(/\{(\w+)\}/g, function (all, name) { return values[name] === undefined ? all : values[name]; });
  }
  function getJSON(url) {
    return fetch(url, {headers: {"Accept": "application/json"}}).then(function (response) {
      return response.json().then(function (body) { return {status: response.status, body: body}; });
    });
  }
  function newKey() {
    var bytes = new Uint8Array(18);
    window.crypto.getRandomValues(bytes);
    return Array.prototype.map.call(bytes, function (b) { return ("0" + b.toString(16)).slice(-2); }).join("");
  }

  var button = $("use-location"), status = $("location-status");
  var latitude = form.elements.latitude, longitude = form.elements.longitude;
  var province = $("province_code"), regency = $("regency_code"), category = $("category");
  var nearby = $("nearby"), list = $("nearby-list"), supportStatus = $("support-status");
  var ours = false;  // true while this script changes the region selects itself
  box.hidden = false;

  /* --- the place -------------------------------------------------------------------------- */
  function forget() {
    latitude.value = longitude.value = "";
    nearby.hidden = true;
  }
  function choose(select, value) {
    ours = true;
    select.value = value;
    select.dispatchEvent(new Event("change", {bubbles: true}));
    ours = false;
  }
  function chooseRegency(code) {
    // form.js fills the regencies of the province it was given; pick ours once they are there.
    function pick() {
      if (!regency.querySelector('option[value="' + code + '"]')) { return false; }
      choose(regency, code);
      return true;
    }
    if (pick()) { return; }
    var watcher = new MutationObserver(function () { if (pick()) { watcher.disconnect(); } });
    watcher.observe(regency, {childList: true});
    window.setTimeout(function () { watcher.disconnect(); }, 10000);
  }
  function located(lat, lon) {
    getJSON("regions/locate?lat=" + lat + "&long=" + lon).then(function (answer) {
      if (answer.status !== 200) {
        forget();
        status.textContent = M.location_outside;
        return;
      }
      latitude.value = lat;
      longitude.value = lon;
      var place = answer.body;
      var provinceName = province.querySelector('option[value="' + place.province_code + '"]');
      status.textContent = fill(M.location_found, {name: place.name + (provinceName ? ", " + provinceName.text : "")});
      choose(province, place.province_code);
      chooseRegency(place.regency_code);
      showNearby();
    }).catch(function () {
      forget();
      status.textContent = M.location_failed;
    }).then(function () { button.disabled = false; });
  }
  button.addEventListener("click", function () {
    button.disabled = true;
    status.textContent = M.location_finding;
    navigator.geolocation.getCurrentPosition(function (position) {
      located(position.coords.latitude.toFixed(6), position.coords.longitude.toFixed(6));
    }, function (error) {
      button.disabled = false;
      forget();
      status.textContent = error && error.code === 1 ? M.location_denied : M.location_failed;
    }, {enableHighAccuracy: true, timeout: 20000, maximumAge: 60000});
  });
  // The citizen picks another region by hand: the point no longer says where the problem is.
  [province, regency].forEach(function (select) {
    select.addEventListener("change", function () {
      if (!ours && latitude.value) { forget(); status.textContent = ""; }
    });
  });

  /* --- the reports nearby, and supporting one ----------------------------------------------- */
  function item(report) {
    var li = document.createElement("li");
    li.className = "nearby-report";
    var title = document.createElement("strong");
    title.textContent = report.title;
    var facts = document.createElement("span");
    facts.className = "hint";
    facts.textContent = " " + report.tracking_id + " · " + report.status_label + " · " +
      fill(M.nearby_distance, {metres: report.distance_m}) + " · " +
      fill(M.nearby_supporters, {n: report.supporters});
    var link = document.createElement("a");
    link.href = "track?tracking_id=" + encodeURIComponent(report.tracking_id) + (data.lang === "en" ? "&lang=en" : "");
    link.textContent = M.track_link;
    var support = document.createElement("button");
    support.type = "button";
    support.className = "secondary support";
    support.textContent = M.support_button;
    support.setAttribute("aria-label", M.support_button + ": " + report.title);
    var key = newKey();  // one key per report shown: a second tap counts once
    support.addEventListener("click", function () {
      support.disabled = true;
      fetch("complaints/" + encodeURIComponent(report.tracking_id) + "/support", {
        method: "POST", headers: {"Accept": "application/json", "Idempotency-Key": key}
      }).then(function (response) {
        return response.json().then(function (body) { return {status: response.status, body: body}; });
      }).then(function (answer) {
        if (answer.status === 201 || answer.status === 200) {
          supportStatus.textContent = fill(answer.body.counted ? M.support_done : M.support_again,
                                           {id: report.tracking_id, n: answer.body.supporters});
          facts.textContent = " " + report.tracking_id + " · " + report.status_label + " · " +
            fill(M.nearby_distance, {metres: report.distance_m}) + " · " +
            fill(M.nearby_supporters, {n: answer.body.supporters});
          return;
        }
        support.disabled = false;
        supportStatus.textContent = answer.status === 429 ? M.error_busy : M.support_failed;
      }).catch(function () {
        support.disabled = false;
        supportStatus.textContent = M.support_failed;
      });
    });
    li.appendChild(title);
    li.appendChild(facts);
    li.appendChild(document.createTextNode(" "));
    li.appendChild(link);
    li.appendChild(document.createTextNode(" "));
    li.appendChild(support);
    return li;
  }
  function showNearby() {
    var lat = latitude.value, lon = longitude.value, code = category.value;
    if (!lat || !lon || !code) { nearby.hidden = true; return; }
    getJSON("complaints/nearby?lat=" + lat + "&long=" + lon + "&category=" + encodeURIComponent(code))
      .then(function (answer) {
        if (latitude.value !== lat || category.value !== code) { return; }
        var reports = answer.status === 200 ? answer.body.reports : [];
        list.textContent = "";
        supportStatus.textContent = "";
        reports.forEach(function (report) { list.appendChild(item(report)); });
        nearby.hidden = reports.length === 0;
      }).catch(function () { nearby.hidden = true; });
  }
  category.addEventListener("change", showNearby);
}());
