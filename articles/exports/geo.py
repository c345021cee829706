"""GeoJSON exports (RFC 7946: WGS 84, longitude first): the public places with their counts,
and the reader-visible mentions as features at their places."""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator

from django.db.models import QuerySet

from .. import placecounts, search
from ..models import Place, PlaceMention
from .query import CHUNK, Absolute, chunks, iso_date, url_maker


def geojson_pieces(features: Iterable[dict]) -> Iterator[str]:
    """A ``FeatureCollection`` of ``features`` as text, a feature at a time."""
    yield '{"type": "FeatureCollection", "features": ['
    for n, feature in enumerate(features):
        yield ("," if n else "") + json.dumps(feature, ensure_ascii=False)
    yield "]}"


def _point(longitude: float, latitude: float) -> dict:
    return {"type": "Point", "coordinates": [longitude, latitude]}


def place_features(absolute: Absolute, filters: search.Filters) -> Iterator[dict]:
    """Each public place as a feature with its counts: of the whole corpus (the kept counts),
    or, for a search or filter, of the mentions and quotes that list holds (``placecounts``),
    in the places list's order."""
    url = url_maker(absolute, "articles:place_detail", "slug")
    if not filters.active:
        places = search.public_places().order_by("-n_mentions", "name", "pk")
        for place in places.iterator(CHUNK):
            yield place_feature(url(slug=place.slug), place, place.n_mentions, place.n_quotes)
        return
    for chunk in chunks(placecounts.ranked(filters)):
        found = Place.objects.in_bulk([pk for pk, _, _ in chunk])
        for pk, n_mentions, n_quotes in chunk:
            if (place := found.get(pk)) is not None:  # (gone since the counts were kept)
                yield place_feature(url(slug=place.slug), place, n_mentions, n_quotes)


def place_feature(url: str, place: Place, mentions: int, quotes_about: int) -> dict:
    """A place as a GeoJSON feature, as the export and the place maps have it."""
    return {
        "type": "Feature",
        "id": url,
        "geometry": _point(place.longitude, place.latitude),
        "properties": {
            "name": place.name,
            "slug": place.slug,
            "url": url,
            "kind": place.kind,
            "kind_label": place.get_kind_display(),
            "country_code": place.country_code,
            "geonames_id": place.geonames_id,
            "mentions": mentions,
            "quotes_about": quotes_about,
        },
    }


def mention_features(absolute: Absolute, mentions: QuerySet[PlaceMention]) -> Iterator[dict]:
    """Each reader-visible mention as a feature at its place, with its article and text."""
    article_url = url_maker(absolute, "articles:article_detail", "slug")
    place_url = url_maker(absolute, "articles:place_detail", "slug")
    rows = (
        mentions.order_by("article_date", "article_id", "start", "pk")
        .values_list(
            "pk",
            "exact",
            "start",
            "end",
            "article__slug",
            "article__headline",
            "article__published_on",
            "place__slug",
            "place__name",
            "place__longitude",
            "place__latitude",
        )
        .iterator(chunk_size=CHUNK)
    )
    for pk, text, start, end, slug, headline, date, place, name, lon, lat in rows:
        yield {
            "type": "Feature",
            "id": pk,
            "geometry": _point(lon, lat),
            "properties": {
                "text": text,
                "start": start,
                "end": end,
                "article": slug,
                "article_url": article_url(slug=slug),
                "headline": headline,
                "date": iso_date(date),
                "place": name,
                "place_url": place_url(slug=place),
            },
        }
