// The task table's assignment form posts to the chosen task's URL (kept in the option value).
(function () {
  "use strict";
  document.addEventListener("submit", function (event) {
    var form = event.target.closest("form[data-assign-form]");
    if (!form) return;
    form.action = form.querySelector("[data-assign-task]").value;
  }, true);
})();
