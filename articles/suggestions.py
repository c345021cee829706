"""Machine suggestions, stored for people to review.

``articles.suggest`` (pure) finds quotes and place mentions in a body; this module gives it what
the database knows (speakers, places), stores what it finds as spans with status ``suggested``
(readers never see those), and confirms them. Call these through ``articles.operations``
(``store_suggestions``, ``accept_suggestions``, ``reject_suggestions``), which say what
changed. A suggestion that proposes a new speaker or place keeps the proposal in
``Span.proposal``; accepting it creates the speaker or place. Each keeps the rule that made it
and its confidence (``Span.rule``, ``Span.confidence``), accepted or not, and every rule's
suggestions, acceptances and rejections are counted as they happen (``RuleTally``, by
``kept.tally_rules``), in the same transaction.
"""

from collections import Counter
from collections.abc import Iterable, Sequence
from typing import Any

from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from simple_history.utils import bulk_create_with_history, bulk_update_with_history

from . import kept, suggest
from .geonames import article as article_gazetteer
from .models import (
    RULE_CHARS,
    Place,
    PlaceMention,
    Quote,
    RuleTally,
    Span,
    Speaker,
    StaleEdit,
    context,
    unique_slugs,
)


def known_speakers() -> list[suggest.KnownSpeaker]:
    return [
        suggest.KnownSpeaker(name=s.name, aliases=tuple(s.aliases), kind=s.kind, role=s.role)
        for s in Speaker.objects.all()
    ]


def known_places() -> list[suggest.KnownPlace]:
    return [
        suggest.KnownPlace(
            name=p.name,
            latitude=p.latitude,
            longitude=p.longitude,
            aliases=tuple(p.aliases),
            kind=p.kind,
            country_code=p.country_code,
        )
        for p in Place.objects.all()
    ]


def find(body: str) -> tuple[list, list]:
    """What the suggester finds in ``body``, given every speaker and place we know, with the
    gazetteer in the database (``load_gazetteer``; the bundled fixture while there is none)."""
    gazetteer = article_gazetteer.gazetteer_for(body) if article_gazetteer.loaded() else None
    return (
        suggest.suggest_quotes(body, known_speakers()),
        suggest.suggest_places(body, known_places(), gazetteer=gazetteer or suggest.DEFAULT),
    )


def as_json(quotes, places) -> dict:
    """The suggestions as the ``import_articles --format json`` document has them."""
    return {
        "quotes": [
            {"start": q.start, "end": q.end, "text": q.text, "speaker": q.speaker, "kind": q.kind}
            for q in quotes
        ],
        "places": [
            {
                "start": p.start,
                "end": p.end,
                "text": p.text,
                "place": p.place,
                "latitude": p.latitude,
                "longitude": p.longitude,
            }
            for p in places
        ],
    }


def _overlaps(start, end, taken) -> bool:
    return any(start < e and s < end for s, e in taken)


