"""Reads of public pages go to the read replica when one is configured (DATABASE_REPLICA_URL).

Only the reader views opt in (``articles.views.public_read``): the admin, the importer and every
write stay on the primary, so nobody reads their own writes from a lagging replica.
"""

from contextlib import contextmanager
from contextvars import ContextVar

_public_read = ContextVar("public_read", default=False)


@contextmanager
def public_read():
    token = _public_read.set(True)
    try:
        yield
    finally:
        _public_read.reset(token)


class ReplicaRouter:
    def db_for_read(self, model, **hints):
        return "replica" if _public_read.get() else "default"

    def db_for_write(self, model, **hints):
        return "default"

    def allow_relation(self, obj1, obj2, **hints):
        return True  # one database and its copy

    def allow_migrate(self, db, app_label, model_name=None, **hints):
        return db == "default"
