// The admin's claim rows: as a claimant is typed ("the organizers"), the kind of claimant still set to
// "unknown" takes the kind the words suggest (archive/claimants.py answers), marked as a suggestion; an
// archivist's own choice is never overwritten. A file from this site, as the Content-Security-Policy wants.
(function () {
  "use strict";
  var timers = new WeakMap();

  function kindSelect(input) {
    var name = input.name.replace(/claimant$/, "claimant_kind");
    return document.querySelector('select[name="' + name + '"]');
  }

  function noteFor(select) {
    var id = select.id + "-suggested";
    var note = document.getElementById(id);
    if (!note) {
      note = document.createElement("output");
      note.id = id;
      note.className = "help claimant-kind-suggestion";
      note.setAttribute("for", select.id);
      note.setAttribute("aria-live", "polite");
      select.insertAdjacentElement("afterend", note);
    }
    return note;
  }

  function suggest(input) {
    var select = kindSelect(input);
    if (!select || (select.value !== "unknown" && select.dataset.suggested !== "1")) { return; }
    var url = input.getAttribute("data-claimant-kind") + "?text=" + encodeURIComponent(input.value);
    fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (response) { return response.json(); })
      .then(function (answer) {
        if (select.value !== "unknown" && select.dataset.suggested !== "1") { return; }
        select.value = answer.kind || "unknown";
        select.dataset.suggested = answer.kind ? "1" : "";
        noteFor(select).textContent = answer.kind ? select.getAttribute("data-suggested-label") || "✓" : "";
      })
      .catch(function () { return null; });
  }

  document.addEventListener("input", function (event) {
    var input = event.target;
    if (input instanceof HTMLInputElement && input.hasAttribute("data-claimant-kind")) {
      clearTimeout(timers.get(input));
      timers.set(input, setTimeout(function () { suggest(input); }, 250));
    }
  });
  // The archivist's own choice wins from then on.
  document.addEventListener("change", function (event) {
    var select = event.target;
    if (select instanceof HTMLSelectElement && /claimant_kind$/.test(select.name)) {
      select.dataset.suggested = "";
      var note = document.getElementById(select.id + "-suggested");
      if (note) { note.textContent = ""; }
    }
  });
})();
