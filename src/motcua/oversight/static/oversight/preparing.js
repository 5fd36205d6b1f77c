// A page whose figures are being prepared (issue 14 point 9) asks every two seconds whether the table is stored yet
// and says so when it is, with the link to see it (the page is never reloaded under the reader's feet). Without
// scripts the page offers the same link to reload.
(function () {
  "use strict";
  var box = document.querySelector("[data-preparing]");
  var url = box && box.getAttribute("data-preparing");
  var state = document.getElementById("ov-preparing-state");
  if (!url || !state || !window.fetch) {
    return;
  }
  var tries = 0;
  function ask() {
    tries += 1;
    fetch(url, {headers: {"Accept": "application/json"}, credentials: "same-origin"})
      .then(function (r) { return r.json(); })
      .then(function (s) {
        if (s.ready) {
          state.textContent = "Số liệu đã sẵn sàng: tải lại trang để xem.";
          box.classList.add("ov-ready");
        } else if (tries < 60) {
          setTimeout(ask, 2000);
        }
      })
      .catch(function () { if (tries < 60) { setTimeout(ask, 5000); } });
  }
  setTimeout(ask, 1000);
})();
