"""The web map on any screen: what changes on a narrow map (a phone), tooltips that wrap, popups kept clear.

Below :data:`NARROW_PX` map pixels the legend starts closed (a "Legend" button), the layer list
collapses into its button, and the map is fitted to its whole width. Tooltips wrap within half the
map's width, so they fit whichever side of the pointer Leaflet puts them; popups are never wider
than the map, and while one is open any control it would slide under is closed (and reopened after).
"""
from __future__ import annotations

#: A map narrower than this (CSS pixels) is "narrow": legend and layer list start collapsed.
NARROW_PX = 600

SCREEN_CSS = """<style>
.leaflet-tooltip { white-space: normal; width: max-content; max-width: min(280px, 46vw);
  overflow-wrap: anywhere; }
.leaflet-popup-content { overflow-wrap: anywhere; max-width: calc(100vw - 90px); }
.thmaps-legend details > summary { cursor: pointer; font-weight: bold; }
.thmaps-legend details[open] > summary { margin-bottom: 4px; }
.thmaps-legend { max-height: calc(100vh - 90px); overflow-y: auto; overscroll-behavior: contain; }
.thmaps-note { background: rgba(255,255,255,.95); padding: 5px 8px; border-radius: 4px; max-width: 260px;
  box-shadow: 0 0 4px rgba(0,0,0,.3); font-size: 12px; }
.thmaps-focus-label { font-weight: bold; border: 1.5px solid #d7301f; }
.thmaps-sr { position: absolute; width: 1px; height: 1px; margin: -1px; overflow: hidden; clip: rect(0 0 0 0);
  white-space: nowrap; border: 0; padding: 0; }
.thmaps-measure { position: absolute; visibility: hidden; left: 0; top: 0; }
.thmaps-measure > div { position: absolute; white-space: nowrap; }
.thmaps-label.ward { font-weight: normal; font-style: italic; font-size: 10.5px; color: #1a1a1a; }
.thmaps-label.ward.s { font-weight: bold; font-size: 12px; }
.thmaps-label.locality.s { font-size: 14px; }
.leaflet-control-layers-toggle:focus, .thmaps-legend summary:focus { outline: 2px solid #1a56db; }
@media (max-width: 599px) {
  .thmaps-legend { max-width: calc(100vw - 30px); font-size: 11px; }
  .thmaps-note { max-width: calc(100vw - 80px); font-size: 11px; }
  .leaflet-control-attribution { max-width: 100%; font-size: 9px; }
}
</style>"""

SCREEN_JS = """<script>
function thmapsNarrow(map) { return map.getSize().x < __NARROW__; }
function thmapsPopupOptions() {
    var width = document.documentElement.clientWidth || 400;
    return {maxWidth: Math.max(160, Math.min(320, width - 70)), autoPanPadding: [10, 10]};
}
function thmapsFitControls(map, layers) {
    // The legend (bottom right) scrolls within the room the layer list (top right) leaves it.
    function fit() {
        var legend = map.thmapsLegend && map.thmapsLegend.getContainer();
        if (!legend) { return; }
        // The legend is anchored at its bottom (above the attribution): its top must stay below the list.
        var list = layers.getContainer().getBoundingClientRect(), bottom = legend.getBoundingClientRect().bottom;
        legend.style.maxHeight = Math.max(80, bottom - list.bottom - 26) + "px";
    }
    fit();
    map.on("resize", fit);
    L.DomEvent.on(layers.getContainer(), "mouseenter mouseleave click", function () { setTimeout(fit, 0); });
    map.on("click", function () { setTimeout(fit, 0); });
}
function thmapsPopupRoom(map, layers) {
    // Controls sit above the map's panes: close the ones an open popup would slide under.
    var closed = [];
    function overlaps(a, b) { return !(a.right < b.left || b.right < a.left || a.bottom < b.top || b.bottom < a.top); }
    map.on("popupopen", function (e) {
        var box = e.popup.getElement().getBoundingClientRect();
        var list = layers.getContainer();
        if (L.DomUtil.hasClass(list, "leaflet-control-layers-expanded") && overlaps(box, list.getBoundingClientRect())) {
            layers.collapse(); closed.push(function () { if (!layers.options.collapsed) { layers.expand(); } });
        }
        var legend = map.thmapsLegend && map.thmapsLegend.getContainer().querySelector("details");
        if (legend && legend.open && overlaps(box, legend.getBoundingClientRect())) {
            legend.open = false; closed.push(function () { legend.open = true; });
        }
    });
    map.on("popupclose", function () { while (closed.length) { closed.pop()(); } });
}
</script>"""


def screen_js() -> str:
    """The helpers the map's elements call (narrow test, popup options, popup room), with the breakpoint."""
    return SCREEN_JS.replace("__NARROW__", str(NARROW_PX))
