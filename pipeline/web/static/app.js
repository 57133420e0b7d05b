// Drag-and-drop upload into the inbox with a progress bar. Without JavaScript the
// same form posts the chosen files normally.
(function () {
  "use strict";
  document.documentElement.classList.add("js");
  function ready(fn) { if (document.readyState !== "loading") { fn(); } else { document.addEventListener("DOMContentLoaded", fn); } }
  ready(function () {
    var form = document.getElementById("upload-form");
    if (!form || !window.FormData || !window.XMLHttpRequest) { return; }
    var input = document.getElementById("files");
    var bar = document.getElementById("upload-progress");
    var result = document.getElementById("upload-result");
    var chosen = document.getElementById("files-chosen");
    function show(files) {
      var names = [];
      for (var i = 0; files && i < files.length; i++) { names.push(files[i].name); }
      chosen.textContent = names.length ? chosen.dataset.some.replace("{names}", names.join(", ")) : chosen.dataset.none;
    }
    input.addEventListener("change", function () { show(input.files); });
    function send(files) {
      var data = new FormData();
      data.append("_csrf_token", form.querySelector("input[name=_csrf_token]").value);
      for (var i = 0; i < files.length; i++) { data.append("files", files[i]); }
      var xhr = new XMLHttpRequest();
      xhr.open("POST", form.action);
      xhr.setRequestHeader("Accept", "application/json");
      bar.hidden = false; bar.value = 0;
      xhr.upload.onprogress = function (e) { if (e.lengthComputable) { bar.value = Math.round(100 * e.loaded / e.total); } };
      xhr.onload = function () {
        bar.value = 100;
        var reply = {};
        try { reply = JSON.parse(xhr.responseText); } catch (err) { reply = { saved: [], errors: [xhr.statusText] }; }
        result.textContent = "";
        (reply.saved || []).forEach(function (n) { var p = document.createElement("p"); p.className = "notice ok"; p.textContent = "✓ " + n; result.appendChild(p); });
        (reply.errors || []).forEach(function (n) { var p = document.createElement("p"); p.className = "notice error"; p.textContent = n; result.appendChild(p); });
        input.value = "";
        show(null);
      };
      xhr.send(data);
    }
    form.addEventListener("submit", function (e) { if (input.files.length) { e.preventDefault(); send(input.files); } });
    ["dragenter", "dragover"].forEach(function (t) { form.addEventListener(t, function (e) { e.preventDefault(); form.classList.add("over"); }); });
    ["dragleave", "drop"].forEach(function (t) { form.addEventListener(t, function (e) { e.preventDefault(); form.classList.remove("over"); }); });
    form.addEventListener("drop", function (e) { if (e.dataTransfer && e.dataTransfer.files.length) { send(e.dataTransfer.files); } });
  });
})();
