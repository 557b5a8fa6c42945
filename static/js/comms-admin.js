/* The communications admin's script. The Content-Security-Policy allows no inline
   script, so behaviour hangs off data- attributes here. htmx (loaded before this
   on the segment page) refreshes the recipients preview on its own. */
(function () {
  "use strict";

  // <form data-confirm="Send now?">: ask before a send, schedule or cancel.
  document.addEventListener("submit", function (event) {
    var form = event.target;
    var question = form instanceof HTMLFormElement && form.dataset.confirm;
    if (question && !window.confirm(question)) {
      event.preventDefault();
    }
  });

  // While htmx fetches a preview, mark the panel busy for screen readers.
  document.addEventListener("htmx:beforeRequest", function (event) {
    var panel = document.getElementById("segment-preview");
    if (panel) {
      panel.setAttribute("aria-busy", "true");
    }
  });
  document.addEventListener("htmx:afterRequest", function () {
    var panel = document.getElementById("segment-preview");
    if (panel) {
      panel.removeAttribute("aria-busy");
    }
  });
})();
