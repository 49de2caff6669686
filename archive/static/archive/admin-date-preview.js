// The admin's live date preview: under every date box (input[data-date-preview]) it shows what the typed
// date will be stored as, in Gregorian and Solar Hijri, or why it cannot be read — before saving.
// A file from this site, so the Content-Security-Policy (script-src 'self') allows it; no inline script.
(function () {
  "use strict";
  var timers = new WeakMap();

  function outputFor(input) {
    var id = input.id + "-preview";
    var output = document.getElementById(id);
    if (!output) {
      output = document.createElement("output");
      output.id = id;
      output.className = "date-preview";
      output.setAttribute("for", input.id);
      output.setAttribute("aria-live", "polite");
      output.setAttribute("dir", "auto");
      input.insertAdjacentElement("afterend", output);
    }
    return output;
  }

  function show(input) {
    var output = outputFor(input);
    var url = input.getAttribute("data-date-preview") + "?text=" + encodeURIComponent(input.value);
    fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (response) { return response.json(); })
      .then(function (answer) {
        output.textContent = answer.ok ? answer.text : answer.error;
        output.classList.toggle("errornote", !answer.ok);
      })
      .catch(function () { output.textContent = ""; });
  }

  function schedule(input) {
    clearTimeout(timers.get(input));
    timers.set(input, setTimeout(function () { show(input); }, 250));
  }

  // Delegated, so rows an inline adds later get the preview too.
  document.addEventListener("input", function (event) {
    var input = event.target;
    if (input instanceof HTMLInputElement && input.hasAttribute("data-date-preview")) {
      schedule(input);
    }
  });
  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("input[data-date-preview]").forEach(function (input) {
      if (input.value) { show(input); }
    });
  });
})();
