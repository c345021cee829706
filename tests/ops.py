"""Test data made the way the app makes it: through the operations, so revisions, counts and
cached pages follow, as they do for every write in Newsroom."""

from django.db.models import Model

from articles import operations


def create(model: type[Model], **fields) -> Model:
    """``model(**fields)``, saved by its operation (``Quote.objects.create`` that announces)."""
    obj = model(**fields)
    operations.save_object(obj)
    return obj


def save(obj: Model) -> Model:
    return operations.save_object(obj)


def delete(obj: Model) -> None:
    operations.delete_object(obj)
