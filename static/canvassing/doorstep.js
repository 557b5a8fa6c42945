/* Doorstep returns that survive a poor signal (issue 22.3).
 *
 * Each Save puts the answer, with a key made on this phone, in a queue kept in
 * localStorage, then tries to send the queue. An answer leaves the queue only
 * when the site says it has it; sent twice (a reply lost on the way back), the
 * site recognises the key and records it once. The queue is sent again when the
 * phone comes back online, every 20 seconds, and whenever the page is opened.
 * No inline script: the strict Content-Security-Policy allows this file only.
 */
(function () {
  "use strict";
  var QUEUE = "partyhub-canvass-queue";
  var status = document.getElementById("canvass-status");
  var forms = document.querySelectorAll("form.ph-return");
  if (!forms.length && !status) { return; }
  var sending = false;

  function load() {
    try { return JSON.parse(window.localStorage.getItem(QUEUE) || "[]"); }
    catch (e) { return []; }
  }
  function save(queue) { window.localStorage.setItem(QUEUE, JSON.stringify(queue)); }

  function newKey() {
    if (window.crypto && window.crypto.randomUUID) { return window.crypto.randomUUID(); }
    var b = new Uint8Array(16);
    window.crypto.getRandomValues(b);
    b[6] = (b[6] & 0x0f) | 0x40;
    b[8] = (b[8] & 0x3f) | 0x80;
    var h = Array.prototype.map.call(b, function (x) { return (x + 0x100).toString(16).slice(1); }).join("");
    return h.slice(0, 8) + "-" + h.slice(8, 12) + "-" + h.slice(12, 16) + "-" + h.slice(16, 20) + "-" + h.slice(20);
  }

  function csrf() {
    var input = document.querySelector("input[name=csrfmiddlewaretoken]");
    return input ? input.value : "";
  }

  function show(offline) {
    if (!status) { return; }
    var n = load().length;
    if (n === 0) {
      status.textContent = status.dataset.empty;
      status.className = "alert alert-success py-2";
    } else {
      status.textContent = (offline ? status.dataset.offline + " " : "") + status.dataset.waiting + " " + n;
      status.className = "alert alert-warning py-2";
    }
  }

  function mark(elector, text) {
    var form = document.querySelector('form.ph-return[data-elector="' + elector + '"]');
    if (!form) { return; }
    var state = form.querySelector(".ph-return-state");
    if (state) { state.textContent = text; }
  }

  function flush() {
    if (sending) { return; }
    var queue = load();
    if (!queue.length) { show(false); return; }
    sending = true;
    var item = queue[0];
    var body = new URLSearchParams(item.fields);
    fetch(item.action, {
      method: "POST",
      credentials: "same-origin",
      // A login page after the session ended is not a "yes": keep the answer.
      redirect: "manual",
      headers: { "Accept": "application/json", "X-CSRFToken": csrf() },
      body: body
    }).then(function (response) {
      if (response.status === 400 || response.status === 404) {
        return { ok: false, refused: true };
      }
      if (!response.ok) { throw new Error("status " + response.status); }
      return response.json();
    }).then(function (answer) {
      if (!answer.ok && !answer.refused) { throw new Error("not recorded"); }
      // Recorded (or one the site can never take: not kept for ever).
      var rest = load().filter(function (q) { return q.key !== item.key; });
      save(rest);
      mark(item.elector, answer.ok ? "✓ " + item.label : "✗");
      sending = false;
      flush();
    }).catch(function () {
      sending = false;
      show(true);
    });
  }

  Array.prototype.forEach.call(forms, function (form) {
    form.addEventListener("submit", function (event) {
      event.preventDefault();
      var data = new FormData(form);
      var prefix = data.get("prefix");
      var answer = form.querySelector('input[type=radio]:checked');
      if (!answer) { mark(form.dataset.elector, "?"); return; }
      var key = newKey();
      data.set(prefix + "-key", key);
      data.set(prefix + "-recorded_at", new Date().toISOString());
      var fields = [];
      data.forEach(function (value, name) {
        if (name !== "csrfmiddlewaretoken") { fields.push([name, value]); }
      });
      var label = form.querySelector('label[for="' + answer.id + '"]');
      var queue = load();
      queue.push({ key: key, action: form.action, elector: form.dataset.elector,
                   label: label ? label.textContent : "", fields: fields });
      save(queue);
      mark(form.dataset.elector, "… " + (label ? label.textContent : ""));
      show(false);
      flush();
    });
  });

  window.addEventListener("online", flush);
  window.setInterval(flush, 20000);
  show(false);
  flush();
})();
