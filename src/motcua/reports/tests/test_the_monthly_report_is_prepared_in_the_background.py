"""Issue 14 point 9: the monthly report takes seconds to build, so the form starts a background job, a page follows
its nine steps (the sections, then the file) and offers the file when it is ready; only the user who asked for it
may follow or fetch it, and a bad choice is refused before anything is queued."""

import io
from datetime import date, timedelta

import pytest
from django.contrib.auth import get_user_model
from django.utils import timezone
from docx import Document

from motcua.core import jobs
from motcua.core.models import Job
from motcua.demo import generate as gen
from motcua.oversight import facts
from motcua.oversight.tests.factories import END, START, small_catalog
from motcua.reports import downloads
from motcua.steering.demo import load_demo
from motcua.units.models import Agency, Membership

pytestmark = pytest.mark.django_db

PERIOD = "2025-12"


@pytest.fixture
def history():
    small_catalog()
    gen.generate(200, start=START, end=END, seed=11)
    facts.rebuild()
    load_demo(today=date(2026, 1, 5))


def _user(username: str, agency: str, role: str = "supervisor"):
    user = get_user_model().objects.create_user(username, password="x")
    Membership.objects.create(user=user, agency=Agency.objects.get(code=agency), role=role)
    return user


def test_the_form_starts_a_job_whose_page_follows_it_and_offers_the_file(history, client):
    client.force_login(_user("btp-bg", "BTP"))
    response = client.post("/bao-cao/", {"period": PERIOD, "scope": "national", "format": "docx"})
    assert response.status_code == 303
    page_url = response["Location"]
    job = Job.objects.get(kind=downloads.KIND)
    assert page_url == f"/bao-cao/chuan-bi/{job.pk}/"
    # In the embedded default the job ran once the redirect had been sent.
    page = client.get(page_url)
    html = page.content.decode()
    assert "Báo cáo đã sẵn sàng" in html and 'max="9"' in html and 'value="9"' in html
    assert "Tháng 12/2025" in html and "Cả nước" in html  # names, not codes
    status = client.get(f"/bao-cao/chuan-bi/{job.pk}.json").json()
    assert (status["state"], status["done"], status["steps"]) == ("ready", 9, 9)
    download = client.get(status["file_url"])
    assert download.status_code == 200
    assert download["Content-Disposition"].startswith('attachment; filename="bao-cao-thang-2025-12-national.docx"')
    document = Document(io.BytesIO(b"".join(download.streaming_content)))
    assert any(p.text == "BÁO CÁO" for p in document.paragraphs)
    # The same request again gives the same prepared report, not a second build.
    again = client.post("/bao-cao/", {"period": PERIOD, "scope": "national", "format": "docx"})
    assert again["Location"] == page_url and Job.objects.filter(kind=downloads.KIND).count() == 1


class Watching:
    """The real cache, with what the progress page reports read back after each write (as a poll between steps)."""

    def __init__(self, real, read) -> None:
        self.real, self.read, self.seen = real, read, []

    def get(self, *args, **kwargs):
        return self.real.get(*args, **kwargs)

    def set(self, key, value, *args, **kwargs):
        self.real.set(key, value, *args, **kwargs)
        self.seen.append(self.read())


def test_the_page_tells_the_steps_while_a_worker_builds_it(history, client, settings, monkeypatch):
    settings.MOTCUA_JOBS_INLINE = False  # a worker runs the queue
    client.force_login(_user("btp-wait", "BTP"))
    page_url = client.post("/bao-cao/", {"period": PERIOD, "scope": "national", "format": "pdf"})["Location"]
    job = Job.objects.get(kind=downloads.KIND)
    waiting = client.get(page_url).content.decode()
    assert "Đang chuẩn bị báo cáo: bước 0/9" in waiting, waiting[waiting.find("report-progress"):][:800]
    assert "Đang chuẩn bị — tải lại trang" in waiting  # without scripts, a link to reload
    assert client.get(f"/bao-cao/chuan-bi/{job.pk}.json").json()["state"] == "waiting"
    assert client.get(f"/bao-cao/chuan-bi/{job.pk}/tep/").status_code == 302  # no file yet: back to the progress
    watching = Watching(downloads.cache, lambda: client.get(f"/bao-cao/chuan-bi/{job.pk}.json").json()["done"])
    monkeypatch.setattr(downloads, "cache", watching)
    assert jobs.run_job(job.pk, now=timezone.now() + timedelta(seconds=5)) == "done"
    # 0 when it starts, then one more after each of the eight sections; the ninth step (the file) ends the job.
    assert watching.seen == [0, 1, 2, 3, 4, 5, 6, 7, 8, 8]
    assert client.get(f"/bao-cao/chuan-bi/{job.pk}.json").json()["state"] == "ready"


def test_another_user_cannot_follow_or_fetch_someone_elses_report(history, client):
    client.force_login(_user("btp-owner", "BTP"))
    page_url = client.post("/bao-cao/", {"period": PERIOD, "scope": "national", "format": "pdf"})["Location"]
    job = Job.objects.get(kind=downloads.KIND)
    client.force_login(_user("btp-other", "BTP"))
    for url in (page_url, f"/bao-cao/chuan-bi/{job.pk}.json", f"/bao-cao/chuan-bi/{job.pk}/tep/"):
        assert client.get(url).status_code == 404, url


@pytest.mark.parametrize(("data", "status"), [
    ({"period": "2025-13", "scope": "province:01"}, 400),
    ({"period": "2025", "scope": "province:01"}, 400),
    ({"period": PERIOD, "scope": "province:²"}, 400),
    ({"period": PERIOD, "scope": "national"}, 403),
    ({"period": PERIOD, "scope": "province:38"}, 403),
])
def test_a_bad_or_forbidden_choice_is_refused_and_queues_nothing(history, client, data, status):
    client.force_login(_user("h01-bg", "H01"))
    response = client.post("/bao-cao/", {**data, "format": "pdf"})
    assert response.status_code == status
    assert not Job.objects.filter(kind=downloads.KIND).exists()
