// The header search box's suggestions as the shopper types (products, categories, brands).
// Progressive enhancement: without this file the box is a plain search form.
(function () {
  "use strict";

  var form = document.querySelector("[data-search-box]");
  if (!form || !window.fetch) return;
  var input = form.querySelector("input[name=q]");
  var list = form.querySelector(".search-suggestions");
  var url = form.dataset.autocompleteUrl;
  var timer = null;
  var controller = null;
  var active = -1;
  var items = [];

  function close() {
    list.hidden = true;
    list.replaceChildren();
    input.setAttribute("aria-expanded", "false");
    input.removeAttribute("aria-activedescendant");
    items = [];
    active = -1;
  }

  function highlight(index) {
    items.forEach(function (item, i) {
      item.classList.toggle("is-active", i === index);
      item.setAttribute("aria-selected", i === index ? "true" : "false");
    });
    active = index;
    if (index >= 0) input.setAttribute("aria-activedescendant", items[index].id);
    else input.removeAttribute("aria-activedescendant");
  }

  function render(suggestions) {
    list.replaceChildren();
    items = suggestions.map(function (s, i) {
      var li = document.createElement("li");
      li.id = "search-suggestion-" + i;
      li.setAttribute("role", "option");
      li.className = "search-suggestion search-suggestion-" + s.kind;
      var link = document.createElement("a");
      link.href = s.url;
      link.tabIndex = -1;
      var label = document.createElement("span");
      label.className = "search-suggestion-label";
      label.textContent = s.label;
      var kind = document.createElement("span");
      kind.className = "search-suggestion-kind";
      kind.textContent = list.dataset["label" + s.kind.charAt(0).toUpperCase() + s.kind.slice(1)] || "";
      link.append(label, kind);
      li.append(link);
      list.append(li);
      return li;
    });
    var open = items.length > 0;
    list.hidden = !open;
    input.setAttribute("aria-expanded", open ? "true" : "false");
    active = -1;
  }

  function fetchSuggestions() {
    var text = input.value.trim();
    if (!text) return close();
    if (controller) controller.abort();
    controller = new AbortController();
    fetch(url + "?" + new URLSearchParams({ q: text }), {
      headers: { Accept: "application/json" },
      signal: controller.signal,
    })
      .then(function (response) {
        return response.ok ? response.json() : { suggestions: [] };
      })
      .then(function (data) {
        if (input.value.trim() === text) render(data.suggestions || []);
      })
      .catch(function () {});
  }

  input.addEventListener("input", function () {
    clearTimeout(timer);
    timer = setTimeout(fetchSuggestions, 150);
  });
  input.addEventListener("keydown", function (event) {
    if (list.hidden || !items.length) return;
    if (event.key === "ArrowDown") {
      event.preventDefault();
      highlight((active + 1) % items.length);
    } else if (event.key === "ArrowUp") {
      event.preventDefault();
      highlight(active <= 0 ? items.length - 1 : active - 1);
    } else if (event.key === "Enter" && active >= 0) {
      event.preventDefault();
      window.location.href = items[active].querySelector("a").href;
    } else if (event.key === "Escape") {
      close();
    }
  });
  document.addEventListener("click", function (event) {
    if (!form.contains(event.target)) close();
  });
})();
