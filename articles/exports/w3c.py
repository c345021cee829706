"""W3C Web Annotation (JSON-LD) of what readers see: an article's annotations as an
``AnnotationCollection`` (``/articles/<slug>/annotations.jsonld``, also the article URL's answer
to ``Accept: application/ld+json``), and the whole published corpus the same way, paged by
keyset (``/annotations.jsonld``).

Each quote and place mention is one ``Annotation`` with a stable IRI (the quote's panel URL; a
mention's own ``/articles/<slug>/mentions/<id>/``), ``created``/``modified``, a ``creator``, a
``motivation`` (``classifying`` for a quote, ``identifying`` for a mention) and a target whose
``source`` is the article's URL, with a ``TextQuoteSelector`` (exact, prefix, suffix) and a
``TextPositionSelector``. Positions count code points of the article's text, which is exactly
the text of the article page's ``#article-body`` element. The bodies say what it is:

* the speaker: a ``SpecificResource`` (purpose ``identifying``) whose source is the speaker's
  Wikidata IRI where known, their page here otherwise, typed ``Person`` or ``Organization``,
  with their name, role (``jobTitle``), affiliation and page (``url``);
* the kind (direct, indirect, claim): a ``TextualBody`` with purpose ``tagging``;
* the places: a ``SpecificResource`` each (``identifying`` for a mention, ``linking`` for the
  places a quote is about), the source the GeoNames IRI where known, the place's page otherwise,
  typed ``Place``, with its name, kind (``additionalType``), coordinates and country;
* the note: a ``TextualBody`` with purpose ``commenting``.

The documents' context is the W3C's (``anno.jsonld``, bundled with its licence, never fetched)
and Newsroom's few schema.org terms (``newsroom.jsonld``), embedded in each document so that it
is complete on its own. Only reader-visible spans (``shown()`` in a published article) are
written, for every client: drafts, suggestions, rejected spans and orphans never leave here.

JSON is written with ``ensure_ascii=False`` (UTF-8, declared): every character of hostile text
(``</script>``, quotes, control characters) is escaped as JSON requires, and the documents are
served as JSON-LD with ``nosniff``, never inside HTML.
"""

from __future__ import annotations

import gc
import json
import re
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

import pydantic_core
from django.db.models import QuerySet
from django.urls import reverse

from ..models import Article, PlaceMention, Quote
from .query import Absolute, IsoSeconds, created_by, url_maker

ANNO_CONTEXT = "http://www.w3.org/ns/anno.jsonld"
CONTENT_TYPE = 'application/ld+json; profile="http://www.w3.org/ns/anno.jsonld"'
HERE = Path(__file__).resolve().parent
BUNDLED = {ANNO_CONTEXT: HERE / "anno.jsonld", "newsroom": HERE / "newsroom.jsonld"}
WIKIDATA = "http://www.wikidata.org/entity/{}"
GEONAMES = "https://sws.geonames.org/{}/"
PAGE_SIZE = 200  # annotations on a page of the corpus
KEY = re.compile(r"^([qm])([0-9]{1,18})$")  # a corpus page's keyset cursor: q<quote>, m<mention>
MAX_INDEX = 10**12


@lru_cache(maxsize=4)
def bundled(iri: str) -> dict:
    """A bundled JSON-LD document (the W3C's context, or ours) by its IRI or name."""
    return json.loads(BUNDLED[iri].read_text(encoding="utf-8"))


def context() -> list:
    """Every document's ``@context``: the W3C's by its IRI, then ours, embedded."""
    return [ANNO_CONTEXT, bundled("newsroom")["@context"]]


def dumps(document: Any) -> str:
    """Compact JSON in UTF-8 (no ``\\u`` escapes but those JSON requires), written by
    pydantic-core's serialiser: the same text as ``json.dumps(..., ensure_ascii=False,
    separators=(",", ":"))``, several times faster for an article's thousand annotations."""
    return pydantic_core.to_json(document).decode()


