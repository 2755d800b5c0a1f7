// Quick exit: the "Leave this site" button and Shift pressed 3 times replace this page
// (so Back does not return here) with a neutral site. Works as a plain link without JS.
(function () {
  "use strict";
  var button = document.querySelector("[data-exit]");
  if (!button) return;
  var target = button.getAttribute("href");
  function leave(event) {
    if (event) event.preventDefault();
    document.body.innerHTML = "";
    document.title = "Loading";
    try { history.replaceState(null, "", "/"); } catch (e) { /* not allowed on some pages */ }
    window.location.replace(target);
  }
  button.addEventListener("click", leave);
  var presses = 0, timer = null;
  document.addEventListener("keydown", function (event) {
    if (event.key !== "Shift") return;
    presses += 1;
    clearTimeout(timer);
    timer = setTimeout(function () { presses = 0; }, 1000);
    if (presses >= 3) leave(event);
  });
  var summary = document.querySelector("[data-error-summary]");
  if (summary) summary.focus();
})();
