/* The communications admin's script. The Content-Security-Policy allows no inline
   script, so behaviour hangs off data- attributes here. htmx (loaded before this
   on the segment page) refreshes the recipients preview on its own. Sending and
   cancelling are confirmed on a page of their own, not in a browser pop-up. */
(function () {
  "use strict";

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
