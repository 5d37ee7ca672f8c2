// Small behaviours of the staff pages, kept out of the HTML so the Content-Security-Policy can forbid inline
// script: a link with data-open-card (or a #act-<code> address) opens that item's card; a select with
// data-autosubmit sends its filter form when changed; a form sent back with errors shows (scrolls to and
// focuses) its first field in error, so that on a phone the person does not have to hunt for it; a table too
// wide for the screen scrolls in its frame, which the keyboard can reach (tabindex) and a screen reader names.
(function () {
  function open(id) { var card = document.getElementById(id); if (card && card.tagName === "DETAILS") { card.open = true; } }
  document.addEventListener("click", function (event) {
    var link = event.target.closest && event.target.closest("[data-open-card]");
    if (link) { open(link.getAttribute("data-open-card")); }
  });
  document.addEventListener("change", function (event) {
    var select = event.target;
    if (select.matches && select.matches("select[data-autosubmit]") && select.form) { select.form.submit(); }
  });
  function openFromHash() { if (window.location.hash.indexOf("#act-") === 0) { open(window.location.hash.slice(1)); } }
  function showFirstError() {
    var box = document.querySelector("form .field-error");
    var field = box && box.querySelector("input:not([type=hidden]), select, textarea");
    if (!field) { return; }
    field.focus({ preventScroll: true });
    field.scrollIntoView({ block: "center" });
  }
  function reachableScrolling() {
    document.querySelectorAll(".table-wrap").forEach(function (wrap) {
      if (wrap.scrollWidth <= wrap.clientWidth || wrap.hasAttribute("tabindex")) { return; }
      var section = wrap.closest("section, details");
      var heading = section && section.querySelector("h2, h3, summary");
      wrap.setAttribute("tabindex", "0");
      wrap.setAttribute("role", "region");
      wrap.setAttribute("aria-label", (heading ? heading.textContent.trim() + "：" : "") + "表格，可左右滑动");
    });
  }
  document.addEventListener("DOMContentLoaded", reachableScrolling);
  document.addEventListener("htmx:load", reachableScrolling);
  window.addEventListener("resize", reachableScrolling);
  document.addEventListener("DOMContentLoaded", openFromHash);
  document.addEventListener("DOMContentLoaded", showFirstError);
  document.addEventListener("htmx:load", openFromHash);
}());
