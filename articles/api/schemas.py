"""What the API answers: the OpenAPI schema's components, checked on every response.

Plain pydantic models, not ninja's ``Schema``: the routes build plain values, and ninja's
``Schema`` wraps every nested object to read ORM attributes, which made validating a page of 100
quotes cost more than its queries.
"""

from __future__ import annotations

import datetime

from pydantic import BaseModel as Schema
from pydantic import Field


class FieldError(Schema):
    parameter: str
    message: str


class Problem(Schema):
    """An RFC 9457 problem document."""

    type: str = Field(description="A URI naming the kind of problem.")
    title: str
    status: int
    detail: str = Field(description="What went wrong with this request, and what to do.")
    errors: list[FieldError] | None = None


class AuthorRef(Schema):
    slug: str
    name: str


class OutletRef(Schema):
    slug: str
    name: str
    domain: str


class SpeakerRef(Schema):
    slug: str
    name: str


class PlaceRef(Schema):
    slug: str
    name: str


class ArticleRef(Schema):
    slug: str
    headline: str
    published_on: datetime.date | None
    url: str
    api_url: str


class ArticleSummary(Schema):
    slug: str
    headline: str
    dek: str
    status: str = Field(description='"published", or "draft" (only with a staff token).')
    published_on: datetime.date | None
    language: str
    source_url: str
    author: AuthorRef | None
    outlet: OutletRef | None
    n_quotes: int = Field(description="Quotes readers see in it.")
    n_mentions: int = Field(description="Place mentions readers see in it.")
    url: str = Field(description="Its reader page.")
    api_url: str


class SpanFields(Schema):
    id: int
    start: int = Field(description="Offset into the article's body, in code points.")
    end: int
    text: str = Field(description="body[start:end]")
    prefix: str
    suffix: str
    status: str = Field(description='"confirmed", or "suggested" (only with a staff token).')


class QuoteInArticle(SpanFields):
    kind: str
    speaker: SpeakerRef | None
    places: list[PlaceRef]


class MentionInArticle(SpanFields):
    place: PlaceRef | None = Field(description="Empty only for a suggestion of a new place.")


class Quote(QuoteInArticle):
    article: ArticleRef


class PlaceMention(MentionInArticle):
    article: ArticleRef


class ArticleDetail(ArticleSummary):
    body: str = Field(description="Plain text; paragraphs separated by one blank line.")
    revision: int
    quotes: list[QuoteInArticle]
    place_mentions: list[MentionInArticle]


class Speaker(Schema):
    slug: str
    name: str
    kind: str
    category: str = Field(
        description="The kind of source: official, military, armed_group, international, ngo, "
        'civilian, expert, media, other; "" when not categorised.'
    )
    role: str
    affiliation: str = Field(description='Whom they speak for, by name; "" when nobody.')
    affiliation_country: str = Field(description='Its ISO 3166-1 alpha-2 country, or "".')
    affiliation_side: str = Field(description='The side it speaks for, e.g. "Russia", or "".')
    description: str
    aliases: list[str]
    wikidata_id: str
    n_quotes: int
    url: str
    api_url: str


class Place(Schema):
    slug: str
    name: str
    kind: str
    latitude: float
    longitude: float
    country_code: str
    aliases: list[str]
    geonames_id: int | None
    n_mentions: int
    n_quotes: int
    url: str
    api_url: str


class Outlet(Schema):
    slug: str
    name: str
    domain: str
    country: str
    homepage: str
    n_articles: int
    url: str
    api_url: str


NEXT = "The next page (the same query with its cursor), or null on the last."


class ArticlePage(Schema):
    items: list[ArticleSummary]
    next: str | None = Field(description=NEXT)


class QuotePage(Schema):
    items: list[Quote]
    next: str | None = Field(description=NEXT)


class MentionPage(Schema):
    items: list[PlaceMention]
    next: str | None = Field(description=NEXT)


class SpeakerPage(Schema):
    items: list[Speaker]
    next: str | None = Field(description=NEXT)


class PlacePage(Schema):
    items: list[Place]
    next: str | None = Field(description=NEXT)


class OutletPage(Schema):
    items: list[Outlet]
    next: str | None = Field(description=NEXT)


class SearchHit(ArticleSummary):
    snippet_html: str = Field(
        description="Escaped HTML: a passage of the body, the matched words in <mark>."
    )


class SearchPage(Schema):
    items: list[SearchHit]
    next: str | None = Field(description=NEXT)
    speakers: list[SpeakerRef] = Field(description="Speakers whose names match the query.")
    places: list[PlaceRef] = Field(description="Places whose names match the query.")
    more: bool = Field(description="More articles match than the newest ranked here.")
