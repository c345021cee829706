"""Articles, the people and places they mention, and the spans that tie them together.

Offsets are Python string indices (code points) into ``Article.body``, the one source of truth.
"""

import datetime
import re
from collections import Counter

from django.contrib.postgres.search import SearchVectorField
from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.db.models import F, Func, OuterRef, Q, Subquery
from django.db.models.functions import Coalesce, Length
from django.urls import reverse
from django.utils import timezone
from django.utils.text import slugify
from simple_history.models import HistoricalRecords
from simple_history.utils import bulk_update_with_history

from . import anchoring

# The API's tokens (articles.api.models) are models of this app.
from .api.models import ApiToken as ApiToken

# The GeoNames gazetteer's tables, in their own module (articles.geonames), are models of this app.
from .geonames.models import GazetteerBundle as GazetteerBundle
from .geonames.models import GazetteerCountry as GazetteerCountry
from .geonames.models import GazetteerEntry as GazetteerEntry
from .geonames.models import GazetteerName as GazetteerName
from .geonames.models import GazetteerRegion as GazetteerRegion

CONTEXT_CHARS = 32
RULE_CHARS = 64


class StaleEdit(Exception):
    """Someone else saved this object after it was loaded: saving would overwrite their change."""

    def __init__(self, obj):
        self.obj = obj
        super().__init__(stale_message(obj))


def stale_message(obj) -> str:
    """Who changed ``obj`` last and when, for the person whose save was refused."""
    name = obj._meta.verbose_name
    latest = obj.history.select_related("history_user").first() if obj.pk else None
    if latest is None:
        return f"This {name} was changed by someone else since you opened it. Reload it."
    who = latest.history_user.get_username() if latest.history_user else "an automatic process"
    when = latest.history_date.strftime("%Y-%m-%d %H:%M:%S UTC")
    return (
        f"This {name} was changed by {who} at {when}, after you opened it. "
        "Your changes were not saved: reload to see theirs, then apply yours again."
    )


def slug_base(model, name: str) -> str:
    return (slugify(name) or model._meta.model_name)[:180].strip("-")


def unique_slug(model, name: str) -> str:
    """A slug for ``name`` that no ``model`` row has yet."""
    return unique_slugs(model, [name])[0]


SLUG_PROBES = 8  # numbers tried at once for a taken slug: -2 to -9


def unique_slugs(model, names: list[str]) -> list[str]:
    """Slugs for ``names`` that no ``model`` row has yet, nor each other.

    One query for the bases themselves (most names are new), and for the bases that are taken
    (or repeated in ``names``) one more, for their numbers ``-2`` to ``-9`` by the unique
    index: a taken base gets the first free one. Only a base whose numbers are all taken asks
    for its highest (``highest_suffix``) and goes on from there. The work is that of the names,
    whatever the number of slugs that share their prefix."""
    bases = [slug_base(model, name) for name in names]
    if not bases:
        return []
    taken = set(model._base_manager.filter(slug__in=set(bases)).values_list("slug", flat=True))
    repeated = Counter(bases)
    crowded = {base for base in bases if base in taken or repeated[base] > 1}
    if crowded:
        probes = {f"{base}-{n}" for base in crowded for n in range(2, 2 + SLUG_PROBES)}
        taken |= set(model._base_manager.filter(slug__in=probes).values_list("slug", flat=True))
    following: dict[str, int] = {}
    beyond: set[str] = set()  # bases whose highest number was asked for
    slugs = []
    for base in bases:
        slug, n = base, following.get(base, 2)
        while slug in taken:
            if n >= 2 + SLUG_PROBES and base not in beyond:
                n = max(n, highest_suffix(model, base) + 1)
                beyond.add(base)
            slug, n = f"{base}-{n}", n + 1
        following[base] = n
        taken.add(slug)
        slugs.append(slug)
    return slugs


def _numbered(model, base: str):
    """The ``model`` slugs ``<base>-<n>``, the highest ``n`` first."""
    return (
        model._base_manager.filter(slug__startswith=f"{base}-")
        .filter(slug__regex=rf"^{re.escape(base)}-[0-9]+$")
        .order_by(Length("slug").desc(), "-slug")
        .values_list("slug", flat=True)
    )


def highest_suffix(model, base: str) -> int:
    """The highest ``n`` of the ``model`` slugs ``<base>-<n>`` (0 when there is none)."""
    numbered = _numbered(model, base).first()
    return int(numbered.rsplit("-", 1)[1]) if numbered else 0


