"""`python bot.py backup FILE` as a process: it needs only DATABASE_URL (no BOT_TOKEN), writes
the copy and says what it wrote; refusals are one clear line with exit code 2, no traceback."""

from __future__ import annotations

import asyncio
import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from storage.database import Database
from storage.migrate import latest_version
from tests.conftest import NOW

ROOT = Path(__file__).resolve().parents[2]


def run(workdir: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("BOT_")}
    env["DATABASE_URL"] = "sqlite:///data/community.db"  # relative to the working folder
    return subprocess.run(
        [sys.executable, str(ROOT / "bot.py"), *args],
        cwd=workdir,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


async def _make(path: Path) -> None:
    database = await Database.open(path)
    try:
        async with database.unit_of_work() as uow:
            await uow.users.remember(7, "Seven", now=NOW)
            await uow.commit()
    finally:
        await database.close()


@pytest.fixture
def workdir(tmp_path: Path) -> Path:
    asyncio.run(_make(tmp_path / "data" / "community.db"))
    return tmp_path


def test_backup_writes_the_copy_and_says_what_it_wrote(workdir: Path) -> None:
    result = run(workdir, "backup", "backups/community-2026-12-01.db")
    assert result.returncode == 0, result.stderr
    target = workdir / "backups" / "community-2026-12-01.db"
    assert target.is_file()
    assert "backups/community-2026-12-01.db" in result.stdout
    assert f"{target.stat().st_size:,} bytes" in result.stdout
    assert f"schema version {latest_version()}" in result.stdout
    assert "votes 0, ballots 0, tickets 0" in result.stdout
    conn = sqlite3.connect(target)
    try:
        assert conn.execute("SELECT display_name FROM users").fetchall() == [("Seven",)]
    finally:
        conn.close()
    assert sorted(p.name for p in target.parent.iterdir()) == [target.name]


def test_an_existing_target_is_refused_then_replaced_with_force(workdir: Path) -> None:
    target = workdir / "backup.db"
    target.write_bytes(b"yesterday's")
    result = run(workdir, "backup", "backup.db")
    assert result.returncode == 2
    assert result.stderr.strip() == (
        "backup failed: backup.db already exists (use --force to replace it)"
    )
    assert target.read_bytes() == b"yesterday's"
    assert run(workdir, "backup", "--force", "backup.db").returncode == 0
    assert target.read_bytes().startswith(b"SQLite format 3\x00")


def test_a_missing_database_is_one_clear_line(tmp_path: Path) -> None:
    result = run(tmp_path, "backup", "backup.db")
    assert result.returncode == 2
    assert result.stderr.strip() == (
        "backup failed: no database at data/community.db (check DATABASE_URL)"
    )
    assert not (tmp_path / "data").exists() and not (tmp_path / "backup.db").exists()


def test_an_unwritable_target_is_one_clear_line(workdir: Path) -> None:
    (workdir / "a-file").write_text("")
    result = run(workdir, "backup", "a-file/backup.db")
    assert result.returncode == 2
    assert result.stderr.startswith("backup failed: cannot write beside a-file/backup.db: ")
    assert len(result.stderr.strip().splitlines()) == 1 and "Traceback" not in result.stderr


def test_help_for_the_bot_and_for_backup(tmp_path: Path) -> None:
    main = run(tmp_path, "--help")
    assert main.returncode == 0 and "backup" in main.stdout
    backup = run(tmp_path, "backup", "--help")
    assert backup.returncode == 0 and "--force" in backup.stdout and "FILE" in backup.stdout
    wrong = run(tmp_path, "restore")
    assert wrong.returncode == 2 and "invalid choice" in wrong.stderr