@contextmanager
def collector_paused() -> Iterator[None]:
    """The cyclic garbage collector off while a large document is built and written: it makes
    tens of thousands of dicts and lists and no reference cycle, so every pass the collector
    would make over them (and the full one they set off) finds nothing; reference counting
    frees them all when the document goes."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


# --- Plain values -> documents (pure) --------------------------------------------------------


@dataclass(slots=True)
class SpeakerInfo:
    name: str
    kind: str  # person | organisation
    role: str
    affiliation: str
    wikidata_id: str
    url: str  # their page here


@dataclass(slots=True)
class PlaceInfo:
    name: str
    kind: str
    latitude: float
    longitude: float
    country_code: str
    geonames_id: int | None
    url: str


@dataclass(slots=True)
class Item:
    """One reader-visible quote or mention, as plain values."""

    iri: str
    source: str  # the article's URL
    start: int
    end: int
    exact: str
    prefix: str
    suffix: str
    created: str  # ISO 8601 to the second, in UTC (``...Z``)
    modified: str
    creator: str | None  # the annotator's username, None for spans loaded in bulk
    mention: bool
    kind: str = ""
    speaker: SpeakerInfo | None = None
    places: tuple[PlaceInfo, ...] = ()
    note: str = ""

    @property
    def order(self) -> tuple:
        return (self.start, -self.end, self.mention, self.iri)


def speaker_body(speaker: SpeakerInfo) -> dict:
    source: dict[str, Any] = {
        "id": WIKIDATA.format(speaker.wikidata_id) if speaker.wikidata_id else speaker.url,
        "type": "Organization" if speaker.kind == "organisation" else "Person",
        "name": speaker.name,
        "url": speaker.url,
    }
    if speaker.role:
        source["jobTitle"] = speaker.role
    if speaker.affiliation:
        source["affiliation"] = speaker.affiliation
    return {"type": "SpecificResource", "purpose": "identifying", "source": source}


def place_body(place: PlaceInfo, purpose: str) -> dict:
    source: dict[str, Any] = {
        "id": GEONAMES.format(place.geonames_id) if place.geonames_id else place.url,
        "type": "Place",
        "name": place.name,
        "additionalType": place.kind,
        "latitude": place.latitude,
        "longitude": place.longitude,
        "url": place.url,
    }
    if place.country_code:
        source["addressCountry"] = place.country_code
    return {"type": "SpecificResource", "purpose": purpose, "source": source}


def creator(username: str | None, site: str) -> dict:
    """Who made the annotation: the annotator, or Newsroom itself for spans loaded in bulk."""
    if username:
        return {"type": "Person", "nickname": username}
    return {"id": site, "type": "Software", "name": "Newsroom"}


def annotation(item: Item, site: str) -> dict:
    """One ``Annotation`` (without ``@context``: a page's items share the page's)."""
    bodies: list[dict] = []
    if item.mention:
        bodies += [place_body(p, "identifying") for p in item.places]
    else:
        if item.speaker is not None:
            bodies.append(speaker_body(item.speaker))
        bodies.append({"type": "TextualBody", "purpose": "tagging", "value": item.kind})
        bodies += [place_body(p, "linking") for p in item.places]
        if item.note:
            bodies.append(
                {
                    "type": "TextualBody",
                    "purpose": "commenting",
                    "value": item.note,
                    "format": "text/plain",
                }
            )
    return {
        "id": item.iri,
        "type": "Annotation",
        "motivation": "identifying" if item.mention else "classifying",
        "created": item.created,
        "modified": item.modified,
        "creator": creator(item.creator, site),
        "body": bodies,
        "target": {
            "type": "SpecificResource",
            "source": item.source,
            "selector": [
                {
                    "type": "TextQuoteSelector",
                    "exact": item.exact,
                    "prefix": item.prefix,
                    "suffix": item.suffix,
                },
                {"type": "TextPositionSelector", "start": item.start, "end": item.end},
            ],
        },
    }


def page(
    iri: str,
    part_of: str,
    items: Sequence[Item],
    start_index: int,
    site: str,
    next_iri: str | None = None,
    prev_iri: str | None = None,
) -> dict:
    """An ``AnnotationPage`` (without ``@context``)."""
    document: dict[str, Any] = {
        "id": iri,
        "type": "AnnotationPage",
        "partOf": part_of,
        "startIndex": start_index,
    }
    if next_iri:
        document["next"] = next_iri
    if prev_iri:
        document["prev"] = prev_iri
    document["items"] = [annotation(item, site) for item in items]
    return document


def collection(iri: str, label: str, total: int, first: dict | str | None, last: str | None):
    """An ``AnnotationCollection`` (with ``@context``); ``first`` a page's IRI or the page."""
    document: dict[str, Any] = {
        "@context": context(),
        "id": iri,
        "type": "AnnotationCollection",
        "label": label,
        "total": total,
    }
    if total and first is not None and last is not None:
        document["first"] = first
        document["last"] = last
    return document


def standalone(document: dict) -> dict:
    """A page or an annotation served on its own: with the ``@context``, first."""
    return {"@context": context(), **document}


# --- What readers see, as plain values (the queries) -----------------------------------------


@dataclass
class Urls:
    """The URLs the documents link to, each made from a template (no ``reverse()`` per row)."""

    site: str
    article: Callable[..., str]
    quote: Callable[..., str]
    mention: Callable[..., str]
    speaker: Callable[..., str]
    place: Callable[..., str]

    @classmethod
    def of(cls, absolute: Absolute) -> Urls:
        return cls(
            site=absolute("/"),
            article=url_maker(absolute, "articles:article_detail", "slug"),
            quote=url_maker(absolute, "articles:quote_panel", "slug", "quote_id"),
            mention=url_maker(absolute, "articles:mention", "slug", "mention_id"),
            speaker=url_maker(absolute, "articles:speaker_detail", "slug"),
            place=url_maker(absolute, "articles:place_detail", "slug"),
        )


SPAN_FIELDS = (
    "pk",
    "article__slug",
    "start",
    "end",
    "exact",
    "prefix",
    "suffix",
    "created",
    "modified",
    "annotator",
)
SPEAKER_FIELDS = (
    "speaker__name",
    "speaker__kind",
    "speaker__role",
    "speaker__affiliation__name",
    "speaker__wikidata_id",
    "speaker__slug",
)
PLACE_FIELDS = (
    "name",
    "kind",
    "latitude",
    "longitude",
    "country_code",
    "geonames_id",
    "slug",
)


