from django.urls import path

from . import analysis_views, place_views, views
from .exports import views as exports

app_name = "articles"

urlpatterns = [
    path("", views.article_list, name="article_list"),
    path("articles/<slug:slug>/", views.article_detail, name="article_detail"),
    path("articles/<slug:slug>/quotes/<int:quote_id>/", views.quote_panel, name="quote_panel"),
    path(
        "articles/<slug:slug>/annotations.jsonld",
        exports.article_annotations,
        name="article_annotations",
    ),
    path("articles/<slug:slug>/mentions/<int:mention_id>/", exports.mention, name="mention"),
    path("annotations.jsonld", exports.corpus_annotations, name="corpus_annotations"),
    path("speakers/", views.speaker_list, name="speaker_list"),
    path("speakers/<slug:slug>/", views.speaker_detail, name="speaker_detail"),
    path("places/", place_views.place_list, name="place_list"),
    path("places/<slug:slug>/", views.place_detail, name="place_detail"),
    path("outlets/", views.outlet_list, name="outlet_list"),
    path("outlets/<slug:slug>/", views.outlet_detail, name="outlet_detail"),
    path("compare/", analysis_views.compare, name="compare"),
    path("compare/<str:subject>/", analysis_views.compare_claims, name="compare_claims"),
    path("export/quotes.csv", exports.export_quotes, name="export_quotes"),
    path("export/mentions.csv", exports.export_mentions, name="export_mentions"),
    path("export/speakers.csv", exports.export_speakers, name="export_speakers"),
    path("export/places.csv", exports.export_places, name="export_places"),
    path("export/places.geojson", exports.export_places_geojson, name="export_places_geojson"),
    path(
        "export/mentions.geojson", exports.export_mentions_geojson, name="export_mentions_geojson"
    ),
]
