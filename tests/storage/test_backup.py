"""`storage.backup.backup_database` on real SQLite files: the copy equals the source, is checked
before it is renamed into place, never leaves its temporary file, refuses what it should; and a
backup taken while another process writes a ballot burst restores to a consistent database."""

from __future__ import annotations

import asyncio
import shutil
import sqlite3
import subprocess
import sys
import time
from datetime import timedelta
from pathlib import Path

import pytest

import storage.backup
from bot.communities.model import Community
from bot.roles.model import Actor, Role
from bot.votes.ballots import cast_ballot
from bot.votes.cases import create_vote, verify_vote
from bot.votes.chain import first_broken
from bot.votes.options import parse_vote_args
from bot.votes.tally import Choice
from storage.backup import BackupError, backup_database
from storage.database import Database
from storage.migrate import latest_version
from tests.conftest import NOW
from tests.e2e.seed import register_csv, seed_community

ROOT = Path(__file__).resolve().parents[2]
CHAT_ID = -100777
CHAIR = 1
HOUSEHOLDS = 30
OWNERS = [(1000 + i, f"Owner{i}", f"1-{101 + i}") for i in range(HOUSEHOLDS)]


async def open_vote(path: Path, *, ballots: int) -> tuple[Community, int]:
    database = await Database.open(path)
    try:
        async with database.unit_of_work() as uow:
            community = await uow.communities.by_chat(CHAT_ID)
            assert community is not None
            vote = await create_vote(
                uow,
                community=community,
                actor=Actor(CHAIR, Role.COMMITTEE),
                request=parse_vote_args(["Paint", "the", "gate?", "simple", "1d"]),
                now=NOW,
            )
        for user_id, _, _ in OWNERS[:ballots]:
            async with database.unit_of_work() as uow:
                await cast_ballot(
                    uow,
                    community=community,
                    vote_id=vote.id,
                    user_id=user_id,
                    choice=Choice.FOR,
                    now=NOW + timedelta(minutes=1),
                )
        return community, vote.id
    finally:
        await database.close()


def community_database(path: Path, *, ballots: int = 5) -> tuple[Community, int]:
    """A community with its register, verified owners, a committee member and an open vote."""
    seed_community(
        path,
        chat_id=CHAT_ID,
        name="Backup Gardens",
        register=register_csv(HOUSEHOLDS),
        owners=OWNERS,
        roles=[(CHAIR, Role.COMMITTEE)],
    )
    return asyncio.run(open_vote(path, ballots=ballots))


def contents(path: Path) -> dict[str, object]:
    """Every table's rows (in a stable order), the schema and the version."""
    conn = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)
    try:
        schema = conn.execute(
            "SELECT type, name, sql FROM sqlite_master WHERE name NOT LIKE 'sqlite_%' ORDER BY name"
        ).fetchall()
        tables = [name for kind, name, _ in schema if kind == "table"]
        rows = {t: sorted(map(repr, conn.execute(f"SELECT * FROM {t}"))) for t in tables}
        version = conn.execute("PRAGMA user_version").fetchone()[0]
    finally:
        conn.close()
    return {"schema": schema, "rows": rows, "version": version}


def pragma(path: Path, name: str) -> list[object]:
    conn = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)
    try:
        return [row[0] for row in conn.execute(f"PRAGMA {name}")]
    finally:
        conn.close()


def leftovers(folder: Path) -> list[str]:
    """Temporary files and journals left beside the backups (the source's own are its business)."""
    return sorted(
        p.name
        for p in folder.iterdir()
        if p.name.endswith((".tmp", "-wal", "-shm", "-journal"))
        and not p.name.startswith("community.db")
    )


def test_a_backup_equals_its_source(tmp_path: Path) -> None:
    source = tmp_path / "data" / "community.db"
    community_database(source)
    target = tmp_path / "backups" / "community-2026-12-01.db"

    report = backup_database(source, target)

    assert contents(target) == contents(source)
    assert contents(target)["rows"]["ballots"]  # type: ignore[index]
    assert report.target == target and report.size == target.stat().st_size
    assert report.user_version == latest_version()
    counts = dict(report.counts)
    assert counts["units"] == HOUSEHOLDS and counts["votes"] == 1 and counts["ballots"] == 5
    assert counts["tickets"] == 0
    assert pragma(target, "journal_mode") == ["delete"]  # one self-contained file
    assert pragma(target, "integrity_check") == ["ok"]
    assert leftovers(target.parent) == []


async def test_a_backup_holds_what_is_still_in_the_wal(tmp_path: Path) -> None:
    """The bot's connection stays open, so its last commits are only in the -wal file."""
    source = tmp_path / "data" / "community.db"
    database = await Database.open(source)
    try:
        async with database.unit_of_work() as uow:
            await uow.users.remember(42, "Late", now=NOW)
            await uow.commit()
        assert (source.parent / "community.db-wal").stat().st_size > 0
        target = tmp_path / "copy.db"
        report = await asyncio.to_thread(backup_database, source, target)
    finally:
        await database.close()
    assert report.user_version == latest_version()
    conn = sqlite3.connect(target)
    try:
        assert conn.execute("SELECT display_name FROM users WHERE id = 42").fetchall() == [
            ("Late",)
        ]
    finally:
        conn.close()


def test_an_existing_target_is_refused_unless_forced(tmp_path: Path) -> None:
    source = tmp_path / "community.db"
    community_database(source, ballots=1)
    target = tmp_path / "backup.db"
    target.write_bytes(b"an older backup")

    with pytest.raises(BackupError, match="already exists"):
        backup_database(source, target)
    assert target.read_bytes() == b"an older backup"

    backup_database(source, target, force=True)
    assert contents(target) == contents(source)
    assert leftovers(tmp_path) == []


