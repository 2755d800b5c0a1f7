// Quick exit: the "Leave this site" button and Shift pressed 3 times replace this page
// (so Back does not return here) with a neutral site. Works as a plain link without JS.
// Pages left this way stay blank if Back (or the back-forward cache) brings them back.
(function () {
  "use strict";
  var LEFT = "participation-left";
  var button = document.querySelector("[data-exit]");
  if (!button) return;
  var target = button.getAttribute("href");
  function blank() {
    document.body.innerHTML = "";
    document.title = "Loading";
  }
  function leave(event) {
    if (event) event.preventDefault();
    try { sessionStorage.setItem(LEFT, "1"); } catch (e) { /* storage may be off */ }
    blank();
    try { history.replaceState(null, "", "/"); } catch (e) { /* not allowed on some pages */ }
    window.location.replace(target);
  }
  function cameBack(event) {
    var left = false;
    try { left = sessionStorage.getItem(LEFT) === "1"; } catch (e) { return; }
    if (!left) return;
    var nav = performance.getEntriesByType && performance.getEntriesByType("navigation")[0];
    var historyMove = (event && event.persisted) || (nav && nav.type === "back_forward");
    if (historyMove) {
      // Nothing typed or chosen before leaving may show again: clear it and go again.
      Array.prototype.forEach.call(document.forms, function (form) { form.reset(); });
      blank();
      window.location.replace(target);
    } else {
      sessionStorage.removeItem(LEFT);
    }
  }
  cameBack();
  window.addEventListener("pageshow", function (event) { if (event.persisted) cameBack(event); });
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
