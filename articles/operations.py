"""Every change to Newsroom's data, as an operation that says what it changes.

Each operation is one transaction (``changes.changing()``) and records in its ``Change`` which
articles, speakers, places and authors it touched and whether readers could see it; the change is
applied once, when the operation ends (revisions, search vectors, counts), and the cached pages
it concerns are retired once it commits. Views, admin actions, commands and tests call these;
nothing else writes (a model's own ``save()`` keeps only its invariants: versions, and spans
that follow their body).

"Visible" is judged before and after: a change is public when readers could see what it changed
before it, or can after it (a published article; a confirmed, anchored span in one).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from functools import wraps
from typing import Any, TypeVar

from django.db.models import Exists, Model, OuterRef, Q
from django.utils import timezone
from simple_history.models import HistoricalRecords
from simple_history.utils import bulk_create_with_history, bulk_update_with_history

from .changes import Change, changing
from .models import (
    Affiliation,
    Article,
    Author,
    FormerSlug,
    Outlet,
    Place,
    PlaceMention,
    Quote,
    Span,
    Speaker,
    unique_slug,
)

SpanModel = Quote | PlaceMention
F = TypeVar("F", bound=Callable[..., Any])


def operation(function: F) -> F:
    """Make ``function`` one operation: its writes, and the operations it calls, announce once."""

    @wraps(function)
    def run(*args: Any, **kwargs: Any) -> Any:
        with changing():
            return function(*args, **kwargs)

    return run  # type: ignore[return-value]


# Articles


def publish(articles: Iterable[Article]) -> int:
    """Publish these articles (dated today when undated); returns how many changed."""
    return _set_status(articles, Article.Status.PUBLISHED)


def unpublish(articles: Iterable[Article]) -> int:
    """Make these articles drafts again; readers no longer see them or their names."""
    return _set_status(articles, Article.Status.DRAFT)


def _set_status(articles: Iterable[Article], status: str) -> int:
    changed = 0
    with changing() as change:
        for article in articles:
            if article.status == status:
                continue
            article.status = status
            if status == Article.Status.PUBLISHED and article.published_on is None:
                article.published_on = timezone.localdate()
            article.save()  # one by one, so each change is in the history
            change.article(article, visible=True)
            changed += 1
    return changed


def save_article(article: Article) -> Article:
    """Create or change an article (its text too: its annotations follow the new body)."""
    with changing() as change:
        before = _article_before(article)
        article.save()
        visible = article.is_published or (before is not None and before.is_published)
        if before is not None and before.slug != article.slug:
            change.article(before, visible)  # the old URL's pages go too
        change.article(article, visible)
    return article


def create_articles(articles: Sequence[Article]) -> list[Article]:
    """Create these new articles (validated, their slugs and unique fields free) in bulk: one
    INSERT for them and one for their history rows, however many there are (a bulk import's
    batch). Readers see the published ones."""
    with changing() as change:
        created = bulk_create_with_history(list(articles), Article, default_user=_acting_user())
        for article in created:
            change.article(article, visible=article.is_published)
    return created


def _acting_user() -> Any:
    """Whom the history records as making the change: the request's (or job's) user, if any."""
    request = getattr(HistoricalRecords.context, "request", None)
    user = getattr(request, "user", None)
    return user if user is not None and user.is_authenticated else None


def _article_before(article: Article) -> Article | None:
    if article._state.adding or article.pk is None:
        return None
    return Article._base_manager.only("slug", "status", "author").filter(pk=article.pk).first()


def delete_article(article: Article) -> None:
    with changing() as change:
        _note_names_of(change, article)
        change.article(article, visible=article.is_published)
        article.delete()


def _note_names_of(change: Change, article: Article) -> None:
    """The speakers and places ``article`` shows now, whose pages a change to it concerns even
    if it no longer shows them afterwards."""
    change.speakers.update(
        Quote.objects.filter(article=article, speaker__isnull=False).values_list(
            "speaker_id", flat=True
        )
    )
    change.places.update(
        PlaceMention.objects.filter(article=article, place__isnull=False).values_list(
            "place_id", flat=True
        )
    )
    change.places.update(Place.objects.filter(quotes__article=article).values_list("pk", flat=True))


# Annotations


def _shown(span: Span) -> bool:
    return span.status == Span.Status.CONFIRMED and span.anchored


def _span_names(span: Span) -> tuple[set[int], set[int]]:
    """(speaker ids, place ids) a span names, as stored."""
    if isinstance(span, Quote):
        places = set(span.places.values_list("pk", flat=True)) if span.pk else set()
        return ({span.speaker_id} if span.speaker_id else set()), places
    assert isinstance(span, PlaceMention)
    return set(), ({span.place_id} if span.place_id else set())


def note_span(change: Change, span: Span, was_shown: bool = False) -> None:
    """Record a span's article and names; call before and after changing it."""
    speakers, places = _span_names(span)
    change.speakers |= speakers
    change.places |= places
    change.article(span.article, visible=span.article.is_published and (was_shown or _shown(span)))


