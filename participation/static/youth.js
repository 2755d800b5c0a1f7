// Young people's pages, enhanced: characters left, "pass this one?" without a reload, Listen
// buttons (only where the browser can speak), and "next person" replacing the thanks page.
// Every page works the same without it.
(function () {
  "use strict";
  function each(selector, fn) { Array.prototype.forEach.call(document.querySelectorAll(selector), fn); }

  // Characters left on text boxes, said politely to screen readers once typing pauses.
  each("textarea[data-max-length]", function (box) {
    var max = parseInt(box.getAttribute("data-max-length"), 10);
    var hint = document.getElementById(box.id + "-limit");
    if (!hint || !max) return;
    var live = document.createElement("span");
    live.className = "visually-hidden";
    live.setAttribute("aria-live", "polite");
    hint.parentNode.insertBefore(live, hint.nextSibling);
    var timer = null;
    function update() {
      var left = max - box.value.length;
      var text = (left >= 0 ? hint.getAttribute("data-left") : hint.getAttribute("data-over")).replace("{n}", Math.abs(left));
      hint.textContent = text;
      clearTimeout(timer);
      timer = setTimeout(function () { live.textContent = text; }, 1200);
    }
    box.addEventListener("input", update);
    if (box.value) update();
  });

  // Next with nothing chosen asks "pass this one?" once, here, instead of a round trip.
  var form = document.querySelector("form[data-question]");
  var template = form && form.querySelector("template[data-nudge-template]");
  if (form && template) {
    form.addEventListener("submit", function (event) {
      var button = event.submitter;
      if (!button || button.value !== "next" || form.querySelector("[data-nudge]")) return;
      var answered = Array.prototype.some.call(form.elements, function (el) {
        if (el.type === "radio" || el.type === "checkbox") return el.checked;
        if (el.tagName === "TEXTAREA" || el.tagName === "SELECT") return el.value.trim() !== "";
        return false;
      });
      if (answered) return;
      event.preventDefault();
      var nav = form.querySelector(".question-nav");
      var asked = document.createElement("input");
      asked.type = "hidden";
      asked.name = "asked";
      asked.value = template.getAttribute("data-question-id");
      form.appendChild(asked);
      nav.parentNode.insertBefore(template.content.cloneNode(true), nav);
      var pass = form.querySelector("button[value=pass]");
      pass.classList.add("button--pass-now");
      pass.focus();
    });
  }

  // Listen: read the question (or the consent summary) aloud, offline, with the page's voice.
  if ("speechSynthesis" in window && "SpeechSynthesisUtterance" in window) {
    each("[data-listen-area]", function (area) {
      var button = document.createElement("button");
      button.type = "button";
      button.className = "listen";
      var listen = area.getAttribute("data-listen-label"), stop = area.getAttribute("data-stop-label");
      button.textContent = "\u25B6 " + listen;
      button.addEventListener("click", function () {
        if (speechSynthesis.speaking) {
          speechSynthesis.cancel();
          button.textContent = "\u25B6 " + listen;
          return;
        }
        var words = area.innerText.replace(listen, "");
        var say = new SpeechSynthesisUtterance(words);
        say.lang = document.documentElement.lang;
        say.onend = function () { button.textContent = "\u25B6 " + listen; };
        button.textContent = "\u25A0 " + stop;
        speechSynthesis.speak(say);
      });
      var slot = area.id && document.querySelector("[data-listen-slot='" + area.id + "']");
      if (slot) slot.appendChild(button);
      else area.insertBefore(button, area.firstChild);
    });
  }

  // Kiosk: "next person" replaces this page, so Back cannot return to it.
  each("a[data-replace]", function (link) {
    link.addEventListener("click", function (event) {
      event.preventDefault();
      window.location.replace(link.href);
    });
  });
})();
