// dingops.js: the small helper every dashboard and playground page shares.
// No framework and nothing loaded from elsewhere. dingops.card builds the
// same markup as the "card" template, so cards drawn in the browser (the
// playground's chat) look like the server-rendered ones.
(function () {
  "use strict";

  // el builds an element: el("a", {href: "/", class: "x"}, "text", child…).
  function el(tag, attrs, ...children) {
    const n = document.createElement(tag);
    for (const [k, v] of Object.entries(attrs || {})) {
      if (v === undefined || v === null || v === false) continue;
      if (k.startsWith("on") && typeof v === "function") n.addEventListener(k.slice(2), v);
      else n.setAttribute(k, v === true ? "" : String(v));
    }
    for (const c of children.flat()) {
      if (c === undefined || c === null || c === false) continue;
      n.append(c instanceof Node ? c : document.createTextNode(String(c)));
    }
    return n;
  }

  // card draws {id, title, href, sub, badge, tone, rows: [{label, value,
  // tone}], notes: [], links: [{text, href}] , buttons: [{text, onclick,
  // primary}]} as a DingTalk-style card.
  function card(c) {
    const title = c.href ? el("a", {href: c.href}, c.title) : c.title;
    const head = el("header", {class: "dt-card-head"}, el("div", {class: "dt-card-title"}, title),
      c.badge ? el("span", {class: "dt-badge dt-tone-" + (c.tone || "muted")}, c.badge) : null);
    const rows = (c.rows || []).map((r) => el("div", {class: "dt-row"}, el("dt", {}, r.label),
      el("dd", {class: r.tone ? "dt-text-" + r.tone : null}, r.value)));
    const links = (c.links || []).map((l) => el("a", {class: "dt-btn", href: l.href}, l.text));
    const buttons = (c.buttons || []).map((b) => el("button", {type: "button", class: "dt-btn" + (b.primary ? " dt-primary" : ""),
      onclick: b.onclick}, b.text));
    const foot = links.length + buttons.length ? el("footer", {class: "dt-card-foot"}, links, buttons) : null;
    return el("article", {class: "dt-card", id: c.id}, head, c.sub ? el("div", {class: "dt-card-sub"}, c.sub) : null,
      rows.length ? el("dl", {class: "dt-rows"}, rows) : null, (c.notes || []).map((t) => el("p", {class: "dt-note"}, t)), foot);
  }

  // message wraps content (a card or text) as a chat message; self puts it
  // on the right like the user's own messages.
  function message(content, opts) {
    const o = opts || {};
    const body = typeof content === "string" ? el("div", {class: "dt-bubble"}, content) : content;
    return el("div", {class: "dt-msg" + (o.self ? " dt-self" : "")}, el("span", {class: "dt-avatar", "aria-hidden": "true"},
      (o.name || "dingops").slice(0, 1).toUpperCase()), el("div", {class: "dt-msg-main"},
      el("div", {class: "dt-msg-name"}, o.name || "dingops"), body));
  }

  // fetchJSON fetches url and parses JSON; a non-2xx answer throws an Error
  // carrying the API's {"error": …} text.
  async function fetchJSON(url, opts) {
    const res = await fetch(url, Object.assign({headers: {"Accept": "application/json"}, credentials: "same-origin"}, opts));
    const body = await res.json().catch(() => ({}));
    if (!res.ok) throw new Error(body.error || res.status + " " + res.statusText);
    return body;
  }

  // Selects marked data-autosubmit submit their form when changed (the
  // audit filters).
  document.addEventListener("change", (e) => {
    const t = e.target;
    if (t instanceof HTMLSelectElement && t.hasAttribute("data-autosubmit") && t.form) t.form.requestSubmit();
  });

  window.dingops = {el, card, message, fetchJSON, lang: () => document.body.dataset.lang || "zh"};
})();
