"use strict";
(function () {
  // Sorting: a click on a header with data-sort sorts its table's body by that column
  // (numbers by the cell's data-value, text otherwise); a second click reverses.
  function sortBy(table, th) {
    var col = Array.prototype.indexOf.call(th.parentNode.children, th);
    var numeric = th.getAttribute("data-sort") === "num";
    var asc = !th.classList.contains("asc");
    Array.prototype.forEach.call(th.parentNode.children, function (h) {
      h.classList.remove("asc", "desc");
    });
    th.classList.add(asc ? "asc" : "desc");
    var body = table.tBodies[0];
    var rows = Array.prototype.slice.call(body.rows);
    function key(row) {
      var cell = row.cells[col];
      if (!numeric) { return cell.textContent.toLowerCase(); }
      var v = cell.getAttribute("data-value");
      return v === null || v === "" ? Infinity : Number(v);
    }
    rows.sort(function (a, b) {
      var x = key(a), y = key(b);
      var c = x < y ? -1 : x > y ? 1 : 0;
      return asc ? c : -c;
    });
    rows.forEach(function (r) { body.appendChild(r); });
  }
  Array.prototype.forEach.call(document.querySelectorAll("table.sortable"), function (table) {
    Array.prototype.forEach.call(table.querySelectorAll("th[data-sort]"), function (th) {
      th.addEventListener("click", function () { sortBy(table, th); });
    });
  });

  // Filtering: every control of a .filters block narrows the rows of its table by the rows'
  // data attributes; the block says how many rows are shown.
  Array.prototype.forEach.call(document.querySelectorAll(".filters[data-table]"), function (box) {
    var table = document.getElementById(box.getAttribute("data-table"));
    if (!table) { return; }
    var controls = box.querySelectorAll("[data-filter]");
    var shown = box.querySelector(".shown");
    function value(name) {
      var c = box.querySelector('[data-filter="' + name + '"]');
      return c ? c.value.trim() : "";
    }
    function apply() {
      var cluster = value("cluster"), outcome = value("outcome"), mac = value("mac");
      var name = value("name").toLowerCase();
      var minUp = value("min-up");
      var minMs = minUp === "" || isNaN(Number(minUp)) ? null : Number(minUp) * 1000;
      var rows = table.tBodies[0].rows, visible = 0;
      for (var i = 0; i < rows.length; i++) {
        var r = rows[i];
        var upMs = r.getAttribute("data-up-ms");
        var ok = (!cluster || r.getAttribute("data-cluster") === cluster) &&
          (!outcome || r.getAttribute("data-outcome") === outcome) &&
          (!mac || r.getAttribute("data-mac") === mac) &&
          (!name || (r.getAttribute("data-name") || "").toLowerCase().indexOf(name) >= 0) &&
          (minMs === null || (upMs !== "" && Number(upMs) >= minMs));
        r.classList.toggle("hidden", !ok);
        if (ok) { visible++; }
      }
      if (shown) { shown.textContent = visible + " of " + rows.length + " shown"; }
    }
    Array.prototype.forEach.call(controls, function (c) {
      c.addEventListener("input", apply);
      c.addEventListener("change", apply);
    });
    apply();
  });
})();