@transaction.atomic
def store(article) -> tuple[int, int]:
    """Store suggestions for ``article``; skip any that overlap a span it already has (of any
    status, so what people rejected is not suggested again). Returns (quotes, places) stored."""
    quotes, places = find(article.body)
    body = article.body
    taken_quotes = list(article.quotes.filter(anchored=True).values_list("start", "end"))
    taken_places = list(article.place_mentions.filter(anchored=True).values_list("start", "end"))
    speakers = {s.name: s for s in Speaker.objects.filter(name__in={q.speaker for q in quotes})}
    places_by_name = {p.name: p for p in Place.objects.filter(name__in={p.place for p in places})}

    new_quotes = []
    for q in quotes:
        if _overlaps(q.start, q.end, taken_quotes):
            continue
        speaker = None if q.speaker_is_new else speakers.get(q.speaker)
        proposal = {}
        if q.speaker and speaker is None:
            proposal = {
                "speaker": {"name": q.speaker, "kind": q.speaker_kind, "role": q.speaker_role}
            }
        prefix, suffix = context(body, q.start, q.end)
        new_quotes.append(
            Quote(
                article=article,
                start=q.start,
                end=q.end,
                exact=q.text,
                prefix=prefix,
                suffix=suffix,
                kind=q.kind,
                speaker=speaker,
                status=Span.Status.SUGGESTED,
                proposal=proposal,
                **_provenance(q),
            )
        )
        taken_quotes.append((q.start, q.end))

    new_mentions = []
    for p in places:
        if _overlaps(p.start, p.end, taken_places):
            continue
        place = None if p.is_new else places_by_name.get(p.place)
        proposal = {}
        if place is None:
            proposal = {
                "place": {
                    "name": p.place,
                    "latitude": p.latitude,
                    "longitude": p.longitude,
                    "kind": p.kind,
                    "country_code": p.country_code,
                    "aliases": list(p.aliases),
                    "note": p.note,
                }
            }
        prefix, suffix = context(body, p.start, p.end)
        new_mentions.append(
            PlaceMention(
                article=article,
                start=p.start,
                end=p.end,
                exact=p.text,
                prefix=prefix,
                suffix=suffix,
                place=place,
                status=Span.Status.SUGGESTED,
                proposal=proposal,
                **_provenance(p),
            )
        )
        taken_places.append((p.start, p.end))

    reason = "suggested automatically"
    bulk_create_with_history(new_quotes, Quote, default_change_reason=reason)
    bulk_create_with_history(new_mentions, PlaceMention, default_change_reason=reason)
    tally([*new_quotes, *new_mentions], "suggested")
    return len(new_quotes), len(new_mentions)


def _provenance(suggestion: suggest.QuoteSuggestion | suggest.PlaceSuggestion) -> dict:
    """The span fields that say which rule made a suggestion and how sure it was."""
    confidence = min(1.0, max(0.0, float(suggestion.confidence)))
    return {"rule": suggestion.rule[:RULE_CHARS], "confidence": confidence}


def tally(spans: Iterable[Span], column: str) -> None:
    """Count these spans in their rules' ``RuleTally.<column>``: one statement for them all."""
    kinds = {Quote: RuleTally.Kind.QUOTE, PlaceMention: RuleTally.Kind.PLACE}
    kept.tally_rules(Counter((kinds[type(s)].value, s.rule) for s in spans), column)


def accept_all(spans: Sequence[Span]) -> list[Span]:
    """Confirm these suggestions at once, creating the speakers and places they propose (unless
    one by that name or alias exists by now): a handful of queries, whatever their number.
    Call inside a transaction (``operations.accept_suggestions``). A suggestion changed by
    someone else since it was loaded refuses the whole lot (``StaleEdit``)."""
    spans = [s for s in spans if s.status == Span.Status.SUGGESTED and not _placeless(s)]
    quotes = [s for s in spans if isinstance(s, Quote)]
    mentions = [s for s in spans if isinstance(s, PlaceMention)]
    _check_versions(Quote, quotes)
    _check_versions(PlaceMention, mentions)
    speakers = _named(Speaker, [q.proposal["speaker"] for q in quotes if _proposes(q, "speaker")])
    places = _named(Place, [m.proposal["place"] for m in mentions if _proposes(m, "place")])
    for quote in quotes:
        if _proposes(quote, "speaker"):
            quote.speaker = speakers[quote.proposal["speaker"]["name"].casefold()]
    for mention in mentions:
        if _proposes(mention, "place"):
            mention.place = places[mention.proposal["place"]["name"].casefold()]
    now = timezone.now()
    batches: list[tuple[type[Span], Sequence[Span], list[str]]] = [
        (Quote, quotes, ["speaker"]),
        (PlaceMention, mentions, ["place"]),
    ]
    for model, confirmed, fields in batches:
        for span in confirmed:
            span.status, span.proposal = Span.Status.CONFIRMED, {}
            span.version += 1
            span.updated_at = now
        bulk_update_with_history(
            confirmed,
            model,
            [*fields, "status", "proposal", "version", "updated_at"],
            default_change_reason="suggestion accepted",
        )
    tally(spans, "accepted")
    return spans


