// Progressive enhancement only: every page works without this file.
(function () {
  "use strict";

  // Filter and sort forms submit as soon as a choice changes.
  document.querySelectorAll("form[data-autosubmit]").forEach(function (form) {
    form.addEventListener("change", function (event) {
      if (event.target.matches("select, input[type=checkbox]")) form.requestSubmit();
    });
  });

  // Product page: choosing a variant updates price, stock and SKU in place, and the URL.
  var variantForm = document.querySelector("[data-variant-form]");
  if (variantForm) {
    var price = document.querySelector("[data-variant-price]");
    var compare = document.querySelector("[data-variant-compare]");
    var stock = document.querySelector("[data-variant-stock]");
    var sku = document.querySelector("[data-variant-sku]");
    variantForm.addEventListener("change", function (event) {
      var input = event.target;
      if (input.name !== "variant") return;
      price.textContent = input.dataset.price;
      if (compare) {
        compare.textContent = input.dataset.compare;
        compare.hidden = !input.dataset.compare;
      }
      sku.textContent = input.dataset.sku;
      var template = variantForm.querySelector('template[data-stock-for="' + input.value + '"]');
      if (template) stock.replaceChildren(template.content.cloneNode(true));
      var url = new URL(window.location.href);
      url.searchParams.set("variant", input.value);
      window.history.replaceState(null, "", url);
    });
  }

  // Product page: the add-to-cart form follows the chosen variant, and adds without leaving the
  // page. Without this script it is a plain POST of the variant the server rendered as chosen.
  var addForm = document.querySelector("[data-add-to-cart]");
  if (addForm) {
    var addVariant = addForm.querySelector("[data-add-variant]");
    var addNext = addForm.querySelector("[data-add-next]");
    var addButton = addForm.querySelector("[data-add-button]");
    var addStatus = addForm.querySelector("[data-add-status]");
    var showStatus = function (text, isError) {
      addStatus.querySelector("[data-add-message]").textContent = text;
      addStatus.querySelector("[data-add-view]").hidden = isError;
      addStatus.classList.toggle("is-error", isError);
      addStatus.hidden = false;
    };
    if (variantForm) {
      variantForm.addEventListener("change", function (event) {
        var input = event.target;
        if (input.name !== "variant") return;
        var soldOut = Number(input.dataset.available) <= 0;
        addVariant.value = input.value;
        if (addNext) {
          var next = new URL(addNext.value, window.location.href);
          next.searchParams.set("variant", input.value);
          addNext.value = next.pathname + next.search;
        }
        addButton.disabled = soldOut;
        addButton.textContent = soldOut ? addForm.dataset.labelOut : addForm.dataset.labelAdd;
        addStatus.hidden = true;
      });
    }
    addForm.addEventListener("submit", function (event) {
      if (!window.fetch) return;
      event.preventDefault();
      addButton.disabled = true;
      fetch(addForm.action, {
        method: "POST",
        body: new FormData(addForm),
        credentials: "same-origin",
        headers: { Accept: "application/json", "X-Requested-With": "fetch" },
      })
        .then(function (response) {
          return response.json();
        })
        .then(function (data) {
          if (data.ok) {
            document.querySelectorAll("[data-cart-count]").forEach(function (count) {
              count.textContent = data.count;
            });
            showStatus(data.message, false);
          } else {
            showStatus(data.error, true);
          }
        })
        .catch(function () {
          showStatus(addForm.dataset.error, true);
        })
        .finally(function () {
          addButton.disabled = false;
        });
    });
  }

  // Product gallery: thumbnails swap the main image, and so does choosing a variant that has a
  // picture of its own (data-image on its radio button: the server already shows the chosen
  // variant's picture first when the page is loaded with ?variant=).
  var gallery = document.querySelector("[data-gallery]");
  if (gallery) {
    var main = gallery.querySelector("[data-gallery-main]");
    var show = function (large) {
      if (!main || !large) return;
      main.src = large;
      gallery.querySelectorAll(".gallery-thumb").forEach(function (b) {
        b.classList.toggle("is-active", b.dataset.large === large);
      });
    };
    gallery.querySelectorAll(".gallery-thumb").forEach(function (button) {
      button.addEventListener("click", function () {
        show(button.dataset.large);
      });
    });
    if (variantForm) {
      variantForm.addEventListener("change", function (event) {
        if (event.target.name === "variant") show(event.target.dataset.image);
      });
    }
  }
})();
