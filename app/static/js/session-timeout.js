/* The idle-timeout warning (GOV.UK's timeout-warning pattern), under the strict CSP: a file
   of our own, no inline script. The server ends a session after the idle time it writes on
   <body>; a few minutes before, a modal dialog offers to stay logged in, which any request
   does (the keep-alive address answers 204). Without script, a note on the page says the
   same in words. */
(function () {
  "use strict";
  var body = document.body;
  var dialog = document.getElementById("timeout-warning");
  var idle = Number(body.getAttribute("data-idle-seconds"));
  var warnBefore = Number(body.getAttribute("data-warn-seconds"));
  var keepAlive = body.getAttribute("data-keep-alive");
  if (!dialog || !idle || !keepAlive || typeof dialog.showModal !== "function") {
    return;
  }
  var stay = dialog.querySelector("[data-stay]");
  var warning = dialog.querySelector("[data-warning]");
  var ended = dialog.querySelector("[data-ended]");
  var timers = [];

  function schedule() {
    timers.forEach(clearTimeout);
    timers = [
      setTimeout(warn, Math.max(idle - warnBefore, 0) * 1000),
      setTimeout(end, idle * 1000)
    ];
  }

  function warn() {
    dialog.setAttribute("aria-labelledby", "timeout-title");
    warning.hidden = false;
    ended.hidden = true;
    if (!dialog.open) {
      dialog.showModal();
    }
  }

  function end() {
    // What is typed stays on the page; the dialog says the session has ended.
    dialog.setAttribute("aria-labelledby", "timeout-ended-title");
    warning.hidden = true;
    ended.hidden = false;
    if (!dialog.open) {
      dialog.showModal();
    }
    ended.focus(); // the button that had the focus is gone
  }

  stay.addEventListener("click", function () {
    fetch(keepAlive, { credentials: "same-origin", cache: "no-store" }).then(function (response) {
      if (response.ok) {
        dialog.close();
        schedule();
      } else {
        end();
      }
    }, end);
  });
  // Escape closes a modal dialog: that is not a choice to stay, so the timers run on.
  schedule();
})();
