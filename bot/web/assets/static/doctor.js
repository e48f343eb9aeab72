// doctor.js: the playground's "dingops doctor" panel — a button that runs
// doctor against the playground's emulators (POST …/api/doctor) and shows
// its lines, ✓ / ! / ✗ with each fix. dingops.js provides el().
(function () {
  "use strict";
  const {el, fetchJSON} = window.dingops;
  const panel = document.getElementById("pg-doctor");
  if (!panel) return;
  const cfg = JSON.parse(document.getElementById("pg-config").textContent);
  const body = panel.querySelector(".pg-panel-body");
  const out = el("pre", {class: "pg-doctor-lines"});
  const button = el("button", {type: "button", class: "dt-btn"}, "dingops doctor");
  button.addEventListener("click", async () => {
    button.disabled = true;
    out.textContent = "…";
    try {
      const res = await fetchJSON(cfg.api + "/doctor", {method: "POST",
        headers: {"Content-Type": "application/json", "Accept": "application/json"}, body: "{}"});
      out.textContent = res.lines;
    } catch (err) {
      out.textContent = String(err.message || err);
    } finally {
      button.disabled = false;
    }
  });
  body.append(button, out);
})();
