"""A seeded community for the stats tests, written row by row so that every figure can be worked
out by hand (the expectations are in the tests, computed from the comments here).

Sunny Garden (Asia/Shanghai, deadlines 24 h / 72 h), NOW = 2026-11-22 09:30 UTC.
Units: building 1: 1-101 1-102 1-201 1-202; building 2: 2-101 2-102 2-201 2-202.
- 1-101 Alice verified (owner, ownership verified) · 1-102 Ben verified tenant · 1-201 Chen
  verified resident · 1-202 Dan waiting · 2-101 Eve verified (ownership verified) · 2-102 Fay
  verified resident · 2-201 Gus rejected · 2-202 nobody.
Votes (frozen electorates, ballots):
- #1 simple, all units, opened 10-03, closed 10-10: 1-101, 1-102 voted → 2 of 8.
- #2 simple, all units, opened 10-20, closed 10-27: 1-101, 1-102, 1-201, 2-101 → 4 of 8.
- #3 double-majority, owners A B C(1-201+1-202) E F G H, opened 11-02, closed 11-09: A, C, E
  voted → 3 of 7 owners.
- #4 simple, building 2, opened 11-15, still open: 2-101, 2-102, 2-201 → 3 of 4.
- #5 a draft: not counted.
Topics: #1 proposed (10-01), #2 proposed (11-05), #3 discussion (11-06), #4 voting (10-02),
#5 passed (09-01).
Tickets (times UTC):
- #1 b1 elevator, 10-10 00:00, acknowledged 02:00, resolved 10-11 00:00, closed, rated 5.
- #2 b1 water, 11-10 00:00, acknowledged 11-11 06:00, resolved 11-12 06:00, closed, rated 3.
- #3 b2 sanitation, 11-15 00:00, acknowledged 01:00, in progress.
- #4 b2 elevator, 11-21 12:00, reported (its 24 h not over).
- #5 b2 noise, 11-18 00:00, rejected 04:00.
- #6 b1 other, 11-16 00:00, reported, never answered.
Notices: #1 all, 10-15, read by 1-201 · #2 all, 11-05, read by 1-101 1-102 2-101 and 2-201
(not verified) · #3 building 2, 11-12, read by 2-102 · #4 scheduled · #5 withdrawn (read).
Meetings: #1 held 10-14, 1-201 attends · #2 held 11-11, 1-101 1-102 2-101 attend, 2-102 not ·
#3 scheduled 11-25, 1-201 attends (not held: not counted).
Roles: Carol (1) admin, Rob (2) rep of building 2."""

from __future__ import annotations

from typing import Any

from storage.database import Database

CHAT = -100777
ADMIN, REP = 1, 2
ALICE, BEN, CHEN, DAN, EVE, FAY, GUS = 11, 12, 13, 14, 15, 16, 17
UNITS = ("1-101", "1-102", "1-201", "1-202", "2-101", "2-102", "2-201", "2-202")
OWNER_OF = {
    "1-101": "A",
    "1-102": "B",
    "1-201": "C",
    "1-202": "C",
    "2-101": "E",
    "2-102": "F",
    "2-201": "G",
    "2-202": "H",
}


def _at(day: str, clock: str = "00:00") -> str:
    return f"2026-{day}T{clock}:00+00:00"


