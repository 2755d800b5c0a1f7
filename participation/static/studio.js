// Studio: drag questions into a new order. Without JS the Move up / Move down buttons do the
// same job, so this only adds a quicker way for people using a mouse or touch screen.
(function () {
  "use strict";
  var list = document.querySelector("[data-reorder-url]");
  var token = document.querySelector("input[name=csrf_token]");
  if (!list || !token || !window.fetch) return;
  var dragged = null;
  var items = list.querySelectorAll("[data-question-id]");
  Array.prototype.forEach.call(items, function (item) {
    item.setAttribute("draggable", "true");
    item.classList.add("question-item--draggable");
  });
  list.addEventListener("dragstart", function (event) {
    dragged = event.target.closest("[data-question-id]");
    if (!dragged) return;
    event.dataTransfer.effectAllowed = "move";
    event.dataTransfer.setData("text/plain", dragged.getAttribute("data-question-id"));
    dragged.classList.add("question-item--dragging");
  });
  list.addEventListener("dragover", function (event) {
    var over = event.target.closest("[data-question-id]");
    if (!dragged || !over || over === dragged) return;
    event.preventDefault();
    var box = over.getBoundingClientRect();
    var after = event.clientY > box.top + box.height / 2;
    list.insertBefore(dragged, after ? over.nextSibling : over);
  });
  list.addEventListener("drop", function (event) { event.preventDefault(); });
  list.addEventListener("dragend", function () {
    if (!dragged) return;
    dragged.classList.remove("question-item--dragging");
    dragged = null;
    var order = Array.prototype.map.call(
      list.querySelectorAll("[data-question-id]"),
      function (item) { return item.getAttribute("data-question-id"); }
    );
    var body = new URLSearchParams();
    body.append("csrf_token", token.value);
    body.append("order", order.join(","));
    fetch(list.getAttribute("data-reorder-url"), {
      method: "POST",
      body: body,
      credentials: "same-origin"
    }).then(function () { window.location.reload(); });
  });
})();

// Back on the activity page after Move, Change or Remove: the address names the question, and
// the browser has scrolled to it; moving focus there too lets keyboard users carry on.
(function () {
  "use strict";
  var id = window.location.hash.slice(1);
  if (!/^question-\d+$/.test(id)) return;
  var target = document.getElementById(id);
  if (!target) return;
  target.focus();
  // The browser scrolls to the anchor once the page has loaded; keep focus where it lands.
  window.addEventListener("load", function () {
    if (document.activeElement !== target) target.focus();
  });
})();

// Written answers: one button ticks every answer on the page (without JS, tick each one or
// choose "all answers matching the search").
(function () {
  "use strict";
  var button = document.querySelector("[data-select-page]");
  if (!button) return;
  button.hidden = false;
  button.addEventListener("click", function () {
    var boxes = document.querySelectorAll("input[name=answer_id]");
    var all = Array.prototype.every.call(boxes, function (box) { return box.checked; });
    Array.prototype.forEach.call(boxes, function (box) { box.checked = !all; });
    button.textContent = all ? "Tick every answer on this page" : "Untick every answer on this page";
  });
})();
