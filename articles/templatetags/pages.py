"""``{% page_url key number %}``: this page's URL with one paginator moved, the others kept."""

from django import template

register = template.Library()


@register.simple_tag(takes_context=True)
def page_url(context: template.Context, key: str, number: int) -> str:
    query = context["request"].GET.copy()
    query[key] = str(number)
    return "?" + query.urlencode()
