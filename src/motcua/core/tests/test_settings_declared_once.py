"""Issue 13 point 7: every environment variable is declared once — name, type, default, meaning — in
``motcua.core.config``; Django's settings come from it, code reads ``settings.MOTCUA_X``, a bad value stops start-up
naming the variable, and docs/operations.md's table is the declarations."""

from __future__ import annotations

import ast
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

from motcua.core import config
from motcua.core.management.commands.settings import BEGIN, END

SRC = Path(__file__).resolve().parents[3]
ROOT = SRC.parent
PACKAGE = SRC / "motcua"

NAME = re.compile(r"(?<![A-Za-z0-9_])MOTCUA_[A-Z0-9_]+")
EXAMPLES = {"MOTCUA_X", "MOTCUA_REPLICA_MAX_LAG"}  # a placeholder; docs/operations.md's typo the system check reports


def _is_settings(node: ast.AST) -> bool:
    return (isinstance(node, ast.Name) and node.id == "settings") or (
        isinstance(node, ast.Attribute) and node.attr == "settings")


def _motcua_text(node: ast.AST) -> bool:
    if isinstance(node, ast.JoinedStr) and node.values:
        node = node.values[0]
    return isinstance(node, ast.Constant) and isinstance(node.value, str) and node.value.startswith("MOTCUA_")


def _is_environ(node: ast.AST) -> bool:
    return (isinstance(node, ast.Attribute) and node.attr == "environ") or (
        isinstance(node, ast.Name) and node.id == "environ")


def own_way_reads(source: str) -> list[tuple[int, str]]:
    """Where ``source`` reads a setting its own way: ``getattr(settings, name, default)``, ``hasattr(settings, …)``,
    ``getattr(settings, "LITERAL")`` (that is ``settings.LITERAL``), or a ``MOTCUA_*`` variable from the environment
    (``os.environ[…]``, ``os.environ.get(…)``, ``os.getenv(…)``)."""
    found = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.args and _is_settings(node.args[0]):
            literal = len(node.args) > 1 and isinstance(node.args[1], ast.Constant)
            if node.func.id == "hasattr" or (node.func.id == "getattr" and (len(node.args) > 2 or literal)):
                found.append((node.lineno, f"{node.func.id}(settings, …)"))
        elif _reads_the_environment(node):
            found.append((node.lineno, "the environment"))
    return found


def _reads_the_environment(node: ast.AST) -> bool:
    if isinstance(node, ast.Subscript):
        return _is_environ(node.value) and _motcua_text(node.slice)
    if not (isinstance(node, ast.Call) and node.args and _motcua_text(node.args[0])):
        return False
    func = node.func
    if isinstance(func, ast.Attribute):
        return (func.attr == "get" and _is_environ(func.value)) or func.attr == "getenv"
    return isinstance(func, ast.Name) and func.id == "getenv"


def _code_files() -> list[Path]:
    return [p for p in PACKAGE.rglob("*.py") if "tests" not in p.relative_to(PACKAGE).parts]


def test_no_code_reads_a_setting_with_its_own_default_or_the_environment_directly():
    found = []
    for path in _code_files():
        relative = path.relative_to(PACKAGE).as_posix()
        if relative == "core/config.py":
            continue
        found += [f"{relative}:{line}: {how}" for line, how in own_way_reads(path.read_text(encoding="utf-8"))]
    assert found == [], "read settings.MOTCUA_X (declared in motcua/core/config.py) instead:\n" + "\n".join(found)


def test_the_guard_finds_each_way_of_reading_a_setting_its_own_way():
    source = ("import os\nfrom django.conf import settings\n"
              "a = getattr(settings, 'MOTCUA_X', 5)\nb = getattr(settings, 'MOTCUA_X')\n"
              "c = hasattr(settings, 'MOTCUA_X')\nd = os.environ.get('MOTCUA_X', '1')\n"
              "e = os.environ['MOTCUA_X']\nf = os.getenv(f'MOTCUA_{a}')\n"
              "g = settings.MOTCUA_X\nh = getattr(settings, f'MOTCUA_OIDC_{a}')\ni = os.environ.get('HOME')\n")
    assert [line for line, _ in own_way_reads(source)] == [3, 4, 5, 6, 7, 8]


def test_every_motcua_name_the_code_tests_and_docs_use_is_declared():
    sources = [*PACKAGE.rglob("*.py"), *PACKAGE.rglob("*.md"), *(ROOT / "tests").rglob("*.py"),
               *(ROOT / "docs").glob("*.md"), ROOT / "README.md",
               ROOT / "Makefile", *(ROOT / "scripts").glob("*"), *(ROOT / "bench").rglob("*.py")]
    declared = {v.name for v in config.DECLARED}
    undeclared = set()
    for path in sources:
        if not path.is_file() or path == Path(__file__):
            continue
        for name in NAME.findall(path.read_text(encoding="utf-8", errors="replace")):
            # "MOTCUA_OIDC_*", "MOTCUA_PAKN_<STAGE>_DAYS": a family named by its prefix, not a variable.
            if not name.endswith("_") and name not in declared and name not in EXAMPLES:
                undeclared.add(f"{name} ({path.relative_to(ROOT)})")
    assert sorted(undeclared) == []


