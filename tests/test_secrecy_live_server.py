"""Issue 14's attack as it was made: a copy of `var/` taken while gunicorn runs.

Twelve known members vote secretly and answer an anonymous questionnaire through the API of a real
gunicorn with two workers (each with its own database connection); the chair closes the poll. Then
`klynge.sqlite3` and `klynge.sqlite3-wal` are copied from `var/` while the server still holds them
open, and the attacker replays the log and pairs rows. Before this design the same copy linked 12 of
12 votes and 12 of 12 answers (docs/secret-ballots.md).
"""

import json
import os
import subprocess
import sys
import urllib.request
from pathlib import Path

import pytest

from tests import attacker
from tests.core.test_restart import serve

REPO = Path(__file__).resolve().parents[1]
SETUP = """
import json
import django
django.setup()
from klynge.core.services import api_token_create
from tests.decisions.helpers import add_voters
from tests.factories import ClusterWorld
from tests.surveys.helpers import build_survey
world = ClusterWorld("Klynge Live")
people = add_voters(world, 12)
survey, q = build_survey(world.cluster, anonymous=True)
keys = {p.pk: api_token_create(person=p, name="telefon")[1] for p in [world.chair, *people]}
print(json.dumps({"slug": world.cluster.slug, "chair": keys[world.chair.pk],
                  "people": [[p.pk, keys[p.pk]] for p in people], "survey": survey.pk,
                  "text_question": q["text"].pk, "single_question": q["single"].pk}))
"""
PATTERN = ["Ja", "Nej", "Ja", "Undlader", "Nej", "Nej", "Ja", "Undlader", "Ja", "Nej", "Undlader", "Ja"]


def _call(base, path, key, data=None):
    request = urllib.request.Request(  # noqa: S310 - loopback
        base + path,
        data=None if data is None else json.dumps(data).encode(),
        headers={"Authorization": f"Bearer {key}", "Content-Type": "application/json"},
        method="GET" if data is None else "POST",
    )
    with urllib.request.urlopen(request, timeout=30) as response:  # noqa: S310 - loopback
        return json.loads(response.read())


@pytest.mark.skipif(
    not os.environ.get("DATABASE_URL", "sqlite").startswith("sqlite"), reason="copies the SQLite files"
)
def test_a_copy_of_var_from_a_running_server_links_no_vote_and_no_answer(tmp_path):
    var = tmp_path / "var"
    var.mkdir()
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "klynge.settings",
        "DATABASE_URL": f"sqlite:///{var / 'klynge.sqlite3'}",
        "KLYNGE_VAR_DIR": str(var),
        "SECRET_KEY": "live-attack-test-secret-key",
        "PYTHONPATH": os.pathsep.join([str(REPO / "src"), str(REPO)]),
    }
    subprocess.run([sys.executable, "-m", "klynge.cli", "migrate", "-v0"], env=env, check=True)
    world = json.loads(
        subprocess.run(
            [sys.executable, "-c", SETUP], env=env, check=True, capture_output=True, text=True
        ).stdout
    )
    process, base = serve(env, workers=2)
    try:
        api = f"/api/v1/clusters/{world['slug']}"
        poll = _call(
            base,
            f"{api}/polls",
            world["chair"],
            {
                "question": "Skal praksis X sættes på hold?",
                "secret": True,
                "closes_at": "2099-01-01T12:00:00+01:00",
            },
        )
        options = {o["label"]: str(o["id"]) for o in poll["options"]}
        _call(base, f"{api}/polls/{poll['id']}/open", world["chair"], {})
        votes, answers, texts, arrival = {}, {}, {}, []
        for index, (person, key) in enumerate(world["people"]):
            _call(
                base, f"{api}/polls/{poll['id']}/votes", key, {"option_ids": [int(options[PATTERN[index]])]}
            )
            votes[str(person)] = frozenset([options[PATTERN[index]]])
            text = f"Mit eget svar nr. {index:02d} om ventetid"
            given = {str(world["single_question"]): index % 3, str(world["text_question"]): text}
            _call(base, f"{api}/surveys/{world['survey']}/responses", key, {"answers": given})
            answers[str(person)] = frozenset((q, json.dumps(v)) for q, v in given.items())
            texts[str(person)], arrival = text, [*arrival, str(person)]
        _call(base, f"{api}/polls/{poll['id']}/close", world["chair"], {})
        copy = attacker.copy_live_sqlite_files(tmp_path / "copy", var / "klynge.sqlite3")
    finally:
        process.terminate()
        process.wait(timeout=30)

    states = attacker.wal_replay(copy)
    assert sum(attacker.tally(states[-1], poll["id"]).values()) == 12
    assert attacker.correct_links(attacker.link_ballots_by_order(states[-1], poll["id"]), votes) == 0
    assert attacker.correct_links(attacker.link_ballots_by_difference(states, poll["id"]), votes) == 0
    assert len(attacker.responses_in_order(states[-1], world["survey"])) == 12
    assert attacker.correct_links(attacker.link_answers_by_new_keys(states, world["survey"]), answers) == 0
    assert attacker.correct_links(attacker.link_answers_by_new_content(states, world["survey"]), answers) == 0
    raw = attacker.raw_bytes(copy)
    assert {raw.count(text.encode()) for text in texts.values()} == {1}
