// playground.js: draws the playground's DingTalk group and side panel from
// the state bot/playground serves, follows it live (server-sent events),
// and sends what the reader does (messages, card clicks, announcements)
// back through the emulator. No framework; dingops.js provides el().
(function () {
  "use strict";
  const {el, fetchJSON} = window.dingops;
  const cfg = JSON.parse(document.getElementById("pg-config").textContent);
  const T = (k) => cfg.text[k] || k;
  const $ = (id) => document.getElementById(id);
  const zone = "Asia/Shanghai"; // the zone the bot's own texts use
  const clock = new Intl.DateTimeFormat(cfg.lang === "en" ? "en-GB" : "zh-CN",
    {timeZone: zone, hour: "2-digit", minute: "2-digit", second: "2-digit", hour12: false});
  const day = new Intl.DateTimeFormat(cfg.lang === "en" ? "en-GB" : "zh-CN",
    {timeZone: zone, month: "2-digit", day: "2-digit", hour: "2-digit", minute: "2-digit", hour12: false});
  const users = Object.fromEntries(cfg.users.map((u) => [u.id, u]));
  const nameOf = (id) => users[id] ? (cfg.lang === "en" && users[id].nameEn ? users[id].nameEn : users[id].name) : id;
  let me = users[localStorage.getItem("pg-as")] ? localStorage.getItem("pg-as") : cfg.users[0].id;
  let source = null;

  // inline renders **bold**, `code` and [text](url) safely: a link only
  // for an http(s) URL (a requirement on a card), as text otherwise.
  function inline(s) {
    return s.split(/(\*\*[^*]+\*\*|`[^`]+`|\[[^\]]+\]\([^)]+\))/).filter(Boolean).map((p) => {
      if (p.startsWith("**") && p.endsWith("**") && p.length > 4) return el("strong", {}, p.slice(2, -2));
      if (p.startsWith("`") && p.endsWith("`") && p.length > 2) return el("code", {}, p.slice(1, -1));
      const link = /^\[([^\]]+)\]\(([^)]+)\)$/.exec(p);
      if (link && /^https?:\/\//.test(link[2])) return el("a", {href: link[2], target: "_blank", rel: "noopener noreferrer"}, link[1]);
      return link ? link[1] : p;
    });
  }

  // md draws the markdown the bot writes: headings, lists, quotes, lines.
  function md(text, cls) {
    const root = el("div", {class: "pg-md " + (cls || "")});
    let list = null, para = null;
    for (const line of String(text || "").split("\n")) {
      const t = line.trim();
      if (t === "") { list = para = null; continue; }
      const h = /^#{1,6}\s+(.*)$/.exec(t), li = /^[-*]\s+(.*)$/.exec(t), q = /^>\s?(.*)$/.exec(t);
      if (h) { root.append(el("h4", {}, inline(h[1]))); list = para = null; }
      else if (li) { if (!list) { list = el("ul"); root.append(list); } list.append(el("li", {}, inline(li[1]))); para = null; }
      else if (q) { root.append(el("blockquote", {}, inline(q[1]))); list = para = null; }
      else if (para) { para.append(el("br"), ...inline(t)); }
      else { para = el("p", {}, inline(t)); root.append(para); list = null; }
    }
    return root;
  }

  function post(path, body) {
    return fetchJSON(cfg.api + path, {method: "POST", headers: {"Content-Type": "application/json", "Accept": "application/json"},
      body: JSON.stringify(Object.assign({as: me}, body))});
  }

  function showError(err) {
    const p = $("pg-error");
    p.hidden = !err;
    p.textContent = err ? T("failed") + err.message : "";
  }

  function card(m) {
    const d = m.card.data || {};
    if (d.kind === "suggestion") return suggestionCard(m);
    const actions = (d.buttons === "show" ? ["approve", "reject"] : []).concat(d.rollback_button === "show" ? ["rollback"] : []);
    const foot = actions.length ? el("footer", {class: "dt-card-foot pg-card-foot"},
      actions.map((a) => el("button", {type: "button", class: "dt-btn" + (a === "approve" ? " dt-primary" : ""),
        "data-action": a, onclick: (e) => click(m.card.outTrackId, a, e.target)}, d[a + "_text"] || a))) : null;
    const notice = m.card.notice ? el("p", {class: "pg-notice", "data-private": me},
      el("span", {class: "pg-tag"}, T("only_you")), m.card.notice) : null;
    return el("article", {class: "dt-card pg-card", id: "card-" + d.release_id, "data-status": d.status,
      "data-release": d.release_id}, md(d.body), notice, foot);
  }

  // suggestionCard is an alert's rollback suggestion (docs/alerts.md): its
  // one button sends action rollback with the suggestion's id.
  function suggestionCard(m) {
    const d = m.card.data || {};
    const foot = d.suggest_button === "show" ? el("footer", {class: "dt-card-foot pg-card-foot"},
      el("button", {type: "button", class: "dt-btn dt-primary", "data-action": "rollback",
        onclick: (e) => click(m.card.outTrackId, "rollback", e.target)}, d.rollback_text || "rollback")) : null;
    const notice = m.card.notice ? el("p", {class: "pg-notice", "data-private": me},
      el("span", {class: "pg-tag"}, T("only_you")), m.card.notice) : null;
    return el("article", {class: "dt-card pg-card pg-suggestion", id: "suggestion-" + d.suggestion_id, "data-kind": "suggestion",
      "data-app": d.app, "data-status": d.status, "data-suggestion": d.suggestion_id},
    el("span", {class: "pg-tag pg-alert-tag"}, T("suggest.tag")), md(d.body), notice, foot);
  }

  async function click(outTrackId, action, button) {
    button.parentElement.querySelectorAll("button").forEach((b) => { b.disabled = true; });
    try { await post("/click", {card: outTrackId, action}); showError(null); } catch (e) { showError(e); }
    button.parentElement.querySelectorAll("button").forEach((b) => { b.disabled = false; });
  }

  function message(m) {
    const self = m.kind === "user" && m.from === me;
    const name = m.kind === "user" ? nameOf(m.from) : "dingops";
    let body;
    if (m.kind === "card") body = card(m);
    else if (m.kind === "user") body = el("div", {class: "dt-bubble"}, m.text);
    else body = md(m.text, "dt-bubble");
    const meta = el("div", {class: "pg-msg-meta"}, name + " · " + clock.format(new Date(m.at)),
      m.kind === "robot" ? el("span", {class: "pg-tag"}, T("robot")) : null);
    const avatar = el("span", {class: "dt-avatar", "aria-hidden": "true"}, Array.from(name)[0].toUpperCase());
    return el("div", {class: "dt-msg" + (self ? " dt-self" : "") + (m.kind === "user" ? " pg-user-msg" : ""),
      id: "msg-" + m.id, "data-kind": m.kind}, avatar, el("div", {class: "dt-msg-main"}, meta, body));
  }

  function rows(pairs) {
    return el("dl", {class: "dt-rows"}, pairs.filter((p) => p && p[1] !== undefined && p[1] !== "").map(([k, v, cls]) =>
      el("div", {class: "dt-row"}, el("dt", {}, k), el("dd", {class: cls || null}, v))));
  }

  function panel(id, ...children) {
    const body = $(id).querySelector(".pg-panel-body");
    body.replaceChildren(...children.flat().filter(Boolean));
  }

  function drawWeb(w) {
    if (!w.exists) return panel("pg-web", el("p", {class: "dt-hint"}, T("web.none")));
    panel("pg-web", rows([[T("web.fixed"), w.fixedKey, "pg-mono"], [T("web.source"), w.source, "pg-mono"], ["ETag", w.etag, "pg-mono"],
      ["Cache-Control", w.cacheControl, "pg-mono"]]), el("pre", {class: "pg-mono pg-pre", id: "pg-manifest"}, w.manifest),
      el("div", {}, T("web.loads")), el("ul", {class: "pg-list pg-mono", id: "pg-loads"}, (w.loads || []).map((a) =>
        el("li", {class: a.exists ? "dt-text-ok" : "dt-text-bad"}, (a.exists ? "✓ " : "✗ ") + a.key + (a.exists ? "" : " · " + T("web.missing"))))));
  }

  function drawAPI(a) {
    panel("pg-api", rows([["Deployment", a.deployment, "pg-mono"], [T("api.image"), a.image, "pg-mono"],
      [T("api.rollout"), a.rollout, a.done ? "dt-text-ok" : "dt-text-busy"], [T("api.pods"), a.pods]]),
    el("div", {}, T("api.history")), el("ul", {class: "pg-list pg-mono"}, (a.history || []).map((r) =>
      el("li", {class: r.current ? "pg-current" : null}, "#" + r.revision + " " + r.image + (r.cause ? " · " + r.cause : "")))));
  }

  function drawMini(m) {
    panel("pg-mini", rows([[T("mini.online"), m.online ? m.online.version + " (" + m.online.id + ")" : "-", "pg-mono"]]),
      el("div", {}, T("mini.versions")), el("ul", {class: "pg-list pg-mono"}, (m.versions || []).map((v) =>
        el("li", {class: v.online ? "pg-current" : null}, (v.online ? "● " : "○ ") + v.version + " (" + v.id + ")"))));
  }

  function drawBuilds(bs) {
    if (!bs || !bs.length) return panel("pg-builds", el("p", {class: "dt-hint"}, T("builds.none")));
    panel("pg-builds", el("ul", {class: "pg-list"}, bs.map((b) => el("li", {"data-result": b.result || "building"},
      el("span", {class: b.building ? "dt-text-busy" : b.result === "SUCCESS" ? "dt-text-ok" : "dt-text-bad"},
        b.building ? "⏳ " + T("builds.running") : (b.result === "SUCCESS" ? "✓ " : "✗ ") + b.result),
      el("span", {class: "pg-mono"}, b.job + " #" + b.number),
      el("span", {}, [b.branch, b.release ? "#" + b.release : "", b.building ? b.last : ""].filter(Boolean).join(" · "))))));
  }

  function drawDirect(ds) {
    if (!ds || !ds.length) return panel("pg-dm", el("p", {class: "dt-hint"}, T("dm.none")));
    panel("pg-dm", ds.slice(-5).map((d) => el("div", {class: "pg-dm-msg"},
      el("div", {class: "pg-msg-meta"}, clock.format(new Date(d.at))), md(d.text))));
  }

  function drawAnnouncements(as) {
    panel("pg-ann", el("ul", {class: "pg-list pg-ann"}, (as || []).map((a) => {
      const result = el("span", {class: "pg-ann-result", id: "ann-result-" + a.index});
      const send = el("button", {type: "button", class: "dt-btn", id: "ann-" + a.index, onclick: async () => {
        try {
          const res = await post("/announce", {post: a.index});
          result.textContent = res.sent ? T("ann.sent") : T("ann.skipped") + res.skipped; showError(null);
        } catch (e) { showError(e); }
      }}, T("ann.send"));
      return el("li", {}, el("span", {}, T("ann." + a.kind), el("br"), el("span", {class: "pg-ann-result"},
        a.next ? T("ann.next") + " " + day.format(new Date(a.next)) : ""), el("br"), result), send);
    })));
  }

  // drawArgoCD is the catalog Application as Argo CD reports it, and the
  // Deployment it manages.
  function drawArgoCD(a) {
    if (!a.running) return panel("pg-argocd", el("p", {class: "dt-hint"}, T("argocd.none")));
    const ok = (v, good) => v === good ? "dt-text-ok" : "dt-text-busy";
    panel("pg-argocd", rows([[T("argocd.app"), a.application, "pg-mono"], [T("argocd.sync"), a.sync, ok(a.sync, "Synced")],
      [T("argocd.health"), a.health, ok(a.health, "Healthy")], [T("argocd.operated"), a.operation],
      [T("argocd.images"), a.override, "pg-mono"], [T("argocd.image"), a.image, "pg-mono pg-argo-image"],
      [T("argocd.rollout"), a.rollout, a.done ? "dt-text-ok" : "dt-text-busy"]]));
  }

  // drawAlerts is the page's Alertmanager: fire or resolve each app's alert.
  function drawAlerts(as) {
    panel("pg-alerts", el("p", {class: "dt-hint"}, T("alerts.hint")), el("ul", {class: "pg-list pg-ann"}, (as || []).map((a) => {
      const send = (status) => async () => {
        try { await post("/alert", {app: a.app, status}); showError(null); } catch (e) { showError(e); }
      };
      return el("li", {id: "alert-" + a.app, "data-firing": String(a.firing)},
        el("span", {}, el("strong", {class: "pg-mono"}, a.app), " · ",
          el("span", {class: a.firing ? "dt-text-bad" : null}, a.firing ? T("alerts.firing") + " " + clock.format(new Date(a.since)) : T("alerts.quiet")),
          a.outcome ? el("span", {class: "pg-ann-result"}, el("br"), T("alerts.outcome") + a.outcome) : null),
        el("span", {}, el("button", {type: "button", class: "dt-btn", id: "alert-fire-" + a.app, onclick: send("firing")}, T("alerts.fire")),
          " ", el("button", {type: "button", class: "dt-btn", id: "alert-resolve-" + a.app, disabled: !a.firing,
            onclick: send("resolved")}, T("alerts.resolve"))));
    })));
  }

  function draw(s) {
    const nearEnd = window.innerHeight + window.scrollY >= document.body.scrollHeight - 80;
    const list = $("pg-messages");
    const msgs = s.messages || [];
    list.replaceChildren(...(msgs.length ? msgs.map(message) : [el("p", {class: "dt-empty", id: "pg-empty"}, T("empty"))]));
    drawWeb(s.web || {}); drawAPI(s.api || {}); drawMini(s.mini || {}); drawBuilds(s.builds);
    drawDirect(s.direct); drawAnnouncements(s.announcements); drawAlerts(s.alerts); drawArgoCD(s.argocd || {});
    document.body.dataset.version = s.version;
    document.body.dataset.stateAs = s.as; // whose view is drawn (tests wait for it after a switch)
    if (nearEnd) window.scrollTo(0, document.body.scrollHeight);
  }

  function connect() {
    if (source) source.close();
    source = new EventSource(cfg.events + "?as=" + encodeURIComponent(me));
    source.addEventListener("state", (e) => draw(JSON.parse(e.data)));
    source.onopen = () => { $("pg-conn").textContent = "● " + T("live"); $("pg-conn").classList.add("pg-on"); };
    source.onerror = () => { $("pg-conn").textContent = T("offline"); $("pg-conn").classList.remove("pg-on"); };
  }

  function become(id) {
    me = id;
    localStorage.setItem("pg-as", id);
    document.querySelectorAll(".pg-user").forEach((b) => b.setAttribute("aria-checked", String(b.dataset.user === id)));
    document.body.dataset.as = id;
    $("pg-conn").textContent = T("offline");
    $("pg-conn").classList.remove("pg-on");
    connect();
  }

  document.querySelectorAll(".pg-user").forEach((b) => b.addEventListener("click", () => become(b.dataset.user)));
  document.querySelectorAll(".pg-chip").forEach((b) => b.addEventListener("click", () => {
    $("pg-input").value = b.dataset.text; $("pg-input").focus();
  }));
  $("pg-composer").addEventListener("submit", async (e) => {
    e.preventDefault();
    const text = $("pg-input").value.trim();
    if (!text) return;
    try { await post("/send", {text}); $("pg-input").value = ""; showError(null); } catch (err) { showError(err); }
  });
  become(me);
})();