def find_by_name(model, name: str):
    """The speaker or place called ``name`` (or with it as an alias), ignoring case."""
    folded = name.casefold()
    candidates = model.objects.filter(Q(name__iexact=name) | Q(aliases__icontains=name))
    for candidate in candidates:
        if candidate.name.casefold() == folded:
            return candidate
    for candidate in candidates:
        if folded in (alias.casefold() for alias in candidate.aliases):
            return candidate
    return None


class KeptFields(models.Model):
    """Columns the operations keep (revisions, counts, search vectors): an instance's ``save()``
    never writes its own, possibly stale, copy of them back."""

    kept_fields: tuple[str, ...] = ()

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        if not self._state.adding and self.kept_fields and kwargs.get("update_fields") is None:
            kwargs["update_fields"] = [
                f.name
                for f in self._meta.concrete_fields
                if not f.primary_key and f.name not in self.kept_fields
            ]
        super().save(*args, **kwargs)


class Versioned(models.Model):
    """Optimistic locking: a save that would overwrite a newer version raises StaleEdit.

    Forms carry the version they showed; the save bumps it in the database only while it is
    still the one this instance was loaded with.
    """

    version = models.PositiveIntegerField(default=1, editable=False)

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        with transaction.atomic():
            if not self._state.adding:
                bumped = (
                    type(self)
                    ._base_manager.filter(pk=self.pk, version=self.version)
                    .update(version=F("version") + 1)
                )
                if not bumped:
                    raise StaleEdit(self)
                self.version += 1
            super().save(*args, **kwargs)


class Author(models.Model):
    name = models.CharField(max_length=200)
    slug = models.SlugField(max_length=200, unique=True)
    bio = models.TextField(blank=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["name"]

    def __str__(self):
        return self.name


class Outlet(KeptFields):
    """Where articles come from: a newspaper, agency or site, known by its domain."""

    name = models.CharField(max_length=200)
    slug = models.SlugField(max_length=200, unique=True)
    domain = models.CharField(
        max_length=253,
        unique=True,
        help_text='Its web address\'s host without "www.", e.g. kyivindependent.com.',
    )
    country = models.CharField(max_length=2, blank=True, help_text="ISO 3166-1 alpha-2")
    homepage = models.URLField(max_length=500, blank=True)
    # Kept by the operations (articles.kept): its published articles.
    n_articles = models.PositiveIntegerField(default=0, editable=False)

    history = HistoricalRecords(excluded_fields=["n_articles"])
    kept_fields = ("n_articles",)

    class Meta:
        ordering = ["name"]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("articles:outlet_detail", args=[self.slug])

    def clean(self):
        self.domain = self.domain.strip().lower().removeprefix("www.")


class ArticleQuerySet(models.QuerySet):
    def published(self):
        return self.filter(status=Article.Status.PUBLISHED)


class Article(Versioned, KeptFields):
    class Status(models.TextChoices):
        DRAFT = "draft", "Draft"
        PUBLISHED = "published", "Published"

    slug = models.SlugField(max_length=200, unique=True)
    headline = models.CharField(max_length=300)
    dek = models.CharField(
        max_length=500, blank=True, help_text="The standfirst under the headline."
    )
    body = models.TextField(
        help_text="Plain text; paragraphs separated by one blank line. Annotation offsets index it."
    )
    author = models.ForeignKey(
        Author, null=True, blank=True, on_delete=models.SET_NULL, related_name="articles"
    )
    outlet = models.ForeignKey(
        Outlet, null=True, blank=True, on_delete=models.SET_NULL, related_name="articles"
    )
    source_url = models.URLField(
        "source URL",
        max_length=500,
        blank=True,
        help_text="The page's canonical URL: one article per URL.",
    )
    language = models.CharField(
        max_length=15, blank=True, help_text='The language the page declares, e.g. "en-GB".'
    )
    source_file = models.CharField(
        max_length=255,
        blank=True,
        db_index=True,
        help_text="Name of the plain-text file this article was imported from.",
    )
    published_on = models.DateField(null=True, blank=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.DRAFT)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    # Full-text search on PostgreSQL (GIN-indexed; kept current by articles.search); unused on
    # SQLite, where search falls back to substring matching.
    search_vector = SearchVectorField(null=True, editable=False)
    # Bumped by every change to the article, its annotations, or the speakers and places they
    # name: the ETag of its page and the key of its cached rendering.
    revision = models.PositiveIntegerField(default=0, editable=False)
    # Kept by the operations (articles.changes): the quotes and place mentions a reader of the
    # article sees, so that a list of articles counts none of them per request.
    n_quotes = models.PositiveIntegerField(default=0, editable=False)
    n_mentions = models.PositiveIntegerField(default=0, editable=False)

    objects = ArticleQuerySet.as_manager()
    history = HistoricalRecords(
        excluded_fields=["version", "search_vector", "revision", "n_quotes", "n_mentions"]
    )
    kept_fields = ("search_vector", "revision", "n_quotes", "n_mentions")

    class Meta:
        ordering = ["-published_on", "-created_at"]
        indexes = [
            models.Index(fields=["status", "-published_on"]),
            # The timelines (articles.timelines): published articles' kept counts by date, of
            # all and of an outlet, read from the index alone on PostgreSQL.
            models.Index(
                fields=["published_on"],
                include=["n_quotes", "n_mentions"],
                condition=Q(status="published"),
                name="article_timeline",
            ),
            models.Index(
                fields=["outlet", "published_on"],
                include=["n_quotes", "n_mentions"],
                condition=Q(status="published"),
                name="article_outlet_timeline",
            ),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["source_url"],
                condition=~Q(source_url=""),
                name="article_source_url_unique",
                violation_error_message="An article with this source URL exists already.",
            )
        ]
        permissions = [("publish_article", "Can publish and unpublish articles")]

    def __str__(self):
        return self.headline

    def save(self, *args, **kwargs):
        """Save, and re-attach every annotation in the same transaction when the body changed:
        the model's own invariant, kept on every path (a shell's ``save()`` included). What else
        follows a change (revisions, search vectors, caches) is the operations' work."""
        with transaction.atomic():
            old_body = None
            if not self._state.adding:
                old_body = (
                    Article._base_manager.filter(pk=self.pk).values_list("body", flat=True).first()
                )
            super().save(*args, **kwargs)
            if old_body is not None and old_body != self.body:
                for model in (Quote, PlaceMention):
                    reanchor_spans(model, self, old_body)

    def get_absolute_url(self):
        return reverse("articles:article_detail", args=[self.slug])

    @property
    def is_published(self):
        return self.status == self.Status.PUBLISHED


