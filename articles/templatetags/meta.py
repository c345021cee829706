"""What a page says about itself to search engines, link previews and reference managers:
``{% canonical_url %}`` and ``{{ data|ld_json }}``."""

import json

from django import template
from django.utils.html import format_html
from django.utils.safestring import SafeString

from articles import presenters

register = template.Library()

# As ``json_script`` escapes: no "</script>", "<!--" or "&" can end or change the element.
_ESCAPES = {ord(">"): "\\u003E", ord("<"): "\\u003C", ord("&"): "\\u0026"}


@register.simple_tag(takes_context=True)
def canonical_url(context: template.Context) -> str:
    """This page's absolute URL without its query string: one address per page, whatever the
    filters or the page number a link carried."""
    request = context["request"]
    return request.build_absolute_uri(request.path)


@register.filter
def ld_json(data: object) -> SafeString:
    """``data`` as a JSON-LD block (``<script type="application/ld+json">``), which browsers
    never run, so the page's Content-Security-Policy need not allow it."""
    text = json.dumps(data, ensure_ascii=False, separators=(",", ":")).translate(_ESCAPES)
    return format_html('<script type="application/ld+json">{}</script>', SafeString(text))


@register.simple_tag(takes_context=True)
def news_article_ld(context: template.Context, article) -> SafeString:
    """The article's schema.org ``NewsArticle`` block, its URL absolute."""
    url = context["request"].build_absolute_uri(article.get_absolute_url())
    return ld_json(presenters.news_article(article, url))
