/* The officers' admin, every page. Loaded by templates/admin/base_site.html.

   Search-as-you-type boxes (Django's autocomplete, select2) draw a box of their
   own beside the hidden <select>; the field's <label> names the <select> only, so
   screen readers met an unnamed combobox (axe-core: aria-input-field-name). Give
   the drawn box the field's name: its label, or in a table of inline rows the
   column's heading. */
(function () {
  "use strict";

  function fieldName(select) {
    if (select.id) {
      var label = document.querySelector('label[for="' + CSS.escape(select.id) + '"]');
      if (label && label.textContent.trim()) {
        return label.textContent.replace(/:\s*$/, "").trim();
      }
    }
    var cell = select.closest("td[class*='field-']");
    var table = cell && cell.closest("table");
    if (cell && table) {
      var column = Array.prototype.find.call(cell.classList, function (c) {
        return c.indexOf("field-") === 0;
      });
      var heading = table.querySelector("th.column-" + column.slice(6));
      if (heading && heading.textContent.trim()) {
        return heading.textContent.trim();
      }
    }
    return "";
  }

  function nameBoxes(root) {
    root.querySelectorAll("select.admin-autocomplete").forEach(function (select) {
      var box = select.nextElementSibling;
      if (!box || !box.classList.contains("select2")) {
        return;
      }
      var name = fieldName(select);
      if (!name) {
        return;
      }
      box.querySelectorAll(
        ".select2-selection, .select2-selection__rendered, .select2-search__field"
      ).forEach(function (element) {
        element.setAttribute("aria-label", name);
      });
    });
  }

  // Django's autocomplete.js draws the boxes when jQuery is ready (and again for
  // each inline row added): name them whenever boxes appear.
  var pending = false;
  var observer = new MutationObserver(function () {
    if (pending) {
      return;
    }
    pending = true;
    window.queueMicrotask(function () {
      pending = false;
      nameBoxes(document);
    });
  });
  function start() {
    nameBoxes(document);
    observer.observe(document.body, { childList: true, subtree: true });
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
