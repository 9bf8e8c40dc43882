/* The reporter's forms on the tracking page, enhanced: checked before sending, sent to the JSON API
   with the X-Reporter-Token header, errors shown by their fields; on success the page reloads
   through a form post (the token never goes into a URL). Without this script the same forms post
   to /track. */
(function () {
  "use strict";
  if (!window.fetch) { return; }
  var data = JSON.parse(document.getElementById("page-data").textContent);
  var M = data.messages;

  function $(id) { return document.getElementById(id); }
  function length(text) { return Array.from ? Array.from(text).length : text.length; }
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
    var control = $(id);
    if (control) {
      if (message) { control.setAttribute("aria-invalid", "true"); } else { control.removeAttribute("aria-invalid"); }
    }
    return true;
  }
  function formError(form, message) {
    var box = form.querySelector(".form-error");
    if (!box) {
      box = document.createElement("p");
      box.className = "field-error form-error";
      box.setAttribute("role", "alert");
      form.insertBefore(box, form.querySelector("button[type=submit]"));
    }
    box.textContent = message || "";
    box.hidden = !message;
  }

  var checks = {
    "reply-form": function (form) {
      var message = form.elements.message.value.trim();
      if (!message) { return {errors: {message: M.message_required}}; }
      if (length(message) > 4000) { return {errors: {message: M.message_length}}; }
      var body = {message: message};
      if (form.elements.reply_key) { body.reply_key = form.elements.reply_key.value; }
      return {body: body, notice: "replied", fields: {message: "message", note: "message"}};
    },
    "accept-form": function (form) {
      var rating = form.querySelector("input[name=rating]:checked");
      var comment = form.elements.comment.value.trim();
      var errors = {};
      if (!rating) { errors.rating = M.rating_required; }
      if (length(comment) > 2000) { errors["accept-comment"] = M.comment_length; }
      if (Object.keys(errors).length) { return {errors: errors}; }
      return {body: {decision: "accept", rating: Number(rating.value), comment: comment}, notice: "accepted",
              fields: {rating: "rating", comment: "accept-comment"}};
    },
    "reopen-form": function (form) {
      var comment = form.elements.comment.value.trim();
      if (!comment) { return {errors: {"reopen-comment": M.reason_required}}; }
      if (length(comment) > 2000) { return {errors: {"reopen-comment": M.comment_length}}; }
      return {body: {decision: "reopen", comment: comment}, notice: "reopened", fields: {comment: "reopen-comment"}};
    }
  };

  function reload(notice) {
    var refresh = $("refresh-form");
    refresh.elements.notice.value = notice;
    refresh.submit();
  }

  function send(form, plan, button, attempt) {
    fetch(form.getAttribute("data-api"), {
      method: "POST", body: JSON.stringify(plan.body),
      headers: {"Content-Type": "application/json", "Accept": "application/json",
                "X-Reporter-Token": form.elements.reporter_token.value}
    }).then(function (response) {
      return response.json().then(function (answer) { return {status: response.status, body: answer}; });
    }).then(function (answer) {
      if (answer.status === 200 || answer.status === 201) { reload(plan.notice); return; }
      var error = answer.body.error || {}, fields = error.fields || {}, codes = error.field_codes || {};
      var placed = false;
      // The agency changed the report at the same moment, or the service was busy: nothing was
      // saved, so send it again.
      if ((error.code === "concurrent_change" || answer.status === 429 || answer.status === 503) && attempt < 3) {
        window.setTimeout(function () { send(form, plan, button, attempt + 1); }, 300 * (attempt + 1));
        return;
      }
      button.disabled = false;
      Object.keys(fields).forEach(function (name) {
        if (plan.fields[name] && setError(plan.fields[name], say(fields[name], codes[name]))) { placed = true; }
      });
      if (!placed) { formError(form, say(error.message || "", error.message_code) || M.error_generic); }
    }).catch(function () {
      button.disabled = false;
      formError(form, M.error_network);
    });
  }

  Object.keys(checks).forEach(function (formId) {
    var form = $(formId);
    if (!form) { return; }
    var button = form.querySelector("button[type=submit]");
    form.noValidate = true;
    form.addEventListener("submit", function (event) {
      event.preventDefault();
      if (button.disabled) { return; }
      Array.prototype.forEach.call(form.querySelectorAll(".field-error[id]"), function (box) { setError(box.id.slice(6), ""); });
      formError(form, "");
      var plan = checks[formId](form);
      if (plan.errors) {
        Object.keys(plan.errors).forEach(function (id) { setError(id, plan.errors[id]); });
        var first = Object.keys(plan.errors)[0];
        ($(first) || form.querySelector("input[name=rating]") || button).focus();
        return;
      }
      button.disabled = true;
      send(form, plan, button, 0);
    });
  });
}());
