/* Present screen and the lead's view beside it. Progressive enhancement only: without
   JavaScript every control is a link or a form, one question per URL (?q=N).
   Keys: arrows, Page Up/Down and Space move; F full screen; H (or B, .) hides results;
   T shows numbers; L locks joining; C makes a new code (after a confirm).
   The screen polls present.json with its ETag (a 304 costs a few indexed counts). */
(function () {
  "use strict";
  var every = 1500;

  function channel(activity) {
    return window.BroadcastChannel ? new window.BroadcastChannel("present-" + activity) : null;
  }

  function screen(root) {
    var url = root.getAttribute("data-json-url");
    var etag = root.getAttribute("data-etag") || "";
    var number = parseInt(root.getAttribute("data-number"), 10) || 1;
    var count = parseInt(root.getAttribute("data-count"), 10) || 0;
    var data = null;
    var busy = false;
    var stage = document.getElementById("present-stage");
    var status = document.getElementById("present-status");
    var bc = channel(root.getAttribute("data-activity"));

    function say(text) { if (status) { status.textContent = text; } }

    function setParam(name, on) {
      var params = new URLSearchParams(window.location.search);
      if (on === null) { params.delete(name); } else { params.set(name, on); }
      window.history.replaceState(null, "", window.location.pathname + "?" + params.toString());
    }

    function flagged(name) { return root.classList.contains("present--" + name); }

    function tell() {
      if (bc) { bc.postMessage({ number: number, count: count, hidden: flagged("hidden") }); }
    }

    function show(n) {
      if (!count) { return; }
      n = Math.max(1, Math.min(count, n));
      if (!data) {
        if (n !== number) { window.location.search = "?q=" + n; }
        return;
      }
      number = n;
      stage.innerHTML = data.questions[n - 1].html; // rendered and escaped on the server
      setParam("q", String(n));
      say("Question " + n + " of " + count + ": " + data.questions[n - 1].prompt);
      tell();
    }

    function toggle(name, key) {
      var on = !flagged(name);
      root.classList.toggle("present--" + name, on);
      setParam(key, on ? "1" : null);
      var button = document.getElementById(name === "hidden" ? "toggle-hide" : "toggle-numbers");
      if (button) {
        button.firstChild.nodeValue = name === "hidden" ? (on ? "Show results" : "Hide results")
          : (on ? "Hide numbers" : "Show numbers");
      }
      say(name === "hidden" ? (on ? "Results hidden" : "Results shown") : (on ? "Numbers shown" : "Numbers hidden"));
      tell();
    }

    function fullscreen() {
      if (document.fullscreenElement) { document.exitFullscreen(); } else if (root.requestFullscreen) { root.requestFullscreen().catch(function () {}); }
    }

    function apply(fresh) {
      data = fresh;
      count = fresh.questions.length;
      var corner = document.getElementById("present-corner");
      if (corner) { corner.innerHTML = fresh.corner; }
      if (count && number <= count) { stage.innerHTML = fresh.questions[number - 1].html; }
      var lock = document.getElementById("lock-button");
      var locked = document.querySelector("#lock-form input[name=locked]");
      if (lock && locked) {
        locked.value = fresh.joining_locked ? "0" : "1";
        lock.firstChild.nodeValue = fresh.joining_locked ? "Let people join again" : "Lock joining";
      }
    }

    function poll() {
      if (busy || document.hidden) { return; }
      busy = true;
      var headers = { "Accept": "application/json" };
      if (etag && data) { headers["If-None-Match"] = "\"" + etag + "\""; }
      fetch(url, { headers: headers, credentials: "same-origin", cache: "no-store", redirect: "manual" })
        .then(function (response) {
          if (response.status === 304) { return null; }
          var type = response.headers.get("Content-Type") || "";
          if (!response.ok || type.indexOf("application/json") !== 0) { return null; }
          etag = (response.headers.get("ETag") || "").replace(/^W\//, "").replace(/"/g, "");
          return response.json();
        })
        .then(function (fresh) { if (fresh) { apply(fresh); } })
        .catch(function () { /* a dropped connection: try again next time */ })
        .then(function () { busy = false; });
    }

    function submit(id) {
      var form = document.getElementById(id);
      var question = form && form.getAttribute("data-confirm");
      if (form && (!question || window.confirm(question))) {
        form.querySelector("input[name=q]").value = String(number);
        form.submit();
      }
    }

    var keys = {
      ArrowRight: function () { show(number + 1); }, ArrowDown: function () { show(number + 1); },
      PageDown: function () { show(number + 1); }, " ": function () { show(number + 1); },
      ArrowLeft: function () { show(number - 1); }, ArrowUp: function () { show(number - 1); },
      PageUp: function () { show(number - 1); }, Home: function () { show(1); }, End: function () { show(count); },
      f: fullscreen, h: function () { toggle("hidden", "hide"); }, b: function () { toggle("hidden", "hide"); },
      ".": function () { toggle("hidden", "hide"); }, t: function () { toggle("numbers", "numbers"); },
      l: function () { submit("lock-form"); }, c: function () { submit("code-form"); }
    };

    document.addEventListener("keydown", function (event) {
      if (event.ctrlKey || event.metaKey || event.altKey) { return; }
      var target = event.target;
      if (target && /^(INPUT|TEXTAREA|SELECT|BUTTON)$/.test(target.tagName) && event.key === " ") { return; }
      var action = keys[event.key.length === 1 ? event.key.toLowerCase() : event.key];
      if (action) { event.preventDefault(); action(); }
    });

    function intercept(id, action) {
      var link = document.getElementById(id);
      if (link) { link.addEventListener("click", function (event) { event.preventDefault(); action(); }); }
    }
    intercept("prev", function () { show(number - 1); });
    intercept("next", function () { show(number + 1); });
    intercept("toggle-hide", function () { toggle("hidden", "hide"); });
    intercept("toggle-numbers", function () { toggle("numbers", "numbers"); });
    var full = document.getElementById("fullscreen");
    if (full && document.fullscreenEnabled) { full.hidden = false; full.addEventListener("click", fullscreen); }
    var codeForm = document.getElementById("code-form");
    if (codeForm) {
      codeForm.addEventListener("submit", function (event) {
        if (!window.confirm(codeForm.getAttribute("data-confirm"))) { event.preventDefault(); }
      });
    }
    if (bc) {
      bc.onmessage = function (event) {
        var message = event.data || {};
        if (message.move) { show(number + message.move); }
        if (message.toggle === "hide") { toggle("hidden", "hide"); }
        if (message.ask) { tell(); }
      };
    }
    var refresh = document.getElementById("refresh");
    if (refresh) { refresh.hidden = true; }
    poll();
    window.setInterval(poll, every);
    document.addEventListener("visibilitychange", poll);
    tell();
  }

  function counts(root) {
    var url = root.getAttribute("data-json-url");
    var etag = "";
    function poll() {
      if (document.hidden) { return; }
      fetch(url, { headers: etag ? { "If-None-Match": "\"" + etag + "\"" } : {}, credentials: "same-origin", cache: "no-store", redirect: "manual" })
        .then(function (response) {
          if (response.status !== 200) { return null; }
          etag = (response.headers.get("ETag") || "").replace(/"/g, "");
          return response.json();
        })
        .then(function (data) {
          if (!data) { return; }
          document.getElementById("lead-joined").textContent = String(data.joined);
          document.getElementById("lead-submitted").textContent = String(data.submitted);
        })
        .catch(function () {});
    }
    window.setInterval(poll, 3000);
  }

  function lead(root) {
    if (window.fetch) { counts(root); }
    var bc = channel(root.getAttribute("data-activity"));
    if (!bc) { return; }
    var rows = document.querySelectorAll("#lead-questions tbody tr");
    var moves = document.getElementById("lead-moves");
    moves.hidden = false;
    moves.addEventListener("click", function (event) {
      var button = event.target.closest("button");
      if (!button) { return; }
      var move = button.getAttribute("data-move");
      bc.postMessage(move ? { move: parseInt(move, 10) } : { toggle: "hide" });
    });
    bc.onmessage = function (event) {
      var message = event.data || {};
      if (!message.number) { return; }
      document.getElementById("lead-current").textContent = String(message.number);
      var next = rows[message.number];
      document.getElementById("lead-next").textContent = next
        ? "Next: " + next.querySelector("th").textContent.replace(/^\d+\.\s*/, "")
        : "This is the last question.";
      for (var i = 0; i < rows.length; i += 1) {
        if (i === message.number - 1) { rows[i].setAttribute("aria-current", "true"); } else { rows[i].removeAttribute("aria-current"); }
      }
    };
    bc.postMessage({ ask: true });
  }

  var present = document.getElementById("present");
  if (present && window.fetch && window.URLSearchParams) { screen(present); }
  var leadView = document.getElementById("present-lead");
  if (leadView) { lead(leadView); }
}());
