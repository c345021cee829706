"""Model spans to highlight specs: what the reader pages and the admin preview both show."""

from django.urls import reverse
from django.utils.safestring import SafeString

from . import highlight

SPEAKER_COLOURS = 8


def speaker_colour(speaker_id: int | None) -> str:
    """A speaker's colour class anywhere but an article page; unattributed quotes share one."""
    return "speaker-none" if speaker_id is None else f"speaker-{speaker_id % SPEAKER_COLOURS}"


def article_colours(speaker_ids) -> dict:
    """Colour classes for the speakers of one article: the most quoted get distinct colours
    (ties in order of first appearance); only past eight speakers do colours repeat."""
    counts: dict[int | None, int] = {}
    for speaker_id in speaker_ids:
        counts[speaker_id] = counts.get(speaker_id, 0) + 1
    ranked = sorted((s for s in counts if s is not None), key=lambda s: -counts[s])
    colours: dict[int | None, str] = {
        s: f"speaker-{i % SPEAKER_COLOURS}" for i, s in enumerate(ranked)
    }
    colours[None] = "speaker-none"
    return colours


def quote_highlight(quote, article_slug: str, colour: str) -> highlight.Highlight:
    panel_url = reverse("articles:quote_panel", args=[article_slug, quote.pk])
    speaker = quote.speaker
    return highlight.Highlight(
        start=quote.start,
        end=quote.end,
        tag="mark",
        attrs=(
            ("class", f"quote quote--{quote.kind} {colour}"),
            ("data-quote", str(quote.pk)),
            ("data-kind", quote.kind),
            ("data-speaker", speaker.slug if speaker else ""),
            ("title", f"{speaker.name if speaker else 'Unattributed'}: {quote.get_kind_display()}"),
            # Not role=button: a quote may contain place links (nested-interactive). newsroom.js
            # makes the first piece (#q-<id>) focusable, so no-JS readers get no dead tab stops.
            ("hx-get", panel_url),
            ("hx-target", "#panel"),
            ("hx-push-url", "true"),
        ),
        first_attrs=(("id", f"q-{quote.pk}"),),
    )


def mention_highlight(mention) -> highlight.Highlight:
    place = mention.place
    return highlight.Highlight(
        start=mention.start,
        end=mention.end,
        tag="a",
        attrs=(
            ("class", f"place place--{place.kind}"),
            ("href", place.get_absolute_url()),
            ("data-place", place.slug),
            ("title", place.name),
        ),
    )


def body_html(article, quotes, mentions) -> SafeString:
    """The article body with the given quotes (speaker loaded) and mentions (place loaded)."""
    colours = article_colours(q.speaker_id for q in quotes)
    specs = [quote_highlight(q, article.slug, colours[q.speaker_id]) for q in quotes]
    specs += [mention_highlight(m) for m in mentions]
    return highlight.render(article.body, specs)


def proposed_label(span) -> str:
    """Who or where a span names; for a suggestion, possibly a speaker or place it proposes."""
    if span.is_quote:
        if span.speaker:
            return span.speaker.name
        proposed = span.proposal.get("speaker")
        return f"{proposed['name']} (proposed)" if proposed else "Unattributed"
    if span.place:
        return span.place.name
    return f"{span.proposal['place']['name']} (proposed)"


def annotate_body_html(article, quotes, mentions) -> SafeString:
    """The body as annotators see it: every live span marked, suggestions set apart."""
    specs = []
    colours = article_colours(q.speaker_id for q in quotes)
    for span in [*quotes, *mentions]:
        if span.is_quote:
            classes = f"quote quote--{span.kind} {colours[span.speaker_id]}"
        else:
            kind = span.place.kind if span.place else span.proposal["place"].get("kind", "other")
            classes = f"place-mention place--{kind}"
        label = proposed_label(span)
        specs.append(
            highlight.Highlight(
                start=span.start,
                end=span.end,
                tag="mark",
                attrs=(
                    ("class", f"{classes} status--{span.status}"),
                    ("data-span", span.key),
                    ("title", f"{label} ({span.get_status_display().lower()})"),
                ),
            )
        )
    return highlight.render(article.body, specs)


def news_article(article, url: str) -> dict:
    """The article as schema.org ``NewsArticle`` (JSON-LD), for search engines and reference
    managers: its headline, date, author, outlet and the page it came from. ``url``: its page."""
    data: dict = {
        "@context": "https://schema.org",
        "@type": "NewsArticle",
        "headline": article.headline,
        "url": url,
        "mainEntityOfPage": url,
    }
    if article.dek:
        data["description"] = article.dek
    if article.published_on:
        data["datePublished"] = article.published_on.isoformat()
    if article.language:
        data["inLanguage"] = article.language
    if article.author:
        data["author"] = {"@type": "Person", "name": article.author.name}
    if article.outlet:
        publisher = {"@type": "Organization", "name": article.outlet.name}
        if article.outlet.homepage:
            publisher["url"] = article.outlet.homepage
        data["publisher"] = publisher
    if article.source_url:
        data["isBasedOn"] = article.source_url
    return data
