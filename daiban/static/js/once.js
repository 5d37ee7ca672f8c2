// Every page form is sent once: each form carries a fresh token (the server refuses a token it has
// seen), and its buttons are disabled for a moment after a click so a double click sends nothing more.
(function () {
  function token() {
    if (window.crypto && crypto.randomUUID) return crypto.randomUUID();
    return Date.now().toString(36) + Math.random().toString(36).slice(2);
  }
  function arm(root) {
    (root.querySelectorAll ? root.querySelectorAll("form[method=post], form[method=POST]") : []).forEach(function (form) {
      var field = form.querySelector("input[name=_once]");
      if (!field) {
        field = document.createElement("input");
        field.type = "hidden";
        field.name = "_once";
        form.appendChild(field);
      }
      field.value = token();
    });
  }
  document.addEventListener("DOMContentLoaded", function () { arm(document); });
  document.addEventListener("htmx:load", function (event) { arm(event.target); });
  document.addEventListener("submit", function (event) {
    var form = event.target;
    // Disable after the browser has read the form (a disabled submitter would not be sent).
    setTimeout(function () {
      form.querySelectorAll("button[type=submit], button:not([type])").forEach(function (b) { b.disabled = true; });
      setTimeout(function () {
        form.querySelectorAll("button").forEach(function (b) { b.disabled = false; });
        arm(form.parentNode || document);
      }, 4000);
    }, 0);
  }, true);
})();
