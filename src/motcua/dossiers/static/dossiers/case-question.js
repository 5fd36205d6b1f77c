// Issue 14 point 2: "Trường hợp của bạn là …?" filters the documents in place. Without this script the small form
// around the question is sent and the page comes back with that case's documents; with it, the choice shows the
// case's documents at once, keeps the answer for the submission and in the address (a reload keeps it).
(function () {
  "use strict";
  var chooser = document.querySelector("form[data-case-question]");
  var answer = document.getElementById("truong-hop-value");
  if (!chooser || !answer) { return; }
  var button = chooser.querySelector("[data-no-script]");
  if (button) { button.hidden = true; }
  var status = document.getElementById("case-status");

  function choose(radio) {
    answer.value = radio.value;
    document.querySelectorAll("input[data-case-answer]").forEach(function (kept) { kept.value = radio.value; });
    var shown = 0;
    document.querySelectorAll(".document-field[data-case]").forEach(function (doc) {
      doc.hidden = doc.getAttribute("data-case") !== radio.value;
      if (!doc.hidden) { shown += 1; }
    });
    var label = chooser.querySelector("label[for='" + radio.id + "']");
    if (status && label) {
      status.textContent = "Giấy tờ của trường hợp: " + label.textContent + "." +
        (shown ? " Có " + shown + " giấy tờ riêng của trường hợp này trong mục Giấy tờ." : "");
    }
    var url = new URL(window.location.href);
    url.searchParams.set(radio.name, radio.value);
    window.history.replaceState(null, "", url.toString());
  }

  chooser.addEventListener("change", function (event) {
    if (event.target && event.target.type === "radio") { choose(event.target); }
  });
})();
