// The standalone atlas's page around the map (layers/html_export.py): the layer switches, the
// events panel and the title follow the engine's date; the link (#YYYY-MM-DD) follows too.
// Event texts arrive escaped by layers/html_parts.py; every other string is set as text.
window.atlasPage = function (map) {
  "use strict";
  var text = JSON.parse(document.getElementById("atlas-page-text").textContent);
  function trusted(html) { return html; }  // escaped in Python (layers/html_parts.py)

  function relative(offset) {  // "3 days before", "1 day after", as the app's panel
    var side = offset < 0 ? "Before" : "After";
    var n = Math.abs(offset);
    return n === 1 ? text["day" + side] : text["days" + side].replace("{n}", String(n));
  }

  function listEvents(found) {  // on this date, then around it
    var box = document.getElementById("atlas-events");
    box.replaceChildren();
    if (!found.length) {
      var none = document.createElement("p");
      none.textContent = text.noEvents;
      box.appendChild(none);
    }
    [[text.onTitle, true], [text.aroundTitle, false]].forEach(function (part) {
      var list = found.filter(function (e) { return (e.offset === 0) === part[1]; });
      if (!list.length) { return; }
      var heading = document.createElement("h3");
      heading.textContent = part[0];
      box.appendChild(heading);
      list.forEach(function (e) {
        var item = document.createElement("div");
        item.className = part[1] ? "atlas-event-item atlas-today" : "atlas-event-item";
        item.setAttribute("data-event", e.id);
        item.innerHTML = trusted(e.html);
        if (!part[1]) {
          var when = document.createElement("div");
          when.className = "atlas-when";
          when.textContent = relative(e.offset);
          item.insertBefore(when, item.firstChild);
        }
        box.appendChild(item);
      });
    });
  }

  map.atlasEngine.then(function (engine) {
    var switches = document.querySelectorAll("#atlas-layers input");
    function shown(iso) {
      document.getElementById("atlas-title").textContent =
        text.title.replace("{date}", engine.spoken(iso));
      listEvents(engine.nearby());
      try { history.replaceState(null, "", "#" + iso); } catch (e) { /* some file: pages */ }
    }
    switches.forEach(function (box) {
      box.addEventListener("change", function () {
        var ids = [];
        switches.forEach(function (b) { if (b.checked) { ids.push(b.getAttribute("data-layer")); } });
        engine.setLayers(ids);
        shown(engine.date());
      });
    });
    map.getContainer().addEventListener("atlas:date", function (e) { shown(e.detail.date); });
    shown(engine.date());
  });
};