class Affiliation(models.Model):
    """Whom a speaker speaks for: a government, an army, an international organisation, a
    newspaper... chosen (or created) by annotators, so that the quotes of everyone in
    "Government of Russia" add up, whatever each article calls it."""

    name = models.CharField(
        max_length=200, unique=True, help_text='e.g. "Government of Russia", "United Nations"'
    )
    slug = models.SlugField(max_length=200, unique=True)
    country = models.CharField(
        max_length=2,
        blank=True,
        help_text="ISO 3166-1 alpha-2 of the state it belongs to; blank for international bodies.",
    )
    side = models.CharField(
        max_length=200,
        blank=True,
        help_text='The party to the conflict it speaks for, e.g. "Russia", "Ukraine"; blank for '
        "none (international organisations, neutral states).",
    )
    description = models.TextField(blank=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["name"]

    def __str__(self):
        return self.name

    def clean(self):
        self.name = self.name.strip()
        self.country = self.country.strip().upper()
        self.side = self.side.strip()


class Speaker(KeptFields):
    class Kind(models.TextChoices):
        PERSON = "person", "Person"
        ORGANISATION = "organisation", "Organisation"

    class Category(models.TextChoices):
        """The kind of source, as studies of conflict reporting count them (who gets to speak:
        officials and soldiers, or the people it happens to). Blank: not categorised yet."""

        OFFICIAL = "official", "Official (government)"
        MILITARY = "military", "Military"
        ARMED_GROUP = "armed_group", "Armed group (non-state)"
        INTERNATIONAL = "international", "International organisation"
        NGO = "ngo", "NGO or aid group"
        CIVILIAN = "civilian", "Civilian"
        EXPERT = "expert", "Expert or analyst"
        MEDIA = "media", "Journalist or media"
        OTHER = "other", "Other"

    name = models.CharField(max_length=200)
    slug = models.SlugField(max_length=200, unique=True)
    kind = models.CharField(max_length=20, choices=Kind.choices, default=Kind.PERSON)
    category = models.CharField(
        "kind of source",
        max_length=20,
        choices=Category.choices,
        blank=True,
        help_text="Whom they speak as: an official, a soldier, a civilian...",
    )
    role = models.CharField(max_length=200, blank=True, help_text='e.g. "Kremlin spokesman"')
    affiliation = models.ForeignKey(
        Affiliation,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,  # the operation that deletes one unsets it first, with history
        related_name="speakers",
        help_text='Whom they speak for, e.g. "Government of Russia".',
    )
    description = models.TextField(blank=True)
    aliases = models.JSONField(
        default=list, blank=True, help_text='Other names the texts use, e.g. ["Peskov"].'
    )
    wikidata_id = models.CharField("Wikidata id", max_length=20, blank=True)
    # Kept by the operations (articles.changes): quotes readers can see.
    n_quotes = models.PositiveIntegerField(default=0, editable=False)

    history = HistoricalRecords(excluded_fields=["n_quotes"])
    kept_fields = ("n_quotes",)

    class Meta:
        ordering = ["name"]
        indexes = [models.Index(fields=["-n_quotes", "name"], name="speaker_most_quoted")]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("articles:speaker_detail", args=[self.slug])

    def clean(self):
        validate_aliases(self.aliases)


class Place(KeptFields):
    class Kind(models.TextChoices):
        CITY = "city", "City"
        REGION = "region", "Region"
        COUNTRY = "country", "Country"
        RIVER = "river", "River"
        FACILITY = "facility", "Facility"
        OTHER = "other", "Other"

    name = models.CharField(max_length=200)
    slug = models.SlugField(max_length=200, unique=True)
    kind = models.CharField(max_length=20, choices=Kind.choices, default=Kind.CITY)
    latitude = models.FloatField()
    longitude = models.FloatField()
    country_code = models.CharField(max_length=2, blank=True, help_text="ISO 3166-1 alpha-2")
    aliases = models.JSONField(default=list, blank=True, help_text='e.g. ["Kiev"] for Kyiv.')
    geonames_id = models.PositiveIntegerField("GeoNames id", null=True, blank=True)
    # Kept by the operations (articles.changes): mentions of it and quotes about it that
    # readers can see.
    n_mentions = models.PositiveIntegerField(default=0, editable=False)
    n_quotes = models.PositiveIntegerField(default=0, editable=False)

    history = HistoricalRecords(excluded_fields=["n_mentions", "n_quotes"])
    kept_fields = ("n_mentions", "n_quotes")

    class Meta:
        ordering = ["name"]
        indexes = [models.Index(fields=["-n_mentions", "name"], name="place_most_mentioned")]
        constraints = [
            models.CheckConstraint(
                condition=Q(latitude__gte=-90, latitude__lte=90), name="place_latitude_range"
            ),
            models.CheckConstraint(
                condition=Q(longitude__gte=-180, longitude__lte=180), name="place_longitude_range"
            ),
        ]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("articles:place_detail", args=[self.slug])

    def clean(self):
        validate_aliases(self.aliases)


class FormerSlug(models.Model):
    """A slug a speaker or place had before it was merged into another: its old URL answers
    301 to the one kept."""

    class Kind(models.TextChoices):
        SPEAKER = "speaker", "Speaker"
        PLACE = "place", "Place"

    kind = models.CharField(max_length=10, choices=Kind.choices)
    slug = models.SlugField(max_length=200)
    speaker = models.ForeignKey(Speaker, null=True, blank=True, on_delete=models.CASCADE)
    place = models.ForeignKey(Place, null=True, blank=True, on_delete=models.CASCADE)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["kind", "slug"], name="former_slug_unique"),
            models.CheckConstraint(
                condition=(Q(kind="speaker", speaker__isnull=False, place__isnull=True))
                | Q(kind="place", place__isnull=False, speaker__isnull=True),
                name="former_slug_one_target",
            ),
        ]

    def __str__(self):
        return f"{self.kind} {self.slug}"


