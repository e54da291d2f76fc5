/* The support chat widget (templates/support/_widget.html).
 *
 * Messages come from GET /support/chat/?after=<id> as data and are drawn with textContent only:
 * nothing a shopper, the assistant or staff wrote is ever parsed as HTML. Labels come from the
 * template's data-* attributes (translated). While the panel is open it asks for news every few
 * seconds; closed, it asks slowly while staff have yet to answer, and counts unread replies on
 * the launcher. Open/closed and the last message seen are kept in sessionStorage, so the widget
 * comes back as it was on the next page.
 */
(function () {
  "use strict";

  var root = document.querySelector("[data-chat]");
  if (!root) return;

  var launcher = root.querySelector("[data-chat-launcher]");
  var panel = root.querySelector("[data-chat-panel]");
  var closeButton = root.querySelector("[data-chat-close]");
  var body = root.querySelector("[data-chat-body]");
  var log = root.querySelector("[data-chat-log]");
  var form = root.querySelector("[data-chat-form]");
  var input = root.querySelector("[data-chat-input]");
  var sendButton = root.querySelector("[data-chat-send]");
  var errorBox = root.querySelector("[data-chat-error]");
  var statusLine = root.querySelector("[data-chat-status]");
  var badge = root.querySelector("[data-chat-badge]");
  var endpoint = root.dataset.endpoint;
  var label = function (name) { return root.dataset["label" + name] || ""; };

  var KEY_OPEN = "chat:open";
  var KEY_SEEN = "chat:seen";
  var KEY_STATUS = "chat:status";
  var KEY_TOKEN = "chat:token";

  var state = {
    open: false,
    loaded: false,
    lastId: 0,
    ids: {},
    status: "",
    csrf: "",
    timer: null,
    pollSeconds: 4,
    idlePollSeconds: 20,
    unread: 0,
    sending: false,
    polling: false
  };

  function store(key, value) {
    try { window.sessionStorage.setItem(key, value); } catch (e) { /* private mode: forget */ }
  }
  function recall(key) {
    try { return window.sessionStorage.getItem(key); } catch (e) { return null; }
  }

  function el(tag, className, text) {
    var node = document.createElement(tag);
    if (className) node.className = className;
    if (text !== undefined && text !== null) node.textContent = String(text);
    return node;
  }

  function safeUrl(value) {
    // Links and images only to this site or http(s): never javascript: or data: URLs.
    if (typeof value !== "string" || !value) return "";
    try {
      var url = new URL(value, window.location.href);
      return url.protocol === "http:" || url.protocol === "https:" ? url.href : "";
    } catch (e) {
      return "";
    }
  }

  function timeOf(iso) {
    var date = new Date(iso);
    if (isNaN(date.getTime())) return "";
    return date.toLocaleTimeString(document.documentElement.lang || undefined, {
      hour: "2-digit", minute: "2-digit", hourCycle: "h23"
    });
  }

  // -- drawing payloads

  function drawCards(cards) {
    var list = el("ul", "chat-cards");
    cards.forEach(function (card) {
      if (!card || typeof card !== "object") return;
      var item = el("li", "chat-card");
      var href = safeUrl(card.url);
      var box = href ? el("a", "chat-card-link") : el("div", "chat-card-link");
      if (href) box.href = href;
      var image = safeUrl(card.image);
      if (image) {
        var img = el("img", "chat-card-image");
        img.src = image;
        img.alt = "";
        img.width = 56;
        img.height = 56;
        img.loading = "lazy";
        box.appendChild(img);
      } else {
        box.appendChild(el("span", "chat-card-image chat-card-placeholder"));
      }
      var text = el("span", "chat-card-text");
      text.appendChild(el("span", "chat-card-name", card.name || card.title || ""));
      if (card.price !== undefined && card.price !== null && card.price !== "") {
        text.appendChild(el("span", "chat-card-price", card.price));
      }
      if (card.note || card.stock) text.appendChild(el("span", "chat-card-note", card.note || card.stock));
      box.appendChild(text);
      if (href) box.appendChild(el("span", "visually-hidden", label("View")));
      item.appendChild(box);
      list.appendChild(item);
    });
    return list;
  }

  // A timeline is a list of parcels ({parcel, status_label, carrier, tracking_number, events:
  // [{when, when_text, text, detail, problem}]}), each drawn with its events newest first; a
  // plain list of events is drawn as one.
  function drawTimeline(entries) {
    var parcels = entries.filter(function (entry) {
      return entry && typeof entry === "object" && Array.isArray(entry.events);
    });
    if (!parcels.length) return drawEvents(entries, label("Tracking"));
    var wrap = el("div", "chat-parcels");
    parcels.forEach(function (parcel) {
      var head = [parcel.status_label, parcel.carrier, parcel.tracking_number]
        .filter(function (part) { return part; }).join(" · ");
      wrap.appendChild(drawEvents(parcel.events, label("Tracking") + (head ? " — " + head : "")));
    });
    return wrap;
  }

  function drawEvents(entries, title) {
    var wrap = el("div", "chat-timeline");
    wrap.appendChild(el("p", "chat-timeline-title", title));
    var list = el("ol", "chat-timeline-list");
    entries.forEach(function (entry) {
      if (!entry) return;
      if (typeof entry !== "object") entry = { text: entry };
      var item = el("li", "chat-timeline-item");
      var when = entry.when || entry.time || entry.at || entry.happened_at || "";
      if (when) {
        var stamp = el("time", "chat-timeline-when", entry.when_display || entry.when_text || when);
        if (!entry.when_display && !entry.when_text) {
          var date = new Date(when);
          if (!isNaN(date.getTime())) {
            stamp.dateTime = when;
            stamp.textContent = date.toLocaleString(document.documentElement.lang || undefined, {
              month: "short", day: "numeric", hour: "2-digit", minute: "2-digit", hourCycle: "h23"
            });
          }
        }
        item.appendChild(stamp);
      }
      item.appendChild(el("span", "chat-timeline-text",
        entry.text || entry.label || entry.status || entry.description || ""));
      if (entry.problem) item.classList.add("chat-timeline-problem");
      if (entry.detail && entry.detail !== entry.text) {
        item.appendChild(el("span", "chat-timeline-place", entry.detail));
      }
      var place = entry.place || entry.location || "";
      if (place) item.appendChild(el("span", "chat-timeline-place", place));
      list.appendChild(item);
    });
    wrap.appendChild(list);
    return wrap;
  }

  function drawChoices(choices) {
    var group = el("div", "chat-choices");
    group.setAttribute("role", "group");
    choices.forEach(function (choice) {
      if (!choice) return;
      if (typeof choice !== "object") choice = { label: choice, value: choice };
      var value = choice.value !== undefined && choice.value !== null ? choice.value : choice.label;
      var button = el("button", "chat-choice", choice.label || value);
      button.type = "button";
      button.addEventListener("click", function () {
        if (state.sending) return;
        send(String(value));
      });
      group.appendChild(button);
    });
    return group;
  }

  function drawFaq(faq) {
    var note = el("p", "chat-faq");
    note.appendChild(el("span", "chat-faq-label", label("Faq") + " "));
    note.appendChild(el("span", "chat-faq-question", faq.question || ""));
    return note;
  }

  function senderLabel(message) {
    if (message.sender === "shopper") return label("You");
    if (message.sender === "bot") return label("Bot");
    if (message.sender === "staff") {
      return message.author_name ? message.author_name + " · " + label("Staff") : label("Staff");
    }
    return label("System");
  }

  function draw(message) {
    if (!message || state.ids[message.id]) return false;
    state.ids[message.id] = true;
    if (message.id > state.lastId) state.lastId = message.id;
    var item = el("li", "chat-message chat-from-" + (message.sender || "system"));
    var meta = el("p", "chat-meta");
    meta.appendChild(el("span", "chat-who", senderLabel(message)));
    var when = timeOf(message.created_at);
    if (when) meta.appendChild(el("span", "chat-when", when));
    item.appendChild(meta);
    item.appendChild(el("p", "chat-text", message.text || ""));
    var payload = message.payload || {};
    if (Array.isArray(payload.cards) && payload.cards.length) item.appendChild(drawCards(payload.cards));
    if (Array.isArray(payload.timeline) && payload.timeline.length) item.appendChild(drawTimeline(payload.timeline));
    if (payload.faq && typeof payload.faq === "object") item.appendChild(drawFaq(payload.faq));
    if (Array.isArray(payload.choices) && payload.choices.length) item.appendChild(drawChoices(payload.choices));
    log.appendChild(item);
    return true;
  }

  function scrollDown() {
    body.scrollTop = body.scrollHeight;
  }

  function setStatus(status) {
    state.status = status || "";
    store(KEY_STATUS, state.status);
    root.dataset.status = state.status;
    if (state.status === "waiting") statusLine.textContent = label("Waiting");
    else if (state.status === "staff") statusLine.textContent = label("StaffStatus");
    else statusLine.textContent = label("BotStatus");
  }

  function showError(text) {
    errorBox.textContent = text || "";
    errorBox.hidden = !text;
  }

  function setUnread(count) {
    state.unread = count;
    badge.hidden = count <= 0;
    badge.textContent = count > 0 ? String(count) : "";
    var base = launcher.dataset.baseLabel || launcher.getAttribute("aria-label");
    launcher.dataset.baseLabel = base;
    launcher.setAttribute("aria-label", count > 0 ? base + " (" + count + " " + label("Unread") + ")" : base);
  }

  // -- talking to the server

  function request(method, url, data) {
    var options = {
      method: method,
      credentials: "same-origin",
      headers: { "Accept": "application/json", "X-Requested-With": "XMLHttpRequest" }
    };
    if (data !== undefined) {
      options.headers["Content-Type"] = "application/json";
      options.headers["X-CSRFToken"] = state.csrf;
      options.body = JSON.stringify(data);
    }
    return fetch(url, options).then(function (response) {
      return response.json().catch(function () { return {}; }).then(function (json) {
        return {
          status: response.status, ok: response.ok, json: json,
          retryAfter: parseInt(response.headers.get("Retry-After") || "0", 10) || 0
        };
      });
    });
  }

  function absorb(json, countUnread) {
    if (!json) return 0;
    if (json.csrf_token) state.csrf = json.csrf_token;
    if (json.poll_seconds) state.pollSeconds = json.poll_seconds;
    if (json.idle_poll_seconds) state.idlePollSeconds = json.idle_poll_seconds;
    if ("conversation" in json) {
      var token = json.conversation ? json.conversation.token : "";
      if (token !== (recall(KEY_TOKEN) || "")) {
        // Another conversation than the one this tab knew (signed in or out, or continued from
        // the account page): its earlier messages are not news. (Message ids grow across all
        // conversations, so polling on from the last id seen misses nothing new.)
        store(KEY_TOKEN, token);
        countUnread = false;
      }
      setStatus(json.conversation ? json.conversation.status : "");
    }
    var fresh = 0;
    (json.messages || []).forEach(function (message) {
      if (draw(message) && message.sender !== "shopper") fresh += 1;
    });
    if (fresh) scrollDown();
    if (state.open) {
      store(KEY_SEEN, String(state.lastId));
    } else if (countUnread && fresh) {
      setUnread(state.unread + fresh);
    }
    return fresh;
  }

  function load() {
    return request("GET", endpoint + "?after=0").then(function (result) {
      if (!result.ok) return;
      log.textContent = "";
      state.ids = {};
      state.lastId = 0;
      absorb(result.json, false);
      state.loaded = true;
      scrollDown();
    }).catch(function () { /* offline: the polls that follow load it */ });
  }

  function poll() {
    if (state.polling) return Promise.resolve();
    state.polling = true;
    var after = state.lastId || parseInt(recall(KEY_SEEN) || "0", 10) || 0;
    return request("GET", endpoint + "?after=" + after).then(function (result) {
      if (!result.ok) return;
      if (!state.open && !state.lastId) {
        // Closed and nothing drawn yet: remember where we are, count what is new.
        state.lastId = after;
      }
      absorb(result.json, true);
    }).catch(function () { /* offline for a moment: the next poll tries again */ })
      .then(function () { state.polling = false; });
  }

  function schedule() {
    window.clearTimeout(state.timer);
    var seconds = 0;
    if (state.open) seconds = state.pollSeconds;
    else if (state.status === "waiting" || state.status === "staff") seconds = state.idlePollSeconds;
    if (!seconds) return;
    state.timer = window.setTimeout(function () {
      (state.open && !state.loaded ? load() : poll()).then(schedule);
    }, seconds * 1000);
  }

  function send(text) {
    text = (text || "").trim();
    if (!text || state.sending || (state.waitUntil || 0) > Date.now()) return;
    state.sending = true;
    sendButton.disabled = true;
    form.setAttribute("aria-busy", "true");
    showError("");
    var data = { text: text };
    if (root.dataset.pageProduct) data.page_product = root.dataset.pageProduct;
    var attempt = function (retry) {
      return request("POST", endpoint, data).then(function (result) {
        if (result.status === 403 && retry) {
          // The CSRF token is missing or stale (a new session): fetch one and try once more.
          return request("GET", endpoint + "?after=" + state.lastId).then(function (fresh) {
            absorb(fresh.json, false);
            return attempt(false);
          });
        }
        return result;
      });
    };
    var ready = state.csrf ? Promise.resolve() : request("GET", endpoint + "?after=" + state.lastId)
      .then(function (result) { absorb(result.json, false); });
    return ready.then(function () { return attempt(true); }).then(function (result) {
      if (result.ok) {
        if (input.value.trim() === text) input.value = "";
        absorb(result.json, false);
        scrollDown();
      } else {
        var error = result.json && result.json.error;
        showError((error && error.message) || label("Error"));
        // Too many messages: sending waits as long as the server asked.
        if (result.status === 429 && result.retryAfter) {
          state.waitUntil = Date.now() + result.retryAfter * 1000;
        }
      }
    }).catch(function () {
      showError(label("Error"));
    }).then(function () {
      state.sending = false;
      form.removeAttribute("aria-busy");
      var wait = (state.waitUntil || 0) - Date.now();
      sendButton.disabled = wait > 0;
      if (wait > 0) {
        window.setTimeout(function () {
          sendButton.disabled = false;
          showError("");
        }, wait);
      }
      schedule();
    });
  }

  // -- opening and closing

  function open(focus) {
    state.open = true;
    panel.hidden = false;
    root.classList.add("is-open");
    document.documentElement.classList.add("chat-is-open");
    launcher.setAttribute("aria-expanded", "true");
    store(KEY_OPEN, "1");
    setUnread(0);
    if (focus) input.focus();
    (state.loaded ? poll() : load()).then(function () {
      store(KEY_SEEN, String(state.lastId));
      schedule();
    });
  }

  function close() {
    state.open = false;
    panel.hidden = true;
    root.classList.remove("is-open");
    document.documentElement.classList.remove("chat-is-open");
    launcher.setAttribute("aria-expanded", "false");
    store(KEY_OPEN, "0");
    store(KEY_SEEN, String(state.lastId));
    launcher.focus();
    schedule();
  }

  launcher.addEventListener("click", function () {
    if (state.open) close();
    else open(true);
  });
  closeButton.addEventListener("click", close);
  var fullScreen = window.matchMedia ? window.matchMedia("(max-width: 640px)") : null;
  panel.addEventListener("keydown", function (event) {
    if (event.key === "Escape") {
      event.preventDefault();
      close();
      return;
    }
    // On a phone the panel covers the page: Tab goes round inside it, never to the page behind.
    if (event.key === "Tab" && fullScreen && fullScreen.matches && window.shopKeepTabInside) {
      window.shopKeepTabInside(event, panel);
    }
  });
  form.addEventListener("submit", function (event) {
    event.preventDefault();
    send(input.value);
  });
  input.addEventListener("keydown", function (event) {
    // Enter sends; Shift+Enter is a new line; Enter that confirms an input method's candidate
    // (typing Chinese) is neither.
    if (event.key === "Enter" && !event.shiftKey && !event.isComposing && event.keyCode !== 229) {
      event.preventDefault();
      send(input.value);
    }
  });
  document.addEventListener("click", function (event) {
    var opener = event.target.closest && event.target.closest("[data-chat-open]");
    if (opener) {
      event.preventDefault();
      open(true);
    }
  });

  // -- on every page

  var status = recall(KEY_STATUS) || "";
  if (status) setStatus(status);
  var query = new URLSearchParams(window.location.search);
  if (recall(KEY_OPEN) === "1" || query.get("chat") === "open") {
    open(false);
  } else if (status === "waiting" || status === "staff") {
    // Staff have the conversation: look for their answer now, then now and then.
    poll().then(schedule);
  }
})();
