"""Issue 13 point 4 without a replica (the embedded default): figure pages read the primary and say so; other pages
are untouched. The replica itself is drilled in ``test_figures_from_a_streaming_replica.py``."""

from __future__ import annotations

import pytest

from motcua.core import replica

pytestmark = pytest.mark.django_db


def test_without_a_replica_the_figures_come_from_the_primary_as_of_now(client):
    response = client.get("/giam-sat/")
    assert response.status_code == 200
    assert response["X-Figures-Source"] == "primary"
    assert "X-Replica-Lag-Seconds" not in response
    assert 'class="figures-as-of" data-source="primary">Số liệu tính đến ' in response.content.decode()


def test_pages_that_are_not_figures_are_never_routed(client):
    response = client.get("/healthz")
    assert "X-Figures-Source" not in response


def test_a_post_to_a_figure_path_is_never_routed_to_the_replica(client):
    response = client.post("/api/v1/oversight/facts")
    assert "X-Figures-Source" not in response


@pytest.mark.parametrize("app_label, routed", [("oversight", True), ("dossiers", True), ("auth", False),
                                              ("sessions", False), ("units", False), ("core", False),
                                              ("identity", False), ("authtoken", False)])
def test_only_figure_tables_are_read_from_the_replica_and_writes_never(app_label, routed):

    model = type("M", (), {"_meta": type("Opts", (), {"app_label": app_label})()})
    router = replica.ReplicaRouter()
    with replica.reading_figures(replica.FiguresSource("replica", None, 0.0)):
        assert router.db_for_read(model) == ("replica" if routed else None)
        assert router.db_for_write(model) == "default"
    assert router.db_for_read(model) is None
    assert router.allow_migrate("replica", app_label) is False
