// The live map's component module, served as a file (atlas_app/livemap.py): loaded once. This
// loader runs from a blob: URL, so the module's path is made absolute against the page.
export default (component) =>
  import(new URL({{ url }}, document.baseURI).href).then((host) => host.default(component));