def reject_all(spans: Sequence[Span]) -> list[Span]:
    """Reject these suggestions at once: kept (so they are not suggested again), never shown; a
    handful of queries, whatever their number. Call inside a transaction
    (``operations.reject_suggestions``); a suggestion changed by someone else since it was
    loaded refuses the whole lot (``StaleEdit``)."""
    spans = [s for s in spans if s.status == Span.Status.SUGGESTED]
    now = timezone.now()
    for model in (Quote, PlaceMention):
        rejected = [s for s in spans if isinstance(s, model)]
        _check_versions(model, rejected)
        for span in rejected:
            span.status = Span.Status.REJECTED
            span.version += 1
            span.updated_at = now
        bulk_update_with_history(
            rejected,
            model,
            ["status", "version", "updated_at"],
            default_change_reason="suggestion rejected",
        )
    tally(spans, "rejected")
    return spans


def _proposes(span: Span, what: str) -> bool:
    return getattr(span, what) is None and bool(span.proposal.get(what))


def _check_versions(model: type[Span], spans: Sequence[Span]) -> None:
    stored = dict(
        model._base_manager.select_for_update()
        .filter(pk__in=[s.pk for s in spans])
        .values_list("pk", "version")
    )
    for span in spans:
        if stored.get(span.pk) != span.version:
            raise StaleEdit(span)


def _placeless(span: Span) -> bool:
    """A mention that names no place and proposes none (an imported annotation whose place is
    unknown here): it waits for a person to choose its place; accepting it cannot confirm it."""
    return isinstance(span, PlaceMention) and span.place_id is None and not _proposes(span, "place")


def _named(model: type[Speaker] | type[Place], proposals: list[dict]) -> dict:
    """casefolded name -> the speaker or place each proposal names: found by name or alias in
    one query, the missing ones created together (each in the history)."""
    wanted = {p["name"].casefold(): p for p in proposals}
    if not wanted:
        return {}
    condition = Q()
    for proposal in wanted.values():
        condition |= Q(name__iexact=proposal["name"]) | Q(aliases__icontains=proposal["name"])
    found: dict = {}
    candidates: list[Any] = list(model.objects.filter(condition))
    for candidate in candidates:  # a name before an alias, as find_by_name
        found.setdefault(candidate.name.casefold(), candidate)
    for candidate in candidates:
        for alias in candidate.aliases:
            found.setdefault(alias.casefold(), candidate)
    missing = [p for key, p in wanted.items() if key not in found]
    slugs = unique_slugs(model, [p["name"] for p in missing])
    new = [_new(model, proposal, slug) for proposal, slug in zip(missing, slugs, strict=True)]
    for obj in new:
        obj.full_clean(validate_unique=False)
    bulk_create_with_history(new, model, default_change_reason="proposed by a suggestion")
    found.update({obj.name.casefold(): obj for obj in new})
    return {key: found[key] for key in wanted}


def _new(model, proposal: dict, slug: str):
    if model is Speaker:
        return Speaker(
            name=proposal["name"],
            slug=slug,
            kind=proposal.get("kind") or Speaker.Kind.PERSON,
            role=proposal.get("role", ""),
        )
    return Place(
        name=proposal["name"],
        slug=slug,
        latitude=proposal["latitude"],
        longitude=proposal["longitude"],
        # The gazetteer knows seas and lakes; our places file them under "other".
        kind=proposal["kind"] if proposal.get("kind") in Place.Kind.values else "other",
        country_code=proposal.get("country_code", ""),
        aliases=proposal.get("aliases", []),
    )
