"""``{% map_sources %}``: where a map's background comes from, as its container's attributes:
the tile server's URL template (none with ``MAP_TILES=off``) and the vendored country outlines."""

from django import template
from django.conf import settings
from django.templatetags.static import static
from django.utils.html import format_html
from django.utils.safestring import SafeString

register = template.Library()

OUTLINES = "vendor/world-atlas/countries-50m.json"


@register.simple_tag
def map_sources() -> SafeString:
    return format_html('data-outlines="{}" data-tiles="{}"', static(OUTLINES), settings.MAP_TILES)
