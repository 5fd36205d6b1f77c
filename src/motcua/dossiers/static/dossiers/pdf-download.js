// A form's or the register's PDF takes a second or two to draw (issue 14 point 9): the link says the file is being
// prepared (a busy bar and a status read out by screen readers), fetches it, then hands it to the browser and says it
// is ready. Without scripts the link opens the PDF as before.
(function () {
  "use strict";
  var link = document.querySelector("a[data-pdf-download]");
  var status = document.getElementById("pdf-status");
  if (!link || !status || !window.fetch || !window.URL || !URL.createObjectURL) {
    return;
  }
  var busy = false;
  function filename(response) {
    var header = response.headers.get("Content-Disposition") || "";
    var found = /filename="?([^";]+)"?/.exec(header);
    return found ? found[1] : "mau.pdf";
  }
  link.addEventListener("click", function (event) {
    event.preventDefault();
    if (busy) {
      return;
    }
    busy = true;
    link.setAttribute("aria-busy", "true");
    status.textContent = "Đang tạo tệp PDF…";
    var bar = document.createElement("progress");
    bar.className = "pdf-progress";
    bar.setAttribute("aria-label", "Đang tạo tệp PDF");
    status.after(bar);
    fetch(link.href, {credentials: "same-origin"})
      .then(function (response) {
        if (!response.ok) {
          return response.text().then(function (text) { throw new Error(text || String(response.status)); });
        }
        var name = filename(response);
        return response.blob().then(function (blob) { return {blob: blob, name: name}; });
      })
      .then(function (file) {
        var url = URL.createObjectURL(file.blob);
        var save = document.createElement("a");
        save.href = url;
        save.download = file.name;
        document.body.appendChild(save);
        save.click();
        save.remove();
        setTimeout(function () { URL.revokeObjectURL(url); }, 60000);
        status.textContent = "Đã tạo xong tệp PDF (" + Math.max(1, Math.round(file.blob.size / 1024)) + " KB): " +
          file.name + ".";
      })
      .catch(function (error) {
        status.textContent = "Không tạo được tệp PDF: " + error.message;
      })
      .then(function () {
        busy = false;
        link.removeAttribute("aria-busy");
        bar.remove();
      });
  });
})();