def validate_aliases(aliases):
    if not isinstance(aliases, list) or not all(isinstance(a, str) for a in aliases):
        raise ValidationError({"aliases": 'Give a list of names, e.g. ["Kiev", "Kiew"].'})


class SpanQuerySet(models.QuerySet):
    """The rule for what readers see, defined once: ``shown`` and ``visible`` here, and
    ``shown_sql`` for the raw SQL that only PostgreSQL runs (tested against ``shown``)."""

    def shown(self):
        """Spans a reader sees in an article they may read: confirmed and still anchored."""
        return self.filter(status=Span.Status.CONFIRMED, anchored=True)

    def visible(self):
        """Spans any reader sees anywhere: shown, in a published article."""
        return self.shown().filter(article__status=Article.Status.PUBLISHED)


def shown_sql(alias: str) -> str:
    """``SpanQuerySet.shown()`` as an SQL condition on the span table aliased ``alias``."""
    return f"{alias}.status = '{Span.Status.CONFIRMED.value}' AND {alias}.anchored"


class Span(Versioned):
    """A stretch of an article's body: ``exact == article.body[start:end]`` while anchored."""

    class Status(models.TextChoices):
        SUGGESTED = "suggested", "Suggested"
        CONFIRMED = "confirmed", "Confirmed"
        REJECTED = "rejected", "Rejected"

    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="%(class)ss")
    start = models.PositiveIntegerField(
        blank=True, help_text="Leave empty to find the text in the body."
    )
    end = models.PositiveIntegerField(blank=True)
    exact = models.TextField("text")
    prefix = models.CharField(max_length=CONTEXT_CHARS, blank=True, editable=False)
    suffix = models.CharField(max_length=CONTEXT_CHARS, blank=True, editable=False)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.CONFIRMED)
    anchored = models.BooleanField(
        default=True, help_text="False once the text could not be found after an edit."
    )
    proposal = models.JSONField(
        default=dict,
        blank=True,
        editable=False,
        help_text="For a suggestion: the new speaker or place it proposes, created on acceptance.",
    )
    # For a span the suggester made: the rule that made it and how sure it was (0..1). Kept when
    # it is accepted, so a confirmed span says where it came from; empty for one made by hand.
    rule = models.CharField(max_length=RULE_CHARS, blank=True, editable=False)
    confidence = models.FloatField(null=True, blank=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    # The article's publication date (undated: UNDATED, so last), kept by the operations: the
    # newest-first order of a speaker's or place's spans, read from an index, not sorted.
    article_date = models.DateField(default=datetime.date.min, editable=False)

    objects = SpanQuerySet.as_manager()

    class Meta:
        abstract = True
        ordering = ["article", "start", "-end"]
        constraints = [
            models.CheckConstraint(condition=Q(start__gte=0), name="%(class)s_start_gte_0"),
            models.CheckConstraint(
                condition=Q(end__gt=models.F("start")), name="%(class)s_end_gt_start"
            ),
        ]

    def save(self, *args, **kwargs):
        if self.anchored and self.start is not None and self.end is not None:
            self.prefix, self.suffix = context(self.article.body, self.start, self.end)
        super().save(*args, **kwargs)

    @property
    def key(self) -> str:
        """``quote-12``, ``placemention-3``: names a span across both span tables."""
        return f"{self._meta.model_name}-{self.pk}"

    def clean(self):
        super().clean()
        if self.article_id is None or not self.anchored:
            return
        body = self.article.body
        if self.start is None and self.end is None:
            self.start, self.end = locate(body, self.exact, self.prefix, self.suffix)
        elif self.start is None or self.end is None:
            raise ValidationError(
                "Give both start and end, or neither to find the text in the body."
            )
        check_offsets(body, self.start, self.end, self.exact)
        self.prefix, self.suffix = context(body, self.start, self.end)


def context(body: str, start: int, end: int) -> tuple[str, str]:
    """The W3C TextQuoteSelector context around ``body[start:end]``."""
    return body[max(0, start - CONTEXT_CHARS) : start], body[end : end + CONTEXT_CHARS]


def check_offsets(body: str, start: int, end: int, exact: str) -> None:
    if end <= start:
        raise ValidationError({"end": f"End ({end}) must be greater than start ({start})."})
    if end > len(body):
        raise ValidationError(
            {"end": f"End ({end}) is past the end of the body ({len(body)} characters)."}
        )
    if body[start:end] != exact:
        raise ValidationError(
            {
                "exact": f"The text does not match the body at {start}-{end}: "
                f"the body has {body[start:end]!r} there."
            }
        )


def locate(body: str, exact: str, prefix: str = "", suffix: str = "") -> tuple[int, int]:
    """Find ``exact`` in ``body``; refuse when it is missing or ambiguous."""
    if not exact:
        raise ValidationError({"exact": "Give the text, or its start and end offsets."})
    starts = []
    position = body.find(exact)
    while position != -1:
        starts.append(position)
        position = body.find(exact, position + 1)
    if not starts:
        raise ValidationError({"exact": f"{exact!r} does not occur in the article's body."})
    if len(starts) > 1 and (prefix or suffix):
        fitting = [s for s in starts if context(body, s, s + len(exact)) == (prefix, suffix)]
        starts = fitting or starts
    if len(starts) > 1:
        shown = ", ".join(str(s) for s in starts[:10])
        raise ValidationError(
            {"exact": f"{exact!r} occurs {len(starts)} times (at {shown}); give its start offset."}
        )
    return starts[0], starts[0] + len(exact)


UNDATED = datetime.date.min


def article_date(article: "Article") -> datetime.date:
    """What ``Span.article_date`` holds for a span of ``article``."""
    return article.published_on or UNDATED


def count_of(spans, field: str):
    """For an UPDATE or annotation of speakers or places: how many of ``spans`` name the row
    (``field``: the span's relation to it), as a subquery."""
    matching = spans.filter(**{field: OuterRef("pk")}).order_by()
    return Coalesce(
        Subquery(
            matching.annotate(n=Func(F("pk"), function="COUNT")).values("n")[:1],
            output_field=models.IntegerField(),
        ),
        0,
    )


def reanchor_spans(model, article, old_body: str) -> None:
    """Re-attach ``article``'s spans of ``model`` after its body changed from ``old_body``."""
    spans = list(model._base_manager.filter(article=article))
    placements = anchoring.reanchor(
        old_body,
        article.body,
        [anchoring.Anchor(s.start, s.end, s.exact, s.prefix, s.suffix) for s in spans],
    )
    changed, now = [], timezone.now()
    for span, placed in zip(spans, placements, strict=True):
        if placed.anchored:
            prefix, suffix = context(article.body, placed.start, placed.end)
            new = (placed.start, placed.end, placed.exact, prefix, suffix, True)
        else:
            new = (span.start, span.end, span.exact, span.prefix, span.suffix, False)
        if new != (span.start, span.end, span.exact, span.prefix, span.suffix, span.anchored):
            span.start, span.end, span.exact, span.prefix, span.suffix, span.anchored = new
            span.version += 1
            span.updated_at = now
            changed.append(span)
    if changed:
        bulk_update_with_history(
            changed,
            model,
            ["start", "end", "exact", "prefix", "suffix", "anchored", "version", "updated_at"],
            default_change_reason="re-anchored after the article's text changed",
        )


class Quote(Span):
    """A quote or claim in an article, attributed to a speaker when the article says who."""

    class Kind(models.TextChoices):
        DIRECT = "direct", "Direct quote"
        INDIRECT = "indirect", "Indirect (paraphrase)"
        CLAIM = "claim", "Reported claim"

    speaker = models.ForeignKey(
        Speaker, null=True, blank=True, on_delete=models.SET_NULL, related_name="quotes"
    )
    kind = models.CharField(max_length=10, choices=Kind.choices, default=Kind.DIRECT)
    places = models.ManyToManyField(
        Place, blank=True, related_name="quotes", help_text="The places this quote is about."
    )
    note = models.TextField(blank=True)

    history = HistoricalRecords(m2m_fields=[places], excluded_fields=["version", "article_date"])
    is_quote = True

    class Meta(Span.Meta):
        indexes = [
            models.Index(
                fields=["speaker", "-article_date", "article", "start"], name="quote_speaker_newest"
            ),
            # The shown quotes of an article and their speakers, read from the index alone: what
            # counting a search's quotes by speaker (claims side by side) reads, an article at
            # a time (40 ms instead of 66 for a search matching 6,424 of 100,000 articles).
            models.Index(
                fields=["article", "speaker"],
                condition=Q(status=Span.Status.CONFIRMED, anchored=True),
                name="quote_shown_by_article",
            ),
        ]

    def __str__(self):
        who = self.speaker.name if self.speaker else "Unattributed"
        return f"{who}: {self.exact[:60]}"

    def get_absolute_url(self):
        return reverse("articles:quote_panel", args=[self.article.slug, self.pk])


class PlaceMention(Span):
    """A mention of a place in an article's body."""

    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="place_mentions")
    place = models.ForeignKey(
        Place,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="mentions",
        help_text="Empty only for a suggestion that proposes a new place.",
    )

    history = HistoricalRecords(excluded_fields=["version", "article_date"])
    is_quote = False

    class Meta(Span.Meta):
        indexes = [
            models.Index(
                fields=["place", "-article_date", "article", "start"], name="mention_place_newest"
            )
        ]
        constraints = [
            *Span.Meta.constraints,
            # A suggestion of a new place has none until accepted; rejected, it never gets one.
            models.CheckConstraint(
                condition=Q(place__isnull=False) | Q(status__in=["suggested", "rejected"]),
                name="placemention_place_unless_suggested",
            ),
        ]

    def __str__(self):
        return f"{self.exact} → {self.place.name if self.place else None}"


