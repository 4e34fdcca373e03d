"""The attacker's tools: what someone holding copies of Klynge's database files can do with them.

The attack tests of secret ballots (tests/decisions/test_ballot_attacks.py) and anonymous answers
(tests/surveys/test_answer_attacks.py) take their copies through the product's own doors: raw copies
of the SQLite file and its write-ahead log while the server holds them open, and `klynge backup`
files. On PostgreSQL an administrator can also read every row version still in the table pages
(pageinspect) and the hidden transaction id (`xmin`) of every row. Nothing here uses Klynge's code
to read: the copies are read with sqlite3, pg_restore and SQL, as an outsider would.
"""

from __future__ import annotations

import json
import shutil
import sqlite3
import struct
import subprocess
import tempfile
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from django.core.management import call_command
from django.db import connection

# Tables a reader goes through; each attack uses the ones it knows how to read.
BALLOT_TABLES = ("decisions_turnout", "decisions_ballot", "decisions_ballotchoice", "decisions_ballotcount")
ANSWER_TABLES = ("surveys_participation", "surveys_response", "surveys_answer")


@dataclass
class Snapshot:
    """The rows of some tables as one copy holds them, each table in its physical order."""

    tables: dict[str, list[dict]] = field(default_factory=dict)

    def rows(self, table: str, **where) -> list[dict]:
        return [
            row
            for row in self.tables.get(table, [])
            if all(str(row.get(k)) == str(v) for k, v in where.items())
        ]


# Copies --------------------------------------------------------------------------------------------


def sqlite_path() -> Path:
    return Path(connection.settings_dict["NAME"])


def copy_live_sqlite_files(destination: Path, source: Path | None = None) -> Path:
    """`cp var/klynge.sqlite3* somewhere`: the database file, its WAL and shared memory, as they are."""
    destination.mkdir(parents=True, exist_ok=True)
    source = source or sqlite_path()
    # Copied by a child process, as the operator's `cp` would: closing a descriptor of the database file
    # in this process would drop the POSIX locks SQLite holds on it here, and another process (a live
    # server, a mail worker) could then take itself for the last user and remove the shared memory file
    # under this process's open connections ("disk I/O error" for every later test of the worker).
    for suffix in ("", "-wal", "-shm"):
        if Path(f"{source}{suffix}").exists():
            subprocess.run(
                ["cp", f"{source}{suffix}", str(destination / f"klynge.sqlite3{suffix}")], check=True
            )
    return destination / "klynge.sqlite3"


def start_with_an_empty_log() -> None:
    """As after a restart of the server: SQLite's log starts empty, so a control sees every write."""
    if connection.vendor == "sqlite":
        with connection.cursor() as cursor:
            cursor.execute("PRAGMA wal_checkpoint(TRUNCATE)")


def backup(destination: Path) -> Path:
    """`klynge backup FILE`, as the operator runs it while the server runs."""
    call_command("backup", str(destination), stdout=open("/dev/null", "w"))  # noqa: SIM115
    return destination