def save_annotation(form: Any) -> SpanModel:
    """Save the annotate view's ``AnnotationForm`` (a new or changed quote or place mention,
    with the new speaker or place it names)."""
    with changing() as change:
        was_shown = form.existing is not None and _shown(form.existing)
        if form.existing is not None:
            note_span(change, form.existing, was_shown)
        span = form.save()
        note_span(change, span, was_shown)
    return span


def save_span(span: Span) -> Span:
    """Create or change a span directly (the admin's forms, fixtures, scripts)."""
    with changing() as change:
        before = type(span)._base_manager.filter(pk=span.pk).first() if span.pk else None
        was_shown = before is not None and _shown(before)
        if before is not None:
            note_span(change, before, was_shown)
        span.save()
        note_span(change, span, was_shown)
    return span


def delete_span(span: Span) -> None:
    with changing() as change:
        note_span(change, span, _shown(span))
        span.delete()


def set_quote_places(quote: Quote, places: Iterable[Place]) -> None:
    with changing() as change:
        note_span(change, quote, _shown(quote))
        quote.places.set(list(places))
        note_span(change, quote, _shown(quote))


# Suggestions


def store_suggestions(article: Article) -> tuple[int, int]:
    """The suggester's quotes and place mentions for ``article``, stored for review (readers
    never see them), each with its rule and confidence, counted in its rule's tally. Returns
    (quotes, places) stored."""
    from . import suggestions

    with changing() as change:
        stored = suggestions.store(article)
        change.article(article, visible=False)
    return stored


def accept_suggestions(spans: Sequence[Span]) -> int:
    """Confirm these suggestions, creating the speakers and places they propose, and count them
    in their rules' tallies; a handful of queries however many there are. Returns how many were
    accepted."""
    from . import suggestions

    with changing() as change:
        accepted = suggestions.accept_all(spans)
        for article in Article.objects.in_bulk({span.article_id for span in accepted}).values():
            change.article(article, visible=article.is_published)
    return len(accepted)


def reject_suggestions(spans: Sequence[Span]) -> int:
    """Reject these suggestions: kept (so they are not suggested again), never shown, counted in
    their rules' tallies; a handful of queries however many there are. Returns how many were
    rejected."""
    from . import suggestions

    with changing() as change:
        rejected = suggestions.reject_all(spans)
        for article in Article.objects.in_bulk({span.article_id for span in rejected}).values():
            change.article(article, visible=False)
    return len(rejected)


# Names: speakers, places, authors, outlets


def _articles_showing(obj: Model) -> set[int]:
    if isinstance(obj, Affiliation):
        quotes = Quote.objects.filter(speaker__affiliation=obj)
        return set(quotes.values_list("article_id", flat=True))
    if isinstance(obj, Author):
        return set(Article._base_manager.filter(author=obj).values_list("pk", flat=True))
    if isinstance(obj, Outlet):
        return set(Article._base_manager.filter(outlet=obj).values_list("pk", flat=True))
    ids = set(Quote.objects.filter(**{_quote_field(obj): obj}).values_list("article_id", flat=True))
    if isinstance(obj, Place):
        ids |= set(PlaceMention.objects.filter(place=obj).values_list("article_id", flat=True))
    return ids


