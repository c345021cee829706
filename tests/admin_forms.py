"""POST data of the admin forms, as a browser would send them."""


def article_post(article, quotes=(), **overrides):
    """The article's change form as shown for ``article``; ``quotes``: its existing quote rows,
    each a (quote, {field: new value}) pair, posted with the quote's version as loaded."""
    data = {
        "headline": article.headline,
        "slug": article.slug,
        "dek": article.dek,
        "body": article.body,
        "status": article.status,
        "source_url": article.source_url,
        "author": article.author_id or "",
        "published_on": article.published_on.isoformat() if article.published_on else "",
        "loaded_version": str(article.version),
        "quotes-TOTAL_FORMS": str(len(quotes)),
        "quotes-INITIAL_FORMS": str(len(quotes)),
        "quotes-MIN_NUM_FORMS": "0",
        "quotes-MAX_NUM_FORMS": "1000",
        "place_mentions-TOTAL_FORMS": "0",
        "place_mentions-INITIAL_FORMS": "0",
        "place_mentions-MIN_NUM_FORMS": "0",
        "place_mentions-MAX_NUM_FORMS": "1000",
    }
    for i, (quote, changes) in enumerate(quotes):
        row = {
            "id": quote.pk,
            "article": article.pk,
            "exact": quote.exact,
            "start": quote.start,
            "end": quote.end,
            "speaker": quote.speaker_id or "",
            "kind": quote.kind,
            "status": quote.status,
            "loaded_version": quote.version,
            **changes,
        }
        data.update({f"quotes-{i}-{k}": str(v) for k, v in row.items()})
    data.update(overrides)
    return data
