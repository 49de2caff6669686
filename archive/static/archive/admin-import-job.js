// An import job's progress page (archive/admin/importjobs.py): asks for the job's state every second, moves the
// progress bar, and reloads the page (which then shows the result) once the job is no longer running.
// A file from this site, as the Content-Security-Policy wants.
(function () {
  "use strict";
  function poll(box) {
    var bar = document.getElementById("import-job-progress");
    var rows = document.getElementById("import-job-rows");
    var template = box.querySelector("[data-rows-template]").getAttribute("data-rows-template");
    fetch(box.getAttribute("data-state-url"), { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (response) { return response.json(); })
      .then(function (state) {
        if (state.status !== "running") { window.location.reload(); return; }
        if (state.total) {
          bar.max = state.total;
          bar.value = state.rows;
          rows.textContent = template.replace("%(rows)s", state.rows).replace("%(total)s", state.total);
        }
        setTimeout(function () { poll(box); }, 1000);
      })
      .catch(function () { setTimeout(function () { poll(box); }, 3000); });
  }
  document.addEventListener("DOMContentLoaded", function () {
    var box = document.getElementById("import-job");
    if (box) { setTimeout(function () { poll(box); }, 1000); }
  });
})();
