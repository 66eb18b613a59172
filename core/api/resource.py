"""The base of every JSON API resource: declared once, at import; load, check, act in one place.

A resource is a module-level ``MethodView`` registered on a module-level :class:`core.api.Blueprint` (no class
is made when an app starts; what differs per region is resolved from the app, :mod:`core.api.regional`). Its
methods follow one shape, as Indico's handlers do (``_process_args → _check_access → _process``):

* **who may call** is the operation's decorator (``authed(perm)``, ``optional_auth``, ``public``:
  :mod:`core.api.blueprint`), which refuses before anything is read;
* **load and check**: :meth:`Resource.record` loads the record the path names through the user's scope with
  the resource's :attr:`~Resource.loader` (the feature's one load-or-404 helper: a record outside the scope is a
  404, never told apart from a missing one) and checks the permission the method needs (403);
* **act**: the method calls the feature's service, then :meth:`Resource.done` commits and writes the answer
  (after the commit, so the answer is what was stored).

Example::

    @blp.route("/filings/<int:ident>/submit")
    class FilingSubmit(Resource):
        loader = scoped(AnnualFiling)           # the feature's load-or-404 under the user's scope

        @authed(ManagementPerm.FILE)
        @blp.response(200, FilingSchema)
        def post(self, ident):
            filing = self.record(ident, ManagementPerm.FILE)
            filings.submit(filing, self.user.username)
            return self.done(filing_json, filing)
"""
from __future__ import annotations

from collections.abc import Callable
from typing import Any, ClassVar, TypeVar

from flask import current_app
from flask.views import MethodView

from core.kernel.uow import commit

T = TypeVar("T")

#: ``loader(user, ident[, perm])``: the record ``ident`` within the user's scope (NotFound outside it), ``perm``
#: checked (AccessDenied) where given, else the loader's own default
Loader = Callable[..., Any]


class Resource(MethodView):
    """A JSON API resource (see the module's documentation)."""

    #: the feature's load-or-404 helper for the record the path names (``None``: the path names none)
    loader: ClassVar[Loader | None] = None

    def dispatch_request(self, **kwargs: Any) -> Any:
        """The method's answer; a POST's ``Idempotency-Key`` honoured (:mod:`core.api.idempotency`, issue 48)."""
        from core.api.idempotency import replayable

        return replayable(self, super().dispatch_request, kwargs)

    @property
    def user(self) -> Any:
        """The user of the request's bearer token (``None`` on a public operation called without one)."""
        return current_app.extensions["greenmfg_token_authenticator"]()

    def record(self, ident: Any, perm: Any = None) -> Any:
        """The record ``ident`` as the user may see it, ``perm`` checked (default: the loader's): 404 outside the
        user's scope, 403 when the role may not do ``perm`` on it."""
        loader = type(self).loader
        if loader is None:
            raise TypeError(f"{type(self).__name__} names no loader")
        return loader(self.user, ident) if perm is None else loader(self.user, ident, perm)

    @staticmethod
    def done(answer: Callable[..., T], *args: Any, **kwargs: Any) -> T:
        """Commit what the method did, then answer ``answer(*args, **kwargs)``: the stored state."""
        commit()
        return answer(*args, **kwargs)
