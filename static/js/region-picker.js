// Cascading province -> city -> district pickers of the address forms. Each <select> whose
// options carry data-code names the select it refills (data-region-children, an id) and the
// URL that lists the places inside a code (data-region-url, with 000000 for the code). Without
// this script the form still works: the server checks the three names and re-renders the
// right choices.
(function () {
  "use strict";

  var cache = {};

  function reset(select) {
    // Keep the placeholder ("Choose a city"), drop the rest; then the same for what it refills.
    while (select.options.length > 1) {
      select.remove(1);
    }
    select.selectedIndex = 0;
    var next = select.dataset.regionChildren && document.getElementById(select.dataset.regionChildren);
    if (next) {
      reset(next);
    }
  }

  function load(url) {
    if (!cache[url]) {
      cache[url] = fetch(url, { headers: { Accept: "application/json" }, credentials: "same-origin" })
        .then(function (response) {
          if (!response.ok) {
            throw new Error("regions " + response.status);
          }
          return response.json();
        })
        .catch(function (error) {
          delete cache[url];
          throw error;
        });
    }
    return cache[url];
  }

  function fill(select, places) {
    places.forEach(function (place) {
      var option = document.createElement("option");
      option.value = place.name;
      option.textContent = place.name;
      option.dataset.code = place.code;
      select.appendChild(option);
    });
    if (places.length === 1) {
      // A city that is its own one district (东莞, 仙桃): nothing to choose.
      select.selectedIndex = 1;
      select.dispatchEvent(new Event("change", { bubbles: true }));
    }
  }

  function onChange(event) {
    var select = event.target;
    var target = document.getElementById(select.dataset.regionChildren);
    if (!target) {
      return;
    }
    reset(target);
    var chosen = select.options[select.selectedIndex];
    var code = chosen && chosen.dataset.code;
    if (!code) {
      return;
    }
    target.setAttribute("aria-busy", "true");
    load(select.dataset.regionUrl.replace("000000", code))
      .then(function (data) {
        // The shopper may have changed their mind while this was loading.
        var now = select.options[select.selectedIndex];
        if (now && now.dataset.code === code) {
          fill(target, data.regions);
        }
      })
      .catch(function () {
        // Leave the placeholder: the server explains what is missing when the form is sent.
      })
      .then(function () {
        target.removeAttribute("aria-busy");
      });
  }

  function init() {
    document.querySelectorAll("select[data-region-children]").forEach(function (select) {
      select.addEventListener("change", onChange);
    });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", init);
  } else {
    init();
  }
})();
