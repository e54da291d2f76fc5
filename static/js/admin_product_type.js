// The product editor's add page: choosing a product type reloads the page with it, so the
// variant rows show that type's options. Without JavaScript, saving shows them too.
(function () {
  "use strict";
  function init() {
    var select = document.getElementById("id_product_type");
    if (!select || !/\/add\/$/.test(window.location.pathname)) {
      return;
    }
    select.addEventListener("change", function () {
      var url = new URL(window.location.href);
      if (select.value) {
        url.searchParams.set("product_type", select.value);
      } else {
        url.searchParams.delete("product_type");
      }
      window.location.assign(url.toString());
    });
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", init);
  } else {
    init();
  }
})();
