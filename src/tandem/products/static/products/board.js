// The roadmap board: drag a card to another column (native HTML5 drag and drop). The move goes
// to the same page view and service as the fallback form; the server answers with the board
// re-rendered, which replaces the old one (with the refusal on top if the move was refused).
(function () {
  "use strict";
  var token = document.querySelector('meta[name="csrf-token"]');
  var dragged = null;

  function value(id) {
    var element = document.getElementById(id);
    return element ? element.value : "";
  }

  function clearTargets() {
    document.querySelectorAll(".column.drop-target").forEach(function (column) {
      column.classList.remove("drop-target");
    });
  }

  function dropColumn(event) {
    var column = event.target.closest && event.target.closest(".column[data-horizon]");
    return column && column.dataset.horizon && dragged ? column : null;
  }

  function move(card, column) {
    var body = new FormData();
    body.append("horizon", column.dataset.horizon);
    body.append("version", card.dataset.version);
    body.append("by", value("board-ranking"));
    body.append("scope", value("board-scope"));
    body.append("product", value("board-product"));
    column.querySelector(".cards").appendChild(card);
    card.classList.add("dragging");
    fetch(card.dataset.moveUrl, {
      method: "POST",
      body: body,
      credentials: "same-origin",
      headers: { "X-CSRFToken": token ? token.content : "", "X-Board": "1" }
    })
      .then(function (response) { return response.text(); })
      .then(function (html) {
        var board = document.getElementById("board");
        if (board) board.outerHTML = html;
        document.dispatchEvent(new CustomEvent("board:updated"));
      })
      .catch(function () { window.location.reload(); });
  }

  document.addEventListener("dragstart", function (event) {
    var card = event.target.closest && event.target.closest(".card-item[draggable=true]");
    if (!card) return;
    dragged = card;
    card.classList.add("dragging");
    event.dataTransfer.effectAllowed = "move";
    event.dataTransfer.setData("text/plain", card.id);
  });

  document.addEventListener("dragend", function () {
    if (dragged) dragged.classList.remove("dragging");
    dragged = null;
    clearTargets();
  });

  document.addEventListener("dragover", function (event) {
    var column = dropColumn(event);
    if (!column) return;
    event.preventDefault();
    event.dataTransfer.dropEffect = "move";
    if (!column.classList.contains("drop-target")) {
      clearTargets();
      column.classList.add("drop-target");
    }
  });

  document.addEventListener("drop", function (event) {
    var column = dropColumn(event);
    if (!column) return;
    event.preventDefault();
    clearTargets();
    var card = dragged;
    dragged = null;
    if (card.closest(".column") === column) {
      card.classList.remove("dragging");
      return;
    }
    move(card, column);
  });
})();
