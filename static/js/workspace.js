// Installer workspace: a free window in the availability grid fills the booking form.
// Delegated from the document, so it keeps working after htmx swaps the panels.
document.addEventListener("click", function (event) {
  var button = event.target.closest("[data-pick-start]");
  if (!button) return;
  var form = document.querySelector(".ws-schedule-form");
  if (!form) return;
  form.elements.namedItem("day").value = button.dataset.pickDay;
  form.elements.namedItem("start").value = button.dataset.pickStart;
  var submit = form.querySelector("button[type=submit]");
  if (submit) submit.focus();
});
