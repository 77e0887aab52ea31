// Record a prompt from the browser's microphone: record, listen back, keep (upload as WAV) or redo.
// The server checks the words with the recognizer and answers with the prompt page and its message.
(function () {
  "use strict";
  var box = document.getElementById("mic-recorder");
  if (!box || !navigator.mediaDevices || !window.AudioContext) {
    if (box) { box.querySelector(".mic-state").textContent = "Trình duyệt này không ghi âm được; hãy tải tệp WAV lên."; }
    return;
  }
  var startBtn = document.getElementById("mic-start");
  var stopBtn = document.getElementById("mic-stop");
  var keepBtn = document.getElementById("mic-keep");
  var redoBtn = document.getElementById("mic-redo");
  var player = document.getElementById("mic-preview");
  var state = box.querySelector(".mic-state");
  var ctx = null, stream = null, node = null, chunks = [], rate = 48000, wav = null, timer = null, started = 0;
  var MAX_S = 60;

  function show(el, on) { el.hidden = !on; }

  function encodeWav(samples, sampleRate) {
    var buf = new ArrayBuffer(44 + samples.length * 2), v = new DataView(buf);
    function str(o, s) { for (var i = 0; i < s.length; i++) { v.setUint8(o + i, s.charCodeAt(i)); } }
    str(0, "RIFF"); v.setUint32(4, 36 + samples.length * 2, true); str(8, "WAVE"); str(12, "fmt ");
    v.setUint32(16, 16, true); v.setUint16(20, 1, true); v.setUint16(22, 1, true);
    v.setUint32(24, sampleRate, true); v.setUint32(28, sampleRate * 2, true); v.setUint16(32, 2, true);
    v.setUint16(34, 16, true); str(36, "data"); v.setUint32(40, samples.length * 2, true);
    for (var i = 0; i < samples.length; i++) {
      var s = Math.max(-1, Math.min(1, samples[i]));
      v.setInt16(44 + i * 2, s < 0 ? s * 0x8000 : s * 0x7fff, true);
    }
    return new Blob([buf], {type: "audio/wav"});
  }

  function stop() {
    if (!node) { return; }
    clearInterval(timer);
    node.disconnect(); node = null;
    stream.getTracks().forEach(function (t) { t.stop(); });
    ctx.close();
    var n = chunks.reduce(function (a, c) { return a + c.length; }, 0), all = new Float32Array(n), at = 0;
    chunks.forEach(function (c) { all.set(c, at); at += c.length; });
    wav = encodeWav(all, rate);
    player.src = URL.createObjectURL(wav);
    state.textContent = "Đã ghi " + (n / rate).toFixed(1).replace(".", ",") + " giây. Nghe lại, rồi giữ hoặc ghi lại.";
    show(stopBtn, false); show(startBtn, false); show(player, true); show(keepBtn, true); show(redoBtn, true);
  }

  startBtn.addEventListener("click", function () {
    navigator.mediaDevices.getUserMedia({audio: {channelCount: 1, echoCancellation: false, noiseSuppression: false}})
      .then(function (s) {
        stream = s; ctx = new AudioContext(); rate = ctx.sampleRate; chunks = []; wav = null;
        var src = ctx.createMediaStreamSource(s);
        node = ctx.createScriptProcessor(4096, 1, 1);
        node.onaudioprocess = function (e) { chunks.push(new Float32Array(e.inputBuffer.getChannelData(0))); };
        src.connect(node); node.connect(ctx.destination);
        started = Date.now();
        timer = setInterval(function () {
          var s2 = (Date.now() - started) / 1000;
          state.textContent = "Đang ghi âm… " + Math.floor(s2) + " giây. Đọc đúng lời nhắc rồi bấm Dừng.";
          if (s2 >= MAX_S) { stop(); }
        }, 250);
        state.textContent = "Đang ghi âm… Đọc đúng lời nhắc rồi bấm Dừng.";
        show(startBtn, false); show(stopBtn, true); show(player, false); show(keepBtn, false); show(redoBtn, false);
      })
      .catch(function (err) {
        state.textContent = "Không mở được micrô (" + err.name + "). Hãy cho phép trình duyệt dùng micrô, hoặc tải tệp WAV lên.";
      });
  });
  stopBtn.addEventListener("click", stop);
  redoBtn.addEventListener("click", function () {
    wav = null; player.removeAttribute("src"); state.textContent = "Bấm Bắt đầu ghi âm để ghi lại.";
    show(startBtn, true); show(player, false); show(keepBtn, false); show(redoBtn, false);
  });
  keepBtn.addEventListener("click", function () {
    if (!wav) { return; }
    var form = new FormData();
    form.append("csrf_token", box.dataset.csrf);
    form.append("file", wav, "ghi-am-trinh-duyet.wav");
    keepBtn.disabled = true; redoBtn.disabled = true;
    state.textContent = "Đang gửi và kiểm tra lời trong bản ghi âm…";
    // the server answers with a redirect to this page and a message kept for it: don't follow the
    // redirect here (that would spend the message), load the page instead
    fetch(box.dataset.upload, {method: "POST", body: form, credentials: "same-origin", redirect: "manual"})
      .then(function () { window.location.assign(window.location.pathname); })
      .catch(function () {
        state.textContent = "Không gửi được bản ghi âm (mất kết nối tới máy chủ). Hãy thử lại.";
        keepBtn.disabled = false; redoBtn.disabled = false;
      });
  });
}());