def test_the_operations_table_is_generated_from_the_declarations():
    text = (ROOT / "docs" / "operations.md").read_text(encoding="utf-8")
    block = text[text.index(BEGIN) + len(BEGIN):text.index(END)]
    assert block.strip() == config.markdown_table().strip(), "run `motcua settings --write-docs docs/operations.md`"


def test_each_declaration_says_its_meaning_and_a_default_matching_its_type():
    kinds = {"str": str, "secret": str, "path": str, "url": str, "choice": str, "int": int, "float": float,
             "bool": bool, "list": tuple}
    values = config.load({})
    for var in config.DECLARED:
        assert var.meaning and var.kind in config.KINDS, var.name
        value = values[var.name]
        if var.name == "MOTCUA_VAR_DIR":
            assert isinstance(value, Path) and value.is_absolute()
        elif var.kind == "json":
            assert value is None or isinstance(value, dict | list), var.name
        elif value is not None:
            assert isinstance(value, kinds[var.kind]), (var.name, value)
        if var.kind == "choice":
            assert value in var.choices


def test_every_declared_motcua_variable_is_a_django_setting_of_its_type():
    types = {"int": int, "float": float, "bool": bool, "list": tuple, "str": str, "secret": str, "url": str}
    for var in config.DECLARED:
        if var.django_name is None:
            continue
        assert hasattr(settings, var.django_name), var.name
        value = getattr(settings, var.django_name)
        if var.django_name.startswith("MOTCUA_") and var.kind in types and value is not None:
            assert isinstance(value, types[var.kind]), (var.name, value)


def test_the_environment_is_parsed_to_each_type():
    values = config.load({"MOTCUA_REPLICA_MAX_LAG_SECONDS": " 2.5 ", "MOTCUA_SIGNIN_FAILURE_LIMIT": "7",
                          "MOTCUA_DEBUG": "yes", "MOTCUA_SIGNIN_LOCKOUT": "off",
                          "MOTCUA_TRUSTED_PROXIES": "10.0.0.1, 10.1.0.0/16,,", "MOTCUA_GROUP_LIMITS": '{"G": {}}',
                          "MOTCUA_ENV": "Production", "MOTCUA_LOG_LEVEL": "info", "MOTCUA_CACHE_PREFIX": " "})
    assert values["MOTCUA_REPLICA_MAX_LAG_SECONDS"] == 2.5
    assert values["MOTCUA_SIGNIN_FAILURE_LIMIT"] == 7
    assert (values["MOTCUA_DEBUG"], values["MOTCUA_SIGNIN_LOCKOUT"]) == (True, False)
    assert values["MOTCUA_TRUSTED_PROXIES"] == ("10.0.0.1", "10.1.0.0/16")
    assert values["MOTCUA_GROUP_LIMITS"] == {"G": {}}
    assert (values["MOTCUA_ENV"], values["MOTCUA_LOG_LEVEL"]) == ("production", "INFO")
    assert values["MOTCUA_CACHE_PREFIX"] == "motcua"  # blank is the default


def test_defaults_that_depend_on_other_variables_follow_them(tmp_path):
    embedded = config.load({"MOTCUA_VAR_DIR": str(tmp_path)})
    assert embedded["MOTCUA_JOBS_INLINE"] is True and embedded["MOTCUA_SIGNING_DEMO_CA"] is True
    assert embedded["DATABASE_URL"] == f"sqlite:///{tmp_path}/motcua.sqlite3"
    assert embedded["MOTCUA_AUDIT_KEY_FILE"] == str(tmp_path / "audit" / "chain.key")
    assert embedded["MOTCUA_REDIS_URL"] == ""
    production = config.load({"MOTCUA_ENV": "production", "MOTCUA_BROKER_URL": "redis://q:6379/1",
                              "REDIS_URL": "redis://c:6379/0"})
    assert production["MOTCUA_JOBS_INLINE"] is False and production["MOTCUA_SIGNING_DEMO_CA"] is False
    assert production["MOTCUA_REDIS_URL"] == "redis://c:6379/0"
    assert config.load({"MOTCUA_REDIS_URL": "redis://a/0", "REDIS_URL": "redis://b/0"})["MOTCUA_REDIS_URL"] == \
        "redis://a/0"


def test_the_test_workers_each_get_their_own_var_folder(tmp_path):
    values = config.load({"MOTCUA_VAR_DIR": str(tmp_path), "MOTCUA_VAR_DIR_PER_WORKER": "1",
                          "PYTEST_XDIST_WORKER": "gw3"})
    assert values["MOTCUA_VAR_DIR"] == tmp_path / "gw3"
    assert values["MOTCUA_SIGNING_DIR"] == str(tmp_path / "gw3" / "signing")


