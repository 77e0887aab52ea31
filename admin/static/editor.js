// Flow editor: line numbers that follow the text, and jumping to a line the validator named.
(function () {
  "use strict";
  var ta = document.getElementById("yaml");
  var gutter = document.getElementById("gutter");
  if (!ta || !gutter) { return; }
  var bad = (gutter.dataset.bad || "").split(",").filter(Boolean).map(Number);
  function renumber() {
    var n = ta.value.split("\n").length;
    var frag = document.createDocumentFragment();
    for (var i = 1; i <= n; i++) {
      if (bad.indexOf(i) >= 0) {
        var s = document.createElement("span"); s.className = "bad"; s.textContent = String(i);
        frag.appendChild(s); frag.appendChild(document.createTextNode("\n"));
      } else {
        frag.appendChild(document.createTextNode(i + "\n"));
      }
    }
    gutter.replaceChildren(frag);
    gutter.scrollTop = ta.scrollTop;
  }
  ta.addEventListener("input", renumber);
  ta.addEventListener("scroll", function () { gutter.scrollTop = ta.scrollTop; });
  document.querySelectorAll("[data-line]").forEach(function (a) {
    a.addEventListener("click", function (ev) {
      ev.preventDefault();
      var line = parseInt(a.dataset.line, 10);
      var lines = ta.value.split("\n");
      var start = 0;
      for (var i = 0; i < line - 1 && i < lines.length; i++) { start += lines[i].length + 1; }
      var end = start + (lines[line - 1] || "").length;
      ta.focus();
      ta.setSelectionRange(start, end);
      var lh = parseFloat(getComputedStyle(ta).lineHeight) || 20;
      ta.scrollTop = Math.max(0, (line - 5) * lh);
    });
  });
  renumber();
})();