class ArticleSpeaker(models.Model):
    """How many reader-visible quotes a speaker has in an article: kept by the operations
    (``changes.Change.apply``), so "who is quoted beside them" reads a few rows per article
    instead of every quote of every article a speaker is in."""

    # DO_NOTHING: the operation that deletes an article or quote reads its kept rows afterwards,
    # to move the totals by them, then deletes them (before the deferred key check at commit)
    article = models.ForeignKey(Article, on_delete=models.DO_NOTHING, related_name="+")
    speaker = models.ForeignKey(Speaker, on_delete=models.CASCADE, related_name="appearances")
    n_quotes = models.PositiveIntegerField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["article", "speaker"], name="article_speaker_unique")
        ]
        indexes = [models.Index(fields=["speaker", "article"], name="speaker_articles")]

    def __str__(self):
        return f"{self.speaker_id} in {self.article_id}: {self.n_quotes}"


class ArticlePlace(models.Model):
    """How many reader-visible mentions of a place an article has: kept by the operations, so
    that a place's number of mentions moves by the difference an operation makes."""

    # DO_NOTHING, as for ``ArticleSpeaker``: deleted by ``kept.refresh`` once it has read them
    article = models.ForeignKey(Article, on_delete=models.DO_NOTHING, related_name="+")
    place = models.ForeignKey(Place, on_delete=models.CASCADE, related_name="+")
    article_date = models.DateField()  # the article's (its mentions'), UNDATED for none
    n_mentions = models.PositiveIntegerField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["article", "place"], name="article_place_unique")
        ]
        # A place's mentions by date (its timeline) from the index alone, not an article
        # looked up for each of its rows
        indexes = [
            models.Index(fields=["place", "article_date", "n_mentions"], name="article_place_dated")
        ]

    def __str__(self):
        return f"{self.place_id} in {self.article_id}: {self.n_mentions}"


