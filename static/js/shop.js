// Progressive enhancement only: every page works without this file.
(function () {
  "use strict";

  var reducedMotion = window.matchMedia("(prefers-reduced-motion: reduce)");

  // A Tab key press inside a modal `container` (the filter drawer, the chat panel on a phone)
  // goes round its visible controls, never to the page behind. Shared with chat.js (loaded after
  // this file) as window.shopKeepTabInside.
  var keepTabInside = function (event, container) {
    var items = Array.prototype.filter.call(
      container.querySelectorAll(
        "a[href], button:not([disabled]), input:not([type=hidden]), select, textarea, " +
          "[tabindex]:not([tabindex='-1'])"
      ),
      function (el) { return el.offsetParent !== null; }
    );
    if (!items.length) return;
    var first = items[0];
    var last = items[items.length - 1];
    if (event.shiftKey && document.activeElement === first) {
      event.preventDefault();
      last.focus();
    } else if (!event.shiftKey && document.activeElement === last) {
      event.preventDefault();
      first.focus();
    }
  };
  window.shopKeepTabInside = keepTabInside;

  // Filter and sort forms submit as soon as a choice changes; in the phone's filter drawer the
  // choices wait for "Apply filters", so that several can be made at once.
  document.querySelectorAll("form[data-autosubmit]").forEach(function (form) {
    form.addEventListener("change", function (event) {
      var drawer = form.closest("[data-filter-drawer]");
      if (drawer && drawer.classList.contains("is-open")) return;
      if (event.target.matches("select, input[type=checkbox]")) form.requestSubmit();
    });
  });

  // Phones: the filters are a drawer over the page. Without this script the toggle is a link to
  // #filters and the drawer opens as the URL's target (CSS :target); with it, the toggle is a
  // button that opens a modal dialog: focus moves in and stays in, Escape or the backdrop closes
  // it, and focus returns to the toggle.
  var drawer = document.querySelector("[data-filter-drawer]");
  var toggle = document.querySelector("[data-filter-toggle]");
  if (drawer && toggle) {
    var openDrawer = function () {
      drawer.classList.add("is-open");
      drawer.setAttribute("role", "dialog");
      drawer.setAttribute("aria-modal", "true");
      toggle.setAttribute("aria-expanded", "true");
      document.body.classList.add("has-open-drawer");
      var close = drawer.querySelector("[data-filter-close]");
      (close || drawer).focus();
    };
    var closeDrawer = function () {
      if (!drawer.classList.contains("is-open")) return;
      drawer.classList.remove("is-open");
      drawer.removeAttribute("role");
      drawer.removeAttribute("aria-modal");
      toggle.setAttribute("aria-expanded", "false");
      document.body.classList.remove("has-open-drawer");
      toggle.focus();
    };
    toggle.setAttribute("role", "button");
    toggle.setAttribute("aria-expanded", "false");
    toggle.addEventListener("click", function (event) {
      event.preventDefault();
      openDrawer();
    });
    toggle.addEventListener("keydown", function (event) {
      if (event.key === " ") {
        event.preventDefault();
        openDrawer();
      }
    });
    drawer.querySelectorAll("[data-filter-close]").forEach(function (close) {
      close.addEventListener("click", function (event) {
        // Opened as the URL's target (#filters) before this script ran: the link itself closes.
        if (!drawer.classList.contains("is-open")) return;
        event.preventDefault();
        closeDrawer();
      });
    });
    document.addEventListener("keydown", function (event) {
      if (!drawer.classList.contains("is-open")) return;
      if (event.key === "Escape") {
        event.preventDefault();
        closeDrawer();
      } else if (event.key === "Tab") {
        keepTabInside(event, drawer);
      }
    });
    // A tap on the dimmed page beside the drawer closes it.
    document.addEventListener("click", function (event) {
      if (drawer.classList.contains("is-open") && !drawer.contains(event.target) && !toggle.contains(event.target)) {
        closeDrawer();
      }
    });
  }

  // Phones: the sticky header slides away while the shopper scrolls down the page and comes back
  // as soon as they scroll up (at once, without the slide, if they asked for reduced motion).
  var header = document.querySelector("[data-site-header]");
  var narrow = window.matchMedia("(max-width: 760px)");
  if (header) {
    var lastY = window.scrollY;
    var ticking = false;
    var update = function () {
      ticking = false;
      var y = Math.max(window.scrollY, 0);
      var delta = y - lastY;
      if (Math.abs(delta) < 6) return;
      var keep = !narrow.matches || y < header.offsetHeight || header.contains(document.activeElement);
      header.classList.toggle("is-hidden", !keep && delta > 0);
      header.classList.toggle("is-still", reducedMotion.matches);
      lastY = y;
    };
    window.addEventListener(
      "scroll",
      function () {
        if (!ticking) {
          ticking = true;
          window.requestAnimationFrame(update);
        }
      },
      { passive: true }
    );
    header.addEventListener("focusin", function () {
      header.classList.remove("is-hidden");
    });
  }

  // The category bar scrolls sideways on a phone: fade whichever edge has more behind it.
  document.querySelectorAll("[data-scroll-hint]").forEach(function (bar) {
    var hint = function () {
      var max = bar.scrollWidth - bar.clientWidth;
      bar.classList.toggle("has-more-before", bar.scrollLeft > 2);
      bar.classList.toggle("has-more-after", bar.scrollLeft < max - 2);
      bar.classList.add("is-measured");
    };
    bar.addEventListener("scroll", hint, { passive: true });
    window.addEventListener("resize", hint);
    hint();
  });

  // Cart: on a phone, − and + buttons beside each quantity (CSS shows them there) change it
  // and send the form at once; the number box and "Update" stay for typing a quantity.
  document.querySelectorAll("[data-stepper-form]").forEach(function (form) {
    var input = form.querySelector("input[name=quantity]");
    var steppers = form.querySelectorAll("[data-step]");
    var max = Number(input.max) || Infinity;
    form.classList.add("has-stepper");
    steppers.forEach(function (button) {
      var step = Number(button.dataset.step);
      button.hidden = false;
      button.disabled = step > 0 && Number(input.value) >= max;
      button.addEventListener("click", function () {
        input.value = Math.min(max, Math.max(0, (Number(input.value) || 0) + step));
        form.requestSubmit();
      });
    });
  });

  // Product page: choosing a variant updates price, stock and SKU in place, and the URL.
  var variantForm = document.querySelector("[data-variant-form]");
  if (variantForm) {
    var price = document.querySelector("[data-variant-price]");
    var barPrice = document.querySelector("[data-buy-bar-price]");
    var compare = document.querySelector("[data-variant-compare]");
    var stock = document.querySelector("[data-variant-stock]");
    var sku = document.querySelector("[data-variant-sku]");
    variantForm.addEventListener("change", function (event) {
      var input = event.target;
      if (input.name !== "variant") return;
      price.textContent = input.dataset.price;
      if (barPrice) barPrice.textContent = input.dataset.price;
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
    // Its buttons: "Add to cart" and "Buy now" in the form, and their copies in the phone's buy
    // bar (outside the form, attached to it by form="add-to-cart").
    var addButtons = Array.prototype.filter.call(addForm.elements, function (el) {
      return el.type === "submit";
    });
    var buyNow = function (button) {
      return button && button.name === "buy_now";
    };
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
        addButtons.forEach(function (button) {
          button.disabled = soldOut;
          if (!buyNow(button)) {
            button.textContent = soldOut ? addForm.dataset.labelOut : addForm.dataset.labelAdd;
          }
        });
        addStatus.hidden = true;
      });
    }
    addForm.addEventListener("submit", function (event) {
      // "Buy now" is a plain post: the server adds the item and answers with the checkout page.
      if (!window.fetch || buyNow(event.submitter)) return;
      event.preventDefault();
      var addButton = event.submitter || addButtons[0];
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
