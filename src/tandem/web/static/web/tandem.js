// tandem's page behaviour: CSRF on htmx requests, confirmations, auto-submitting selects,
// menus that close on outside clicks. No inline scripts: the Content-Security-Policy forbids them.
(function () {
  "use strict";
  document.documentElement.classList.add("js");
  var token = document.querySelector('meta[name="csrf-token"]');

  document.addEventListener("htmx:config:request", function (event) {
    if (token && event.detail && event.detail.ctx) {
      event.detail.ctx.request.headers["X-CSRFToken"] = token.content;
    }
  });

  document.addEventListener("submit", function (event) {
    var form = event.target.closest("form[data-confirm]");
    if (form && !window.confirm(form.dataset.confirm)) event.preventDefault();
  }, true);

  document.addEventListener("change", function (event) {
    var form = event.target.closest("form[data-autosubmit]");
    if (form && event.target.matches("select")) form.requestSubmit();
  });

  document.addEventListener("focusin", function (event) {
    if (event.target.matches("[data-select-on-focus]")) event.target.select();
  });

  document.addEventListener("click", function (event) {
    document.querySelectorAll("details[data-menu][open]").forEach(function (menu) {
      if (!menu.contains(event.target)) menu.removeAttribute("open");
    });
  });
})();
