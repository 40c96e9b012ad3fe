// The upload widget in the page's language (pages/3_Data.py). Streamlit writes its button and
// its file input's label in English; the page's CSS shows the translated text in their place,
// and this gives the button and the input their names in the page's language (what a screen
// reader says). Re-applied whenever Streamlit redraws the widget.
window.atlasLocaliseUploader = function (texts) {
  window.atlasUploaderTexts = texts;
  function apply() {
    var names = window.atlasUploaderTexts;
    var zones = document.querySelectorAll('[data-testid="stFileUploaderDropzone"]');
    zones.forEach(function (zone) {
      var button = zone.querySelector("button");
      var input = zone.querySelector('input[type="file"]');
      if (button && button.getAttribute("aria-label") !== names.button) {
        button.setAttribute("aria-label", names.button);
      }
      if (input && input.getAttribute("aria-label") !== names.input) {
        input.setAttribute("aria-label", names.input);
      }
    });
  }
  if (!window.atlasUploaderObserver) {
    window.atlasUploaderObserver = new MutationObserver(apply);
    window.atlasUploaderObserver.observe(document.body, { childList: true, subtree: true });
  }
  apply();
};
