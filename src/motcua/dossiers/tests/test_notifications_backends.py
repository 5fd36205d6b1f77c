"""Issue 3 point 9: the console and file notification backends write the message; backends are plugins chosen in
settings."""

import io
import json

import pytest

from motcua.core import notify
from motcua.core.notify import ConsoleBackend, FileBackend, Message


def test_the_console_backend_prints_the_message():
    out = io.StringIO()
    ConsoleBackend(stream=out).send(Message("email", "an@example.vn", "Hồ sơ đã được tiếp nhận.", subject="Tiếp nhận"))
    assert out.getvalue() == "[email] → an@example.vn — Tiếp nhận\nHồ sơ đã được tiếp nhận.\n\n"


def test_the_file_backend_appends_one_json_line_per_message(tmp_path):
    backend = FileBackend(tmp_path / "notifications")
    backend.send(Message("sms", "0912345678", "Ho so H01-260302-0001 da co ket qua.", meta={"dossier": "X"}))
    backend.send(Message("sms", "0912345679", "Thứ hai"))
    lines = (tmp_path / "notifications" / "sms.jsonl").read_text(encoding="utf-8").splitlines()
    first, second = (json.loads(line) for line in lines)
    assert (first["to"], first["meta"], second["body"]) == ("0912345678", {"dossier": "X"}, "Thứ hai")
    assert "Thứ hai" in lines[1]  # readable UTF-8, not escaped
    assert first["sent_at"]


def test_the_file_backend_refuses_an_unknown_channel(tmp_path):
    with pytest.raises(ValueError):
        FileBackend(tmp_path).send(Message("fax", "x", "y"))


def test_backends_are_chosen_per_channel_in_settings(settings, tmp_path, capsys):
    settings.MOTCUA_NOTIFY_BACKENDS = {"email": ["console", "file"], "sms": []}
    settings.MOTCUA_NOTIFY_DIR = tmp_path
    done = notify.deliver([Message("email", "a@example.vn", "Nội dung", subject="Tiêu đề"),
                           Message("sms", "0912345678", "Không gửi")])
    assert done == {"0:console", "0:file"}
    assert "Nội dung" in capsys.readouterr().out
    assert (tmp_path / "email.jsonl").exists() and not (tmp_path / "sms.jsonl").exists()


def test_a_plugin_registered_by_name_is_used(settings):
    sent = []

    @notify.register_backend("test-memory")
    class Memory:
        def send(self, message):
            sent.append(message)

    settings.MOTCUA_NOTIFY_BACKENDS = {"sms": ["test-memory"]}
    notify.deliver([Message("sms", "0912345678", "Xin chào")])
    assert [m.body for m in sent] == ["Xin chào"]
