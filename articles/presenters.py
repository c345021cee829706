"""Model spans to highlight specs: what the reader pages and the admin preview both show."""

from django.urls import reverse
from django.utils.safestring import SafeString

from . import highlight

SPEAKER_COLOURS = 8


def speaker_colour(speaker_id: int | None) -> str:
    """A stable colour class per speaker; unattributed quotes share one."""
    return "speaker-none" if speaker_id is None else f"speaker-{speaker_id % SPEAKER_COLOURS}"


def quote_highlight(quote, article_slug: str) -> highlight.Highlight:
    panel_url = reverse("articles:quote_panel", args=[article_slug, quote.pk])
    speaker = quote.speaker
    return highlight.Highlight(
        start=quote.start,
        end=quote.end,
        tag="mark",
        attrs=(
            ("class", f"quote quote--{quote.kind} {speaker_colour(quote.speaker_id)}"),
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
    specs = [quote_highlight(q, article.slug) for q in quotes]
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
    for span in [*quotes, *mentions]:
        if span.is_quote:
            classes = f"quote quote--{span.kind} {speaker_colour(span.speaker_id)}"
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
