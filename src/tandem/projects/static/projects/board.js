// The project board: drag a card to another column to change the task's status, through the
// same service as every other change. The server answers with the task's new version.
(function () {
  "use strict";
  function init(board) {
    var status = document.querySelector("[data-board-status]");
    var dragged = null;
    function say(text, bad) {
      if (!status) return;
      status.textContent = text;
      status.classList.toggle("error", Boolean(bad));
    }
    board.addEventListener("dragstart", function (event) {
      var card = event.target.closest(".board-card[draggable='true']");
      if (!card) return;
      dragged = card;
      card.classList.add("dragging");
      event.dataTransfer.effectAllowed = "move";
      event.dataTransfer.setData("text/plain", card.dataset.task);
    });
    board.addEventListener("dragend", function () {
      if (dragged) dragged.classList.remove("dragging");
      board.querySelectorAll(".drop-target").forEach(function (c) { c.classList.remove("drop-target"); });
    });
    board.addEventListener("dragover", function (event) {
      var column = event.target.closest(".board-column");
      if (!column || !dragged) return;
      event.preventDefault();
      board.querySelectorAll(".drop-target").forEach(function (c) { if (c !== column) c.classList.remove("drop-target"); });
      column.classList.add("drop-target");
    });
    board.addEventListener("drop", function (event) {
      var column = event.target.closest(".board-column");
      if (!column || !dragged) return;
      event.preventDefault();
      column.classList.remove("drop-target");
      var card = dragged;
      var from = card.closest(".board-column");
      if (from === column) return;
      column.querySelector(".cards").appendChild(card);
      recount();
      var body = new URLSearchParams({ task: card.dataset.task, version: card.dataset.version, status: column.dataset.column });
      fetch(board.dataset.moveUrl, {
        method: "POST", credentials: "same-origin", body: body,
        headers: { "X-CSRFToken": board.dataset.csrf, "Content-Type": "application/x-www-form-urlencoded" }
      }).then(function (response) {
        return response.json().then(function (data) { return { ok: response.ok, data: data }; });
      }).then(function (result) {
        if (!result.ok) throw new Error(result.data.detail || "The move was refused.");
        card.dataset.version = result.data.version;
        var bar = card.querySelector("progress");
        if (bar) bar.value = result.data.percent;
        say("Moved to " + column.getAttribute("aria-label") + ".");
      }).catch(function (error) {
        from.querySelector(".cards").appendChild(card);
        recount();
        say(error.message, true);
      });
    });
    function recount() {
      board.querySelectorAll(".board-column").forEach(function (c) {
        c.querySelector(".count").textContent = c.querySelectorAll(".board-card").length;
      });
    }
  }
  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("[data-board]").forEach(init);
  });
})();