class PlaceQuote(models.Model):
    """A reader-visible quote about a place, with what the place's page sorts it by: kept by the
    operations (``kept.refresh``), so the newest quotes about a place are an index's first rows
    rather than a sort of every quote that names it."""

    place = models.ForeignKey(Place, on_delete=models.CASCADE, related_name="+", db_index=False)
    # DO_NOTHING, as for ``ArticleSpeaker``: deleted by ``kept.refresh`` once it has read them
    quote = models.ForeignKey(Quote, on_delete=models.DO_NOTHING, related_name="+", db_index=False)
    speaker = models.ForeignKey(
        Speaker, null=True, on_delete=models.SET_NULL, related_name="+", db_index=False
    )
    article = models.ForeignKey(Article, on_delete=models.DO_NOTHING, related_name="+")
    article_date = models.DateField()
    start = models.PositiveIntegerField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["quote", "place"], name="place_quote_unique")
        ]
        indexes = [
            models.Index(
                fields=["place", "-article_date", "article", "start"], name="place_quote_newest"
            ),
            models.Index(fields=["speaker", "place"], name="place_quote_speaker"),
            # /compare/ for a date range: an index-only walk of the range's rows, counted by
            # speaker and place, instead of a scan of every kept row
            models.Index(fields=["article_date", "speaker", "place"], name="place_quote_dated"),
        ]

    def __str__(self):
        return f"quote {self.quote_id} about {self.place_id}"


