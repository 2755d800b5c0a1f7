/* Live workshop screen: polls the screen's JSON every few seconds and updates the page.
   Progressive enhancement only: without JavaScript the Refresh link does the same. */
(function () {
  "use strict";
  var root = document.getElementById("present");
  if (!root || !window.fetch) { return; }
  var url = root.getAttribute("data-live-url");
  var etag = root.getAttribute("data-etag") || "";
  var every = 5000;
  var timer = null;
  var stopped = false;
  var busy = false;
  var refresh = document.getElementById("refresh");

  function setText(id, value) {
    var node = document.getElementById(id);
    if (node && node.textContent !== String(value)) { node.textContent = String(value); }
  }

  function stop(message) {
    stopped = true;
    if (refresh) { refresh.hidden = false; }
    var note = root.querySelector(".present-note");
    if (note) { note.textContent = message; }
  }

  function apply(data) {
    setText("live-joined", data.joined);
    setText("live-submitted", data.submitted);
    var locked = document.getElementById("live-locked");
    if (locked) { locked.hidden = !data.joining_locked; }
    var full = document.getElementById("live-full");
    if (full) {
      full.hidden = !data.joining_full;
      setText("live-joined-session", data.joined_this_session);
      setText("live-expected", data.expected_group_size);
    }
    var results = document.getElementById("live-results");
    // The HTML is rendered and escaped on the server by the same template as the page.
    if (results) { results.innerHTML = data.html; }
  }

  function poll() {
    timer = null;
    if (stopped || busy || document.hidden) { return; }
    busy = true;
    var headers = { "Accept": "application/json" };
    if (etag) { headers["If-None-Match"] = "\"" + etag + "\""; }
    fetch(url, { headers: headers, credentials: "same-origin", cache: "no-store", redirect: "manual" })
      .then(function (response) {
        if (response.status === 304) { return null; }
        var type = response.headers.get("Content-Type") || "";
        if (!response.ok || type.indexOf("application/json") !== 0) {
          stop("This screen stopped updating. Use Refresh (you may need to sign in again).");
          return null;
        }
        etag = (response.headers.get("ETag") || "").replace(/^W\//, "").replace(/"/g, "");
        return response.json();
      })
      .then(function (data) { if (data) { apply(data); } })
      .catch(function () { /* a dropped connection: try again next time */ })
      .then(function () { busy = false; schedule(); });
  }

  function schedule() {
    if (!stopped && timer === null) { timer = window.setTimeout(poll, every); }
  }

  document.addEventListener("visibilitychange", function () {
    if (!document.hidden && timer === null && !busy) { poll(); }
  });
  if (refresh) { refresh.hidden = true; }
  schedule();
}());
