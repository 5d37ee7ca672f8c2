// The agreement form: "select all" per stage and the count of chosen items.
(function () {
  var form = document.getElementById("agreement");
  var boxes = function (scope) { return (scope || form).querySelectorAll("input[name=item_codes]"); };
  function refresh() {
    var chosen = form.querySelectorAll("input[name=item_codes]:checked").length;
    document.getElementById("chosen-count").textContent = "已选 " + chosen + " 项";
    form.querySelectorAll("[data-check-stage]").forEach(function (box) {
      var all = boxes(box.closest("section"));
      box.checked = Array.prototype.every.call(all, function (b) { return b.checked; });
    });
  }
  form.querySelectorAll("[data-check-all]").forEach(function (button) {
    button.addEventListener("click", function () {
      var on = button.dataset.checkAll === "1";
      boxes().forEach(function (b) { b.checked = on; });
      refresh();
    });
  });
  form.querySelectorAll("[data-check-stage]").forEach(function (box) {
    box.addEventListener("change", function () {
      boxes(box.closest("section")).forEach(function (b) { b.checked = box.checked; });
      refresh();
    });
  });
  form.addEventListener("change", refresh);
  refresh();
})();
