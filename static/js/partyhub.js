/* partyhub's own script. The Content-Security-Policy allows no inline script or
   event-handler attributes, so small behaviours hang off data- attributes here. */
(function () {
  "use strict";

  // <form data-confirm="Delete this event?">: ask before submitting.
  document.addEventListener("submit", function (event) {
    var form = event.target;
    var question = form instanceof HTMLFormElement && form.dataset.confirm;
    if (question && !window.confirm(question)) {
      event.preventDefault();
    }
  });

  // <button data-print>: print the page (name badges, sign-in sheets).
  document.addEventListener("click", function (event) {
    var button = event.target instanceof Element && event.target.closest("[data-print]");
    if (button) {
      event.preventDefault();
      window.print();
    }
  });
})();
