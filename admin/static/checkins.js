// Check-in window screen: polls the window's JSON every few seconds (If-None-Match: an unchanged window
// answers 304 without being worked out) and redraws the counts, the progress bar and the patient rows.
// Everything from the server is inserted with textContent.
(function () {
  "use strict";
  var box = document.getElementById("checkin-live");
  if (!box) { return; }
  var url = box.dataset.live;
  var pollMs = parseInt(box.dataset.pollMs, 10) || 3000;
  var etag = box.dataset.etag ? '"' + box.dataset.etag + '"' : null;
  var tbody = document.getElementById("checkin-rows");
  var empty = document.getElementById("checkin-empty");

  function cell(tr, text) { var td = document.createElement("td"); td.textContent = text; tr.appendChild(td); return td; }
  function link(td, href, text, cls) {
    var a = document.createElement("a"); a.href = href; a.textContent = text; if (cls) { a.className = cls; }
    td.appendChild(a);
  }
  function draw(v) {
    var bar = document.getElementById("checkin-progress");
    bar.max = v.total || 1;
    bar.value = v.done;
    document.getElementById("checkin-done").textContent = v.done;
    document.getElementById("checkin-total").textContent = v.total;
    Object.keys(v.counts).forEach(function (k) {
      var n = box.querySelector('[data-count="' + k + '"]');
      if (n) { n.textContent = v.counts[k]; }
    });
    var frag = document.createDocumentFragment();
    v.rows.forEach(function (r) {
      var tr = document.createElement("tr");
      tr.dataset.id = r.patient_id;
      tr.dataset.state = r.state;
      var name = document.createElement("td"); link(name, r.url, r.name); tr.appendChild(name);
      cell(tr, r.phone); cell(tr, r.state_label); cell(tr, r.attempt); cell(tr, r.status_label); cell(tr, r.answered);
      var c = cell(tr, ""); if (r.call_url) { link(c, r.call_url, "Cuộc gọi", "btn small"); }
      frag.appendChild(tr);
    });
    tbody.replaceChildren(frag);
    empty.hidden = v.rows.length > 0;
  }
  function poll() {
    var headers = { "Accept": "application/json" };
    if (etag) { headers["If-None-Match"] = etag; }
    fetch(url, { headers: headers, credentials: "same-origin", cache: "no-store" }).then(function (resp) {
      if (resp.status === 200) {
        etag = resp.headers.get("ETag");
        return resp.json().then(draw);
      }
    }).catch(function () { /* the next poll tries again */ }).then(function () { setTimeout(poll, pollMs); });
  }
  setTimeout(poll, pollMs);
}());
