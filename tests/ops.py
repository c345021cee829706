"""Test data made the way the app makes it: through the operations, so revisions, counts and
cached pages follow, as they do for every write in Newsroom."""

from django.db.models import Model

from articles import operations

DRAFT_BANNER = (
    "Draft: only those who may view articles in the admin (annotators, editors) can see it."
)


def create(model: type[Model], **fields) -> Model:
    """``model(**fields)``, saved by its operation (``Quote.objects.create`` that announces)."""
    obj = model(**fields)
    operations.save_object(obj)
    return obj


def save(obj: Model) -> Model:
    return operations.save_object(obj)


def delete(obj: Model) -> None:
    operations.delete_object(obj)


def load_seed() -> None:
    """The annotated seed, as ``make run`` loads it (a fixture, then the counts and pages)."""
    from io import StringIO

    from django.core.management import call_command

    call_command("load_seed", force=True, stdout=StringIO())


def add_places(quote, *places) -> None:
    """``quote.places.add(*places)``, through the operation that announces it."""
    operations.set_quote_places(quote, [*quote.places.all(), *places])


def delete_all_articles() -> None:
    """Every article deleted, through the operation (one change for them all)."""
    from articles.changes import changing
    from articles.models import Article

    with changing():
        for article in Article.objects.all():
            operations.delete_article(article)


def affiliation(name: str, **fields):
    """The affiliation called ``name`` (made through its operation), None for ""."""
    from articles.models import Affiliation

    if not name:
        return None
    found = Affiliation.objects.filter(name=name).first()
    if found is not None:
        return found
    return create(
        Affiliation, name=name, slug=f"affiliation-{Affiliation.objects.count()}", **fields
    )
