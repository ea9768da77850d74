"""A consistent copy of the database while the bot runs: SQLite's online backup API.

The copy is taken in one step, inside one read transaction on the source, so it is a snapshot of
one moment; in WAL mode that read never blocks the bot's writes. It is written to a temporary file
beside the target, switched to a plain rollback journal (one self-contained file), checked
(`PRAGMA integrity_check`, the source's `user_version`), made durable, and only then renamed into
place. The source is never migrated or changed."""

from __future__ import annotations

import contextlib
import os
import sqlite3
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

# the tables whose row counts the report shows, when the copy has them
COUNTED = ("communities", "units", "votes", "ballots", "tickets")


class BackupError(Exception):
    """A backup refused or failed; the message is one line for the operator."""


@dataclass(frozen=True, slots=True)
class BackupReport:
    source: Path
    target: Path
    size: int  # bytes
    user_version: int
    counts: tuple[tuple[str, int], ...]
    seconds: float


def backup_database(source: Path, target: Path, *, force: bool = False) -> BackupReport:
    """Copy `source` to `target` (refused if it exists, unless `force`); see the module doc."""
    started = time.monotonic()
    _check_paths(source, target, force=force)
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        handle, name = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.", suffix=".tmp")
    except OSError as exc:
        raise BackupError(f"cannot write beside {target}: {_reason(exc)}") from exc
    os.close(handle)
    temporary = Path(name)
    try:
        version = _copy(source, temporary)
        user_version, counts = _check(temporary, expected_version=version)
        _fsync(temporary)
        if not force and target.exists():  # appeared while copying
            raise BackupError(f"{target} already exists (use --force to replace it)")
        os.replace(temporary, target)
        _fsync_folder(target.parent)
    except OSError as exc:
        raise BackupError(f"cannot write {target}: {_reason(exc)}") from exc
    finally:
        for leftover in (temporary, *_sidecars(temporary)):
            with contextlib.suppress(FileNotFoundError):
                leftover.unlink()
    return BackupReport(
        source,
        target,
        target.stat().st_size,
        user_version,
        counts,
        time.monotonic() - started,
    )


def _check_paths(source: Path, target: Path, *, force: bool) -> None:
    if not source.is_file():
        raise BackupError(f"no database at {source} (check DATABASE_URL)")
    if target.is_dir():
        raise BackupError(f"{target} is a folder; give a file name, e.g. {target / 'backup.db'}")
    if target.exists() or target.is_symlink():
        if not force:
            raise BackupError(f"{target} already exists (use --force to replace it)")
        if target.resolve() == source.resolve():
            raise BackupError(f"{target} is the database itself")
    busy = [str(p) for p in _sidecars(target) if p.exists()]
    if busy:  # an open database's journal: replacing the file under it would corrupt it
        raise BackupError(f"{busy[0]} exists beside the target: is a database open there?")


def _copy(source: Path, temporary: Path) -> int:
    """The whole database in one backup step; returns the source's user_version."""
    try:
        # mode=rw: never create a missing source; the timeout covers a checkpoint's brief lock
        src = sqlite3.connect(f"{source.resolve().as_uri()}?mode=rw", uri=True, timeout=30)
    except sqlite3.Error as exc:
        raise BackupError(f"cannot open {source}: {exc}") from exc
    try:
        dst = sqlite3.connect(temporary, timeout=30)
        try:
            src.backup(dst)  # pages=-1: one step, one read transaction, one snapshot
            version = _user_version(dst)
            dst.execute("PRAGMA journal_mode = DELETE")  # one file, no -wal beside it
        finally:
            dst.close()
    except sqlite3.DatabaseError as exc:
        raise BackupError(f"cannot back up {source}: {exc}") from exc
    finally:
        src.close()
    return version


def _check(path: Path, *, expected_version: int) -> tuple[int, tuple[tuple[str, int], ...]]:
    """The copy as SQLite reads it afresh: intact, at the source's version; the row counts."""
    try:
        conn = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)
        try:
            result = [row[0] for row in conn.execute("PRAGMA integrity_check")]
            version = _user_version(conn)
            tables = {
                row[0] for row in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")
            }
            counts = tuple(
                (name, int(conn.execute(f"SELECT count(*) FROM {name}").fetchone()[0]))  # noqa: S608 (fixed names)
                for name in COUNTED
                if name in tables
            )
        finally:
            conn.close()
    except sqlite3.DatabaseError as exc:
        raise BackupError(f"the copy cannot be read: {exc}") from exc
    if result != ["ok"]:
        raise BackupError(f"the copy failed its integrity check: {'; '.join(result[:3])}")
    if version != expected_version:
        raise BackupError(f"the copy is at schema version {version}, the source {expected_version}")
    return version, counts


def _user_version(conn: sqlite3.Connection) -> int:
    return int(conn.execute("PRAGMA user_version").fetchone()[0])


def _sidecars(path: Path) -> tuple[Path, ...]:
    return tuple(path.with_name(path.name + suffix) for suffix in ("-wal", "-shm", "-journal"))


def _fsync(path: Path) -> None:
    with path.open("rb") as file:
        os.fsync(file.fileno())


def _fsync_folder(folder: Path) -> None:
    """Make the rename durable (POSIX); not possible everywhere, and then not needed."""
    try:
        handle = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        with contextlib.suppress(OSError):
            os.fsync(handle)
    finally:
        os.close(handle)


def _reason(exc: OSError) -> str:
    return exc.strerror or str(exc)