def test_refusals_leave_everything_as_it_was(tmp_path: Path) -> None:
    source = tmp_path / "community.db"
    with pytest.raises(BackupError, match="no database at"):
        backup_database(source, tmp_path / "b.db")
    assert not source.exists() and not (tmp_path / "b.db").exists()  # nothing created

    community_database(source, ballots=1)
    with pytest.raises(BackupError, match="the database itself"):
        backup_database(source, source, force=True)
    with pytest.raises(BackupError, match="is a folder"):
        backup_database(source, tmp_path)
    (tmp_path / "a-file").write_text("")
    with pytest.raises(BackupError, match="cannot write beside"):
        backup_database(source, tmp_path / "a-file" / "b.db")
    (tmp_path / "open.db").write_bytes(b"")
    (tmp_path / "open.db-wal").write_bytes(b"")
    with pytest.raises(BackupError, match="is a database open there"):
        backup_database(source, tmp_path / "open.db", force=True)
    not_a_database = tmp_path / "notes.txt"
    not_a_database.write_text("hello, this is not SQLite\n" * 100)
    with pytest.raises(BackupError, match="cannot back up"):
        backup_database(not_a_database, tmp_path / "c.db")
    assert not (tmp_path / "c.db").exists()
    assert leftovers(tmp_path) == ["open.db-wal"]


def test_a_copy_that_fails_its_integrity_check_is_never_renamed(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    source = tmp_path / "community.db"
    community_database(source)
    real_copy = storage.backup._copy

    def corrupting_copy(src: Path, temporary: Path) -> int:
        version = real_copy(src, temporary)
        page = 4096
        with temporary.open("r+b") as file:  # scribble over a few b-tree pages
            for number in (3, 5, 8):
                file.seek(number * page + 8)
                file.write(b"\xff" * 200)
        return version

    monkeypatch.setattr(storage.backup, "_copy", corrupting_copy)
    target = tmp_path / "backup.db"
    with pytest.raises(BackupError, match="integrity check|cannot be read"):
        backup_database(source, target)
    assert not target.exists()
    assert leftovers(tmp_path) == []


def test_a_copy_at_another_schema_version_is_never_renamed(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    source = tmp_path / "community.db"
    community_database(source, ballots=0)
    real_copy = storage.backup._copy
    monkeypatch.setattr(storage.backup, "_copy", lambda src, tmp: real_copy(src, tmp) + 1)
    target = tmp_path / "backup.db"
    with pytest.raises(BackupError, match="schema version"):
        backup_database(source, target)
    assert not target.exists()
    assert leftovers(tmp_path) == []


async def restored_and_checked(
    backup: Path, folder: Path, community: Community, vote_id: int
) -> int:
    """Restore as the README says (the file copied over DATABASE_URL's, no -wal/-shm), open it
    as start-up does, and check it; returns the number of chain records."""
    restored = folder / "data" / "community.db"
    restored.parent.mkdir(parents=True)
    shutil.copyfile(backup, restored)
    database = await Database.open(restored)  # migrates: nothing to do at the same version
    try:
        async with database.unit_of_work() as uow:
            verification = await verify_vote(uow, community=community, vote_id=vote_id)
            records = await uow.votes.records(vote_id)
            rows = await uow.votes.ballot_rows(vote_id)
    finally:
        await database.close()
    assert pragma(restored, "integrity_check") == ["ok"]
    assert pragma(restored, "foreign_key_check") == []
    conn = sqlite3.connect(restored)
    try:
        orphans = conn.execute(
            "SELECT count(*) FROM ballots LEFT JOIN votes ON votes.id = ballots.vote_id"
            " WHERE votes.id IS NULL"
        ).fetchone()[0]
    finally:
        conn.close()
    assert orphans == 0  # every ballot row has its vote
    assert first_broken(vote_id, records) is None
    assert verification.intact, verification.findings  # the chain and the ballot rows agree
    assert len(records) >= 1 + len(rows)  # the opening record, and a ballot record per row
    return len(records)


def test_backups_during_a_ballot_burst_in_another_process_restore_consistently(
    tmp_path: Path,
) -> None:
    source = tmp_path / "data" / "community.db"
    community, vote_id = community_database(source, ballots=0)
    rounds = 12
    writer = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "tests.storage.backup_writer",
            str(source),
            str(CHAT_ID),
            str(vote_id),
            str(rounds),
            *(str(user_id) for user_id, _, _ in OWNERS),
        ],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    backups: list[Path] = []
    try:
        assert writer.stdout is not None
        assert writer.stdout.readline().strip() == "writing", writer.stderr and writer.stderr.read()
        deadline = time.monotonic() + 120
        while writer.poll() is None and len(backups) < 25 and time.monotonic() < deadline:
            target = tmp_path / "backups" / f"during-{len(backups)}.db"
            backup_database(source, target)  # the writer is never blocked, nor are we
            backups.append(target)
            time.sleep(0.05)
        out, err = writer.communicate(timeout=120)
    finally:
        if writer.poll() is None:
            writer.kill()
            writer.wait()
    assert writer.returncode == 0, err
    assert out.strip() == f"done {rounds * HOUSEHOLDS}"
    assert backups
    assert leftovers(tmp_path / "backups") == []

    final = asyncio.run(restored_and_checked(source, tmp_path / "final", community, vote_id))
    assert final == 1 + rounds * HOUSEHOLDS  # the opening record, then one per press
    seen = [
        asyncio.run(restored_and_checked(b, tmp_path / f"restore-{i}", community, vote_id))
        for i, b in enumerate(backups)
    ]
    assert seen == sorted(seen)  # each backup a later snapshot than the one before
    assert seen[0] < final  # the first one was taken in the middle of the burst