def read_sqlite(path: Path, tables=BALLOT_TABLES + ANSWER_TABLES) -> Snapshot:
    """Opens a copy with sqlite3 (which also reads a -wal file beside it) and lists rows in rowid order."""
    work = Path(tempfile.mkdtemp(prefix="attacker-")) / "copy.sqlite3"
    for suffix in ("", "-wal"):
        if Path(f"{path}{suffix}").exists():
            shutil.copyfile(f"{path}{suffix}", f"{work}{suffix}")
    db = sqlite3.connect(work)
    db.row_factory = sqlite3.Row
    snapshot = Snapshot()
    present = {r[0] for r in db.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    for table in tables:
        if table in present:
            rows = db.execute(f'SELECT rowid AS "_rowid", * FROM "{table}" ORDER BY rowid')  # noqa: S608
            snapshot.tables[table] = [dict(r) for r in rows]
    db.close()
    shutil.rmtree(work.parent)
    return snapshot


def read_backup(path: Path) -> Snapshot:
    return read_sqlite(path) if connection.vendor == "sqlite" else read_pg_dump(path)


def read_pg_dump(path: Path, tables=BALLOT_TABLES + ANSWER_TABLES) -> Snapshot:
    """Reads a `klynge backup` file of PostgreSQL back with pg_restore: the COPY blocks in dump order."""
    text = subprocess.run(
        ["pg_restore", "--data-only", "--file", "-", str(path)], capture_output=True, text=True, check=True
    ).stdout
    snapshot = Snapshot()
    lines = iter(text.splitlines())
    for line in lines:
        if not line.startswith("COPY public."):
            continue
        table = line.split()[1].removeprefix("public.")
        columns = [c.strip().strip('"') for c in line[line.index("(") + 1 : line.index(")")].split(",")]
        rows = []
        for data in lines:
            if data == "\\.":
                break
            values = [None if v == "\\N" else v for v in data.split("\t")]
            rows.append(dict(zip(columns, values, strict=True)))
        if table in tables:
            snapshot.tables[table] = rows
    return snapshot


# The write-ahead log of SQLite -----------------------------------------------------------------------


@dataclass
class WalFrame:
    page_number: int
    commit_size: int  # database size in pages after a commit frame, 0 for other frames
    current: bool  # salts match the header: part of the log SQLite itself would read
    page: bytes


def wal_frames(wal: bytes) -> list[WalFrame]:
    if len(wal) < 32:
        return []
    _magic, _version, page_size, _seq, salt1, salt2, _c1, _c2 = struct.unpack(">8I", wal[:32])
    frames = []
    offset = 32
    while offset + 24 + page_size <= len(wal):
        number, commit_size, s1, s2, _c1, _c2 = struct.unpack(">6I", wal[offset : offset + 24])
        page = wal[offset + 24 : offset + 24 + page_size]
        frames.append(WalFrame(number, commit_size, (s1, s2) == (salt1, salt2), page))
        offset += 24 + page_size
    return frames


def wal_replay(copy: Path, tables=BALLOT_TABLES + ANSWER_TABLES) -> list[Snapshot]:
    """Every state the copied WAL can show: the main file alone, then after each transaction in the log.

    The log holds whole pages as each transaction left them, so replaying it one commit at a time gives
    the database as it was after each vote or answer (until the log is checkpointed and truncated).
    """
    main = Path(copy).read_bytes()
    wal_path = Path(f"{copy}-wal")
    frames = [f for f in wal_frames(wal_path.read_bytes() if wal_path.exists() else b"") if f.current]
    states = [_image_snapshot(main, tables)]
    if not frames:
        return states
    page_size = len(frames[0].page)
    image = bytearray(main)
    for frame in frames:
        end = frame.page_number * page_size
        if len(image) < end:
            image.extend(b"\0" * (end - len(image)))
        image[end - page_size : end] = frame.page
        if frame.commit_size:
            del image[frame.commit_size * page_size :]
            states.append(_image_snapshot(bytes(image), tables))
    return states


def _image_snapshot(image: bytes, tables) -> Snapshot:
    work = Path(tempfile.mkdtemp(prefix="attacker-")) / "state.sqlite3"
    # Marked as a rollback-journal file so that sqlite3 reads the image alone, without any -wal.
    work.write_bytes(image[:18] + b"\x01\x01" + image[20:])
    try:
        return read_sqlite(work, tables)
    finally:
        shutil.rmtree(work.parent)


def raw_bytes(copy: Path) -> bytes:
    """The main file and the log as bytes, including free pages, free space in pages and stale frames."""
    data = Path(copy).read_bytes()
    wal = Path(f"{copy}-wal")
    return data + (wal.read_bytes() if wal.exists() else b"")


# PostgreSQL seen by its administrator ------------------------------------------------------------------


def pg_open_transaction(database: str, application_name: str):
    """Another client's transaction with a transaction id, left open (a report, a backup, a batch job);
    close the returned connection to end it."""
    import psycopg

    params = {**connection.get_connection_params(), "dbname": database, "application_name": application_name}
    other = psycopg.connect(**params)
    other.execute("SELECT pg_current_xact_id()")
    return other


def pg_can_inspect_pages() -> bool:
    with connection.cursor() as cursor:
        cursor.execute("SELECT rolsuper FROM pg_roles WHERE rolname = current_user")
        if not cursor.fetchone()[0]:
            return False
        cursor.execute("SELECT 1 FROM pg_available_extensions WHERE name = 'pageinspect'")
        if cursor.fetchone() is None:
            return False
        cursor.execute("CREATE EXTENSION IF NOT EXISTS pageinspect")
    return True


def pg_tuple_versions(table: str) -> list[dict]:
    """Every row version still in the table's pages, live or dead, with the transaction that wrote it
    (pageinspect: what a superuser, or anyone with a copy of the data directory, can read).

    Each version is {"xmin": ..., "xmax": ..., column name: raw bytes}."""
    versions = []
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT attname FROM pg_attribute WHERE attrelid = %s::regclass AND attnum > 0 "
            "AND NOT attisdropped ORDER BY attnum",
            [table],
        )
        names = [row[0] for row in cursor.fetchall()]
        cursor.execute("SELECT pg_relation_size(%s::regclass) / current_setting('block_size')::int", [table])
        for block in range(cursor.fetchone()[0]):
            cursor.execute(
                "SELECT t_xmin::text, t_xmax::text, "
                "tuple_data_split(%s::regclass, t_data, t_infomask, t_infomask2, t_bits) "
                "FROM heap_page_items(get_raw_page(%s, %s)) WHERE t_data IS NOT NULL",
                [table, table, block],
            )
            for xmin, xmax, columns in cursor.fetchall():
                raw = [bytes(c) if c is not None else None for c in columns]
                versions.append({"xmin": xmin, "xmax": xmax, **dict(zip(names, raw, strict=True))})
    return versions


