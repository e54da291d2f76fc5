/* Waits for a payment to be confirmed: asks the order's payment state (payments:status, JSON)
   every few seconds, for a bounded number of times.
   - data-payment-poll="return" (the page Alipay sends the buyer back to): shows the
     [data-payment-state="paid"] block once paid, the "gave-up" block when it stops.
   - data-payment-poll="order" (the order page while confirming): reloads the page as soon as
     the state is no longer "confirming", so the server shows what is true now. */
(function () {
  "use strict";

  var box = document.querySelector("[data-payment-status-url]");
  if (!box || !window.fetch) {
    return;
  }
  var url = box.getAttribute("data-payment-status-url");
  var mode = box.getAttribute("data-payment-poll");
  var interval = parseInt(box.getAttribute("data-poll-interval-ms"), 10) || 2000;
  var limit = parseInt(box.getAttribute("data-poll-limit"), 10) || 30;
  var tries = 0;

  function show(state) {
    var blocks = box.querySelectorAll("[data-payment-state]");
    for (var i = 0; i < blocks.length; i += 1) {
      blocks[i].hidden = blocks[i].getAttribute("data-payment-state") !== state;
    }
    box.setAttribute("data-payment-shown", state);
  }

  function later() {
    if (tries >= limit) {
      show("gave-up");
      return;
    }
    window.setTimeout(poll, interval);
  }

  function settle(state) {
    if (mode === "order") {
      if (state && state !== "confirming") {
        window.location.reload();
        return;
      }
    } else if (state === "paid") {
      show("paid");
      return;
    } else if (state === "other") {
      show("gave-up");
      return;
    }
    later();
  }

  function poll() {
    tries += 1;
    window
      .fetch(url, {
        headers: { Accept: "application/json" },
        credentials: "same-origin",
        cache: "no-store",
      })
      .then(function (response) {
        return response.ok ? response.json() : null;
      })
      .then(function (data) {
        settle(data && data.state);
      })
      .catch(later);
  }

  if (mode === "return") {
    poll(); // the buyer just paid: ask at once
  } else {
    later();
  }
})();
