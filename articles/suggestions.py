"""Machine suggestions, stored for people to review.

``articles.suggest`` (pure) finds quotes and place mentions in a body; this module gives it what
the database knows (speakers, places), stores what it finds as spans with status ``suggested``
(readers never see those), and confirms them. Call these through ``articles.operations``
(``store_suggestions``, ``accept_suggestions``, ``reject_suggestions``), which say what
changed. A suggestion that proposes a new speaker or place keeps the proposal in
``Span.proposal``; accepting it creates the speaker or place.
"""

from django.db import transaction
from simple_history.utils import bulk_create_with_history

from . import suggest
from .models import Place, PlaceMention, Quote, Span, Speaker, context, find_by_name, unique_slug


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
    """What the suggester finds in ``body``, given every speaker and place we know."""
    return (
        suggest.suggest_quotes(body, known_speakers()),
        suggest.suggest_places(body, known_places()),
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
            )
        )
        taken_places.append((p.start, p.end))

    reason = "suggested automatically"
    bulk_create_with_history(new_quotes, Quote, default_change_reason=reason)
    bulk_create_with_history(new_mentions, PlaceMention, default_change_reason=reason)
    return len(new_quotes), len(new_mentions)


@transaction.atomic
def accept(span) -> Span:
    """Confirm a suggestion, creating the speaker or place it proposes (unless one by that
    name or alias exists by now)."""
    if span.is_quote and span.speaker is None and span.proposal.get("speaker"):
        proposed = span.proposal["speaker"]
        span.speaker = find_by_name(Speaker, proposed["name"]) or Speaker.objects.create(
            name=proposed["name"],
            slug=unique_slug(Speaker, proposed["name"]),
            kind=proposed.get("kind") or Speaker.Kind.PERSON,
            role=proposed.get("role", ""),
        )
    if not span.is_quote and span.place is None:
        proposed = span.proposal["place"]
        place = find_by_name(Place, proposed["name"])
        if place is None:
            place = Place(
                name=proposed["name"],
                slug=unique_slug(Place, proposed["name"]),
                latitude=proposed["latitude"],
                longitude=proposed["longitude"],
                # The gazetteer knows seas and lakes; our places file them under "other".
                kind=proposed.get("kind") if proposed.get("kind") in Place.Kind.values else "other",
                country_code=proposed.get("country_code", ""),
                aliases=proposed.get("aliases", []),
            )
            place.full_clean()
            place.save()
        span.place = place
    span.status = Span.Status.CONFIRMED
    span.proposal = {}
    span.save()
    return span