def _quote_field(obj: Model) -> str:
    return "speaker" if isinstance(obj, Speaker) else "places"


def _is_public(obj: Model) -> bool:
    """Whether readers see ``obj`` now (read from the database: an instance's counts may be
    older than the operations that keep them)."""
    if isinstance(obj, Speaker):
        return Speaker.objects.filter(pk=obj.pk, n_quotes__gt=0).exists()
    if isinstance(obj, Place):
        return Place.objects.filter(Q(n_mentions__gt=0) | Q(n_quotes__gt=0), pk=obj.pk).exists()
    if isinstance(obj, Outlet):
        return Outlet.objects.filter(pk=obj.pk, n_articles__gt=0).exists()
    if isinstance(obj, Affiliation):
        return Speaker.objects.filter(affiliation=obj, n_quotes__gt=0).exists()
    assert isinstance(obj, Author)
    return Article.objects.published().filter(author=obj).exists()


def _note_name(change: Change, obj: Model, visible: bool) -> None:
    change.articles_showing(_articles_showing(obj), visible)
    if isinstance(obj, Speaker):
        change.speaker(obj, visible)
    elif isinstance(obj, Place):
        change.place(obj, visible)
    elif isinstance(obj, Author):
        change.author(obj, visible)
    elif isinstance(obj, Outlet):
        change.outlet(obj, visible)
    elif isinstance(obj, Affiliation):
        # its speakers' pages show its name, as do the pages of the articles quoting them
        for speaker in Speaker.objects.filter(affiliation=obj).only("pk", "slug"):
            change.speaker(speaker, visible)


Name = Speaker | Place | Author | Outlet | Affiliation


def save_name(obj: Name) -> Name:
    """Create or change (rename, re-describe) a speaker, place, author or outlet: every
    article that shows it shows the change."""
    with changing() as change:
        before = type(obj)._base_manager.filter(pk=obj.pk).first() if obj.pk else None
        if before is not None:
            _note_name(change, before, _is_public(before))
        obj.save()
        if before is not None:
            _note_name(change, obj, _is_public(before))
    return obj


def affiliation_named(name: str) -> Affiliation | None:
    """The affiliation called ``name`` (ignoring case and surrounding spaces), created when
    there is none yet; None for a blank name. Readers see a new one only once a speaker who is
    quoted has it."""
    name = " ".join(name.split())[: Affiliation._meta.get_field("name").max_length]
    if not name:
        return None
    found = Affiliation.objects.filter(name__iexact=name).first()
    if found is not None:
        return found
    affiliation = Affiliation(name=name, slug=unique_slug(Affiliation, name))
    save_name(affiliation)
    return affiliation


def delete_name(obj: Name) -> None:
    """Delete a speaker (its quotes become unattributed), a place no mention uses, an author,
    an outlet (its articles keep their text, without an outlet) or an affiliation (its
    speakers keep their quotes, without an affiliation: each change in their history)."""
    with changing() as change:
        _note_name(change, obj, _is_public(obj))
        if isinstance(obj, Affiliation):
            speakers = list(Speaker.objects.filter(affiliation=obj))
            for speaker in speakers:
                speaker.affiliation = None
            reason = f"affiliation {obj.name} deleted"
            bulk_update_with_history(
                speakers, Speaker, ["affiliation"], default_change_reason=reason
            )
        obj.delete()


def merge_speakers(keep: Speaker, others: Iterable[Speaker]) -> int:
    """Merge ``others`` into ``keep``: their quotes move to it, their names join its aliases,
    their old URLs answer 301 to its page. Returns how many were merged."""
    others = [o for o in others if o.pk != keep.pk]
    with changing() as change:
        _note_merge(change, keep, others)
        _move_spans(Quote, "speaker", keep, others)
        _absorb(keep, others, FormerSlug.Kind.SPEAKER)
    return len(others)


