"""The annotation interface: every model, with inline spans and a highlighted preview."""

from django.contrib import admin
from django.db import models
from django.db.models import Count
from django.utils.html import format_html

from .models import Article, Author, Place, PlaceMention, Quote, Speaker
from .presenters import body_html


class SpanInline(admin.TabularInline):
    extra = 0
    show_change_link = True
    readonly_fields = ["anchored"]


class QuoteInline(SpanInline):
    model = Quote
    fields = ["exact", "start", "end", "speaker", "kind", "places", "status", "anchored"]
    autocomplete_fields = ["speaker", "places"]


class PlaceMentionInline(SpanInline):
    model = PlaceMention
    fields = ["exact", "start", "end", "place", "status", "anchored"]
    autocomplete_fields = ["place"]


@admin.register(Article)
class ArticleAdmin(admin.ModelAdmin):
    list_display = ["headline", "author", "status", "published_on", "updated_at"]
    list_filter = ["status", "published_on", "author"]
    search_fields = ["headline", "dek", "body", "slug"]
    prepopulated_fields = {"slug": ["headline"]}
    autocomplete_fields = ["author"]
    date_hierarchy = "published_on"
    readonly_fields = ["preview", "source_file", "created_at", "updated_at"]
    fieldsets = [
        (None, {"fields": ["headline", "slug", "dek", "author", "status", "published_on"]}),
        ("Text", {"fields": ["body", "preview"]}),
        ("Source", {"fields": ["source_url", "source_file", "created_at", "updated_at"]}),
    ]
    inlines = [QuoteInline, PlaceMentionInline]
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}

    class Media:
        css = {"all": ["css/highlights.css"]}

    @admin.display(description="Highlighted preview")
    def preview(self, article):
        if article.pk is None:
            return "Save the article to see its highlights."
        quotes = article.quotes.shown().select_related("speaker")
        mentions = article.place_mentions.shown().select_related("place")
        return format_html(
            '<div class="newsroom-preview article-body">{}</div>',
            body_html(article, quotes, mentions),
        )


@admin.register(Author)
class AuthorAdmin(admin.ModelAdmin):
    list_display = ["name", "slug"]
    search_fields = ["name", "bio"]
    prepopulated_fields = {"slug": ["name"]}


@admin.register(Speaker)
class SpeakerAdmin(admin.ModelAdmin):
    list_display = ["name", "kind", "role", "affiliation", "quote_count"]
    list_filter = ["kind"]
    search_fields = ["name", "role", "affiliation", "aliases"]
    prepopulated_fields = {"slug": ["name"]}

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(n_quotes=Count("quotes"))

    @admin.display(description="Quotes", ordering="n_quotes")
    def quote_count(self, speaker):
        return speaker.n_quotes


@admin.register(Place)
class PlaceAdmin(admin.ModelAdmin):
    list_display = ["name", "kind", "country_code", "latitude", "longitude", "mention_count"]
    list_filter = ["kind", "country_code"]
    search_fields = ["name", "aliases", "country_code"]
    prepopulated_fields = {"slug": ["name"]}

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(n_mentions=Count("mentions"))

    @admin.display(description="Mentions", ordering="n_mentions")
    def mention_count(self, place):
        return place.n_mentions


class SpanAdmin(admin.ModelAdmin):
    list_filter = ["status", "anchored"]
    list_select_related = ["article"]
    readonly_fields = ["prefix", "suffix", "anchored", "created_at", "updated_at"]
    autocomplete_fields = ["article"]


@admin.register(Quote)
class QuoteAdmin(SpanAdmin):
    list_display = ["exact", "speaker", "kind", "article", "status", "anchored"]
    list_filter = ["kind", *SpanAdmin.list_filter, "speaker"]
    list_select_related = ["article", "speaker"]
    search_fields = ["exact", "speaker__name", "article__headline", "note"]
    autocomplete_fields = ["article", "speaker", "places"]


@admin.register(PlaceMention)
class PlaceMentionAdmin(SpanAdmin):
    list_display = ["exact", "place", "article", "status", "anchored"]
    list_filter = [*SpanAdmin.list_filter, "place"]
    list_select_related = ["article", "place"]
    search_fields = ["exact", "place__name", "article__headline"]
    autocomplete_fields = ["article", "place"]
