"""Base registries as plugins (issue 4 point 1).

:func:`get` returns the plugin for a registry name; which plugin depends on the setting ``MOTCUA_REGISTRIES``
(environment variable of the same name):

- empty (default): every registry simulated in-process (:mod:`.simulated`, seed ``MOTCUA_REGISTRY_SEED``, 2026);
- one URL (``http://127.0.0.1:8700``): every registry served by that remote (``motcua registry serve``);
- ``name=url,name=url`` or a JSON object ``{"population": "http://…", "business": "inprocess"}``: per registry;
  ``inprocess`` (or an empty value) keeps that one simulated; names not listed stay simulated.

HTTP clients use ``MOTCUA_REGISTRY_TIMEOUT`` (seconds, 2), ``MOTCUA_REGISTRY_RETRIES`` (2) and
``MOTCUA_REGISTRY_BREAKER`` (failures before the circuit opens, 5). Tests swap the set with :func:`use`.

The set is a :class:`motcua.core.registry.Registry` (the project's one plugin-registry pattern, a read-only mapping of
name → plugin): :func:`current`, :func:`get`, :func:`use` and :func:`build` keep their names and what they accept.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from contextlib import contextmanager

from django.conf import settings

from motcua.core.registry import Registry as PluginRegistry

from ..errors import InvalidRequest
from .base import ENTERPRISE_CODE, PERSONAL_ID, CallContext, Registry, RegistrySpec
from .specs import SPECS

__all__ = [
    "ENTERPRISE_CODE",
    "PERSONAL_ID",
    "SPECS",
    "CallContext",
    "Registry",
    "RegistrySpec",
    "current",
    "get",
    "names",
    "parse_config",
    "reset",
    "use",
]

_lock = threading.Lock()
_current: PluginRegistry[Registry] | None = None


def _plugins(registries: dict[str, Registry]) -> PluginRegistry[Registry]:
    plugins: PluginRegistry[Registry] = PluginRegistry("base registry")
    for name, registry in registries.items():
        plugins.add(name, registry)
    return plugins


def parse_config(value: str) -> dict[str, str]:
    """``MOTCUA_REGISTRIES`` → ``{registry name: url or "inprocess"}`` for every known registry."""
    value = (value or "").strip()
    config = dict.fromkeys(SPECS, "inprocess")
    if not value:
        return config
    if value.startswith("{"):
        pairs = json.loads(value).items()
    elif "=" not in value:
        pairs = [("*", value)]
    else:
        pairs = [tuple(p.strip() for p in item.split("=", 1)) for item in value.split(",") if item.strip()]
    for name, url in pairs:
        if name == "*":
            config = dict.fromkeys(SPECS, url)
        elif name in SPECS:
            config[name] = url or "inprocess"
        else:
            raise ValueError(f"MOTCUA_REGISTRIES names an unknown registry {name!r} (known: {', '.join(SPECS)}).")
    return config


def build(config: dict[str, str]) -> PluginRegistry[Registry]:
    from .http import HttpRegistry
    from .simulated import simulated_registries

    local = simulated_registries(settings.MOTCUA_REGISTRY_SEED)
    built: dict[str, Registry] = {}
    for name, target in config.items():
        if target in ("inprocess", ""):
            built[name] = local[name]
        else:
            built[name] = HttpRegistry(SPECS[name], target,
                                       timeout=settings.MOTCUA_REGISTRY_TIMEOUT,
                                       retries=settings.MOTCUA_REGISTRY_RETRIES,
                                       failure_threshold=settings.MOTCUA_REGISTRY_BREAKER)
    return _plugins(built)


def current() -> PluginRegistry[Registry]:
    """The registry set in use (built from the settings on first use)."""
    global _current
    with _lock:
        if _current is None:
            _current = build(parse_config(settings.MOTCUA_REGISTRIES))
        return _current


def names() -> list[str]:
    return list(SPECS)


def get(name: str) -> Registry:
    """The plugin for ``name``; :class:`~motcua.exchange.errors.InvalidRequest` for an unknown name."""
    registry = current().get(name)
    if registry is None:
        raise InvalidRequest(f"Không có cơ sở dữ liệu tên {name!r} (có: {', '.join(SPECS)}).",
                             code="unknown_registry")
    return registry


def reset() -> None:
    """Forget the set; the next :func:`get` builds it again from the settings."""
    global _current
    with _lock:
        _current = None


@contextmanager
def use(registries: dict[str, Registry]) -> Iterator[PluginRegistry[Registry]]:
    """Swap the set for a block (tests): names not given keep their current plugin."""
    global _current
    before = current()
    with _lock:
        _current = _plugins({**before, **registries})
    try:
        yield _current
    finally:
        with _lock:
            _current = before
