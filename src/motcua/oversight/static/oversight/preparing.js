// A page whose figures are being prepared (issue 14 point 9) reloads itself every few seconds, at most 40 times in a
// row for the same address; without scripts the page offers a link to reload.
(function () {
  "use strict";
  if (!document.querySelector("[data-preparing]")) {
    return;
  }
  var key = "motcua-preparing:" + location.pathname + location.search;
  var tries = Number(sessionStorage.getItem(key) || "0");
  if (tries >= 40) {
    return;
  }
  sessionStorage.setItem(key, String(tries + 1));
  setTimeout(function () { location.reload(); }, 3000);
})();
