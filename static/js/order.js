// The homeowner's order pages.
// - Document forms (form[data-upload], sent by htmx as multipart): a progress bar while the files
//   upload; when the server refuses some, its per-file errors are put in place in the form, so
//   the files already chosen stay chosen and only the refused ones need choosing again.
// - The order page's live part (#order-live, polled by htmx): a poll is skipped while the
//   homeowner is filling in or sending one of its forms, so nothing they typed is swapped away.
// Everything works without this file too (plain forms, a reload shows the news).
(function () {
  "use strict";

  function uploadForm(element) {
    return element && element.matches && element.matches("form[data-upload]") ? element : null;
  }

  function changed(form) {
    return Array.prototype.some.call(form.elements, function (field) {
      if (field.type === "file") {
        return field.files && field.files.length > 0;
      }
      if (field.type === "checkbox" || field.type === "radio") {
        return field.checked !== field.defaultChecked;
      }
      if (field.tagName === "SELECT") {
        var initial = Array.prototype.findIndex.call(field.options, function (option) {
          return option.defaultSelected;
        });
        return field.selectedIndex !== Math.max(initial, 0);
      }
      if (field.type === "hidden" || field.type === "submit" || field.tagName === "BUTTON") {
        return false;
      }
      return "defaultValue" in field && field.value !== field.defaultValue;
    });
  }

  function busy(live) {
    return Array.prototype.some.call(live.querySelectorAll("form"), function (form) {
      return form.dataset.sending === "true" || changed(form);
    });
  }

  function progressOf(form) {
    var box = form.querySelector(".upload-progress");
    return box && {
      box: box,
      bar: box.querySelector("progress"),
      status: box.querySelector(".upload-status"),
    };
  }

  function showProgress(form, percent, text) {
    var progress = progressOf(form);
    if (!progress) {
      return;
    }
    progress.box.hidden = false;
    progress.bar.hidden = percent === null;
    progress.bar.value = percent || 0;
    progress.status.textContent = text;
  }

  // Put the server's verdict on each field into the form the homeowner is looking at.
  function placeErrors(form, html) {
    var fresh = new DOMParser().parseFromString(html, "text/html").getElementById(form.id);
    if (!fresh) {
      return false;
    }
    var slots = form.querySelectorAll("[data-errors-for]");
    var freshSlots = fresh.querySelectorAll("[data-errors-for]");
    if (slots.length !== freshSlots.length) {
      return false; // the form itself changed (a document was reviewed meanwhile)
    }
    var first = null;
    Array.prototype.forEach.call(slots, function (slot, index) {
      var name = slot.getAttribute("data-errors-for");
      var other = freshSlots[index];
      if (other.getAttribute("data-errors-for") !== name) {
        return;
      }
      slot.innerHTML = other.innerHTML;
      var field = slot.closest(".field");
      var input = name === "__all__" ? null : form.elements[name];
      var invalid = slot.textContent.trim() !== "";
      if (field) {
        field.classList.toggle("field-invalid", invalid);
      }
      if (input) {
        if (invalid) {
          input.setAttribute("aria-invalid", "true");
        } else {
          input.removeAttribute("aria-invalid");
        }
      }
      if (invalid && !first) {
        first = input || slot;
      }
    });
    if (first) {
      if (!first.hasAttribute("tabindex") && !("form" in first)) {
        first.setAttribute("tabindex", "-1");
      }
      first.focus();
    }
    return true;
  }

  document.addEventListener("htmx:beforeRequest", function (event) {
    var element = event.detail.elt;
    if (element.id === "order-live" && busy(element)) {
      event.preventDefault();
      return;
    }
    var form = uploadForm(element);
    if (form) {
      form.dataset.sending = "true";
      form.querySelector("button[type=submit]").disabled = true;
      showProgress(form, 0, "Uploading…");
    }
  });

  document.addEventListener("htmx:xhr:progress", function (event) {
    var form = uploadForm(event.detail.elt);
    if (form && event.detail.lengthComputable && event.detail.total) {
      var percent = Math.round((100 * event.detail.loaded) / event.detail.total);
      showProgress(
        form,
        percent,
        percent < 100 ? "Uploading… " + percent + "%" : "Checking your files…"
      );
    }
  });

  document.addEventListener("htmx:afterRequest", function (event) {
    var form = uploadForm(event.detail.elt);
    if (!form) {
      return;
    }
    var xhr = event.detail.xhr;
    if (xhr && xhr.getResponseHeader("HX-Redirect")) {
      showProgress(form, 100, "Uploaded.");
      return; // htmx is taking the browser to the next page
    }
    form.dataset.sending = "";
    form.querySelector("button[type=submit]").disabled = false;
    if (!xhr || xhr.status === 0) {
      showProgress(form, null, "The upload failed: check your connection and try again.");
      return;
    }
    if (placeErrors(form, xhr.responseText)) {
      showProgress(form, null, "Some files could not be accepted: see the message beside each one.");
    } else {
      // Not the form we know: show the server's page as it is.
      document.open();
      document.write(xhr.responseText);
      document.close();
    }
  });
})();