class SpeakerPlace(models.Model):
    """How many reader-visible quotes of a speaker are about a place: kept by the operations."""

    speaker = models.ForeignKey(
        Speaker, on_delete=models.CASCADE, related_name="places_spoken_of", db_index=False
    )
    place = models.ForeignKey(Place, on_delete=models.CASCADE, related_name="+")
    n_quotes = models.PositiveIntegerField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["speaker", "place"], name="speaker_place_unique")
        ]
        indexes = [models.Index(fields=["speaker", "-n_quotes"], name="speaker_place_most")]

    def __str__(self):
        return f"{self.speaker_id} about {self.place_id}: {self.n_quotes}"


class SpeakerPair(models.Model):
    """Who is quoted beside a speaker: in how many articles both have a reader-visible quote,
    and how many quotes the other has in those articles. Kept by the operations, by difference
    per article, so a speaker's page reads their first rows whatever the size of the corpus.

    An article quoting k people makes k(k-1) rows: derived rows keyed by the pair itself, whose
    speakers Django's cascade deletes; without a database check of both keys at commit, which
    was a third of accepting an article of 220 speakers' quotes (48,000 pairs)."""

    pk = models.CompositePrimaryKey("speaker", "other")
    speaker = models.ForeignKey(
        Speaker,
        on_delete=models.CASCADE,
        related_name="quoted_beside",
        db_constraint=False,
        db_index=False,  # the key's first column
    )
    other = models.ForeignKey(
        Speaker, on_delete=models.CASCADE, related_name="+", db_constraint=False, db_index=False
    )
    n_articles = models.PositiveIntegerField()
    n_quotes = models.PositiveIntegerField()

    class Meta:
        constraints = [
            models.CheckConstraint(condition=~Q(speaker=F("other")), name="speaker_pair_two"),
        ]
        indexes = [
            models.Index(fields=["speaker", "-n_articles", "-n_quotes"], name="speaker_pair_most")
        ]

    def __str__(self):
        return f"{self.other_id} beside {self.speaker_id}: {self.n_articles} articles"


