"""One pattern for plugin registries (issue 15 point 6): a :class:`Registry` of named plugins.

A package that offers plugins makes one module-level registry and registers its built-in plugins with the
decorator; code looks plugins up by name through the registry, never through a dict of its own::

    backends: Registry[type] = Registry("notification backend")

    @backends.register("file")
    class FileBackend: ...

    backends["file"]          # KeyError naming the registry and the known names when missing
    backends.get("sms-x")     # None when missing

A test that needs its own set swaps the registry for a fresh one (``monkeypatch.setattr(module, "backends",
Registry("…"))``, or :meth:`Registry.copy` to start from the built-in ones), so nothing registered by one test leaks
into another. The registries built on it: notification backends (``core.notify.backends``), job handlers
(``core.jobs``), identity providers (``identity.providers.registry``), the base registries of the exchange
(``exchange.registries.current()``, built from ``MOTCUA_REGISTRIES``). Registering a name again replaces the plugin
(settings and tests rely on it), as the dicts these registries replaced did.

The model is Open Forms' ``BaseRegistry`` (a registry object, a ``register`` decorator, lookup by name); no code is
taken from it.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from typing import TypeVar

T = TypeVar("T")


class Registry(Mapping[str, T]):
    """Named plugins of one kind, in registration order; a read-only mapping of name → plugin (``get``, ``in``,
    ``items()``, ``dict(registry)``), written only through :meth:`register`."""

    def __init__(self, kind: str) -> None:
        self.kind = kind
        self._plugins: dict[str, T] = {}

    def register(self, name: str) -> Callable[[T], T]:
        """A decorator registering a plugin (a class, a function or an instance) under ``name``."""
        if not name or not isinstance(name, str):
            raise ValueError(f"A {self.kind} needs a name.")

        def decorator(plugin: T) -> T:
            self._plugins[name] = plugin
            return plugin

        return decorator

    def add(self, name: str, plugin: T) -> T:
        """Register ``plugin`` under ``name`` without the decorator syntax."""
        return self.register(name)(plugin)

    def unregister(self, name: str) -> None:
        self._plugins.pop(name, None)

    def __getitem__(self, name: str) -> T:
        try:
            return self._plugins[name]
        except KeyError:
            known = ", ".join(self._plugins) or "none"
            raise KeyError(f"No {self.kind} named {name!r} (known: {known}).") from None

    def __contains__(self, name: object) -> bool:
        return name in self._plugins

    def __iter__(self) -> Iterator[str]:
        return iter(list(self._plugins))

    def __len__(self) -> int:
        return len(self._plugins)

    def names(self) -> list[str]:
        return list(self._plugins)

    def as_dict(self) -> dict[str, T]:
        """The plugins by name (a copy)."""
        return dict(self._plugins)

    def copy(self) -> Registry[T]:
        """A fresh registry holding the same plugins (for a test that adds its own without leaking them)."""
        fresh: Registry[T] = type(self).__new__(type(self))
        fresh.__dict__.update(self.__dict__)
        fresh._plugins = dict(self._plugins)
        return fresh

    def __repr__(self) -> str:
        return f"Registry({self.kind!r}, {self.names()})"
