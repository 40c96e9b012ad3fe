// The atlas map's accessibility and units (layers/map_access.py): a scale bar in kilometres
// only, and a real title for the frame the map is shown in (Streamlit names it after the
// component, "streamlit_folium.st_folium", which is what a screen reader would announce).
window.atlasMapAccess = function (map, options) {
  L.control.scale({ metric: true, imperial: false }).addTo(map);
  map.getContainer().setAttribute("aria-label", options.title);
  try {
    if (window.frameElement && window.frameElement.title !== options.title) {
      window.frameElement.title = options.title;
    }
  } catch (error) {
    // A frame of another origin keeps its title.
  }
};
