window.atlasLib = window.atlasLib || (function () {
  var stores = {};
  function line(steps, scale) {  // layers/geometry_codec.py: integer steps to positions
    var positions = new Array(steps.length / 2), x = 0, y = 0;
    for (var i = 0, j = 0; i < steps.length; i += 2, j++) {
      x += steps[i]; y += steps[i + 1];
      positions[j] = [x / scale, y / scale];
    }
    return positions;
  }
  function decode(g, scale) {
    var rings = function (r) { return r.map(function (s) { return line(s, scale); }); };
    var c = g.c, coordinates;
    if (g.t === "Point") { coordinates = [c[0] / scale, c[1] / scale]; }
    else if (g.t === "LineString") { coordinates = line(c, scale); }
    else if (g.t === "MultiPolygon") { coordinates = c.map(rings); }
    else { coordinates = rings(c); }  // Polygon, MultiLineString
    return {type: g.t, coordinates: coordinates};
  }
  // The store is gzipped once on the server (layers/render.py geometry_bundle); a browser
  // that cannot inflate it fetches the plain copy beside it (the name without ".gz").
  var inflates = typeof DecompressionStream === "function";
  var hatchDefs = null;
  function hatch(item, s) {  // an SVG pattern over the fill (layers/style.py SVG_HATCHES)
    var template = HATCHES[s.hatch];
    if (!template || !item._path) { return; }
    var id = ["atlas-hatch", s.hatch, s.fillColor, s.color, s.fillOpacity].join("-")
      .replace(/[^A-Za-z0-9-]/g, "");
    if (!document.getElementById(id)) {
      if (!hatchDefs) {
        var svg = document.createElementNS("http://www.w3.org/2000/svg", "svg");
        svg.setAttribute("width", "0"); svg.setAttribute("height", "0");
        svg.setAttribute("aria-hidden", "true");
        svg.style.position = "absolute";
        hatchDefs = document.createElementNS("http://www.w3.org/2000/svg", "defs");
        svg.appendChild(hatchDefs);
        document.body.appendChild(svg);
      }
      hatchDefs.insertAdjacentHTML("beforeend", template.replace(/\{id\}/g, id)
        .replace(/\{fill\}/g, s.fillColor).replace(/\{stroke\}/g, s.color)
        .replace(/\{opacity\}/g, String(s.fillOpacity)));
    }
    item._path.setAttribute("fill", "url(#" + id + ")");
    item._path.setAttribute("fill-opacity", "1");
  }
  // A store is an overview (layers/render.py geometry_bundle): the shapes drawn up to its
  // coarseZoom, and the name of its detail file, fetched when the page is idle or once the
  // map is zoomed in beyond coarseZoom (the overview copies stand in until it arrives).
  // One fetch per file; each geometry decoded when first drawn.
  function fetchJson(url) {
    var source = inflates ? url : url.replace(/[.]gz$/, "");
    return fetch(source).then(function (r) {
      if (!r.ok) { throw new Error(source + ": HTTP " + r.status); }
      if (!inflates) { return r.json(); }
      return new Response(r.body.pipeThrough(new DecompressionStream("gzip"))).json();
    });
  }
  function store(url) {
    stores[url] = stores[url] || fetchJson(url).then(function (data) {
      var decoded = {fine: {}, coarse: {}}, copies = data.coarse, full = data.geometries;
      var detail = null, detailed = !data.detail;
      function more() {  // the full shapes of those with an overview copy
        if (!detail) {
          detail = fetchJson(new URL(data.detail, new URL(url, document.baseURI)).href)
            .then(function (found) {
              Object.assign(full, found.geometries);
              detailed = true;
            });
        }
        return detail;
      }
      if (!detailed) { whenIdle(more); }
      return {
        // the overview copies at the map's zoom: up to coarseZoom, or until the detail came
        coarseAt: function (map) { return map.getZoom() <= data.coarseZoom || !detailed; },
        // the detail's arrival, when the map's zoom wants it and it has not come yet
        awaited: function (map) {
          return map.getZoom() > data.coarseZoom && !detailed ? more() : null;
        },
        get: function (id, coarse) {
          var kind = coarse && copies[id] ? "coarse" : "fine";
          if (!(id in decoded[kind])) {
            var g = kind === "coarse" ? copies[id] : full[id];
            decoded[kind][id] = g ? decode(g, data.scale) : null;
          }
          return decoded[kind][id];
        }
      };
    });
    return stores[url];
  }
  function whenIdle(task) {
    if (window.requestIdleCallback) { requestIdleCallback(task, {timeout: 3000}); }
    else { setTimeout(task, 1000); }
  }
  // Popups kept apart from the map's data (layers/engine_data.py split_popups): a list of
  // HTML texts, escaped in Python, fetched when the page is idle or at the first click;
  // a feature names its texts by index ("pp"), an event marker several (listed with "pw").
  function popups(url, waiting) {
    var texts = null, asked = null;
    function load() {
      asked = asked || fetchJson(url).then(function (found) { texts = found; });
      return asked;
    }
    whenIdle(load);
    return function (p, item) {
      if (texts === null) {
        load().then(function () { if (item.isPopupOpen()) { item.getPopup().update(); } });
        return waiting;
      }
      var html = [].concat(p.pp).map(function (k) { return texts[k]; }).join("");
      return p.pw ? '<div class="atlas-event-list">' + html + "</div>" : html;
    };
  }
  function make(map, features, o) {
    if (o.pane && !map.getPane(o.pane)) { map.createPane(o.pane).style.zIndex = o.z; }
    if (!map.getPane("atlas-names")) {  // territory names: above areas, below lines and dots
      var names = map.createPane("atlas-names");
      names.style.zIndex = 415;
      names.style.pointerEvents = "none";
    }
    var pane = o.pane || "overlayPane";
    var layer = L.geoJSON(null, {
      interactive: o.interactive,
      pane: pane,
      style: function (f) { return f.properties.s; },
      pointToLayer: function (f, latlng) {
        var p = f.properties;
        if (p.n) {  // a territory's name at its label point
          var name = L.divIcon({html: "<span>" + p.n + "</span>", iconSize: null,
                                className: "atlas-area-label " + (p.nc || "")});
          return L.marker(latlng, {icon: name, interactive: false, keyboard: false,
                                   pane: "atlas-names"});
        }
        if (p.h) {
          var icon = L.divIcon({html: p.h, className: "atlas-arrow",
                                iconSize: [p.z, p.z], iconAnchor: [p.z / 2, 0]});
          return L.marker(latlng, {icon: icon, interactive: false, keyboard: false});
        }
        return L.circleMarker(latlng, L.extend({radius: p.r || 5, pane: pane}, p.s));
      },
      onEachFeature: function (f, item) {
        var p = f.properties;
        if (p.s && p.s.hatch) {
          item.on("add", function () { hatch(item, p.s); });
        }
        if (p.l) {
          item.bindTooltip(p.l, {permanent: true, direction: "right", offset: [5, 0],
                                 className: "atlas-label " + (p.lc || "")});
        } else if (p.t) {
          item.bindTooltip(p.t, {sticky: true});
        }
        if (p.p) { item.bindPopup(p.p, {maxWidth: 380}); }
        else if (p.pp !== undefined && o.popups) {
          item.bindPopup(function () { return o.popups(p, item); }, {maxWidth: 380});
        }
      }
    });
    var stored = null, coarse = false;
    function awaitDetail() {
      var arrival = stored !== null && stored.awaited(map);
      if (arrival) { arrival.then(refill); }
    }
    function fill() {
      coarse = stored !== null && stored.coarseAt(map);
      awaitDetail();
      features.forEach(function (f) {
        var geometry = f.geometry || (stored && stored.get(f.properties.g, coarse));
        if (geometry) {
          layer.addData({type: "Feature", geometry: geometry, properties: f.properties});
        }
      });
    }
    function refill() {  // the zoom crossed the store's overview limit: the other copies
      if (stored === null) { return; }
      if (stored.coarseAt(map) === coarse) { awaitDetail(); return; }
      layer.clearLayers();
      fill();
      declutterSoon(map);
    }
    if (o.url) {
      store(o.url).then(function (found) {
        stored = found;
        fill();
        if (layer._map) { declutterSoon(layer._map); }
      });
    } else { fill(); }
    layer.on("add", function () {
      map.on("zoomend", refill);
      refill();
      declutterSoon(map);
    });
    layer.on("remove", function () { map.off("zoomend", refill); });
    return layer;
  }
  function reconcile(map) {
    var cache = map.atlasCache;
    if (cache.queued) { return; }
    cache.queued = true;
    Promise.resolve().then(function () {  // after all groups of this update came and went
      cache.queued = false;
      var idle = [];
      Object.keys(cache.entries).forEach(function (sig) {
        var entry = cache.entries[sig], shown = map.hasLayer(entry.layer);
        if (entry.wanted > 0 && !shown) { entry.layer.addTo(map); }
        if (entry.wanted <= 0) {
          if (shown) { map.removeLayer(entry.layer); }
          idle.push(sig);
        }
      });
      idle.sort(function (a, b) { return cache.entries[a].used - cache.entries[b].used; });
      idle.slice(0, Math.max(0, idle.length - 100)).forEach(function (sig) {
        delete cache.entries[sig];
      });
    });
  }
  function draw(parent, features, o) {
    if (!(parent instanceof L.LayerGroup)) { make(parent, features, o).addTo(parent); return; }
    var map = null, entry = null;
    function shown() {
      map = parent._map;
      var cache = map.atlasCache = map.atlasCache || {entries: {}, clock: 0, queued: false};
      entry = cache.entries[o.sig];
      if (!entry) { entry = cache.entries[o.sig] = {layer: make(map, features, o), wanted: 0}; }
      entry.wanted += 1;
      entry.used = ++cache.clock;
      reconcile(map);
    }
    parent.on("add", shown);
    parent.on("remove", function () {
      if (entry) { entry.wanted -= 1; reconcile(map); }
    });
    if (parent._map) { shown(); }
  }
  // Labels that collide. City labels (tooltips) are placed first, biggest cities first, to
  // the right of their dot or else to the left; a label that fits nowhere is hidden with its
  // dot. Territory names then take the first free spot near their label point; a rank-1 name
  // that finds none stays, and hides the smaller city labels under it.
  function boxOf(el, pad) {
    var r = el.getBoundingClientRect();
    pad = pad || 0;
    return {l: r.left - pad, t: r.top - pad, r: r.right + pad, b: r.bottom + pad};
  }
  function hits(a, boxes) {
    for (var i = 0; i < boxes.length; i++) {
      var b = boxes[i];
      if (a.l < b.r && b.l < a.r && a.t < b.b && b.t < a.b) { return i; }
    }
    return -1;
  }
  function shownEl(el) { return el && el.offsetParent !== null; }
  function declutter(map) {
    var box = map.getContainer(), cities = [], dots = [];
    box.querySelectorAll(".atlas-hidden").forEach(function (el) {
      el.classList.remove("atlas-hidden");
    });
    map.eachLayer(function (item) {
      var tip = item.getTooltip && item.getTooltip();
      if (tip && tip.options.permanent && tip._container && item._path) {
        var rank = /atlas-rank-(\d)/.exec(tip.options.className || "");
        cities.push({item: item, tip: tip, rank: rank ? +rank[1] : 3});
      }
    });
    cities = cities.filter(function (c) { return shownEl(c.tip._container); });
    cities.sort(function (a, b) { return a.rank - b.rank; });
    cities.forEach(function (c) { dots.push(boxOf(c.item._path, 1)); });
    var markers = [];  // arrowheads and event markers: territory names keep clear of them
    box.querySelectorAll(".atlas-arrow, .leaflet-atlas-events-pane path").forEach(function (el) {
      markers.push(boxOf(el, 0));
    });
    var frame = boxOf(box, -2), placed = [];
    function inside(b) {
      return b.l >= frame.l && b.r <= frame.r && b.t >= frame.t && b.b <= frame.b;
    }
    function hide(c) {
      c.tip._container.classList.add("atlas-hidden");
      c.item._path.classList.add("atlas-hidden");
    }
    cities.forEach(function (c, i) {
      var others = dots.filter(function (d, j) { return j !== i; });
      var ok = false, tries = ["right", "left"];
      for (var k = 0; k < tries.length && !ok; k++) {
        if (c.tip.options.direction !== tries[k]) {
          c.tip.options.direction = tries[k];
          c.tip.options.offset = tries[k] === "left" ? [-5, 0] : [5, 0];
          c.tip.update();
        }
        var b = boxOf(c.tip._container, 0);
        ok = inside(b) && hits(b, placed) < 0 && hits(b, others) < 0;
        if (ok) { placed.push(b); c.box = b; }
      }
      if (!ok) { hide(c); }
    });
    var names = Array.prototype.slice.call(box.querySelectorAll(".atlas-area-label"));
    names = names.filter(shownEl).map(function (el) {
      var rank = /atlas-area-rank-(\d)/.exec(el.className);
      el.style.marginLeft = ""; el.style.marginTop = "";
      return {el: el, rank: rank ? +rank[1] : 3};
    });
    names.sort(function (a, b) { return a.rank - b.rank; });
    var steps = [[0, 0], [0, -16], [0, 16], [-40, 0], [40, 0], [0, -32], [0, 32],
                 [-40, -16], [40, 16], [-40, 16], [40, -16], [0, -48], [0, 48]];
    names.forEach(function (n) {
      var span = n.el.firstChild || n.el, free = null;
      for (var k = 0; k < steps.length && !free; k++) {
        n.el.style.marginLeft = steps[k][0] + "px"; n.el.style.marginTop = steps[k][1] + "px";
        var b = boxOf(span, 2);
        if (inside(b) && hits(b, placed) < 0 && hits(b, dots) < 0 && hits(b, markers) < 0) {
          free = b;
        }
      }
      if (!free && n.rank === 1) {  // a big territory keeps its name; small towns give way
        n.el.style.marginLeft = ""; n.el.style.marginTop = "";
        var b0 = boxOf(span, 2);
        var firm = names.filter(function (m) { return m.box; }).map(function (m) { return m.box; })
          .concat(cities.filter(function (c) { return c.rank === 1 && c.box; })
                        .map(function (c) { return c.box; }));
        if (inside(b0) && hits(b0, firm) < 0) {
          free = b0;
          cities.forEach(function (c) {
            if (c.rank > 1 && c.box && hits(c.box, [free]) >= 0) { hide(c); }
          });
        }
      }
      if (free) { placed.push(free); n.box = free; } else { n.el.classList.add("atlas-hidden"); }
    });
  }
  // Events outside the view: a pointer at the edge of the map, towards each; a click on it
  // brings the event into view and opens its popup.
  function offMap(map) {
    var edge = map.atlasEdge = map.atlasEdge || L.layerGroup().addTo(map);
    edge.clearLayers();
    var size = map.getSize(), margin = 14, centre = size.divideBy(2);
    map.eachLayer(function (item) {
      if (!(item instanceof L.CircleMarker) || item.options.pane !== "atlas-events") { return; }
      var p = map.latLngToContainerPoint(item.getLatLng());
      if (p.x >= 0 && p.y >= 0 && p.x <= size.x && p.y <= size.y) { return; }
      var dx = p.x - centre.x, dy = p.y - centre.y;
      var k = Math.min(Math.abs((centre.x - margin) / (dx || 1e-9)),
                       Math.abs((centre.y - margin) / (dy || 1e-9)));
      var at = L.point(centre.x + dx * k, centre.y + dy * k);
      var angle = Math.atan2(dy, dx) * 180 / Math.PI + 90;
      var tip = item.getTooltip() ? item.getTooltip().getContent() : "";
      var icon = L.divIcon({className: "atlas-offmap", iconSize: [22, 22], iconAnchor: [11, 11],
        html: '<div style="transform:rotate(' + angle.toFixed(0) + 'deg)">' +
              '<svg width="22" height="22" viewBox="0 0 20 20"><path d="M10 1 L18 18 L10 13.5 ' +
              'L2 18 Z"/></svg></div>'});
      var label = document.createElement("div");
      label.innerHTML = tip;  // trusted: escaped in Python; its text names the pointer
      var pointer = L.marker(map.containerPointToLatLng(at), {
        icon: icon, pane: "atlas-events", keyboard: true,
        title: label.textContent || "\u2192", alt: label.textContent || "\u2192"
      });
      if (tip) { pointer.bindTooltip(tip, {direction: "auto"}); }
      pointer.on("click", function () {
        map.once("moveend", function () { item.openPopup(); });
        map.panTo(item.getLatLng());
      });
      edge.addLayer(pointer);
    });
  }
  // While the date moves (a drag, playback), placing labels is put off until it stops for
  // a moment: measuring every label's box each frame costs more than drawing the frame.
  function quiet(map, ms) { map.atlasQuietUntil = Date.now() + ms; }
  function declutterSoon(map) {
    if (!map || map.atlasDeclutter) { return; }
    var wait = (map.atlasQuietUntil || 0) - Date.now();
    if (wait > 0) {
      map.atlasDeclutter = setTimeout(function () {
        map.atlasDeclutter = null;
        declutterSoon(map);
      }, wait);
      return;
    }
    map.atlasDeclutter = requestAnimationFrame(function () {
      map.atlasDeclutter = null;
      declutter(map);
      offMap(map);
    });
  }
  // Maps of one page that pan and zoom together (the Compare page): each map is in its own
  // frame of the same origin, so they meet in the parent page's window.
  function sync(map) {
    var top;
    try { top = window.parent; void top.document; } catch (e) { return; }
    var alive = function (m) { return m.getContainer().ownerDocument.defaultView !== null; };
    top.atlasSynced = (top.atlasSynced || []).filter(function (m) {
      try { return alive(m); } catch (e) { return false; }
    });
    top.atlasSynced.push(map);
    map.on("move", function () {
      if (top.atlasSyncing || map.getSize().x === 0) { return; }
      top.atlasSyncing = true;
      try {
        var c = map.getCenter(), zoom = map.getZoom();
        top.atlasSynced.forEach(function (other) {
          if (other !== map && alive(other)) {
            other.setView([c.lat, c.lng], zoom, {animate: false});
          }
        });
      } finally { top.atlasSyncing = false; }
    });
  }
  // The first view: the whole region, fitted to the map's size once it has one (a map in a
  // frame that is still being laid out has none), and again when the frame changes size,
  // until the view is set otherwise (a link's view, the user's drag or zoom).
  function fit(map, region) {
    if (!region) { return; }
    var bounds = L.latLngBounds(region), fitting = false, placed = false;
    var setView = map.setView;
    map.setView = function () {
      if (!fitting) { placed = true; }
      return setView.apply(map, arguments);
    };
    map.on("dragstart", function () { placed = true; });
    function refit() {
      var size = map.getSize();
      if (placed || size.x === 0 || size.y === 0) { return; }
      fitting = true;
      try { map.fitBounds(bounds, {animate: false}); } finally { fitting = false; }
    }
    map.on("resize", refit);
    refit();
  }
  // A legend box folds by its title (a button: Enter and Space work too), at first on a
  // small map (under 640 x 560 px), and stays as the reader left it when the date changes.
  function legend(div, map) {
    var title = div.querySelector(".atlas-legend-title");
    if (!title) { return; }
    if (window.atlasLegendFolded === undefined) {
      var size = map.getSize();
      window.atlasLegendFolded = size.x < 640 || size.y < 560;
    }
    function fold() {
      div.classList.toggle("atlas-folded", window.atlasLegendFolded);
      title.setAttribute("aria-expanded", String(!window.atlasLegendFolded));
    }
    fold();
    L.DomEvent.on(title, "click", function () {
      window.atlasLegendFolded = !window.atlasLegendFolded;
      fold();
    });
  }
  return {draw: draw, declutter: declutterSoon, quiet: quiet, sync: sync, fit: fit,
          legend: legend, popups: popups};
})();
