"""What else changes when annotations, speakers or places change: the pages of the articles
that show them (their revision, hence ETag and cached rendering), their search vectors, and the
whole pages kept for anonymous readers (any change to the app's rows retires them)."""

from django.db.models.signals import m2m_changed, post_delete, post_save, pre_delete

from . import pagecache
from .models import Author, Place, PlaceMention, Quote, Speaker, touch_articles


def _span_changed(sender, instance, **kwargs):
    touch_articles([instance.article_id])


def _articles_showing(instance) -> set[int]:
    if isinstance(instance, Author):
        return set(instance.articles.values_list("pk", flat=True))
    ids = set(instance.quotes.values_list("article_id", flat=True))
    if isinstance(instance, Place):
        ids |= set(instance.mentions.values_list("article_id", flat=True))
    return ids


def _name_changed(sender, instance, created=False, **kwargs):
    """A renamed or deleted speaker, place or author: the articles that show the name. (Their
    deletion unlinks by bulk update, which sends no signal of its own.)"""
    if not created:
        touch_articles(_articles_showing(instance))


def _row_changed(sender, using=None, **kwargs):
    if sender._meta.app_label == "articles":
        pagecache.changed(using)


def connect():
    for name, signal in [("saved", post_save), ("deleted", post_delete), ("m2m", m2m_changed)]:
        signal.connect(_row_changed, dispatch_uid=f"pages-row-{name}")
    for model in (Quote, PlaceMention):
        post_save.connect(_span_changed, sender=model, dispatch_uid=f"span-saved-{model.__name__}")
        post_delete.connect(
            _span_changed, sender=model, dispatch_uid=f"span-deleted-{model.__name__}"
        )
    for model in (Speaker, Place, Author):
        post_save.connect(_name_changed, sender=model, dispatch_uid=f"name-{model.__name__}")
        pre_delete.connect(_name_changed, sender=model, dispatch_uid=f"gone-{model.__name__}")
