"""`python bot.py` as a real process, for end-to-end tests: its own working folder, a temporary
database, the fake Bot API's URL, and its output captured to a log file for assertions."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


class BotProcess:
    def __init__(self, workdir: Path, *, token: str, base_url: str, language: str = "en") -> None:
        self.workdir = workdir
        self.log_path = workdir / "bot.log"
        self.database = workdir / "data" / "community.db"
        self.env = {
            **{k: v for k, v in os.environ.items() if not k.startswith("BOT_")},
            "BOT_TOKEN": token,
            "BOT_API_BASE_URL": base_url,
            "DATABASE_URL": f"sqlite:///{self.database}",
            "BOT_LANGUAGE": language,
            "BOT_TIMEZONE": "Asia/Shanghai",
            "PYTHONUNBUFFERED": "1",
        }
        self._process: subprocess.Popen[bytes] | None = None
        self._log_from = 0  # where the current process's lines begin in log()
        self.starts = 0

    def start(self) -> None:
        assert self._process is None, "already running"
        self.workdir.mkdir(parents=True, exist_ok=True)
        self._log_from = len(self.log())
        log = self.log_path.open("ab")
        self._process = subprocess.Popen(
            [sys.executable, str(ROOT / "bot.py")],
            cwd=self.workdir,
            env=self.env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        log.close()
        self.starts += 1

    def stop(self, timeout: float = 20.0) -> int:
        """SIGTERM, as a service manager would; the bot finishes and confirms its updates."""
        process = self._process
        if process is None:
            return 0
        if process.poll() is None:
            process.send_signal(signal.SIGTERM)
        try:
            code = process.wait(timeout)
        except subprocess.TimeoutExpired:
            process.kill()
            code = process.wait(5)
        self._process = None
        return code

    def kill(self) -> None:
        """A crash: no clean shutdown."""
        if self._process is not None:
            self._process.kill()
            self._process.wait(5)
            self._process = None

    def freeze(self, seconds: float) -> None:
        """Stop the process (SIGSTOP) and let it go on (SIGCONT) `seconds` later, as a machine
        too busy to run it would."""
        process = self._process
        if process is None or process.poll() is not None:
            return

        def thaw_now() -> None:
            if process.poll() is None:
                process.send_signal(signal.SIGCONT)

        process.send_signal(signal.SIGSTOP)
        thaw = threading.Timer(seconds, thaw_now)
        thaw.daemon = True
        thaw.start()

    @property
    def pid(self) -> int | None:
        return self._process.pid if self._process is not None else None

    def peak_rss_kib(self) -> int | None:
        """The process's peak resident memory (VmHWM), read from /proc while it runs."""
        if self.pid is None:
            return None
        try:
            status = Path(f"/proc/{self.pid}/status").read_text()
        except OSError:
            return None
        for line in status.splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1])
        return None

    @property
    def running(self) -> bool:
        return self._process is not None and self._process.poll() is None

    def log(self) -> str:
        return self.log_path.read_text("utf-8", errors="replace") if self.log_path.exists() else ""

    def wait_for_log(self, text: str, timeout: float = 30.0) -> None:
        """Until the current process wrote `text` (after a restart, the lines of the process
        before do not count)."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if text in self.log()[self._log_from :]:
                return
            if self._process is not None and self._process.poll() is not None:
                raise AssertionError(f"bot exited with {self._process.returncode}:\n{self.log()}")
            time.sleep(0.1)
        raise AssertionError(f"{text!r} not in the bot's log after {timeout}s:\n{self.log()}")
