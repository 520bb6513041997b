// Small conveniences; every page works without them.
document.addEventListener("DOMContentLoaded", function () {
  // Compare page: show only the rows that changed.
  var only = document.getElementById("only-changes");
  var diff = document.getElementById("diff");
  if (only && diff) {
    only.addEventListener("change", function () {
      diff.classList.toggle("only-changes", only.checked);
    });
  }
  // Document page: picking a date shows the document as it stood that day.
  var on = document.getElementById("on-input");
  if (on && on.form) {
    on.addEventListener("change", function () {
      if (on.value) on.form.submit();
    });
  }
});
