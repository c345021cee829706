"""What else changes when annotations, speakers or places change: the pages of the articles
that show them (their revision, hence ETag and cached rendering) and their search vectors."""

from django.db.models.signals import post_delete, post_save

from .models import Place, PlaceMention, Quote, Speaker, touch_articles


def _span_changed(sender, instance, **kwargs):
    touch_articles([instance.article_id])


def _name_changed(sender, instance, created=False, **kwargs):
    if created:
        return
    related = instance.quotes if sender is Speaker else instance.mentions
    touch_articles(set(related.values_list("article_id", flat=True)))


def connect():
    for model in (Quote, PlaceMention):
        post_save.connect(_span_changed, sender=model, dispatch_uid=f"span-saved-{model.__name__}")
        post_delete.connect(
            _span_changed, sender=model, dispatch_uid=f"span-deleted-{model.__name__}"
        )
    for model in (Speaker, Place):
        post_save.connect(_name_changed, sender=model, dispatch_uid=f"name-{model.__name__}")