def _span_values(spans: QuerySet, model: type[Quote] | type[PlaceMention]) -> QuerySet:
    """The spans with what every item needs: its times as text and who created it."""
    return spans.annotate(
        created=IsoSeconds("created_at"),
        modified=IsoSeconds("updated_at"),
        annotator=created_by(model),
    )


def _place(urls: Urls, row: Sequence) -> PlaceInfo:
    name, kind, lat, lon, country, geonames, slug = row
    return PlaceInfo(name, kind, lat, lon, country, geonames, urls.place(slug=slug))


def quote_places(urls: Urls, quotes: QuerySet[Quote]) -> dict[int, list[PlaceInfo]]:
    """The places of these quotes, in name order: one query (the quotes a subquery, not a
    parameter per quote)."""
    links = (
        Quote.places.through.objects.filter(quote_id__in=quotes.values("pk"))
        .order_by("place__name", "place_id")
        .values_list("quote_id", *(f"place__{f}" for f in PLACE_FIELDS))
    )
    found: dict[int, list[PlaceInfo]] = {}
    for quote_id, *row in links:
        found.setdefault(quote_id, []).append(_place(urls, row))
    return found


def quote_items(urls: Urls, quotes: QuerySet[Quote], limit: int | None = None) -> list[Item]:
    """Items for (the first ``limit`` of) these quotes, filtered and ordered: two queries."""
    values = _span_values(quotes, Quote).values_list(*SPAN_FIELDS, "kind", "note", *SPEAKER_FIELDS)
    rows = list(values if limit is None else values[:limit])
    places = quote_places(urls, quotes if limit is None else quotes[:limit])
    items = []
    for pk, slug, start, end, exact, prefix, suffix, created, modified, who, *rest in rows:
        kind, note, name, speaker_kind, role, affiliation, wikidata, speaker_slug = rest
        speaker = None
        if speaker_slug is not None:
            speaker = SpeakerInfo(
                name,
                speaker_kind,
                role,
                affiliation or "",
                wikidata,
                urls.speaker(slug=speaker_slug),
            )
        items.append(
            Item(
                urls.quote(slug=slug, quote_id=pk),
                urls.article(slug=slug),
                start,
                end,
                exact,
                prefix,
                suffix,
                created,
                modified,
                who,
                mention=False,
                kind=kind,
                speaker=speaker,
                places=tuple(places.get(pk, ())),
                note=note,
            )
        )
    return items


def mention_items(
    urls: Urls, mentions: QuerySet[PlaceMention], limit: int | None = None
) -> list[Item]:
    """Items for (the first ``limit`` of) these mentions, filtered and ordered: one query."""
    values = _span_values(mentions, PlaceMention).values_list(
        *SPAN_FIELDS, *(f"place__{f}" for f in PLACE_FIELDS)
    )
    rows = values if limit is None else values[:limit]
    items = []
    for pk, slug, start, end, exact, prefix, suffix, created, modified, who, *place in rows:
        items.append(
            Item(
                urls.mention(slug=slug, mention_id=pk),
                urls.article(slug=slug),
                start,
                end,
                exact,
                prefix,
                suffix,
                created,
                modified,
                who,
                mention=True,
                places=(_place(urls, place),),
            )
        )
    return items


def public_quotes() -> QuerySet[Quote]:
    return Quote.objects.visible()


def public_mentions() -> QuerySet[PlaceMention]:
    return PlaceMention.objects.visible().filter(place__isnull=False)


def article_items(urls: Urls, article: Article) -> list[Item]:
    """A published article's reader-visible annotations in the text's order: three queries."""
    quotes = quote_items(urls, public_quotes().filter(article=article).order_by("start", "pk"))
    mentions = mention_items(
        urls, public_mentions().filter(article=article).order_by("start", "pk")
    )
    return sorted(quotes + mentions, key=lambda item: item.order)


def article_collection(absolute: Absolute, article: Article) -> dict:
    """The article's ``AnnotationCollection``, its one page embedded as ``first``."""
    urls = Urls.of(absolute)
    iri = absolute(reverse("articles:article_annotations", args=[article.slug]))
    items = article_items(urls, article)
    page_iri = f"{iri}?page=1"
    first = page(page_iri, iri, items, 0, urls.site)
    label = f"Annotations of “{article.headline}”"
    return collection(iri, label, len(items), first, page_iri)


def one_annotation(absolute: Absolute, kind: str, article: Article, pk: int) -> dict | None:
    """A reader-visible quote's or mention's ``Annotation`` on its own, or None."""
    urls = Urls.of(absolute)
    if kind == "quote":
        items = quote_items(urls, public_quotes().filter(article=article, pk=pk))
    else:
        items = mention_items(urls, public_mentions().filter(article=article, pk=pk))
    return standalone(annotation(items[0], urls.site)) if items else None
