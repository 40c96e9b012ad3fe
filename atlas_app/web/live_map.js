// The app's live map: a Streamlit custom component (v2, no iframe) that hosts the map engine
// (layers/web/engine.js) on the folium map the server rendered once per language and base
// (atlas_app/livemap.py). The engine draws every date in the browser; this host only
//   - mounts the map once (Leaflet, the map's CSS, its <div> and its script) and keeps it
//     across reruns, so zoom and centre stay; the script and the data it fetches are asked
//     for while Leaflet loads (preloads), so a first visit waits for one round of fetches;
//   - hands the engine the server's date when the server moved it (event picker, links),
//     never a date the server is only echoing back from the map;
//   - tells the server the date once the user has released the slider or paused
//     ("atlas:settle", a trigger value), and the view after each move (a state value);
//   - says which uploads it holds (a state value, "extra": their key), so the server sends
//     them once per map and then only their key.
const mounted = new WeakMap();  // component element -> its live map
const loads = {};  // URL -> promise: Leaflet is loaded once per page
const preloaded = new Set();  // URLs asked for ahead of their use

function load(url, kind) {
  if (!loads[url]) {
    loads[url] = new Promise((resolve, reject) => {
      const tag = document.createElement(kind === "css" ? "link" : "script");
      if (kind === "css") { tag.rel = "stylesheet"; tag.href = url; } else { tag.src = url; }
      tag.onload = resolve;
      tag.onerror = () => reject(new Error("cannot load " + url));
      document.head.appendChild(tag);
    });
  }
  return loads[url];
}

function preload(url, as) {  // fetched now, used when the map's script asks for it
  if (preloaded.has(url)) { return; }
  preloaded.add(url);
  const link = document.createElement("link");
  link.rel = "preload";
  link.as = as;
  link.href = url;
  if (as === "fetch") { link.crossOrigin = "anonymous"; }  // as fetch() asks for it
  document.head.appendChild(link);
}

function run(mount) {  // the map's script: served (a file per language and base) or inline
  return new Promise((resolve, reject) => {
    const tag = document.createElement("script");
    if (mount.scriptUrl) {
      tag.src = mount.scriptUrl;
      tag.onload = resolve;
      tag.onerror = () => reject(new Error("cannot load " + mount.scriptUrl));
    } else {
      tag.textContent = mount.script;
    }
    document.head.appendChild(tag);
    tag.remove();
    if (!mount.scriptUrl) { resolve(); }
  });
}

function viewOf(map) {
  const c = map.getCenter(), b = map.getBounds();
  return {
    center: {lat: c.lat, lng: c.lng},
    zoom: map.getZoom(),
    bounds: {_southWest: {lat: b.getSouth(), lng: b.getWest()},
             _northEast: {lat: b.getNorth(), lng: b.getEast()}},
  };
}

function mount(root, data, setTriggerValue, setStateValue) {
  const live = {key: data.mount.key, serverDate: data.date, echoes: [], engine: null};
  const box = document.createElement("div");
  box.className = "folium-map";
  box.id = data.mount.mapName;
  root.replaceChildren(box);
  if (data.mount.css) {  // nothing served: the map's CSS comes with the page
    const style = document.createElement("style");
    style.textContent = data.mount.css;
    root.prepend(style);
  }
  if (data.mount.data) {
    const json = document.createElement("script");
    json.type = "application/json";
    json.id = data.mount.dataId;
    json.textContent = data.mount.data;
    root.appendChild(json);
  }
  const extra = held(data.extra);
  window[data.mount.start] = {
    date: data.date, layers: data.layers, playStep: data.playStep, extra: extra,
  };
  live.extra = extra ? extra.key : null;
  // The map's script and the data it fetches come while Leaflet loads, not after it.
  if (data.mount.scriptUrl) { preload(data.mount.scriptUrl, "script"); }
  // (gzipped where the browser can inflate it, else the plain copy beside it, as the
  // engine and the store ask for them)
  const inflates = typeof DecompressionStream === "function";
  data.mount.fetches.forEach((url) => preload(inflates ? url : url.replace(/[.]gz$/, ""), "fetch"));
  const styles = [load(data.mount.leaflet + "/leaflet.css", "css")];
  if (data.mount.cssUrl) { styles.push(load(data.mount.cssUrl, "css")); }
  live.ready = Promise.all(styles.concat([load(data.mount.leaflet + "/leaflet.js", "js")]))
    .then(() => run(data.mount))
    .then(() => window[data.mount.mapName].atlasEngine)
    .then((engine) => {
      const map = engine.map;
      live.engine = engine;
      live.map = map;
      if (data.view) { map.setView([data.view[0], data.view[1]], data.view[2], {animate: false}); }
      map.getContainer().addEventListener("atlas:settle", (e) => {
        live.echoes.push(e.detail.date);
        setTriggerValue("date", e.detail.date);
      });
      let moved = null;
      map.on("moveend", () => {
        clearTimeout(moved);
        moved = setTimeout(() => setStateValue("view", viewOf(map)), 250);
      });
      setStateValue("view", viewOf(map));
      setStateValue("extra", live.extra);  // none held: the server sends them whole
      return engine;
    });
  live.remove = () => {
    if (live.map) { live.map.remove(); }
    root.replaceChildren();
  };
  return live;
}

// The session's uploads as sent: whole (records and legend), or only their key once the
// map has said it holds them; null when there are none or only a key this map lacks.
function held(extra) {
  return extra && extra.records ? extra : null;
}

function update(live, data, setStateValue) {
  const engine = live.engine;
  engine.setPlayStep(data.playStep);
  const extra = data.extra ? data.extra.key : null;
  if (extra !== live.extra) {  // the session's uploads changed, or this map lacks them
    const whole = held(data.extra);
    if (whole || !extra) {
      engine.setExtra(whole);
      live.extra = extra;
    }
    setStateValue("extra", live.extra);
  }
  const layers = data.layers.join();
  if (layers !== live.layers) {
    if (live.layers !== undefined) { engine.setLayers(data.layers); }
    live.layers = layers;
  }
  if (data.date !== live.serverDate) {
    live.serverDate = data.date;
    const echo = live.echoes.indexOf(data.date);
    if (echo >= 0) {
      live.echoes.splice(0, echo + 1);  // the server caught up with the map: nothing to do
    } else if (data.date !== engine.date() && !engine.playing()) {
      engine.setDate(data.date);  // the server moved the date (event picker, a link)
    }
  }
}

export default function (component) {
  const {parentElement, data, setTriggerValue, setStateValue} = component;
  const root = parentElement.querySelector(".atlas-live");
  let live = mounted.get(root);
  if (!live || live.key !== data.mount.key) {
    if (live) { live.remove(); }
    live = mount(root, data, setTriggerValue, setStateValue);
    mounted.set(root, live);
  }
  live.ready.then(() => update(live, data, setStateValue));
  return () => {
    live.remove();
    mounted.delete(root);
  };
}
