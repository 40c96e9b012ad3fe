// The atlas's map engine, in the browser: the app's live map and the standalone HTML both
// run it (layers/engine_element.py adds it to a folium map; layers/engine_data.py makes its
// data).
//
// Given dated records (each feature's states, drawn as the live map draws them, by the live
// map's own library atlasLib: layers/web/atlas_map.js), the events, the legend rows and the
// look constants (data.look, from layers/style.py: no look value is written here), it shows
// what holds on a date. Only what changed is swapped; the zoom and centre stay.
//
// The time control lives in the map: dragging its slider redraws the map on every animation
// frame; keys, the step buttons and play move it too. The engine tells the page with DOM
// events on the map's container: "atlas:date" for each date drawn, "atlas:settle" once the
// user has released the slider or paused (debounced); the app reports only the latter to
// its server.
//
// It never builds HTML from data: popups, tooltips and legend rows arrive escaped by
// layers/html_parts.py and are assigned as they are; every other string goes through
// textContent.
window.AtlasEngine = window.AtlasEngine || (function () {
  "use strict";
  var SVG = "http://www.w3.org/2000/svg";

  function create(map, data, options) {
    var look = data.look;
    var text = data.text;
    var origin = Date.parse(data.start);
    var last = indexOf(data.end);
    var enabled = {};
    var current = null;
    var items = [];
    var eventGroups = {};
    var shownEvents = [];
    var eventDates = [];
    var legendBody = null;
    var legendTitle = null;
    var legendShown = null;
    var extraLegend = null;  // the uploads' legend, in data.legend's shape
    var timer = null;
    var frame = null;
    var pending = null;
    var settleTimer = null;
    var playStep = look.playStepDays;
    var control = {};
    var container = map.getContainer();
    var popupsOf = data.popupsUrl ? window.atlasLib.popups(data.popupsUrl, text.loading) : null;

    function isoOf(i) { return new Date(origin + i * look.msPerDay).toISOString().split("T")[0]; }
    function indexOf(iso) { return Math.round((Date.parse(iso) - origin) / look.msPerDay); }
    function shift(iso, days) { return isoOf(indexOf(iso) + days); }
    function spoken(iso) {  // the page language's date: "13 April 1941", "1er août 1945"
      var date = new Date(Date.parse(iso));
      var day = date.getUTCDate();
      return (day === 1 ? text.day1 : String(day)) + " " + text.months[date.getUTCMonth()] +
        " " + date.getUTCFullYear();
    }
    function trusted(html) { return html; }  // escaped in Python (layers/html_parts.py)
    function features(list) {
      return list.map(function (f) {
        return {type: "Feature", geometry: f.g || null, properties: f.p};
      });
    }
    function emit(name, iso, source) {
      container.dispatchEvent(new CustomEvent(name, {detail: {date: iso, source: source}}));
    }

    // ---------------------------------------------------------- records

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
      var o = {sig: sig, interactive: interactive, url: data.storeUrl || null,
               popups: popupsOf};
      if (pane) { o.pane = pane[0]; o.z = pane[1]; }
      window.atlasLib.draw(made, features(list), o);
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
            item.groups[want] = group(record.layer + "/" + record.id + "@" + want,
                                      record.states[want][1],
                                      record.pane, record.interactive !== false);
          }
          item.groups[want].addTo(map);
        }
        item.state = want;
      });
    }

    function setExtra(extra) {  // a session's own layers (uploads): replaced as a whole
      items = items.filter(function (item) {
        if (item.extra && item.state !== null) { map.removeLayer(item.groups[item.state]); }
        return !item.extra;
      });
      (extra ? extra.records : []).forEach(function (record) {
        items.push({record: record, groups: [], state: null, extra: true});
        if (!(record.layer in enabled)) { enabled[record.layer] = true; }
      });
      extraLegend = extra && extra.legend ? extra.legend : null;
      legendShown = null;
    }

    // ---------------------------------------------------------- events

    function nearby(iso) {  // as layers/map_features.nearby_events: nearest first
      var from = shift(iso, -look.eventWindowDays);
      var to = shift(iso, look.eventWindowDays);
      var found = data.events.filter(function (e) { return e.date <= to && e.end >= from; });
      found = found.map(function (e) {
        var offset = e.date > iso ? indexOf(e.date) - indexOf(iso)
          : e.end < iso ? indexOf(e.end) - indexOf(iso) : 0;
        return L.extend({}, e, {offset: offset});
      });
      found.sort(function (a, b) {
        return Math.abs(a.offset) - Math.abs(b.offset) ||
          (a.date < b.date ? -1 : a.date > b.date) || (a.id < b.id ? -1 : a.id > b.id);
      });
      return found;
    }

    function marker(events) {  // the events at one place, as map_features.event_feature
      var looks = events.map(function (e) { return e.offset === 0 ? e.marker.on : e.marker.near; });
      var lead = looks.filter(function (m, i) { return events[i].offset === 0; })[0] || looks[0];
      var props = {s: L.extend({}, lead.s), r: lead.r, t: "", p: ""};
      looks.forEach(function (m) { props.r = Math.max(props.r, m.r); });
      if (looks.some(function (m) { return !m.s.dashArray; })) { props.s.dashArray = null; }
      props.t = looks.map(function (m) { return m.t; }).join("<br>");
      if (popupsOf) {  // texts fetched apart: named by index
        props.pp = looks.map(function (m) { return m.pp; });
        props.pw = looks.length > 1;
      } else {
        props.p = looks.map(function (m) { return m.p; }).join("");
        if (looks.length > 1) { props.p = '<div class="atlas-event-list">' + props.p + "</div>"; }
      }
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

    // ---------------------------------------------------------- legend

    function addLegend() {
      var legendControl = L.control({position: look.legendPosition});
      legendControl.onAdd = function () {
        var box = L.DomUtil.create("div", "atlas-legend-box");
        var legend = L.DomUtil.create("div", "atlas-legend", box);
        legendTitle = L.DomUtil.create("button", "atlas-legend-title", legend);
        legendTitle.type = "button";
        legendTitle.textContent = text.legend;
        legendBody = L.DomUtil.create("div", "atlas-legend-rows", legend);
        legendBody.id = L.stamp(legendBody) + "-legend-rows";
        legendTitle.setAttribute("aria-controls", legendBody.id);
        var size = map.getSize();
        fold(box, size.x < look.legendFoldBelow[0] || size.y < look.legendFoldBelow[1]);
        L.DomEvent.on(legendTitle, "click", function () {  // a button: Enter and Space too
          fold(box, !box.classList.contains("atlas-folded"));
        });
        L.DomEvent.disableClickPropagation(box);
        L.DomEvent.disableScrollPropagation(box);
        function fit() {  // a share of the map's height, whatever the page around it
          var most = Math.round(map.getSize().y * look.legendMaxShare);
          box.style.maxHeight = "max(" + most + "px, " + look.legendMinHeight + ")";
        }
        map.on("resize", fit);
        fit();
        return box;
      };
      legendControl.addTo(map);
    }

    function fold(box, folded) {
      box.classList.toggle("atlas-folded", folded);
      legendBody.hidden = folded;
      legendTitle.setAttribute("aria-expanded", String(!folded));
    }

    function legendRows(legend, iso) {  // the rows of a legend on a date, in its order
      var epoch = 0;
      legend.starts.forEach(function (day, i) { if (day <= iso) { epoch = i; } });
      var rows = [];
      legend.sets[legend.epochs[epoch]].forEach(function (pair) {
        if (enabled[pair[0]] && rows.indexOf(pair[1]) < 0) { rows.push(pair[1]); }
      });
      rows.sort(function (a, b) { return a - b; });
      return rows;
    }

    function drawLegend(iso) {  // the shipped layers' rows, then the uploads'
      var rows = legendRows(data.legend, iso);
      var extraRows = extraLegend ? legendRows(extraLegend, iso) : [];
      var key = rows.join() + "/" + extraRows.join();
      if (key === legendShown) { return; }
      legendShown = key;
      var html = rows.map(function (i) { return data.legend.rows[i]; })
        .concat(extraRows.map(function (i) { return extraLegend.rows[i]; }));
      legendBody.innerHTML = trusted(html.join(""));
    }

    // ---------------------------------------------------------- the time control

    function element(tag, className, parent) {
      var made = document.createElement(tag);
      if (className) { made.className = className; }
      if (parent) { parent.appendChild(made); }
      return made;
    }

    function icon(path, className) {
      var svg = document.createElementNS(SVG, "svg");
      svg.setAttribute("viewBox", look.iconBox);
      svg.setAttribute("aria-hidden", "true");
      if (className) { svg.setAttribute("class", className); }
      var shape = document.createElementNS(SVG, "path");
      shape.setAttribute("d", path);
      svg.appendChild(shape);
      return svg;
    }

    function button(parent, role, label, path) {
      var made = element("button", "atlas-time-" + role, parent);
      made.type = "button";
      made.title = label;
      made.setAttribute("aria-label", label);
      if (path) { made.appendChild(icon(path)); } else { made.textContent = label; }
      return made;
    }

    function addTimeControl() {
      var time = L.control({position: look.timePosition});
      time.onAdd = function () {
        var box = L.DomUtil.create("div", "atlas-time");
        box.setAttribute("role", "group");
        box.setAttribute("aria-label", text.date);
        var top = element("div", "atlas-time-top", box);
        control.date = element("output", "atlas-time-date", top);
        control.date.setAttribute("aria-live", "off");
        var buttons = element("div", "atlas-time-buttons", top);
        control.prev = button(buttons, "prev", text.prevEvent, look.icons.prevEvent);
        control.minus = button(buttons, "minus", text.minusDay, look.icons.minusDay);
        control.plus = button(buttons, "plus", text.plusDay, look.icons.plusDay);
        control.next = button(buttons, "next", text.nextEvent, look.icons.nextEvent);
        control.play = element("button", "atlas-time-play", buttons);
        control.play.type = "button";
        control.play.setAttribute("aria-pressed", "false");
        control.play.appendChild(icon(look.icons.play, "atlas-icon-play"));
        control.play.appendChild(icon(look.icons.pause, "atlas-icon-pause"));
        control.playText = element("span", "atlas-time-play-text", control.play);
        control.playText.textContent = text.play;
        control.play.setAttribute("aria-label", text.play);
        control.slider = element("input", "atlas-time-slider", box);
        control.slider.type = "range";
        control.slider.min = "0";
        control.slider.max = String(last);
        control.slider.step = "1";
        control.slider.setAttribute("aria-label", text.date);
        L.DomEvent.disableClickPropagation(box);
        L.DomEvent.disableScrollPropagation(box);
        L.DomEvent.on(box, "keydown", L.DomEvent.stopPropagation);  // not the map's keys
        return box;
      };
      time.addTo(map);
      control.slider.addEventListener("input", function () {
        if (timer) { play(false, false); }
        requestFrame(Number(control.slider.value));
      });
      control.slider.addEventListener("change", function () {  // released, or a key
        requestFrame(Number(control.slider.value));
        settle(look.settleAfterMs.release);
      });
      control.minus.addEventListener("click", function () { step(indexOf(current) - 1); });
      control.plus.addEventListener("click", function () { step(indexOf(current) + 1); });
      control.prev.addEventListener("click", function () {
        var before = eventDates.filter(function (d) { return d < current; });
        if (before.length) { step(indexOf(before[before.length - 1])); }
      });
      control.next.addEventListener("click", function () {
        var after = eventDates.filter(function (d) { return d > current; });
        if (after.length) { step(indexOf(after[0])); }
      });
      control.play.addEventListener("click", function () { play(!timer, true); });
    }

    function requestFrame(i) {  // a drag draws once per animation frame, the latest value
      pending = i;
      if (frame !== null) { return; }
      frame = requestAnimationFrame(function () {
        frame = null;
        show(pending, "drag");
      });
    }

    function step(i) {
      if (timer) { play(false, false); }
      show(i, "step");
      settle(look.settleAfterMs.step);
    }

    function settle(delay) {  // tell the page once the user has stopped
      clearTimeout(settleTimer);
      settleTimer = setTimeout(function () { emit("atlas:settle", current, "user"); }, delay);
    }

    function play(on, report) {
      if (timer) { clearInterval(timer); timer = null; }
      control.play.setAttribute("aria-pressed", String(on));
      control.playText.textContent = on ? text.pause : text.play;
      control.play.setAttribute("aria-label", on ? text.pause : text.play);
      if (!on) {
        if (report) { settle(0); }
        return;
      }
      if (indexOf(current) >= last) { show(0, "play"); }
      timer = setInterval(function () {
        show(indexOf(current) + playStep, "play");
        if (indexOf(current) >= last) { play(false, true); }
      }, look.playIntervalMs);
    }

    // ---------------------------------------------------------- the date

    function show(i, source) {
      i = Math.max(0, Math.min(last, i));
      var iso = isoOf(i);
      if (iso === current && source !== "layers") { return; }
      current = iso;
      control.slider.value = String(i);
      control.slider.setAttribute("aria-valuetext", spoken(iso));
      control.date.textContent = spoken(iso);
      drawRecords(iso);
      drawEvents(nearby(iso));
      drawLegend(iso);
      if (source === "drag" || source === "play") { window.atlasLib.quiet(map, look.quietMs); }
      window.atlasLib.declutter(map);
      control.prev.disabled = !(eventDates[0] < iso);
      control.next.disabled = !(eventDates[eventDates.length - 1] > iso);
      emit("atlas:date", iso, source);
    }

    // ---------------------------------------------------------- start

    data.layers.forEach(function (layer) { enabled[layer.id] = layer.visible; });
    enabled.events = Boolean(data.eventsVisible);
    if (options.layers) {
      Object.keys(enabled).forEach(function (id) { enabled[id] = options.layers.indexOf(id) >= 0; });
    }
    if (options.playStep) { playStep = options.playStep; }
    data.records.forEach(function (record) {
      items.push({record: record, groups: [], state: null});
    });
    setExtra(options.extra);
    data.events.forEach(function (e) {
      if (eventDates.indexOf(e.date) < 0) { eventDates.push(e.date); }
    });
    eventDates.sort();
    addTimeControl();
    addLegend();
    var first = options.date ? indexOf(options.date) : NaN;
    show(first >= 0 && first <= last ? first : indexOf(data.initial), "start");

    return {
      map: map,
      date: function () { return current; },
      spoken: spoken,
      setDate: function (iso) { show(indexOf(iso), "page"); },
      // Which layers are drawn (ids; "events" for the event markers).
      setLayers: function (ids) {
        Object.keys(enabled).forEach(function (id) { enabled[id] = ids.indexOf(id) >= 0; });
        ids.forEach(function (id) { enabled[id] = true; });
        show(indexOf(current), "layers");
      },
      setPlayStep: function (days) { playStep = days; },
      // Records of the session's own layers (uploads), drawn with the others.
      setExtra: function (extra) {
        setExtra(extra);
        show(indexOf(current), "layers");
      },
      playing: function () { return timer !== null; },
      // The events on and around the date, nearest first (ids, texts, day offsets).
      nearby: function () { return nearby(current); },
      // What is drawn on the date: record ids (a territory's name is "<id>:name") and
      // "event:<id>" for each event marker (for tests and scripts).
      drawnIds: function () {
        var ids = items.filter(function (item) { return item.state !== null; })
          .map(function (item) { return item.record.id; });
        if (enabled.events) {
          nearby(current).forEach(function (e) { ids.push("event:" + e.id); });
        }
        return ids;
      }
    };
  }

  // Start the engine on ``map`` with its data: inline (the id of a JSON script element) or
  // at a URL (gzipped JSON where the browser can inflate it, else plain JSON beside it).
  // The page's engine is also window.atlasEngine (for tests and scripts).
  function start(map, source, options) {
    var loaded;
    options = L.extend({}, options || {});
    if (options.fromWindow) { options = L.extend(options, window[options.fromWindow] || {}); }
    if (options.dateFromHash) { options.date = location.hash.slice(1); }
    if (source.element) {
      loaded = Promise.resolve(JSON.parse(document.getElementById(source.element).textContent));
    } else {
      loaded = fetchJson(source.url);
    }
    map.atlasEngine = loaded.then(function (data) {
      var engine = create(map, data, options);
      window.atlasEngine = engine;
      return engine;
    });
    return map.atlasEngine;
  }

  function fetchJson(url) {
    var inflates = typeof DecompressionStream === "function";
    var source = inflates ? url : url.replace(/\.gz$/, "");
    return fetch(source).then(function (response) {
      if (!response.ok) { throw new Error("atlas data: " + response.status + " " + source); }
      if (!inflates || !/\.gz$/.test(source)) { return response.json(); }
      var stream = response.body.pipeThrough(new DecompressionStream("gzip"));
      return new Response(stream).json();
    });
  }

  return {create: create, start: start};
})();
