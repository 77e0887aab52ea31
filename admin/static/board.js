// Live escalation board: polls GET /api/escalations and redraws the rows without reloading.
// Everything from the server is inserted with textContent: callers' words are untrusted.
(function () {
  "use strict";
  var table = document.getElementById("board");
  if (!table) { return; }
  var tbody = document.getElementById("board-rows");
  var empty = document.getElementById("board-empty");
  var live = document.getElementById("live");
  var api = table.dataset.api;
  var pollMs = parseInt(table.dataset.pollMs, 10) || 1000;
  var canAct = table.dataset.canAct === "1";
  var caseUrl = table.dataset.caseUrl;
  var pickUrl = table.dataset.pickUrl;
  var etag = null;
  var skew = 0;  // server clock minus browser clock, ms
  var lastOk = Date.now();
  var baseTitle = document.title;
  var known = null;  // ids already shown; rows not in it flash once (a new case)

  function el(tag, cls, text) {
    var e = document.createElement(tag);
    if (cls) { e.className = cls; }
    if (text !== undefined && text !== null) { e.textContent = text; }
    return e;
  }
  function idUrl(template, id) { return template.replace(/\/0(\/|$)/, "/" + id + "$1"); }
  function waitedText(s) {
    s = Math.max(0, Math.floor(s));
    var h = Math.floor(s / 3600), m = Math.floor((s % 3600) / 60), sec = s % 60;
    if (h) { return h + " giờ " + m + " phút"; }
    if (m) { return m + " phút " + sec + " giây"; }
    return sec + " giây";
  }
  function pickButtons(r) {
    // buttons of the one hidden #pick-form (it carries the CSRF token), each posting to its case
    var frag = document.createDocumentFragment();
    // the primary action fits the case: a caller holding the line (a live case) is connected now;
    // otherwise the doctor takes the case to call back (same markup as board/index.html)
    var choices = r.mode === "live" ?
      [["btn primary", "Nối máy ngay", "live"], ["btn", "Nhận – gọi lại sau", "callback"]] :
      [["btn primary", "Nhận – gọi lại", "callback"]];
    choices.forEach(function (b) {
      var btn = el("button", b[0], b[1]);
      btn.setAttribute("form", "pick-form");
      btn.formAction = idUrl(pickUrl, r.id);
      btn.name = "mode"; btn.value = b[2]; btn.type = "submit";
      frag.appendChild(btn); frag.appendChild(document.createTextNode(" "));
    });
    return frag;
  }
  function row(r) {
    var tr = el("tr", "risk-row-" + r.risk);
    tr.dataset.id = r.id;
    var td = el("td");
    td.appendChild(el("span", "risk risk-" + r.risk, r.risk_label));
    var reasons = r.reasons.length ? r.reasons : (r.reason ? [r.reason] : []);
    if (reasons.length) {
      var ul = el("ul", "reasons");
      reasons.forEach(function (x) { ul.appendChild(el("li", null, x)); });
      td.appendChild(ul);
    }
    tr.appendChild(td);
    var waited = (Date.now() + skew - Date.parse(r.created_at)) / 1000;
    var w = el("td", "wait" + (waited > 300 ? " long" : ""), waitedText(waited));
    w.dataset.created = r.created_at;
    tr.appendChild(w);
    td = el("td");
    td.appendChild(el("strong", null, r.patient_name || "Chưa rõ tên"));
    td.appendChild(el("br"));
    td.appendChild(document.createTextNode(r.patient_phone || r.caller));
    tr.appendChild(td);
    tr.appendChild(el("td", null, r.area));
    tr.appendChild(el("td", "said", r.said));
    td = el("td");
    if (r.mode === "live" && (r.status === "waiting" || r.status === "offered")) {
      td.appendChild(el("span", "pill holding", "Đang giữ máy")); td.appendChild(el("br"));
    }
    td.appendChild(document.createTextNode(r.status_label));
    if (r.picked_by) { td.appendChild(el("br")); td.appendChild(el("span", "muted", r.picked_by)); }
    tr.appendChild(td);
    td = el("td", "actions");
    if (canAct && (r.status === "waiting" || r.status === "offered")) { td.appendChild(pickButtons(r)); }
    var open = el("a", "btn small", "Mở ca"); open.href = idUrl(caseUrl, r.id);
    td.appendChild(open);
    tr.appendChild(td);
    return tr;
  }
  function render(data) {
    var frag = document.createDocumentFragment();
    var counts = {emergency: 0, high: 0, medium: 0, low: 0};
    if (known === null) {
      known = {};
      tbody.querySelectorAll("tr[data-id]").forEach(function (tr) { known[tr.dataset.id] = true; });
    }
    data.escalations.forEach(function (r) {
      var tr = row(r);
      if (!known[String(r.id)]) { tr.classList.add("new"); known[String(r.id)] = true; }
      frag.appendChild(tr);
      if (counts[r.risk] !== undefined) { counts[r.risk] += 1; }
    });
    tbody.replaceChildren(frag);
    empty.hidden = data.escalations.length > 0;
    Object.keys(counts).forEach(function (k) {
      var c = document.querySelector('[data-count="' + k + '"]');
      if (c) { c.textContent = counts[k]; }
    });
    var waiting = data.escalations.filter(function (r) { return r.status === "waiting"; }).length;
    document.title = (waiting ? "(" + waiting + ") " : "") + baseTitle;
  }
  function tick() {
    var now = Date.now() + skew;
    tbody.querySelectorAll("td.wait").forEach(function (td) {
      var s = (now - Date.parse(td.dataset.created)) / 1000;
      td.textContent = waitedText(s);
      td.classList.toggle("long", s > 300);
    });
    var stale = Date.now() - lastOk > Math.max(5000, 5 * pollMs);
    live.classList.toggle("stale", stale);
    live.textContent = stale ? "Mất kết nối máy chủ – danh sách có thể đã cũ!" :
      "Tự động cập nhật · " + new Date().toLocaleTimeString("vi-VN");
  }
  function poll() {
    var headers = {"Accept": "application/json"};
    if (etag) { headers["If-None-Match"] = etag; }
    fetch(api, {headers: headers, credentials: "same-origin", cache: "no-store"}).then(function (resp) {
      if (resp.status === 401) { window.location.reload(); return null; }
      var serverNow = Date.parse(resp.headers.get("X-Server-Now") || "");
      if (!isNaN(serverNow)) { skew = serverNow - Date.now(); }
      if (resp.status === 304) { lastOk = Date.now(); return null; }
      if (!resp.ok) { throw new Error("HTTP " + resp.status); }
      etag = resp.headers.get("ETag");
      return resp.json();
    }).then(function (data) {
      if (data) { lastOk = Date.now(); render(data); }
    }).catch(function () { /* shown as stale by tick() */ }).finally(function () {
      setTimeout(poll, pollMs);
    });
  }
  setInterval(tick, 1000);
  setTimeout(poll, pollMs);
})();
