"""The web map's accessibility and units: its frame's title, a scale bar in kilometres only.

The script is a package resource (``layers/web/map_access.js``) run once when the map mounts.
"""

from __future__ import annotations

from pathlib import Path

from branca.element import MacroElement
from folium.template import Template

from layers.eventtext import script_json

SCRIPT = Path(__file__).resolve().parent / "web" / "map_access.js"


class MapAccess(MacroElement):
    """Titles the map (its frame and its container) and adds a metric-only scale bar."""

    _template = Template(
        """
{% macro script(this, kwargs) %}
{{ this.library }}
window.atlasMapAccess({{ this._parent.get_name() }}, {{ this.options_json }});
{% endmacro %}
"""
    )

    def __init__(self, title: str) -> None:
        """``title``: plain text (it is set as an attribute, never parsed as HTML)."""
        super().__init__()
        self._name = "MapAccess"
        self.library = SCRIPT.read_text(encoding="utf-8")
        self.options_json = script_json({"title": title})
