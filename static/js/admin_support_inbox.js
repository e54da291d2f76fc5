// The support inbox's conversation page: shows what the shopper writes while staff have the
// page open (polls the admin's messages view; text inserted as text, never as HTML).
(function () {
  "use strict";
  var list = document.getElementById("support-transcript");
  if (!list || !window.fetch) return;
  var url = list.dataset.pollUrl;
  var lastId = parseInt(list.dataset.lastId || "0", 10) || 0;

  function el(tag, className, text) {
    var node = document.createElement(tag);
    if (className) node.className = className;
    if (text !== undefined && text !== null) node.textContent = String(text);
    return node;
  }

  function add(message) {
    var item = el("li", "support-message support-from-" + message.sender);
    item.dataset.messageId = String(message.id);
    var meta = el("p", "support-meta");
    meta.appendChild(el("strong", "", message.who));
    meta.appendChild(document.createTextNode(" "));
    meta.appendChild(el("time", "", message.when));
    if (message.intent) {
      meta.appendChild(document.createTextNode(" "));
      meta.appendChild(el("span", "support-intent", message.intent));
    }
    item.appendChild(meta);
    item.appendChild(el("p", "support-text", message.text));
    var empty = list.querySelector("li:not([data-message-id]):only-child");
    if (empty && !empty.querySelector(".support-meta")) empty.remove();
    list.appendChild(item);
  }

  function poll() {
    fetch(url + "?after=" + lastId, { credentials: "same-origin", headers: { "Accept": "application/json" } })
      .then(function (response) { return response.ok ? response.json() : null; })
      .then(function (data) {
        if (data && Array.isArray(data.messages)) {
          data.messages.forEach(function (message) {
            if (message.id > lastId) {
              add(message);
              lastId = message.id;
            }
          });
        }
      })
      .catch(function () {})
      .then(function () { window.setTimeout(poll, 5000); });
  }

  window.setTimeout(poll, 5000);
})();