@pytest.mark.parametrize("name, raw, expected", [
    ("MOTCUA_REPLICA_MAX_LAG_SECONDS", "abc", "expected a number"),
    ("MOTCUA_REPLICA_MAX_LAG_SECONDS", "nan", "expected a finite number"),
    ("MOTCUA_REPLICA_MAX_LAG_SECONDS", "-1", "expected at least 0"),
    ("MOTCUA_SIGNIN_FAILURE_LIMIT", "5.5", "expected a whole number"),
    ("MOTCUA_DEBUG", "maybe", "expected 1 or 0"),
    ("MOTCUA_STORAGE", "ftp", "expected one of local, s3"),
    ("MOTCUA_ENV", "prod", "expected one of development, production"),
    ("MOTCUA_GROUP_LIMITS", "{oops", "expected JSON"),
    ("MOTCUA_GROUP_LIMITS", "[1, 2]", "expected a JSON object"),
    ("MOTCUA_EVALUATION_BANDS", '{"90": "A"}', "expected a JSON array"),
    ("MOTCUA_BROKER_URL", "localhost:6379", "expected a URL"),
])
def test_a_bad_value_is_refused_naming_the_variable_and_what_was_expected(name, raw, expected):
    with pytest.raises(ImproperlyConfigured) as refused:
        config.load({name: raw})
    assert f"{name}={raw!r}: {expected}" in str(refused.value)
    assert config.by_name(name).meaning in str(refused.value)


def test_every_bad_value_is_named_at_once():
    with pytest.raises(ImproperlyConfigured) as refused:
        config.load({"MOTCUA_HSTS_SECONDS": "một năm", "MOTCUA_JOBS_INLINE": "có"})
    message = str(refused.value)
    assert "MOTCUA_HSTS_SECONDS=" in message and "MOTCUA_JOBS_INLINE=" in message
    assert message.startswith("Invalid environment variables:")


def test_the_display_masks_secrets_and_passwords_in_urls():
    assert config.display(config.by_name("MOTCUA_S3_SECRET_ACCESS_KEY"), "bi-mat") == "(set)"
    assert config.display(config.by_name("DATABASE_URL"), "postgres://motcua:bi-mat@db:5432/motcua") == \
        "postgres://motcua:***@db:5432/motcua"


def test_an_undeclared_motcua_variable_is_a_system_check_warning(monkeypatch):
    monkeypatch.setenv("MOTCUA_REPLICA_MAX_LAG", "5")  # the _SECONDS forgotten: would be silently ignored
    warnings = config.check_environment()
    assert [w.id for w in warnings] == ["motcua.W001"]
    assert "MOTCUA_REPLICA_MAX_LAG" in warnings[0].msg


def _start(args: list[str], env: dict[str, str], tmp_path: Path) -> subprocess.CompletedProcess:
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("MOTCUA_", "DATABASE_URL", "REDIS_URL"))}
    env = {**clean, "MOTCUA_VAR_DIR": str(tmp_path / "var"), "DJANGO_SETTINGS_MODULE": "motcua.settings",
           "PYTHONPATH": f"{SRC}{os.pathsep}{clean.get('PYTHONPATH', '')}", **env}
    return subprocess.run([sys.executable, *args], env=env, capture_output=True, text=True, timeout=120)


def test_a_bad_value_stops_start_up_and_the_command_names_it_without_a_traceback(tmp_path):
    bad = {"MOTCUA_REPLICA_MAX_LAG_SECONDS": "abc"}
    web = _start(["-c", "import django; django.setup()"], bad, tmp_path)
    assert web.returncode != 0
    assert "MOTCUA_REPLICA_MAX_LAG_SECONDS='abc': expected a number" in web.stderr
    command = _start(["-m", "motcua.cli", "check"], bad, tmp_path)
    assert command.returncode == 2
    assert command.stderr.startswith("motcua: Invalid environment variable:")
    assert "Traceback" not in command.stderr


def test_motcua_settings_shows_the_values_and_their_source(tmp_path):
    out = _start(["-m", "motcua.cli", "settings"], {"MOTCUA_REPLICA_MAX_LAG_SECONDS": "15",
                                                     "MOTCUA_METRICS_TOKEN": "bi-mat-prometheus"}, tmp_path)
    assert out.returncode == 0, out.stderr
    lines = {line.split()[0]: line.split()[1:] for line in out.stdout.splitlines()}
    assert lines["MOTCUA_REPLICA_MAX_LAG_SECONDS"] == ["15.0", "(environment)"]
    assert lines["MOTCUA_JOBS_QUEUE"] == ["motcua", "(default)"]
    assert lines["MOTCUA_METRICS_TOKEN"] == ["(set)", "(environment)"]
    assert "bi-mat-prometheus" not in out.stdout
    assert set(lines) == {v.name for v in config.DECLARED}