async def seed_stats(
    db: Database, *, language: str = "en", chat_id: int = CHAT, name: str = "Sunny Garden"
) -> int:
    """The community above; its id."""
    async with db.unit_of_work() as uow:
        conn = uow.inbox._conn

        async def run(sql: str, params: dict[str, Any]) -> int:
            cursor = await conn.execute(sql, params)
            return int(cursor.lastrowid or 0)

        cid = await run(
            "INSERT INTO communities (chat_id, name, language, timezone, created_by, created_at)"
            " VALUES (:chat, :name, :lang, 'Asia/Shanghai', :admin, :at)",
            {"chat": chat_id, "name": name, "lang": language, "admin": ADMIN, "at": _at("09-01")},
        )
        people = {
            ADMIN: "Carol",
            REP: "Rob",
            ALICE: "Alice",
            BEN: "Ben",
            CHEN: "Chen",
            DAN: "Dan",
            EVE: "Eve",
            FAY: "Fay",
            GUS: "Gus",
        }
        for user_id, name in people.items():
            await run(
                "INSERT OR IGNORE INTO users (id, display_name, updated_at)"
                " VALUES (:id, :name, :at)",
                {"id": user_id, "name": name, "at": _at("09-01")},
            )
        await run(
            "INSERT INTO roles (community_id, user_id, role, buildings, granted_by, granted_at)"
            " VALUES (:cid, :admin, 'admin', '', :admin, :at),"
            " (:cid, :rep, 'rep', '2', :admin, :at)",
            {"cid": cid, "admin": ADMIN, "rep": REP, "at": _at("09-01")},
        )
        unit_ids = {}
        for code in UNITS:
            unit_ids[code] = await run(
                "INSERT INTO units (community_id, code, building, area_centi_m2, owner_key)"
                " VALUES (:cid, :code, :building, 9000, :owner)",
                {"cid": cid, "code": code, "building": code[0], "owner": OWNER_OF[code]},
            )
        for user_id, code, relation, status in (
            (ALICE, "1-101", "owner", "verified"),
            (BEN, "1-102", "tenant", "verified"),
            (CHEN, "1-201", "resident", "verified"),
            (DAN, "1-202", "owner", "pending"),
            (EVE, "2-101", "owner", "verified"),
            (FAY, "2-102", "resident", "verified"),
            (GUS, "2-201", "tenant", "rejected"),
        ):
            await run(
                "INSERT INTO memberships (unit_id, user_id, relation, status, requested_at)"
                " VALUES (:unit, :user, :relation, :status, :at)",
                {
                    "unit": unit_ids[code],
                    "user": user_id,
                    "relation": relation,
                    "status": status,
                    "at": _at("09-02"),
                },
            )
        for user_id, code in ((ALICE, "1-101"), (EVE, "2-101")):
            await run(
                "INSERT INTO ownerships (unit_id, user_id, status, method, requested_at)"
                " VALUES (:unit, :user, 'verified', 'review', :at)",
                {"unit": unit_ids[code], "user": user_id, "at": _at("09-02")},
            )
        await _votes(run, cid)
        await _topics(run, cid)
        await _tickets(run, cid)
        await _notices(run, cid)
        await _meetings(run, cid)
        await uow.commit()
    return cid


async def _votes(run: Any, cid: int) -> None:
    every = [(code, code, code[0]) for code in UNITS]  # (unit, voter key, building)
    owners = [(code, f"owner:{OWNER_OF[code]}", code[0]) for code in UNITS]
    building_2 = [entry for entry in every if entry[2] == "2"]
    votes = (
        (1, "simple", None, "closed", _at("10-03"), _at("10-10"), every, {"1-101", "1-102"}),
        (
            2,
            "simple",
            None,
            "closed",
            _at("10-20"),
            _at("10-27"),
            every,
            {"1-101", "1-102", "1-201", "2-101"},
        ),
        (
            3,
            "double-majority",
            None,
            "closed",
            _at("11-02"),
            _at("11-09"),
            owners,
            {"owner:A", "owner:C", "owner:E"},
        ),
        (4, "simple", "2", "open", _at("11-15"), None, building_2, {"2-101", "2-102", "2-201"}),
    )
    for number, rule, building, status, opened, closed, units, voted in votes:
        vote_id = await run(
            "INSERT INTO votes (community_id, number, question, rule, duration_minutes, building,"
            " status, created_by, created_at, opened_at, closes_at, closed_at, electorate_frozen)"
            " VALUES (:cid, :number, :question, :rule, 10080, :building, :status, 1, :opened,"
            " :opened, :closes, :closed, 1)",
            {
                "cid": cid,
                "number": number,
                "question": f"Question {number}",
                "rule": rule,
                "building": building,
                "status": status,
                "opened": opened,
                "closes": closed or _at("11-29"),
                "closed": closed,
            },
        )
        keys = sorted({key for _, key, _ in units})
        for key in keys:
            await run(
                "INSERT INTO vote_voters (vote_id, voter_key, area_cents, buildings)"
                " VALUES (:vote, :key, 9000, :buildings)",
                {
                    "vote": vote_id,
                    "key": key,
                    "buildings": " ".join(sorted({b for _, k, b in units if k == key})),
                },
            )
        for code, key, building_of in units:
            await run(
                "INSERT INTO vote_voter_units (vote_id, unit_code, voter_key, area_cents,"
                " building, owner_key) VALUES (:vote, :code, :key, 9000, :building, :owner)",
                {
                    "vote": vote_id,
                    "code": code,
                    "key": key,
                    "building": building_of,
                    "owner": OWNER_OF[code],
                },
            )
        for key in sorted(voted):
            await run(
                "INSERT INTO ballots (vote_id, voter_key, choice, cast_by, cast_at)"
                " VALUES (:vote, :key, 'for', 11, :at)",
                {"vote": vote_id, "key": key, "at": opened},
            )
    await run(  # a draft: no electorate, not counted
        "INSERT INTO votes (community_id, number, question, rule, duration_minutes, status,"
        " created_by, created_at) VALUES (:cid, 5, 'Draft', 'simple', 60, 'draft', 1, :at)",
        {"cid": cid, "at": _at("11-20")},
    )


