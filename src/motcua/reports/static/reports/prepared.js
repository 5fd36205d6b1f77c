// The report being prepared (issue 14 point 9): the progress bar follows the job's JSON status every second and the
// download link appears when the file is ready. Without scripts the page offers a link to reload instead.
(function () {
  "use strict";
  var box = document.querySelector("[data-report-progress]");
  if (!box) {
    return;
  }
  var url = box.getAttribute("data-json-url");
  var state = document.getElementById("report-state");
  var bar = document.getElementById("report-progress");
  var file = document.getElementById("report-file");
  var reload = document.getElementById("report-reload");
  if (reload) {
    reload.hidden = true;
  }
  function show(s) {
    box.setAttribute("data-state", s.state);
    bar.max = s.steps;
    bar.value = s.done;
    bar.textContent = s.percent + "%";
    if (s.state === "ready") {
      state.textContent = "Báo cáo đã sẵn sàng.";
      file.hidden = false;
    } else if (s.state === "failed") {
      state.textContent = "Không lập được báo cáo. Hãy thử lại sau ít phút; nếu vẫn lỗi, báo cho bộ phận vận hành hệ thống.";
    } else {
      state.textContent = "Đang chuẩn bị báo cáo: bước " + s.done + "/" + s.steps + " — " + s.step + ".";
    }
    return s.state === "ready" || s.state === "failed";
  }
  function poll() {
    fetch(url, {headers: {"Accept": "application/json"}, credentials: "same-origin"})
      .then(function (r) { return r.json(); })
      .then(function (s) {
        if (!show(s)) {
          setTimeout(poll, 1000);
        }
      })
      .catch(function () { setTimeout(poll, 3000); });
  }
  var initial = box.getAttribute("data-state");
  if (initial !== "ready" && initial !== "failed") {
    setTimeout(poll, 500);
  }
})();
