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

  // Product gallery: thumbnails swap the main image.
  var gallery = document.querySelector("[data-gallery]");
  if (gallery) {
    var main = gallery.querySelector("[data-gallery-main]");
    gallery.querySelectorAll(".gallery-thumb").forEach(function (button) {
      button.addEventListener("click", function () {
        main.src = button.dataset.large;
        gallery.querySelectorAll(".gallery-thumb").forEach(function (b) {
          b.classList.toggle("is-active", b === button);
        });
      });
    });
  }
})();
