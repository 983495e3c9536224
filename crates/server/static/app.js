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
    var flash = document.getElementById("flash");
    if (flash) flash.focus && flash.setAttribute("tabindex", "-1"), flash.focus();
  });
})();