async def _topics(run: Any, cid: int) -> None:
    for number, status, created in (
        (1, "proposed", _at("10-01")),
        (2, "proposed", _at("11-05")),
        (3, "discussion", _at("11-06")),
        (4, "voting", _at("10-02")),
        (5, "passed", _at("09-01")),
    ):
        await run(
            "INSERT INTO topics (community_id, number, title, proposed_by, status, created_at)"
            " VALUES (:cid, :number, :title, 11, :status, :at)",
            {
                "cid": cid,
                "number": number,
                "title": f"Topic {number}",
                "status": status,
                "at": created,
            },
        )


async def _tickets(run: Any, cid: int) -> None:
    tickets: tuple[tuple[Any, ...], ...] = (
        # number, building, category, status, created, acknowledged, resolved, rating, history
        (
            1,
            "1",
            "elevator",
            "closed",
            _at("10-10"),
            _at("10-10", "02:00"),
            _at("10-11"),
            5,
            [
                ("acknowledge", _at("10-10", "02:00")),
                ("resolve", _at("10-11")),
                ("confirm", _at("10-11", "08:00")),
            ],
        ),
        (
            2,
            "1",
            "water_electricity",
            "closed",
            _at("11-10"),
            _at("11-11", "06:00"),
            _at("11-12", "06:00"),
            3,
            [
                ("acknowledge", _at("11-11", "06:00")),
                ("resolve", _at("11-12", "06:00")),
                ("confirm", _at("11-12", "09:00")),
            ],
        ),
        (
            3,
            "2",
            "sanitation",
            "in_progress",
            _at("11-15"),
            _at("11-15", "01:00"),
            None,
            None,
            [("start", _at("11-15", "01:00"))],
        ),
        (4, "2", "elevator", "reported", _at("11-21", "12:00"), None, None, None, []),
        (
            5,
            "2",
            "noise",
            "rejected",
            _at("11-18"),
            None,
            None,
            None,
            [("reject", _at("11-18", "04:00"))],
        ),
        (6, "1", "other", "reported", _at("11-16"), None, None, None, []),
    )
    for number, building, category, status, created, ack, resolved, rating, history in tickets:
        ticket_id = await run(
            "INSERT INTO tickets (community_id, number, category, description, reporter_id,"
            " building, status, created_at, acknowledged_at, resolved_at, rating)"
            " VALUES (:cid, :number, :category, 'broken', 11, :building, :status, :created,"
            " :ack, :resolved, :rating)",
            {
                "cid": cid,
                "number": number,
                "category": category,
                "building": building,
                "status": status,
                "created": created,
                "ack": ack,
                "resolved": resolved,
                "rating": rating,
            },
        )
        for seq, (event, at) in enumerate(history, start=1):
            await run(
                "INSERT INTO ticket_history (ticket_id, seq, at, event, by_user)"
                " VALUES (:ticket, :seq, :at, :event, 1)",
                {"ticket": ticket_id, "seq": seq, "at": at, "event": event},
            )


async def _notices(run: Any, cid: int) -> None:
    for number, building, status, published, reads in (
        (1, None, "published", _at("10-15"), ["1-201"]),
        (2, None, "published", _at("11-05"), ["1-101", "1-102", "2-101", "2-201"]),
        (3, "2", "published", _at("11-12"), ["2-102"]),
        (4, None, "scheduled", None, []),
        (5, None, "withdrawn", _at("11-06"), ["1-101"]),
    ):
        notice_id = await run(
            "INSERT INTO notices (community_id, number, text, building, author_id, author_role,"
            " created_at, status, published_at) VALUES (:cid, :number, 'Notice', :building, 1,"
            " 'admin', :created, :status, :published)",
            {
                "cid": cid,
                "number": number,
                "building": building,
                "created": published or _at("11-20"),
                "status": status,
                "published": published,
            },
        )
        for household in reads:
            await run(
                "INSERT INTO notice_reads (notice_id, household, user_id, read_at)"
                " VALUES (:notice, :household, 11, :at)",
                {"notice": notice_id, "household": household, "at": published},
            )


async def _meetings(run: Any, cid: int) -> None:
    for number, status, starts, answers in (
        (1, "held", _at("10-14", "11:30"), [("1-201", "attend")]),
        (
            2,
            "held",
            _at("11-11", "11:30"),
            [("1-101", "attend"), ("1-102", "attend"), ("2-101", "attend"), ("2-102", "absent")],
        ),
        (3, "scheduled", _at("11-25", "11:30"), [("1-201", "attend")]),
    ):
        meeting_id = await run(
            "INSERT INTO meetings (community_id, number, starts_at, place, status, created_by,"
            " created_at) VALUES (:cid, :number, :starts, 'Hall', :status, 1, :at)",
            {"cid": cid, "number": number, "starts": starts, "status": status, "at": _at("10-01")},
        )
        for household, answer in answers:
            await run(
                "INSERT INTO meeting_rsvps (meeting_id, household, user_id, answer, answered_at)"
                " VALUES (:meeting, :household, 11, :answer, :at)",
                {"meeting": meeting_id, "household": household, "answer": answer, "at": starts},
            )
