"""Compact, versioned button payloads: `v1:<kind>:<arg>...` (≤ 64 bytes). Payloads are forgeable,
so every handler re-checks who presses what; anything unparsable is answered as stale."""

from __future__ import annotations

import re
from typing import Final

from bot.i18n import whole_number

VERSION: Final = "v1"
MAX_BYTES: Final = 64

JOIN_REVIEW: Final = "jr"
LEAVE: Final = "lv"
LANGUAGE: Final = "lg"
JOIN_PICK: Final = "jp"
TOPIC_SUPPORT: Final = "ts"
MEETING_RSVP: Final = "mr"  # v1:mr:<meeting id>:a|n: Attend / Can't attend, on the card
MEETING_MENU: Final = "mm"  # v1:mm:<meeting id>:<action>[:<topic id>]: the private menu
MEETING_OUTCOME: Final = "mo"  # v1:mo:<meeting id>:<topic id>:d|v|x: the minutes' marks
VOTE_DRAFT: Final = "vd"
VOTE_CAST: Final = "vb"
VOTE_MINE: Final = "vm"
REPORT_FLOW: Final = "rp"
REPORT_STAFF: Final = "rs"
REPORT_FEEDBACK: Final = "rf"  # v1:rf:<ticket id>:y|n|q|s<1-5>: fixed? then the stars
REPORT_VIEW: Final = "rv"  # v1:rv:<ticket id>: a ticket picked from /ticket's list
OWNER_CLAIM: Final = "oc"  # v1:oc:<community id>:<unit id>: ask for a review as owner
OWNER_REVIEW: Final = "or"  # v1:or:<ownership id>:a|r
UNITS_CONFIRM: Final = "uc"  # v1:uc:<file digest>:c|x: save a register with doubtful owner keys
NOTICE_READ: Final = "nr"  # v1:nr:<notice id>: Read, on a notice card
NOTICE_CANCEL: Final = "nx"  # v1:nx:<notice id>: Cancel a scheduled notice, on /notices
NOTICE_WITHDRAW: Final = "nw"  # v1:nw:<notice id>: Withdraw a published notice, on /notices
NOTICE_REMIND: Final = "nu"  # v1:nu:<notice id>: Remind them, on /unread
PAPER_MENU: Final = "pp"  # v1:pp:<vote id>:h|b|u|c:...: paper ballots with buttons
JOIN_REJECT: Final = "jx"  # v1:jx:<membership id>:n|u|o: a join rejection's preset reason
VOTE_PROGRESS: Final = "pg"  # v1:pg:<vote id>: Remind the reachable ones, on /progress
VOTE_PICK: Final = "vk"  # v1:vk:<c|r|m|e|v>:<vote id>: /close … /verify sent without a number
VOTE_CLOSE: Final = "vc"  # v1:vc:<vote id>:<asker>:y|n: confirm closing by hand
LEAVE_CONFIRM: Final = "lc"  # v1:lc:<membership id>:y|n: confirm leaving a household
CODE_RELATION: Final = "cq"  # v1:cq:<membership id>:o|t: owner or tenant, after a code join
UNITS_PICK: Final = "ug"  # v1:ug:<community id>:<file digest>: /units in private, which community
STATS_CHART: Final = "sc"  # v1:sc:<community id>[:<building>][:<month>]: the charts of /stats
STATS_PICK: Final = "sp"  # v1:sp:<community id>:<building>:<month>: which community, privately
DIGEST_PROPOSE: Final = "dp"  # v1:dp:<community id>:<building>:<category>: Propose, on the digest
DIGEST_CONFIRM: Final = "dy"  # v1:dy:<proposal id>:y|n: Propose it / Cancel, privately


def pack(kind: str, *args: int | str) -> str:
    data = ":".join([VERSION, kind, *(str(a) for a in args)])
    if len(data.encode()) > MAX_BYTES:
        raise ValueError(f"callback data too long: {data!r}")
    return data


def pattern(kind: str) -> re.Pattern[str]:
    """The handler pattern for one kind of button."""
    return re.compile(rf"^{VERSION}:{kind}(:|$)")


def unpack(data: str | None, kind: str, arity: int) -> list[str] | None:
    """The arguments of a `kind` payload, or None if it is not one (old, forged, garbled)."""
    if not data:
        return None
    parts = data.split(":")
    if len(parts) != 2 + arity or parts[0] != VERSION or parts[1] != kind:
        return None
    return parts[2:]


def int_arg(value: str, *, low: int = 1) -> int | None:
    """An id (or, with `low=0`, an index) in a payload: ASCII digits, up to SQLite's largest
    integer; else None."""
    return whole_number(value, low=low)


def args_of(data: str | None, kind: str) -> list[str] | None:
    """The arguments of a `kind` payload of any length, or None."""
    if not data:
        return None
    parts = data.split(":")
    if len(parts) < 2 or parts[0] != VERSION or parts[1] != kind:
        return None
    return parts[2:]
