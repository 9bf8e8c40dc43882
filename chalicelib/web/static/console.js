/* The staff console, enhanced: every page works without this script (plain form posts).
   - a select with class "searchable" gets a search box that narrows its options as one types
     (the forward picker, the agency filters); the select itself stays the control that is sent;
   - a page showing a conflict or an error moves the focus to it, so it is read first. */
(function () {
  "use strict";
  var count = 0;
  function searchable(select) {
    var label = document.querySelector('label[for="' + select.id + '"]');
    var box = document.createElement("input");
    box.type = "search";
    box.id = select.id + "-search-" + (++count);
    box.className = "picker-search";
    box.setAttribute("autocomplete", "off");
    box.setAttribute("aria-controls", select.id);
    var boxLabel = document.createElement("label");
    boxLabel.htmlFor = box.id;
    boxLabel.className = "visually-hidden";
    boxLabel.textContent = (label ? label.textContent : "") + " (" + (document.documentElement.lang === "en" ? "search" : "cari") + ")";
    box.placeholder = document.documentElement.lang === "en" ? "Type to search…" : "Ketik untuk mencari…";
    var all = Array.prototype.slice.call(select.options);
    box.addEventListener("input", function () {
      var words = box.value.toLowerCase().split(/\s+/).filter(Boolean);
      var first = null;
      all.forEach(function (option) {
        var text = option.textContent.toLowerCase() + " " + option.value;
        var show = !option.value || words.every(function (w) { return text.indexOf(w) >= 0; });
        option.hidden = !show;
        option.disabled = !show;
        if (show && option.value && !first) { first = option; }
      });
      if (first && (select.selectedOptions.length === 0 || select.selectedOptions[0].hidden)) { first.selected = true; }
    });
    select.parentNode.insertBefore(boxLabel, select);
    select.parentNode.insertBefore(box, select);
  }
  Array.prototype.forEach.call(document.querySelectorAll("select.searchable"), function (select) {
    if (select.options.length > 3) { searchable(select); }
  });
  var first = document.getElementById("conflict") || document.querySelector("[role=alert]:not([hidden])");
  if (first) {
    if (!first.hasAttribute("tabindex")) { first.setAttribute("tabindex", "-1"); }
    first.focus();
  }
}());
