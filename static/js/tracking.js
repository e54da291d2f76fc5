/* The order tracking page: while a parcel is on its way ([data-tracking][data-live]), fetches
   the page again every data-refresh-seconds and swaps in the fresh [data-tracking] block, so the
   timeline moves on without a reload. Stops once nothing is on its way any more. */
(function () {
  "use strict";

  var box = document.querySelector("[data-tracking]");
  if (!box || !window.fetch || !window.DOMParser) {
    return;
  }
  var seconds = parseInt(box.getAttribute("data-refresh-seconds"), 10) || 20;

  function later() {
    if (box.hasAttribute("data-live")) {
      window.setTimeout(refresh, seconds * 1000);
    }
  }

  function refresh() {
    if (document.hidden) {
      later();
      return;
    }
    window
      .fetch(window.location.href, { credentials: "same-origin", headers: { Accept: "text/html" } })
      .then(function (response) {
        if (!response.ok) {
          throw new Error("status " + response.status);
        }
        return response.text();
      })
      .then(function (html) {
        var fresh = new DOMParser().parseFromString(html, "text/html").querySelector("[data-tracking]");
        if (!fresh) {
          return;
        }
        box.innerHTML = fresh.innerHTML;
        if (!fresh.hasAttribute("data-live")) {
          box.removeAttribute("data-live");
        }
      })
      .catch(function () {
        /* A failed look is retried at the next interval. */
      })
      .then(later);
  }

  later();
})();
