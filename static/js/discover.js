// The discover page: "Use my location" fills the hidden lat/lng from the browser and searches;
// changing the sort or a filter searches again; the compare forms count the ticked offers.
// Everything works without this file too (the form's Search button, plain GET forms).
(function () {
  "use strict";

  var MAX_COMPARED = 3;

  function searchForm() {
    return document.getElementById("discover-form");
  }

  function reveal() {
    var button = document.getElementById("use-location");
    if (button && "geolocation" in navigator) {
      button.hidden = false;
    }
  }

  function locate(button) {
    var form = searchForm();
    var status = document.getElementById("location-status");
    status.textContent = "Finding your location…";
    button.disabled = true;
    navigator.geolocation.getCurrentPosition(
      function (position) {
        form.elements.lat.value = position.coords.latitude.toFixed(5);
        form.elements.lng.value = position.coords.longitude.toFixed(5);
        form.elements.where.value = "";
        status.textContent = "Searching near your location…";
        button.disabled = false;
        form.requestSubmit();
      },
      function (error) {
        button.disabled = false;
        status.textContent =
          "We could not get your location (" + error.message + "). Type a city or postcode instead.";
      },
      { timeout: 15000, maximumAge: 600000 }
    );
  }

  function countCompared(form) {
    var ticked = form.querySelectorAll('input[name="offer"]:checked').length;
    var status = form.querySelector(".compare-count");
    if (!status) {
      return;
    }
    if (ticked > MAX_COMPARED) {
      status.textContent = ticked + " selected: compare at most " + MAX_COMPARED + " at a time.";
    } else if (ticked) {
      status.textContent = ticked + " selected.";
    } else {
      status.textContent = "";
    }
  }

  document.addEventListener("click", function (event) {
    var button = event.target.closest("#use-location");
    if (button) {
      locate(button);
    }
  });

  document.addEventListener("input", function (event) {
    // A typed place replaces the browser's location.
    var field = event.target;
    if (field.name === "where" && field.form === searchForm()) {
      field.form.elements.lat.value = "";
      field.form.elements.lng.value = "";
    }
  });

  document.addEventListener("change", function (event) {
    var field = event.target;
    if (field.form && field.form === searchForm() && field.closest(".refine")) {
      field.form.requestSubmit();
    } else if (field.name === "offer" && field.form && field.form.hasAttribute("data-compare")) {
      countCompared(field.form);
    }
  });

  document.addEventListener("htmx:afterSettle", reveal);
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", reveal);
  } else {
    reveal();
  }
})();
