// The standalone atlas's map engine (layers/html_export.py ships its data).
//
// Given dated records (each feature's states, drawn as the live map draws them, by the live
// map's own library atlasLib: layers/web/atlas_map.js), the events, the legend rows and the
// look constants (data.look, from layers/style.py: no look value is written here), it shows
// what holds on a date. Only what changed is swapped; the zoom and centre stay.
//
// It never builds HTML from data: popups, tooltips, event texts and legend rows arrive
// escaped by layers/html_parts.py and are assigned as they are; every other string goes
// through textContent.
window.atlasEngine = (function () {
  "use strict";
  var data = JSON.parse(document.getElementById("atlas-data").textContent);
  var look = data.look;
  var text = data.text;
  var origin = Date.parse(data.start);
  var map = null;
  var enabled = {};
  var current = null;
  var items = [];
  var eventGroups = {};
  var shownEvents = [];
  var legendBody = null;
  var legendTitle = null;
  var legendShown = null;
  var timer = null;
  var last = indexOf(data.end);
  var slider = document.getElementById("atlas-slider");
  var eventDates = [];

  function isoOf(i) { return new Date(origin + i * look.msPerDay).toISOString().split("T")[0]; }
  function indexOf(iso) { return Math.round((Date.parse(iso) - origin) / look.msPerDay); }
  function shift(iso, days) { return isoOf(indexOf(iso) + days); }
  function spoken(iso) {  // the page language's date: "13 April 1941", "1er août 1945"
    var date = new Date(Date.parse(iso));
    var day = date.getUTCDate();
    return (day === 1 ? text.day1 : String(day)) + " " + text.months[date.getUTCMonth()] + " " +
      date.getUTCFullYear();
  }
  function trusted(html) { return html; }  // escaped in Python (layers/html_parts.py)
  function features(list) {  // a base map feature names its style in data.look
    return list.map(function (f) {
      var props = typeof f.p.s === "string" ? L.extend({}, f.p, {s: look[f.p.s]}) : f.p;
      return {type: "Feature", geometry: f.g, properties: props};
    });
  }

  // ------------------------------------------------------------ the map and its records

  function createMap(id) {
    map = L.map(id, {minZoom: look.zoom.min, maxZoom: look.zoom.max, zoomSnap: look.zoom.snap});
    map.fitBounds(look.bounds);  // the live map's head script then keeps it fitted
    data.layers.forEach(function (layer) { enabled[layer.id] = layer.visible; });
    enabled.events = data.events.length > 0;
    data.records.forEach(function (record) {
      items.push({record: record, groups: [], state: null});
    });
    return map;
  }

  function holds(record, iso) {
    return (record.from === null || record.from <= iso) &&
           (record.until === null || iso < record.until);
  }

  function stateOn(record, iso) {
    var found = null;
    record.states.forEach(function (state, i) {
      if (state[0] === null || state[0] <= iso) { found = i; }
    });
    return found;
  }

  function group(sig, list, pane, interactive) {
    var made = L.featureGroup();
    var options = {sig: sig, interactive: interactive};
    if (pane) { options.pane = pane[0]; options.z = pane[1]; }
    window.atlasLib.draw(made, features(list), options);
    return made;
  }

  function drawRecords(iso) {
    items.forEach(function (item) {
      var record = item.record;
      var want = enabled[record.layer] && holds(record, iso) ? stateOn(record, iso) : null;
      if (want === item.state) { return; }
      if (item.state !== null) { map.removeLayer(item.groups[item.state]); }
      if (want !== null) {
        if (!item.groups[want]) {
          item.groups[want] = group(record.id + "@" + want, record.states[want][1], record.pane,
                                    record.interactive !== false);
        }
        item.groups[want].addTo(map);
      }
      item.state = want;
    });
  }

  // ------------------------------------------------------------ events

  function nearby(iso) {  // as layers/map_features.nearby_events: nearest first
    var from = shift(iso, -look.eventWindowDays);
    var to = shift(iso, look.eventWindowDays);
    var found = data.events.filter(function (e) { return e.date <= to && e.end >= from; });
    found.forEach(function (e) {
      e.offset = e.date > iso ? indexOf(e.date) - indexOf(iso)
        : e.end < iso ? indexOf(e.end) - indexOf(iso) : 0;
    });
    found.sort(function (a, b) {
      return Math.abs(a.offset) - Math.abs(b.offset) || (a.date < b.date ? -1 : a.date > b.date)
        || (a.id < b.id ? -1 : a.id > b.id);
    });
    return found;
  }

  function marker(events) {  // the events at one place, as layers/map_features.event_feature
    var looks = events.map(function (e) { return e.offset === 0 ? e.marker.on : e.marker.near; });
    var lead = looks.filter(function (m, i) { return events[i].offset === 0; })[0] || looks[0];
    var props = {s: L.extend({}, lead.s), r: lead.r, t: "", p: ""};
    looks.forEach(function (m) { props.r = Math.max(props.r, m.r); });
    if (looks.some(function (m) { return !m.s.dashArray; })) { props.s.dashArray = null; }
    props.t = looks.map(function (m) { return m.t; }).join("<br>");
    props.p = looks.map(function (m) { return m.p; }).join("");
    if (looks.length > 1) { props.p = '<div class="atlas-event-list">' + props.p + "</div>"; }
    return {p: props, g: {type: "Point", coordinates: [events[0].lon, events[0].lat]}};
  }

  function drawEvents(found) {
    var places = {};
    var order = [];
    if (enabled.events) {
      found.forEach(function (e) {
        if (!places[e.place]) { places[e.place] = []; order.push(e.place); }
        places[e.place].push(e);
      });
    }
    var wanted = order.map(function (place) {
      var events = places[place];
      var sig = "event:" + events.map(function (e) { return e.id + (e.offset === 0); }).join();
      if (!eventGroups[sig]) {
        eventGroups[sig] = group(sig, [marker(events)], look.panes.events, true);
      }
      return sig;
    });
    shownEvents.forEach(function (sig) {
      if (wanted.indexOf(sig) < 0) { map.removeLayer(eventGroups[sig]); }
    });
    wanted.forEach(function (sig) { eventGroups[sig].addTo(map); });
    shownEvents = wanted;
  }

  function relative(offset) {  // "3 days before", "1 day after", as the app's panel
    var side = offset < 0 ? "Before" : "After";
    var n = Math.abs(offset);
    return n === 1 ? text["day" + side] : text["days" + side].replace("{n}", String(n));
  }

  function listEvents(found) {  // the panel: on this date, then around it
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

  // ------------------------------------------------------------ legend

  function addLegend() {
    var control = L.control({position: look.legendPosition});
    control.onAdd = function () {
      var box = L.DomUtil.create("div", "atlas-legend-box");
      var legend = L.DomUtil.create("div", "atlas-legend", box);
      legendTitle = L.DomUtil.create("button", "atlas-legend-title", legend);
      legendTitle.type = "button";
      legendTitle.textContent = text.legend;
      legendBody = L.DomUtil.create("div", "atlas-legend-rows", legend);
      legendBody.id = "atlas-legend-rows";
      legendTitle.setAttribute("aria-controls", legendBody.id);
      var size = map.getSize();
      fold(box, size.x < look.legendFoldBelow[0] || size.y < look.legendFoldBelow[1]);
      L.DomEvent.on(legendTitle, "click", function () {  // a button: Enter and Space too
        fold(box, !box.classList.contains("atlas-folded"));
      });
      L.DomEvent.disableClickPropagation(box);
      L.DomEvent.disableScrollPropagation(box);
      return box;
    };
    control.addTo(map);
  }

  function fold(box, folded) {
    box.classList.toggle("atlas-folded", folded);
    legendBody.hidden = folded;
    legendTitle.setAttribute("aria-expanded", String(!folded));
  }

  function drawLegend(iso) {
    var legend = data.legend;
    var epoch = 0;
    legend.starts.forEach(function (day, i) { if (day <= iso) { epoch = i; } });
    var rows = [];
    legend.sets[legend.epochs[epoch]].forEach(function (pair) {
      if (enabled[pair[0]] && rows.indexOf(pair[1]) < 0) { rows.push(pair[1]); }
    });
    rows.sort(function (a, b) { return a - b; });
    var key = rows.join();
    if (key === legendShown) { return; }
    legendShown = key;
    legendBody.innerHTML = trusted(rows.map(function (i) { return legend.rows[i]; }).join(""));
  }

  // ------------------------------------------------------------ the date

  function show(i) {
    i = Math.max(0, Math.min(last, i));
    var iso = isoOf(i);
    current = iso;
    slider.value = String(i);
    slider.setAttribute("aria-valuetext", spoken(iso));
    document.getElementById("atlas-date").textContent = spoken(iso);
    document.getElementById("atlas-title").textContent = text.title.replace("{date}", spoken(iso));
    drawRecords(iso);
    var found = nearby(iso);
    drawEvents(found);
    listEvents(found);
    drawLegend(iso);
    window.atlasLib.declutter(map);
    document.getElementById("atlas-prev").disabled = !(eventDates[0] < iso);
    document.getElementById("atlas-next").disabled = !(eventDates[eventDates.length - 1] > iso);
    try { history.replaceState(null, "", "#" + iso); } catch (e) { /* some file: pages */ }
  }

  function play(on) {
    var button = document.getElementById("atlas-play");
    if (timer) { clearInterval(timer); timer = null; }
    button.setAttribute("aria-pressed", String(on));
    document.getElementById("atlas-play-text").textContent = on ? text.pause : text.play;
    if (!on) { return; }
    if (Number(slider.value) >= last) { show(0); }
    timer = setInterval(function () {
      show(Number(slider.value) + look.playStepDays);
      if (Number(slider.value) >= last) { play(false); }
    }, look.playIntervalMs);
  }

  function on(id, handler) { document.getElementById(id).addEventListener("click", handler); }

  function start() {
    map.attributionControl.addAttribution(trusted(text.attribution));
    addLegend();
    data.events.forEach(function (e) {
      if (eventDates.indexOf(e.date) < 0) { eventDates.push(e.date); }
    });
    eventDates.sort();
    slider.max = String(last);
    slider.addEventListener("input", function () { show(Number(slider.value)); });
    on("atlas-minus-day", function () { show(Number(slider.value) - 1); });
    on("atlas-plus-day", function () { show(Number(slider.value) + 1); });
    on("atlas-prev", function () {
      var before = eventDates.filter(function (d) { return d < current; });
      if (before.length) { show(indexOf(before[before.length - 1])); }
    });
    on("atlas-next", function () {
      var after = eventDates.filter(function (d) { return d > current; });
      if (after.length) { show(indexOf(after[0])); }
    });
    on("atlas-play", function () { play(!timer); });
    document.querySelectorAll("#atlas-layers input").forEach(function (box) {
      box.addEventListener("change", function () {
        enabled[box.getAttribute("data-layer")] = box.checked;
        show(indexOf(current));
      });
    });
    var first = indexOf(location.hash.slice(1));  // a date in the link, else NaN
    show(first >= 0 && first <= last ? first : indexOf(data.initial));
  }

  // What is drawn on the date: record ids (a territory's name is "<id>:name") and
  // "event:<id>" for each event marker (for tests and scripts).
  function drawnIds() {
    var ids = items.filter(function (item) { return item.state !== null; })
      .map(function (item) { return item.record.id; });
    if (enabled.events) {
      nearby(current).forEach(function (e) { ids.push("event:" + e.id); });
    }
    return ids;
  }

  return {
    createMap: createMap,
    start: start,
    setDate: function (iso) { show(indexOf(iso)); },
    date: function () { return current; },
    drawnIds: drawnIds
  };
})();