def pg_raw_pages(table: str) -> bytes:
    """The table's pages byte for byte, holes included (get_raw_page)."""
    data = b""
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_relation_size(%s::regclass) / current_setting('block_size')::int", [table])
        for block in range(cursor.fetchone()[0]):
            cursor.execute("SELECT get_raw_page(%s, %s)", [table, block])
            data += bytes(cursor.fetchone()[0])
    return data


def pg_xmins(table: str, where: str, params) -> list[tuple[str, dict]]:
    """The hidden `xmin` of live rows: any role that may read the table can ask for it."""
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT xmin::text, * FROM {table} WHERE {where}", params)  # noqa: S608
        names = [c.name for c in cursor.description]
        return [(row[0], dict(zip(names[1:], row[1:], strict=True))) for row in cursor.fetchall()]


def le_int(raw: bytes | None) -> int | None:
    return None if raw is None else int.from_bytes(raw, "little", signed=True)


# Ballots ------------------------------------------------------------------------------------------------


def turnout_order(snapshot: Snapshot, poll_id) -> list[str]:
    return [str(r["person_id"]) for r in snapshot.rows("decisions_turnout", poll_id=poll_id)]


def ballots_in_order(snapshot: Snapshot, poll_id) -> list[frozenset[str]]:
    """The individual ballots of a poll in the order the copy holds them (choices per ballot)."""
    choices: dict[str, set[str]] = {}
    for row in snapshot.rows("decisions_ballotchoice"):
        choices.setdefault(str(row["ballot_id"]), set()).add(str(row["option_id"]))
    return [
        frozenset(choices.get(str(r["id"]), ())) for r in snapshot.rows("decisions_ballot", poll_id=poll_id)
    ]


def tally(snapshot: Snapshot, poll_id) -> Counter:
    """Votes per option (and "" for blank) as far as this copy shows them, from whatever table holds them."""
    counts: Counter = Counter()
    for ballot in ballots_in_order(snapshot, poll_id):
        counts.update(ballot or [""])
    for row in snapshot.rows("decisions_ballotcount", poll_id=poll_id):
        counts[str(row["option_id"] or "")] += int(row["votes"])
    return counts


def link_ballots_by_order(snapshot: Snapshot, poll_id) -> dict[str, frozenset[str]]:
    """Pairs the n-th ballot with the n-th turnout row (row id or dump order)."""
    ballots = ballots_in_order(snapshot, poll_id)
    turnout = turnout_order(snapshot, poll_id)
    if not ballots:
        return {}
    return dict(zip(turnout, ballots, strict=False))


def link_ballots_by_difference(states: list[Snapshot], poll_id) -> dict[str, frozenset[str]]:
    """Compares consecutive copies: the voters who appear between two copies cast the votes that appear.

    When the votes that appear are all alike (above all: only one person voted in between), each of
    those voters is linked to that choice.
    """
    links = {}
    for before, after in zip(states, states[1:], strict=False):
        new_voters = [
            p for p in turnout_order(after, poll_id) if p not in set(turnout_order(before, poll_id))
        ]
        delta = tally(after, poll_id) - tally(before, poll_id)
        if new_voters and len(delta) == 1 and sum(delta.values()) == len(new_voters):
            (choice,) = delta
            for person in new_voters:
                links[person] = frozenset([choice]) if choice else frozenset()
    return links


def link_ballots_by_transaction(turnout_xmins: dict[str, str], versions: list[dict], options) -> dict:
    """PostgreSQL: a vote's rows share the transaction id (xmin) of its turnout row. Any row version
    about one of the poll's options written by a voter's transaction tells how that voter voted.

    `turnout_xmins` maps xmin to person; `versions` are rows (live, or every version from pageinspect)
    of the tables that hold choices, each with "xmin" and "option_id" (int or little-endian bytes)."""
    links: dict[str, set[str]] = {}
    for version in versions:
        option = version.get("option_id")
        option = le_int(option) if isinstance(option, bytes) else option
        person = turnout_xmins.get(version["xmin"])
        if person is None:
            continue
        if option is None and "votes" in version:
            links.setdefault(person, set())  # a blank vote counted
        elif option is not None and str(option) in options:
            links.setdefault(person, set()).add(str(option))
    return {person: frozenset(choice) for person, choice in links.items()}