def _note_merge(change: Change, keep: Speaker | Place, others: list) -> None:
    for obj in [*others, keep]:
        _note_name(change, obj, _is_public(obj))


def _move_spans(model: type[SpanModel], field: str, keep: Speaker | Place, others: list) -> None:
    """Point ``model``'s spans at ``keep`` instead of ``others``, each change in its history."""
    spans = list(model._base_manager.filter(**{f"{field}__in": others}))
    for span in spans:
        setattr(span, field, keep)
        span.version += 1
    reason = f"merged into {keep.name} ({field} {keep.pk})"
    bulk_update_with_history(spans, model, [field, "version"], default_change_reason=reason)


def merge_places(keep: Place, others: Iterable[Place]) -> int:
    """Merge ``others`` into ``keep``: mentions and the quotes about them move to it, names join
    its aliases, old URLs answer 301. Returns how many were merged."""
    others = [o for o in others if o.pk != keep.pk]
    with changing() as change:
        _note_merge(change, keep, others)
        _move_spans(PlaceMention, "place", keep, others)
        links = Quote.places.through.objects
        moving = links.filter(place__in=others)
        already = links.filter(place=keep, quote=OuterRef("quote"))
        links.bulk_create(
            [
                links.model(quote_id=quote_id, place_id=keep.pk)
                for quote_id in set(
                    moving.exclude(Exists(already)).values_list("quote_id", flat=True)
                )
            ]
        )
        moving.delete()
        _absorb(keep, others, FormerSlug.Kind.PLACE)
    return len(others)


def _absorb(keep: Speaker | Place, others: list, kind: str) -> None:
    """The others' names become aliases of ``keep``, their slugs point to it, they go."""
    names = [keep.name.casefold()]
    aliases = []
    for name in [a for o in others for a in [o.name, *o.aliases]] + list(keep.aliases):
        if name.casefold() not in names:
            names.append(name.casefold())
            aliases.append(name)
    keep.aliases = aliases
    keep.save()
    target = {kind: keep}
    FormerSlug.objects.filter(**{f"{kind}__in": others}).update(**target)
    FormerSlug.objects.bulk_create([FormerSlug(kind=kind, slug=o.slug, **target) for o in others])
    for other in others:
        other._change_reason = f"merged into {keep.name}"
        other.delete()


# Generic entry points for the admin


def save_object(obj: Model) -> Model:
    """Save any of the app's objects through its operation (the admin's change forms)."""
    if isinstance(obj, Article):
        return save_article(obj)
    if isinstance(obj, Speaker | Place | Author | Outlet | Affiliation):
        return save_name(obj)
    if isinstance(obj, Quote | PlaceMention):
        return save_span(obj)
    raise TypeError(f"no operation saves {type(obj).__name__}")


def delete_object(obj: Model) -> None:
    if isinstance(obj, Article):
        delete_article(obj)
    elif isinstance(obj, Speaker | Place | Author | Outlet | Affiliation):
        delete_name(obj)
    elif isinstance(obj, Quote | PlaceMention):
        delete_span(obj)
    else:
        raise TypeError(f"no operation deletes {type(obj).__name__}")


def note_spans_before(model: type[SpanModel], pks: Iterable[int]) -> None:
    """Inside an operation: these spans are about to change (an admin inline formset); their
    current names are concerned."""
    from .changes import current

    change = current()
    for span in model._base_manager.filter(pk__in=list(pks)).select_related("article"):
        note_span(change, span, _shown(span))


def rebuild_everything(derived: bool = True) -> None:
    """After bulk loads that bypassed the operations: every revision, count and cached page,
    and every search vector and span date unless the load made its own (``derived=False``)."""
    with changing() as change:
        change.all(derived)
