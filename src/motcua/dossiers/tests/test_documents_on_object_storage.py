"""Documents through Django's storage API (issue 13 point 3): the same contract on the local file system (the
embedded default) and on an S3-compatible store (moto's server, started on loopback for these tests; skipped with a
reason when it cannot start). Stored names are random; a document is read back only through the permission check."""

from __future__ import annotations

import shutil
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import storages
from django.core.files.uploadedfile import SimpleUploadedFile

from motcua.dossiers import services
from motcua.dossiers.web import officer_views

from .factories import Flow, officer, procedure, submitted, vn

PDF = b"%PDF-1.4\n" + b"noi dung " * 2000 + b"\n%%EOF\n"


@pytest.fixture(scope="module")
def s3_endpoint():
    binary = shutil.which("moto_server") or str(Path(sys.executable).with_name("moto_server"))
    if not Path(binary).exists():
        pytest.skip("moto_server (moto[server]) is not installed")
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    proc = subprocess.Popen([binary, "-H", "127.0.0.1", "-p", str(port)], stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL)
    url = f"http://127.0.0.1:{port}"
    import requests

    deadline = time.monotonic() + 30
    while True:
        try:
            requests.get(url, timeout=1)
            break
        except requests.RequestException:
            if proc.poll() is not None or time.monotonic() > deadline:
                proc.kill()
                pytest.skip("moto_server could not start on loopback")
            time.sleep(0.2)
    import boto3

    boto3.client("s3", endpoint_url=url, aws_access_key_id="test", aws_secret_access_key="test",
                 region_name="us-east-1").create_bucket(Bucket="motcua-test")
    yield url
    proc.terminate()
    proc.wait(timeout=10)


def _s3(endpoint: str) -> dict:
    return {"BACKEND": "storages.backends.s3.S3Storage", "OPTIONS": {
        "bucket_name": "motcua-test", "endpoint_url": endpoint, "region_name": "us-east-1", "access_key": "test",
        "secret_key": "test", "default_acl": "private", "querystring_auth": True, "querystring_expire": 300,
        "file_overwrite": False, "addressing_style": "path"}}


@pytest.fixture(params=["local", "s3"])
def store(request, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    if request.param == "s3":
        settings.STORAGES = {**settings.STORAGES, "default": _s3(request.getfixturevalue("s3_endpoint"))}
    else:
        settings.STORAGES = {**settings.STORAGES,
                             "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"}}
    return storages["default"]


def test_the_storage_contract_holds(store):
    name = store.save("dossiers/H01.01-260303-0001/3f2a.pdf", ContentFile(PDF))
    assert store.exists(name) and store.size(name) == len(PDF)
    with store.open(name, "rb") as handle:
        assert handle.read() == PDF
    # A second file under the same name never overwrites the first.
    other = store.save("dossiers/H01.01-260303-0001/3f2a.pdf", ContentFile(b"%PDF-1.4 khac"))
    assert other != name
    with store.open(name, "rb") as handle:
        assert handle.read() == PDF
    store.delete(name)
    store.delete(other)
    assert not store.exists(name) and not store.exists(other)


def test_an_s3_url_is_signed_and_short_lived(settings, tmp_path, s3_endpoint):
    settings.STORAGES = {**settings.STORAGES, "default": _s3(s3_endpoint)}
    store = storages["default"]
    name = store.save("store/1/x.pdf", ContentFile(PDF))
    url = store.url(name)
    assert "Signature=" in url or "X-Amz-Signature=" in url
    assert "Expires=" in url or "X-Amz-Expires=300" in url
    store.delete(name)


@pytest.mark.django_db
def test_a_document_on_the_store_has_a_random_name_and_is_streamed_only_through_the_permission_check(
        store, client, settings, tmp_path, monkeypatch):
    settings.MOTCUA_NOTIFY_DIR = tmp_path / "notifications"
    monkeypatch.setattr(officer_views, "now", lambda: vn(2026, 3, 3, 12))
    procedure()
    flow = Flow(submitted())
    flow("receive", "desk_officer", vn(2026, 3, 2, 10))
    document = services.add_document(flow.code, SimpleUploadedFile("CCCD cua toi.pdf", PDF),
                                     actor=flow.users["desk_officer"], role="desk_officer")
    stored = document.file.name
    assert "CCCD" not in stored and len(Path(stored).stem) >= 32 and store.exists(stored)
    url = f"/can-bo/ho-so/{flow.code}/tai-lieu/{document.pk}/"

    client.force_login(officer("elsewhere", "desk_officer", "BTP"))
    assert client.get(url).status_code == 404
    client.force_login(flow.users["specialist"])
    answer = client.get(url)
    assert answer.status_code == 200 and answer.streaming
    assert b"".join(answer.streaming_content) == PDF