def correct_links(links: dict[str, object], truth: dict[str, object]) -> int:
    """How many of the attack's links (person → vote or answer) are right."""
    return sum(1 for person, secret in links.items() if truth.get(person) == secret)


# Answers ------------------------------------------------------------------------------------------------


def participation_order(snapshot: Snapshot, survey_id) -> list[str]:
    return [str(r["person_id"]) for r in snapshot.rows("surveys_participation", survey_id=survey_id)]


def responses_in_order(snapshot: Snapshot, survey_id) -> list[tuple[str, frozenset]]:
    """(response key, its answers as (question, value) pairs) in the order the copy holds the responses."""
    answers: dict[str, set] = {}
    for row in snapshot.rows("surveys_answer"):
        value = row["value"]
        value = json.dumps(json.loads(value), sort_keys=True) if isinstance(value, str) else json.dumps(value)
        answers.setdefault(str(row["response_id"]), set()).add((str(row["question_id"]), value))
    return [
        (str(r["id"]), frozenset(answers.get(str(r["id"]), ())))
        for r in snapshot.rows("surveys_response", survey_id=survey_id)
    ]


def link_answers_by_order(snapshot: Snapshot, survey_id) -> dict[str, frozenset]:
    responses = responses_in_order(snapshot, survey_id)
    return dict(zip(participation_order(snapshot, survey_id), [a for _, a in responses], strict=False))


def link_answers_by_new_keys(states: list[Snapshot], survey_id) -> dict[str, frozenset]:
    """The keys that are new in the later copy belong to the people who answered in between."""
    links = {}
    for before, after in zip(states, states[1:], strict=False):
        old_keys = {key for key, _ in responses_in_order(before, survey_id)}
        new = [(k, a) for k, a in responses_in_order(after, survey_id) if k not in old_keys]
        new_people = [
            p
            for p in participation_order(after, survey_id)
            if p not in set(participation_order(before, survey_id))
        ]
        if len(new) == 1 and len(new_people) == 1:
            links[new_people[0]] = new[0][1]
    return links


def link_answers_by_new_content(states: list[Snapshot], survey_id) -> dict[str, frozenset]:
    """The answers that are new in the later copy (compared by content, whatever their keys) belong to
    the people who answered in between: when one person answered in between, that is their answer."""
    links = {}
    for before, after in zip(states, states[1:], strict=False):
        delta = Counter(a for _, a in responses_in_order(after, survey_id)) - Counter(
            a for _, a in responses_in_order(before, survey_id)
        )
        new_people = [
            p
            for p in participation_order(after, survey_id)
            if p not in set(participation_order(before, survey_id))
        ]
        if len(new_people) == 1 and sum(delta.values()) == 1:
            links[new_people[0]] = next(iter(delta))
    return links


def order_told_by_copies(raw: bytes, texts_in_arrival_order: list[str]) -> float:
    """How well the number of copies of each free-text answer in the raw bytes tells the order of arrival.

    When every answer rewrites the earlier ones and the old rows are left behind, the first answer
    exists in more copies than the ones after it, and the order of arrival is also the order of the
    participation rows: it names the authors. Returns Kendall's tau between arrival and copy counts:
    1 when the counts give the order exactly, 0 when they tell nothing (e.g. every text once).
    """
    counts = [raw.count(text.encode()) for text in texts_in_arrival_order]
    pairs = [(a, b) for i, a in enumerate(counts) for b in counts[i + 1 :]]
    concordant = sum(1 for a, b in pairs if a > b)
    discordant = sum(1 for a, b in pairs if a < b)
    return (concordant - discordant) / len(pairs) if pairs else 0.0


def link_texts_by_first_transaction(
    participation_xmins: dict[str, str], versions: list[dict], texts_by_person: dict[str, str]
) -> dict[str, str]:
    """PostgreSQL: the oldest version of a row holding an answer was written by the transaction that
    stored the answer, which also wrote the person's participation row: with the same transaction id,
    or (written in a savepoint) with the id of a subtransaction started just after it."""
    first: dict[str, int] = {}
    for version in versions:
        data = b"".join(v for k, v in version.items() if k not in ("xmin", "xmax") and isinstance(v, bytes))
        for text in texts_by_person.values():
            if text.encode() in data:
                first[text] = min(first.get(text, int(version["xmin"])), int(version["xmin"]))
    links = {}
    for text, xmin in first.items():
        for step in range(3):
            if (person := participation_xmins.get(str(xmin + step))) is not None:
                links[person] = text
                break
    return links
