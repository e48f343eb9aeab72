// Package web is the HTTP side of `dingops serve`: the ops listener
// (/healthz, /readyz, /metrics), and the web listener with the read-only
// dashboard and the release-record API behind a bearer token or a trusted
// proxy header, and the Pruner service. (The log handler that redacts
// secrets and carries request ids is core/redact's; the configuration-load
// audit event is the assembly's, bot/system.)
//
// Pages share one look, a DingTalk group chat, so the playground page can
// reuse it: every page renders the "layout" template (side bar, header,
// its own "content"), made of "message" and "card" templates fed with the
// card type; static/dingops.css styles them and static/dingops.js builds
// the same cards in the browser (dingops.card, dingops.message). A new page
// is a file in assets/templates/pages/ defining "content", a handler that
// fills a view (newView) and calls render, and a route (Server.Handle puts
// it behind the same authentication).
package web
