/* Moderation at the speed of a room: approve or hide with one tap or one key, no reload.
   Keys: Up/Down (or K/J) move between answers, A approves, H hides. The queue checks for
   new answers every few seconds. Without JavaScript every button is an ordinary form. */
(function () {
  "use strict";
  var box = document.getElementById("moderation");
  if (!box || !window.fetch || !window.FormData) { return; }
  var listUrl = box.getAttribute("data-list-url");
  var status = document.getElementById("moderate-status");
  var every = 4000;
  var inFlight = 0;
  var lastAction = 0;

  function say(text) { if (status) { status.textContent = text; } }
  function items() { return Array.prototype.slice.call(box.querySelectorAll(".moderate-item")); }
  function current() { return document.activeElement && document.activeElement.closest ? document.activeElement.closest(".moderate-item") : null; }

  function prepare() {
    items().forEach(function (item) { item.tabIndex = 0; });
  }

  function focusAt(index) {
    var all = items();
    if (!all.length) { var empty = document.getElementById("moderation-empty"); if (empty) { empty.tabIndex = -1; empty.focus(); } return; }
    all[Math.max(0, Math.min(index, all.length - 1))].focus();
  }

  function counts(found) {
    Object.keys(found || {}).forEach(function (key) {
      var node = document.querySelector("[data-count='" + key + "']");
      if (node) { node.textContent = String(found[key]); }
    });
  }

  function removeItem(item) {
    var all = items();
    var index = all.indexOf(item);
    var group = item.closest(".moderate-group");
    var hidden = document.querySelector("#approve-all input[value='" + item.getAttribute("data-answer-id") + "']");
    if (hidden) { hidden.remove(); }
    item.remove();
    if (group && !group.querySelector(".moderate-item")) { group.remove(); }
    focusAt(index);
  }

  function post(form, decision) {
    var data = new FormData(form);
    if (decision) { data.set("decision", decision); }
    inFlight += 1;
    lastAction = Date.now();
    return fetch(form.action, {
      method: "POST", body: data, credentials: "same-origin",
      headers: { "Accept": "application/json" }, redirect: "manual"
    }).then(function (response) {
      if (!response.ok) { throw new Error("failed"); }
      return response.json();
    }).then(function (result) {
      say(result.message);
      counts(result.counts);
      return result;
    }).catch(function () {
      say("That did not work. Reload the page and try again.");
      return null;
    }).then(function (result) { inFlight -= 1; return result; });
  }

  function decide(item, decision) {
    var form = item && item.querySelector("form");
    if (!form || !form.querySelector("button[value='" + decision + "']")) { return; }
    item.classList.add("moderate-item--done");
    removeItem(item);
    post(form, decision).then(function (result) {
      if (result && !result.ok) { refresh(true); }
    });
  }

  box.addEventListener("click", function (event) {
    var button = event.target.closest("button[name=decision]");
    if (button) {
      event.preventDefault();
      decide(button.closest(".moderate-item"), button.value);
      return;
    }
    var all = event.target.closest("#approve-all button");
    if (all) {
      event.preventDefault();
      var form = document.getElementById("approve-all");
      post(form).then(function () { refresh(true); });
    }
  });

  document.addEventListener("keydown", function (event) {
    if (event.ctrlKey || event.metaKey || event.altKey) { return; }
    var tag = event.target && event.target.tagName;
    if (tag === "INPUT" || tag === "TEXTAREA" || tag === "SELECT") { return; }
    var item = current();
    var all = items();
    var index = item ? all.indexOf(item) : -1;
    var key = event.key.length === 1 ? event.key.toLowerCase() : event.key;
    if (key === "ArrowDown" || key === "j") { event.preventDefault(); focusAt(index + 1); }
    else if (key === "ArrowUp" || key === "k") { event.preventDefault(); focusAt(Math.max(index - 1, 0)); }
    else if (key === "a" && item) { event.preventDefault(); decide(item, "approve"); }
    else if (key === "h" && item) { event.preventDefault(); decide(item, "hide"); }
  });

  function refresh(force) {
    // Never swap the list under a lead who is mid-decision.
    if (!force && (inFlight || Date.now() - lastAction < every || document.hidden)) { return; }
    var focused = current();
    var keep = focused ? focused.getAttribute("data-answer-id") : null;
    fetch(listUrl, { credentials: "same-origin", cache: "no-store", redirect: "manual" })
      .then(function (response) { return response.ok ? response.text() : null; })
      .then(function (html) {
        if (html === null || inFlight) { return; }
        box.innerHTML = html; // rendered and escaped on the server
        prepare();
        var again = keep && box.querySelector(".moderate-item[data-answer-id='" + keep + "']");
        if (again) { again.focus(); } else if (focused || force) { focusAt(0); }
      })
      .catch(function () {});
  }

  var keysNote = document.getElementById("moderate-keys");
  if (keysNote) { keysNote.hidden = false; }
  prepare();
  window.setInterval(refresh, every);
}());
