/* Checkout: when the shopper picks another saved address, or types the province, city or
   district of a new one, ask the server for the delivery options that serve it (the
   [data-delivery-options] URL, with the form's fields as the query) and show them in place of
   the old ones. Without JavaScript the server checks the choice when the form is sent and shows
   the options for the address then. */
(function () {
  "use strict";

  var box = document.querySelector("[data-delivery-options]");
  if (!box || !window.fetch || !window.URLSearchParams || !window.FormData) {
    return;
  }
  var form = box.closest("form");
  var url = box.getAttribute("data-delivery-options");
  var timer = null;
  var latest = 0;

  function query() {
    var params = new URLSearchParams();
    var data = new FormData(form);
    data.forEach(function (value, name) {
      if (name !== "csrfmiddlewaretoken" && typeof value === "string") {
        params.append(name, value);
      }
    });
    return params.toString();
  }

  function refresh() {
    var ticket = (latest += 1);
    box.classList.add("delivery-options-loading");
    fetch(url + "?" + query(), { credentials: "same-origin", headers: { "X-Requested-With": "fetch" } })
      .then(function (response) {
        return response.ok ? response.text() : null;
      })
      .then(function (html) {
        if (html !== null && ticket === latest) {
          box.innerHTML = html;
        }
      })
      .catch(function () {})
      .then(function () {
        if (ticket === latest) {
          box.classList.remove("delivery-options-loading");
        }
      });
  }

  function later() {
    window.clearTimeout(timer);
    timer = window.setTimeout(refresh, 300);
  }

  form.addEventListener("change", function (event) {
    var name = event.target.name || "";
    if (name === "address" || /^new-(province|city|district|region_code)$/.test(name)) {
      refresh();
    }
  });
  form.addEventListener("input", function (event) {
    if (/^new-(city|district)$/.test(event.target.name || "")) {
      later();
    }
  });
})();