class ArticleOutlet(models.Model):
    """A published article's outlet, as the outlets' kept rows count it: kept by the operations,
    so that an outlet's totals move by what an article contributed before a change (its outlet
    then, which the change may have replaced) and contributes after."""

    # DO_NOTHING, as for ``ArticleSpeaker``: deleted by ``kept.refresh`` once it has read them
    article = models.OneToOneField(
        Article, on_delete=models.DO_NOTHING, primary_key=True, related_name="+"
    )
    outlet = models.ForeignKey(Outlet, on_delete=models.DO_NOTHING, related_name="+")

    def __str__(self):
        return f"{self.article_id} in {self.outlet_id}"


class OutletSpeaker(models.Model):
    """Whom an outlet quotes: the reader-visible quotes of a speaker in its published articles,
    and in how many of them. Kept by the operations, by difference per article."""

    pk = models.CompositePrimaryKey("outlet", "speaker")
    outlet = models.ForeignKey(
        Outlet,
        on_delete=models.CASCADE,
        related_name="+",
        db_index=False,  # the key's first
    )
    speaker = models.ForeignKey(Speaker, on_delete=models.CASCADE, related_name="+")
    n_quotes = models.PositiveIntegerField()
    n_articles = models.PositiveIntegerField()

    class Meta:
        indexes = [
            models.Index(
                fields=["outlet", "-n_quotes", "-n_articles", "speaker"], name="outlet_speaker_most"
            )
        ]

    def __str__(self):
        return f"{self.speaker_id} in {self.outlet_id}: {self.n_quotes}"


class OutletPlace(models.Model):
    """Where an outlet writes about: the reader-visible mentions of a place in its published
    articles, and in how many of them. Kept by the operations, by difference per article."""

    pk = models.CompositePrimaryKey("outlet", "place")
    outlet = models.ForeignKey(Outlet, on_delete=models.CASCADE, related_name="+", db_index=False)
    place = models.ForeignKey(Place, on_delete=models.CASCADE, related_name="+")
    n_mentions = models.PositiveIntegerField()
    n_articles = models.PositiveIntegerField()

    class Meta:
        indexes = [
            models.Index(
                fields=["outlet", "-n_mentions", "-n_articles", "place"], name="outlet_place_most"
            )
        ]

    def __str__(self):
        return f"{self.place_id} in {self.outlet_id}: {self.n_mentions}"


class JobProgress(models.Model):
    """How far a background import has got, written by the job as it goes (each source is its
    own transaction, so the admin's job page reads it while the job runs)."""

    job_id = models.CharField(max_length=64, unique=True)
    total = models.PositiveIntegerField(default=0)
    done = models.PositiveIntegerField(default=0)
    # One entry a source, in order: {"source", "slug", "headline", "created", "status"} for an
    # article imported, {"source", "skipped": slug} for one imported before, {"source", "error"}.
    items = models.JSONField(default=list, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name_plural = "job progress"

    def __str__(self):
        return f"{self.job_id}: {self.done} of {self.total}"

    @property
    def percent(self) -> int:
        return 100 if not self.total else min(100, self.done * 100 // self.total)


class RuleTally(models.Model):
    """How annotators judged one suggester rule's suggestions: how many it made, how many were
    accepted and how many rejected. Kept by the suggestion operations (``kept.tally_rules``), in
    their transaction, so it outlives the spans (an article deleted, suggestions stored again)
    and the weak rules show in the admin without counting spans."""

    class Kind(models.TextChoices):
        QUOTE = "quote", "Quote"
        PLACE = "place", "Place mention"

    kind = models.CharField(max_length=5, choices=Kind.choices)
    rule = models.CharField(max_length=RULE_CHARS)
    suggested = models.PositiveIntegerField(default=0)
    accepted = models.PositiveIntegerField(default=0)
    rejected = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = "suggestion rule"
        constraints = [models.UniqueConstraint(fields=["kind", "rule"], name="rule_tally_unique")]

    def __str__(self):
        return f"{self.kind} {self.rule}: {self.accepted} accepted, {self.rejected} rejected"

    @property
    def reviewed(self) -> int:
        return self.accepted + self.rejected
