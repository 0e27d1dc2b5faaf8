"""The README's commands run as written: `python manage.py …` in a shell or from cron, with the
secret key from the `.secret-key` that `make setup` writes beside manage.py."""

import re
import secrets
import shlex
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from tests.project_copy import BASE_DIR, copy_project, cron_env, manage

README = (BASE_DIR / "README.md").read_text(encoding="utf-8")


def _commands_table() -> list[str]:
    """Each command line of the README's "Commands" table, as written in its first cell."""
    section = README.split("## Commands", 1)[1].split("\n## ", 1)[0]
    rows = re.findall(r"^\| `(python manage\.py [^`]+)` \|", section, flags=re.MULTILINE)
    return [row.replace("\\|", "|") for row in rows]


def _every_manage_py_command() -> set[str]:
    """Every command name the README runs anywhere (tables, code blocks, prose)."""
    return set(re.findall(r"manage\.py ([a-z_]+)", README))


COMMAND_LINES = _commands_table()


@pytest.fixture(scope="module")
def project(tmp_path_factory):
    """A fresh clone after `make setup`: a `.secret-key` (0600) and nothing in the environment."""
    root = copy_project(tmp_path_factory.mktemp("clone") / "project")
    key = root / ".secret-key"
    key.write_text(secrets.token_urlsafe(50) + "\n", encoding="utf-8")
    key.chmod(0o600)
    return root


def test_the_readme_lists_the_public_commands():
    names = [shlex.split(line)[2] for line in COMMAND_LINES]
    assert len(names) >= 15, COMMAND_LINES
    assert {"load_demo", "import_members", "backup", "restore", "list_units"} <= set(names)


def test_every_readme_command_exists(project):
    result = manage(project, "help", "--commands")
    assert result.returncode == 0, result.stderr
    known = set(result.stdout.split())
    assert _every_manage_py_command() - known == set()


def test_each_command_of_the_table_runs_from_cron_as_written(project, tmp_path):
    """Every line of the table, with its own options, answers `--help` — no SECRET_KEY, no DEBUG
    in the environment, started from `/` — and lists the options the README writes."""

    def run(line):
        words = shlex.split(line)
        name = words[2]
        return line, name, manage(project, name, "--help")

    with ThreadPoolExecutor(max_workers=4) as pool:
        results = list(pool.map(run, COMMAND_LINES))
    for line, name, result in results:
        assert result.returncode == 0, (line, result.stderr[-2000:])
        assert f"manage.py {name}" in result.stdout, line
        for option in re.findall(r"(--[a-z][a-z-]*)", line):
            assert option in result.stdout, (line, option)


def test_a_command_works_on_a_real_database_from_cron(project, tmp_path):
    """`migrate` then `list_units` and `backup`, as a nightly job would run them."""
    env = cron_env(DATABASE_URL=f"sqlite:///{tmp_path / 'db.sqlite3'}")
    migrated = manage(project, "migrate", "--noinput", "-v", "0", env=env, timeout=300)
    assert migrated.returncode == 0, migrated.stderr[-2000:]
    assert (tmp_path / "db.sqlite3").stat().st_mode & 0o777 == 0o600
    listed = manage(project, "list_units", env=env)
    assert listed.returncode == 0, listed.stderr[-2000:]
    backup = manage(project, "backup", str(tmp_path / "b.zip"), env=env)
    assert backup.returncode == 0, backup.stderr[-2000:]
    assert (tmp_path / "b.zip").stat().st_mode & 0o777 == 0o600


def _printed_secret(project, env) -> str:
    code = "from django.conf import settings; print('KEY=' + settings.SECRET_KEY)"
    result = manage(project, "shell", "-c", code, env=env)
    assert result.returncode == 0, result.stderr[-2000:]
    return result.stdout.split("KEY=", 1)[1].strip()


def test_settings_read_the_secret_key_beside_manage_py(project):
    assert _printed_secret(project, cron_env()) == (project / ".secret-key").read_text().strip()


def test_secret_key_file_from_the_environment_wins(project, tmp_path):
    own = tmp_path / "secret-key"
    own.write_text("production-key-" + secrets.token_urlsafe(40), encoding="utf-8")
    assert _printed_secret(project, cron_env(SECRET_KEY_FILE=str(own))) == own.read_text()
    named = "from-the-environment-" + "x" * 40
    assert _printed_secret(project, cron_env(SECRET_KEY=named)) == named


def test_without_any_secret_key_it_refuses_to_start(tmp_path):
    bare = copy_project(tmp_path / "bare")
    result = manage(bare, "check")
    assert result.returncode != 0
    assert "SECRET_KEY" in result.stderr
    assert not Path(bare / "db.sqlite3").exists()
