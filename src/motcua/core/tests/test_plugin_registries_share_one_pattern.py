"""Issue 15 point 6: notification backends, job handlers and identity providers are registries of one pattern
(core.registry.Registry): a register(name) decorator, lookup by name, and a fresh instance a test can swap in."""

from __future__ import annotations

import pytest

from motcua.core import jobs, notify
from motcua.core.registry import Registry
from motcua.identity import providers


def test_a_registry_registers_with_a_decorator_and_finds_by_name():
    shapes: Registry[type] = Registry("shape")

    @shapes.register("square")
    class Square:
        pass

    assert shapes["square"] is Square and shapes.get("circle") is None and "square" in shapes
    assert shapes.names() == ["square"] and len(shapes) == 1
    with pytest.raises(KeyError, match="No shape named 'circle' \\(known: square\\)"):
        shapes["circle"]
    with pytest.raises(ValueError):
        shapes.register("")


def test_a_copy_takes_new_plugins_without_touching_the_original():
    original: Registry[str] = Registry("word")
    original.add("a", "alpha")
    fresh = original.copy()
    fresh.add("b", "beta")
    assert original.names() == ["a"] and fresh.names() == ["a", "b"] and fresh.kind == "word"


def test_the_three_registries_are_of_the_one_pattern():
    assert isinstance(notify.backends, Registry) and {"console", "file"} <= set(notify.backends)
    assert isinstance(jobs.job_handlers, Registry)
    assert isinstance(providers.registry, Registry) and {"oidc", "demo"} <= set(providers.registry.names())


def test_a_swapped_notification_registry_keeps_a_tests_backend_to_itself(monkeypatch, settings):
    sent = []
    fresh = notify.backends.copy()
    monkeypatch.setattr(notify, "backends", fresh)

    @notify.register_backend("test-list")
    class ListBackend:
        def send(self, message):
            sent.append(message.to)

    settings.MOTCUA_NOTIFY_BACKENDS = {"sms": ["test-list"]}
    notify.deliver([notify.Message("sms", "0912000000", "Xin chào")])
    assert sent == ["0912000000"]
    monkeypatch.undo()
    assert "test-list" not in notify.backends


def test_identity_providers_are_found_only_when_enabled(settings):
    registry = providers.ProviderRegistry()
    registry.add("demo", providers.DemoProvider())
    registry.add("oidc", providers.OidcProvider())
    settings.MOTCUA_IDENTITY_PROVIDERS = "oidc"  # the demo switched off; OpenID Connect not configured here
    assert "demo" in registry and registry.get("demo") is None and registry.enabled() == []
    settings.MOTCUA_IDENTITY_PROVIDERS = "demo"
    assert registry.get("demo") is registry["demo"] and [p.key for p in registry.enabled()] == ["demo"]


def test_the_exchanges_base_registries_are_the_same_pattern_under_their_old_names():
    from motcua.exchange import registries

    current = registries.current()
    assert isinstance(current, Registry) and set(current) == set(registries.SPECS)
    assert registries.get("population") is current["population"] and dict(current)["population"] is current.get(
        "population")
    stand_in = object()
    with registries.use({"population": stand_in}) as swapped:
        assert isinstance(swapped, Registry) and registries.get("population") is stand_in
        assert swapped["business"] is current["business"]
    assert registries.get("population") is current["population"]
