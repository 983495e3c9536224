// Lianban web interface: live countdowns and confirmations. Everything works without this file;
// it only adds the live countdown and asks before irreversible submissions.
(function () {
  "use strict";
  // Deadlines run on the server's clock (the platform's time), not the device's: count from the
  // server time the page was rendered at, advanced by the time elapsed since.
  var serverNow = Date.parse(document.documentElement.getAttribute("data-now") || "");
  var loadedAt = Date.now();
  function now() { return isNaN(serverNow) ? Date.now() : serverNow + (Date.now() - loadedAt); }
  function countdown(el) {
    var end = Date.parse(el.getAttribute("data-expires"));
    if (isNaN(end)) return;
    var ms = end - now();
    var abs = Math.abs(ms);
    var d = Math.floor(abs / 86400000), h = Math.floor((abs % 86400000) / 3600000), m = Math.floor((abs % 3600000) / 60000);
    var span = d > 0 ? d + "天" + h + "小时" : h > 0 ? h + "小时" + m + "分" : m + "分钟";
    el.textContent = ms >= 0 ? "剩余" + span : "已超期" + span;
    el.classList.toggle("overdue", ms < 0);
    el.classList.toggle("soon", ms >= 0 && ms < 2 * 86400000);
  }
  function tick() {
    document.querySelectorAll("[data-expires]").forEach(countdown);
  }
  // Case files: a resumable upload through the files API, in 1 MiB chunks, with a progress bar.
  // Begins an upload (POST /cases/{id}/uploads), sends each chunk (PUT /uploads/{uid}?offset=),
  // resumes from what the server holds after a failure, then completes it with the SHA-256
  // computed here so the server refuses content that changed on the way.
  var CHUNK = 1024 * 1024;
  function request(method, url, csrf, body, type, onProgress) {
    return new Promise(function (resolve, reject) {
      var x = new XMLHttpRequest();
      x.open(method, url);
      x.setRequestHeader("X-CSRF-Token", csrf);
      if (type) x.setRequestHeader("Content-Type", type);
      if (onProgress && x.upload) x.upload.onprogress = function (e) { if (e.lengthComputable) onProgress(e.loaded); };
      x.onload = function () {
        var v = null;
        try { v = JSON.parse(x.responseText); } catch (e) { /* not JSON */ }
        if (x.status >= 200 && x.status < 300) resolve(v);
        else reject(new Error((v && v.error && v.error.message) || ("服务器返回 " + x.status)));
      };
      x.onerror = function () { reject(new Error("网络连接中断")); };
      x.send(body);
    });
  }
  function sha256(file) {
    if (!window.crypto || !crypto.subtle || file.size > 256 * 1024 * 1024) return Promise.resolve(null);
    return file.arrayBuffer().then(function (b) { return crypto.subtle.digest("SHA-256", b); }).then(function (h) {
      return Array.prototype.map.call(new Uint8Array(h), function (x) { return ("0" + x.toString(16)).slice(-2); }).join("");
    }, function () { return null; });
  }
  function upload(form) {
    var input = form.querySelector("#upload-file"), title = form.querySelector("#upload-title");
    var bar = form.querySelector("#upload-progress"), status = form.querySelector("#upload-status");
    var button = form.querySelector("#upload-submit");
    var caseId = form.getAttribute("data-case"), csrf = form.getAttribute("data-csrf");
    var resume = {};
    form.addEventListener("submit", function (ev) {
      ev.preventDefault();
      var file = input.files && input.files[0];
      if (!file) { status.textContent = "请先选择文件。"; return; }
      var name = (title.value || "").trim() || file.name;
      var key = file.name + "|" + file.size + "|" + file.lastModified;
      var api = "/api/v1";
      button.disabled = true; button.setAttribute("aria-busy", "true");
      bar.hidden = false; bar.value = 0;
      function show(sent) {
        var pct = file.size ? Math.floor(sent * 100 / file.size) : 100;
        bar.value = pct;
        status.textContent = "正在上传 " + pct + "%（" + Math.round(sent / 1024) + " / " + Math.round(file.size / 1024) + " KB）";
      }
      var begin = resume[key]
        ? request("GET", api + "/uploads/" + encodeURIComponent(resume[key]), csrf, null, null)
        : request("POST", api + "/cases/" + encodeURIComponent(caseId) + "/uploads", csrf,
            JSON.stringify({ title: name, media_type: file.type || "application/octet-stream", size: file.size }), "application/json");
      begin.then(function (u) {
        resume[key] = u.id;
        function next(offset) {
          show(offset);
          if (offset >= file.size) return Promise.resolve();
          var end = Math.min(offset + CHUNK, file.size);
          return request("PUT", api + "/uploads/" + encodeURIComponent(u.id) + "?offset=" + offset, csrf, file.slice(offset, end),
            "application/octet-stream", function (loaded) { show(offset + loaded); })
            .then(function (s) { return next(s.received); });
        }
        return next(u.received || 0).then(function () {
          status.textContent = "正在校验…";
          return sha256(file);
        }).then(function (h) {
          return request("POST", api + "/uploads/" + encodeURIComponent(u.id) + "/complete", csrf, JSON.stringify(h ? { sha256: h } : {}), "application/json");
        });
      }).then(function (f) {
        delete resume[key];
        bar.value = 100;
        status.textContent = "上传完成：" + f.title + "，已加盖本单位电子印章。";
        window.location.assign("/cases/" + encodeURIComponent(caseId) + "?uploaded=" + encodeURIComponent(f.id) + "#file-" + f.id);
      }, function (e) {
        status.textContent = "上传未完成：" + e.message + (resume[key] ? "。再次点击“上传”将从中断处继续。" : "");
        button.disabled = false; button.removeAttribute("aria-busy");
      });
    });
  }
  document.addEventListener("DOMContentLoaded", function () {
    tick();
    setInterval(tick, 30000);
    document.querySelectorAll("form[data-confirm]").forEach(function (f) {
      f.addEventListener("submit", function (ev) {
        if (f.dataset.submitting) { ev.preventDefault(); return; }
        if (!window.confirm(f.getAttribute("data-confirm"))) { ev.preventDefault(); return; }
        f.dataset.submitting = "1";
        var b = f.querySelector("button[type=submit]");
        if (b) { b.setAttribute("aria-busy", "true"); b.textContent = "正在提交…"; }
      });
    });
    var up = document.getElementById("upload-form");
    if (up) upload(up);
    var flash = document.getElementById("flash");
    if (flash) flash.focus && flash.setAttribute("tabindex", "-1"), flash.focus();
  });
})();
