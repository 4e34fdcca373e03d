"""Attacks on the two promises of the data pages: pseudonyms tell nothing, and small numbers stay hidden.

Each test acts as a member (or a meeting's guest) through the product's own interfaces: the register,
the indicator page, "Egne data", the front page, the API, CSV and XLSX exports, chart specs (JSON and
SVG) and a project's before-and-after page. Each attack has a control that shows the same attack code
does find a leak where there is one.

The strongest attack on suppression is the one that knows the algorithm: it tries every value a hidden
figure may have under the rules (a count of 1-4), runs the product with it, and keeps the values that
give exactly what the member saw. If more than one value is left for every hidden figure, no
combination of shown figures (totals, own value, other practices, the country, the funnel, the table,
the order of rows) can tell them apart.
"""

from __future__ import annotations

import datetime as dt
import io
import json
import re
from dataclasses import dataclass, field

import pytest
from django.utils import timezone
from openpyxl import load_workbook

from klynge.core import services as core_services
from klynge.core.models import Practice
from klynge.quality.models import Indicator
from klynge.quality.services import cluster_open_data_set, measurements_import
from klynge.quality.stats import pseudonym_label
from tests.factories import PASSWORD, ClusterWorld, make_practice

PERIOD = "2025-06"
RATE = "attester"  # per 1,000 listed patients per year; the denominator is the list size
SHARE = "penicillin-v-andel"


def login(client, person):
    client.logout()
    assert client.login(username=person.email, password=PASSWORD)


def letters(i: int) -> str:
    return pseudonym_label(i).removeprefix("Praksis ")


@dataclass
class Row:
    practice: Practice
    listed: int
    rate_num: int
    share_num: int = 0
    share_den: int = 0


@dataclass
class Scenario:
    world: ClusterWorld
    rows: list[Row]
    tmp_path: object
    project: object = None
    extra: dict = field(default_factory=dict)

    @property
    def slug(self) -> str:
        return self.world.cluster.slug

    def indicator(self, code: str) -> Indicator:
        return Indicator.objects.get(code=code)

    def load(self, changes: dict | None = None) -> None:
        """Imports every practice's figures (a newer file replaces the older values)."""
        changes = changes or {}
        lines = ["ydernummer;indikator;periode;tæller;nævner"]
        for row in self.rows:
            rate_num, share_num, share_den = changes.get(
                row.practice.pk, (row.rate_num, row.share_num, row.share_den)
            )
            yd = row.practice.provider_number
            lines.append(f"{yd};{RATE};{PERIOD};{rate_num};{row.listed}")
            if share_den:
                lines.append(f"{yd};{SHARE};{PERIOD};{share_num};{share_den}")
        path = self.tmp_path / f"data-{abs(hash(str(changes)))}.csv"
        path.write_text("\n".join(lines) + "\n")
        result = measurements_import(path=path, cluster=self.world.cluster)
        assert result.ok, result.errors

    def rate_value(self, row: Row) -> float:
        return row.rate_num / (row.listed / 12) * 1000


def build(world, tmp_path, specs, *, set_sizes=True) -> Scenario:
    """specs: (name or None for an existing practice, listed patients, rate numerator, share num, share den)."""
    rows = []
    existing = [world.practice, world.other_practice]
    for name, listed, rate_num, share_num, share_den in specs:
        if name is None:
            practice = existing.pop(0)
            if set_sizes:
                core_services.practice_update(practice=practice, listed_patients=listed)
        else:
            practice = make_practice(world.cluster, name, listed_patients=listed if set_sizes else None)
        rows.append(Row(practice, listed, rate_num, share_num, share_den))
    scenario = Scenario(world, rows, tmp_path)
    scenario.load()
    return scenario


# What a viewer can get ------------------------------------------------------------------------------

_VOLATILE = [
    (re.compile(r'name="csrfmiddlewaretoken" value="[^"]*"'), 'name="csrfmiddlewaretoken"'),
    (re.compile(r'"X-CSRFToken": "[^"]*"'), '"X-CSRFToken"'),
    (re.compile(r'nonce="[^"]*"'), "nonce"),
]


def _html(client, url) -> str:
    response = client.get(url)
    assert response.status_code == 200, (url, response.status_code)
    text = response.content.decode()
    for pattern, replacement in _VOLATILE:
        text = pattern.sub(replacement, text)
    return text


def gather(
    client, scenario: Scenario, code: str = RATE, *, guest: bool = False, svg: bool = False
) -> dict[str, str]:
    """Everything the logged-in viewer can get about the indicator, as text per channel. The SVG files
    are drawn from the JSON specs compared here; `svg=True` fetches them too."""
    slug = scenario.slug
    ind = scenario.indicator(code).pk
    base = f"/k/{slug}/data/indikator/{ind}/"
    out = {"page": _html(client, base)}
    if not guest:
        out["egne data"] = _html(client, f"/k/{slug}/data/")
        home = _html(client, f"/k/{slug}/")
        start = home.find('<section aria-labelledby="egne-data-overskrift">')
        out["forside"] = home[start : home.index("</section>", start)] if start >= 0 else ""
        out["api"] = json.dumps(
            client.get(f"/api/v1/clusters/{slug}/indicators/{ind}/measurements").json(),
            ensure_ascii=False,
            sort_keys=True,
        )
        if scenario.project is not None:
            out["før og efter"] = _html(client, f"/k/{slug}/data/projekt/{scenario.project.pk}/")
    out["csv"] = client.get(base + "eksport.csv").content.decode("utf-8-sig")
    book = load_workbook(io.BytesIO(client.get(base + "eksport.xlsx").content))
    out["xlsx"] = json.dumps([[c.value for c in row] for row in book.active.iter_rows()], ensure_ascii=False)
    for name in ("soejler", "tragt", "seriediagram"):
        response = client.get(base + f"graf/{name}.json")
        if response.status_code == 200:
            out[f"{name}.json"] = json.dumps(json.loads(response.content), ensure_ascii=False, sort_keys=True)
            if svg:
                out[f"{name}.svg"] = client.get(base + f"graf/{name}.svg").content.decode()
    return out


def api_rows(client, scenario: Scenario, code: str = RATE) -> dict:
    ind = scenario.indicator(code).pk
    return client.get(f"/api/v1/clusters/{scenario.slug}/indicators/{ind}/measurements").json()


def funnel_points(client, scenario: Scenario, code: str = RATE) -> list[dict]:
    ind = scenario.indicator(code).pk
    response = client.get(f"/k/{scenario.slug}/data/indikator/{ind}/graf/tragt.json")
    if response.status_code != 200:
        return []
    spec = json.loads(response.content)
    for layer in spec.get("layer", []):
        values = layer.get("data", {}).get("values", [])
        if values and "praksis" in values[0]:
            return values
    return []


def register(client, scenario: Scenario) -> list[dict]:
    return client.get(f"/api/v1/clusters/{scenario.slug}/practices").json()


def truth_by_label(client, scenario: Scenario) -> dict[str, Practice]:
    """Which practice hides behind each pseudonym, found by matching the values the test imported."""
    out = {}
    for r in api_rows(client, scenario)["practices"]:
        if r["is_own"] or r["value"] is None:
            continue
        matches = [row for row in scenario.rows if abs(scenario.rate_value(row) - r["value"]) < 0.051]
        assert len(matches) == 1, (r, [scenario.rate_value(m) for m in scenario.rows])
        out[r["label"]] = matches[0].practice
    return out


# Pseudonyms -----------------------------------------------------------------------------------------

# Twelve practices; list sizes are not in id order, so the two attacks below are independent.
TWELVE = [
    (None, 2000, 41, 0, 0),
    (None, 1400, 30, 0, 0),
    ("Lægehuset Ved Søen", 3200, 77, 0, 0),
    ("Klinikken i Byen", 1100, 23, 0, 0),
    ("Lægerne på Bakken", 2600, 70, 0, 0),
    ("Skovens Lægehus", 1700, 45, 0, 0),
    ("Lægehuset Nord", 3800, 101, 0, 0),
    ("Havnens Læger", 2300, 38, 0, 0),
    ("Lægehuset Øst", 4100, 122, 0, 0),
    ("Mølleparkens Læger", 2900, 52, 0, 0),
    ("Lægerne i Vest", 4400, 88, 0, 0),
    ("Engens Lægehus", 3500, 96, 0, 0),
]


@pytest.fixture
def early(db):
    """A practice in another cluster, created before ours: its id is lower than all of theirs."""
    from tests.factories import ClusterFactory

    return make_practice(ClusterFactory(name="Klynge Vest"), "Lægehuset i Vest")


@pytest.fixture
def twelve(early, world, catalogue, tmp_path):
    return build(world, tmp_path, TWELVE)


def decode_by_id_order(register_rows: list[dict], labels: list[str]) -> dict[str, int]:
    """Letters handed out in practice-id order over all current practices of the cluster."""
    ids = sorted(p["id"] for p in register_rows if p.get("status") != "left")
    by_letter = {letters(i): pid for i, pid in enumerate(ids)}
    return {
        label: by_letter[label.removeprefix("Praksis ")]
        for label in labels
        if label.removeprefix("Praksis ") in by_letter
    }


def decode_by_size_rank(sizes_by_label: dict[str, float], sizes_by_id: dict[int, float]) -> dict[str, int]:
    """The n-th largest figure beside a pseudonym belongs to the n-th largest practice in the register."""
    labels = sorted(sizes_by_label, key=lambda k: -sizes_by_label[k])
    ids = sorted(sizes_by_id, key=lambda k: -sizes_by_id[k])
    return dict(zip(labels, ids, strict=False))


def sizes_beside_pseudonyms(client, scenario: Scenario) -> dict[str, float]:
    """The denominators (or, without them, the funnel's x positions) shown beside each pseudonym."""
    rows = api_rows(client, scenario)["practices"]
    out = {r["label"]: r["denominator"] for r in rows if not r["is_own"] and r["denominator"] is not None}
    if not out:
        out = {
            p["praksis"]: p["nævner"]
            for p in funnel_points(client, scenario)
            if p.get("egen") != "Din praksis"
        }
    return out


def list_sizes_by_id(client, scenario: Scenario, own_id: int) -> dict[int, float]:
    return {
        p["id"]: p["listed_patients"]
        for p in register(client, scenario)
        if p["listed_patients"] and p["id"] != own_id
    }


def score(decoded: dict[str, int], truth: dict[str, Practice]) -> tuple[int, int]:
    return sum(decoded.get(label) == practice.pk for label, practice in truth.items()), len(truth)


def test_attack_pseudonyms_by_practice_id_order(client, twelve):
    """The register links every practice with its id; letters handed out in id order decode at once."""
    world = twelve.world
    login(client, world.member)
    truth = truth_by_label(client, twelve)
    assert len(truth) == 11
    decoded = decode_by_id_order(register(client, twelve), list(truth))
    right, total = score(decoded, truth)
    print(f"id order: {right} of {total} pseudonyms decoded")
    # A random assignment gets about one right by chance; five or more happens about once in 300 runs.
    assert right <= 5, f"{right} of {total} pseudonyms decoded from the practice ids"

    # Control: the same decoder reads letters that do follow id order (the old assignment) completely.
    ids = sorted(p["id"] for p in register(client, twelve))
    old = {f"Praksis {letters(i)}": Practice.objects.get(pk=pid) for i, pid in enumerate(ids)}
    old.pop(f"Praksis {letters(ids.index(world.other_practice.pk))}")
    assert score(decode_by_id_order(register(client, twelve), list(old)), old) == (11, 11)


def test_attack_pseudonyms_by_list_size_rank(client, twelve):
    """The rank of the sizes shown beside pseudonyms must not be matchable with sizes shown beside names."""
    world = twelve.world
    login(client, world.member)
    truth = truth_by_label(client, twelve)
    by_label = sizes_beside_pseudonyms(client, twelve)
    by_id = list_sizes_by_id(client, twelve, world.other_practice.pk)
    right, total = score(decode_by_size_rank(by_label, by_id), truth)
    print(f"size rank as a member: {right} of {total} pseudonyms decoded")
    assert right <= 5, f"{right} of {total} pseudonyms decoded from list sizes in the register"
    # No number of 10 or more shown beside a pseudonym is shown beside the same practice's name.
    beside_names = {}
    html = _html(client, f"/k/{twelve.slug}/praksis/?vis=alle")
    for row in twelve.rows:
        numbers = set()
        for p in register(client, twelve):
            if p["id"] == row.practice.pk:
                numbers |= {float(v) for v in (p["listed_patients"],) if v}
        cell = re.search(re.escape(row.practice.name) + r"</a></td>(.*?)</tr>", html, re.S)
        numbers |= {float(n) for n in re.findall(r"\d+", cell.group(1) if cell else "") if int(n) >= 10}
        numbers.discard(float(row.practice.provider_number))
        beside_names[row.practice.pk] = numbers
    for label, practice in truth.items():
        shown = {float(v) for v in [by_label.get(label)] if v is not None}
        for r in api_rows(client, twelve)["practices"]:
            if r["label"] == label:
                shown |= {float(r[k]) for k in ("numerator", "denominator") if r[k] is not None}
        leaked = {v for v in shown if v >= 10} & beside_names[practice.pk]
        assert not leaked, f"{label}: {leaked} also shown beside {practice.name}"

    # Control: the board may see list sizes (it imports the files with ydernumre anyway); the same
    # attack, run by the chair, decodes the pseudonyms from the funnel's x positions.
    login(client, world.chair)
    truth = truth_by_label(client, twelve)
    decoded = decode_by_size_rank(
        sizes_beside_pseudonyms(client, twelve), list_sizes_by_id(client, twelve, world.practice.pk)
    )
    right, total = score(decoded, truth)
    print(f"size rank as the chair (control): {right} of {total} decoded")
    assert right >= total - 1


def test_attack_pseudonyms_across_two_snapshots_with_a_join_and_a_leave(client, twelve, early):
    """A member saves the pseudonyms, a practice with a lower id joins and another leaves, and compares."""
    world = twelve.world
    assert early.pk < min(row.practice.pk for row in twelve.rows)
    login(client, world.member)
    before = {r["label"]: r["value"] for r in api_rows(client, twelve)["practices"] if not r["is_own"]}

    core_services.practice_create(
        cluster=world.cluster, name=early.name, provider_number=early.provider_number
    )
    leaving = twelve.rows[5].practice
    core_services.practice_deactivate(cluster=world.cluster, practice=leaving, by=world.chair)
    twelve.rows.append(Row(early, 2100, 60))
    twelve.rows = [r for r in twelve.rows if r.practice != leaving]
    twelve.load()
    after = {r["label"]: r["value"] for r in api_rows(client, twelve)["practices"] if not r["is_own"]}

    def moved(first, second):
        gone = {label for label, value in first.items() if value not in second.values()}
        return {label for label in first if label not in gone and second.get(label) != first[label]}

    shifted = moved(before, after)
    print(f"two snapshots: {len(shifted)} of {len(before) - 1} remaining pseudonyms moved")
    assert not shifted, f"pseudonyms moved to other practices: {sorted(shifted)}"

    # Control: the comparison notices a pseudonym that now points at a different figure.
    changed = dict(after)
    a, b = sorted(changed)[:2]
    changed[a], changed[b] = changed[b], changed[a]
    assert moved(after, changed) == {a, b}


# Small numbers --------------------------------------------------------------------------------------


def candidates(client, viewer, scenario: Scenario, hidden: dict[int, list[int]], *, guest=False, code=RATE):
    """The attacker who knows the algorithm and every other figure exactly: for each hidden practice
    (practice id -> the values the rules allow), runs the product with each value in turn and keeps
    the values that make it show exactly what the viewer saw. Returns the values still possible per
    practice, and the channels that told the others apart."""
    truth = {row.practice.pk: row for row in scenario.rows}
    login(client, viewer)
    seen = gather(client, scenario, code, guest=guest)
    possible = {k: set() for k in hidden}
    differences = {}
    for k, values in hidden.items():
        row = truth[k]
        for value in values:
            change = (
                (value, row.share_num, row.share_den)
                if code == RATE
                else (row.rate_num, value, row.share_den)
            )
            scenario.load({k: change})
            now = gather(client, scenario, code, guest=guest)
            if now == seen:
                possible[k].add(value)
            else:
                differences[(row.practice.name, value)] = sorted(c for c in seen if now.get(c) != seen[c])
    scenario.load()
    return possible, differences


def small_practices_scenario(world, tmp_path, catalogue):
    """Six practices; two have a count of 1-4 in the period (hidden), one of them in a share too."""
    specs = [
        (None, 2000, 41, 300, 1000),  # the chair's practice
        (None, 1400, 30, 250, 900),  # the member's practice
        ("Lægehuset Ved Søen", 3200, 3, 7, 9),  # small: 3 certificates; penicillin V 7 of 9
        ("Klinikken i Byen", 1100, 2, 120, 400),  # small: 2 certificates
        ("Lægerne på Bakken", 2600, 70, 400, 1000),
        ("Skovens Lægehus", 1700, 45, 210, 700),
    ]
    scenario = build(world, tmp_path, specs)
    from klynge.meetings import services as meetings
    from tests.quality.test_before_after import make_project

    # Taken up at a meeting in March 2025: June 2025 is in the twelve months after.
    scenario.project = make_project(world, [RATE, SHARE])
    # A meeting shares the indicator with its guest by linking it from the agenda.
    guest_meeting = meetings.meeting_create(
        cluster=world.cluster,
        kind="klyngemoede",
        title="Med kommunen",
        starts_at=timezone.now() + dt.timedelta(days=3),
        ends_at=timezone.now() + dt.timedelta(days=3, hours=2),
        venue_name="Rådhuset",
    )
    meetings.guest_add(meeting=guest_meeting, name="Gæst Gunnar", email=world.guest.email, role="kommune")
    for code in (RATE, SHARE):
        meetings.agenda_item_create(
            meeting=guest_meeting,
            title="Vores data",
            link_url=f"/k/{world.cluster.slug}/data/indikator/{Indicator.objects.get(code=code).pk}/",
            link_label="Data",
        )
    ref = tmp_path / "land.csv"
    ref.write_text(
        "ydernummer;indikator;periode;tæller;nævner\n"
        f"hele landet;{RATE};{PERIOD};61000;5900000\nhele landet;{SHARE};{PERIOD};30000;100000\n"
    )
    assert measurements_import(path=ref, national=True).ok
    return scenario


@pytest.fixture
def six(world, catalogue, tmp_path):
    return small_practices_scenario(world, tmp_path, catalogue)


@pytest.mark.parametrize(
    "viewer, open_data",
    [("member", False), ("member", True), ("guest", False)],
    ids=["medlem, lukkede data", "medlem, åbne data", "mødegæst"],
)
def test_attack_hidden_counts_with_every_figure_shown(client, six, viewer, open_data):
    """Subtraction and bounds from totals, own value, other practices, the country, the funnel, the
    table, the order of rows, exports and chart specs: every count of 1-4 stays possible."""
    world = six.world
    if open_data:
        cluster_open_data_set(
            cluster=world.cluster, open_data=True, reason="Generalforsamlingen", by=world.chair
        )
    small = [row.practice.pk for row in six.rows if row.rate_num < 5]
    person = getattr(world, viewer)
    possible, differences = candidates(
        client, person, six, {pk: [1, 2, 3, 4] for pk in small}, guest=viewer == "guest"
    )
    report = {Practice.objects.get(pk=k).name: sorted(v) for k, v in possible.items()}
    print(
        f"{viewer}, {'open' if open_data else 'closed'} data: values left {report}; differing channels {differences}"
    )
    assert all(v == {1, 2, 3, 4} for v in possible.values()), (report, differences)


def test_attack_small_share_denominator(client, six):
    """A share with a denominator of 10 or less: the member cannot tell 1 of 9 from 7 of 9."""
    world = six.world
    small = next(row for row in six.rows if row.share_den and row.share_den <= 10)
    possible, differences = candidates(
        client, world.member, six, {small.practice.pk: [1, 4, 7, 9]}, code=SHARE
    )
    print(f"share 7 of 9: values left {possible}; differing channels {differences}")
    assert possible[small.practice.pk] == {1, 4, 7, 9}, differences


def test_control_the_attack_sees_a_change_of_one_in_a_shown_practice(client, six):
    """Control: the same machinery tells 70 from 71 certificates in a practice whose figure is shown, so a
    hidden figure that reached any channel would be found the same way."""
    world = six.world
    shown = next(row for row in six.rows if row.rate_num == 70)
    possible, differences = candidates(client, world.member, six, {shown.practice.pk: [69, 70, 71]})
    assert possible[shown.practice.pk] == {70}
    assert all("api" in channels and "page" in channels for channels in differences.values())


@pytest.mark.parametrize(
    "specs",
    [
        # One other practice: the cluster total minus the member's own figure.
        [(None, 2000, 3, 0, 0), (None, 1400, 30, 0, 0)],
        # A rare event: two practices with none, one with a single case. The complement hidden beside
        # the single case can be a 0.
        [
            (None, 2000, 12, 0, 0),
            (None, 1400, 30, 0, 0),
            ("Lægehuset Ved Søen", 1500, 0, 0, 0),
            ("Klinikken i Byen", 1500, 0, 0, 0),
            ("Lægerne på Bakken", 1500, 1, 0, 0),
            ("Skovens Lægehus", 1500, 7, 0, 0),
        ],
    ],
    ids=["én anden praksis", "sjælden hændelse med nuller"],
)
def test_attack_subtraction_and_bounds_by_hand(client, world, catalogue, tmp_path, specs):
    """The attacks from the issue, by hand from the API as a member: the cluster total minus the own
    figure minus the practices shown, then the rule that a hidden count is 1-4 (or, hidden as a
    complement beside a single small count, 0 or 5 and up)."""
    import itertools

    scenario = build(world, tmp_path, specs)
    login(client, world.member)
    data = api_rows(client, scenario)
    rows = data["practices"]
    own = next(r for r in rows if r["is_own"])
    shown = [r for r in rows if not r["is_own"] and not r["suppressed"]]
    hidden = [r for r in rows if r["suppressed"]]
    cluster = data["cluster"] or {}
    total = cluster.get("numerator")
    if total is None and cluster.get("value") is not None:
        # Without the count: the cluster's rate times every practice's patient-years (the strongest
        # attacker knows all list sizes), rounded to a whole count.
        total = round(cluster["value"] * sum(row.listed for row in scenario.rows) / 12 / 1000)
    known = [r["numerator"] for r in shown]
    if None in known:
        # Without the other practices' counts: their rate times their patient-years (known as above).
        by_value = {round(scenario.rate_value(row), 1): row for row in scenario.rows}
        known = [round(r["value"] * by_value[round(r["value"], 1)].listed / 12 / 1000) for r in shown]
    answers = set()
    if total is not None and hidden:
        rest = round(total - own["numerator"] - sum(known))
        for combo in itertools.product(range(max(rest, 0) + 1), repeat=len(hidden)):
            small = [v for v in combo if 1 <= v <= 4]
            # At least one hidden count is 1-4; beside exactly one, the others are complements.
            if sum(combo) != rest or not small or (len(small) > 1 and len(small) != len(combo)):
                continue
            answers.add(tuple(sorted(small)))
    print(f"by hand: small counts consistent with what the member saw: {sorted(answers)}")
    truth = tuple(sorted(row.rate_num for row in scenario.rows if 1 <= row.rate_num <= 4))
    assert answers != {truth}, f"the hidden count was worked out exactly: {truth}"


def test_attack_a_copy_of_the_audit_log_holds_no_count_a_member_entered(client, world, catalogue):
    """A member enters the practice's own count of the cluster's own indicator, then corrects it. The
    board reads the audit log (and a copy of its table): the entries are there, no count, old or new."""
    from klynge.core.models import AuditEvent
    from klynge.quality.services import indicator_create

    indicator = indicator_create(cluster=world.cluster, by=world.chair, name_da="Hjemmebesøg hos døende")
    login(client, world.member)
    url = f"/k/{world.cluster.slug}/data/indikator/{indicator.pk}/indtast/"
    for count in ("3", "2"):
        response = client.post(url, {"period": "2025-Q1", "numerator": count, "denominator": "2741"})
        assert response.status_code == 302
    login(client, world.chair)
    log = _html(client, f"/k/{world.cluster.slug}/log/")
    rows = AuditEvent.objects.filter(model__in=["quality.Measurement", "quality.ImportLog"])
    table = json.dumps(list(rows.values("model", "object_repr", "changes")), ensure_ascii=False)
    figures = [
        value
        for row in rows
        for name, value in row.changes.items()
        if name in ("numerator", "denominator", "replaced_values")
    ]
    print(f"audit log: {rows.count()} events of the member's entries; their figures: {figures}")
    # The entries are logged (who, when, which period) ...
    assert rows.filter(model="quality.Measurement", actor=world.member).count() == 2
    # ... without the figures.
    assert figures and all(value in ("skjult", ["skjult", "skjult"]) for value in figures)
    for text in (log, table):
        assert "2741" not in text
    imports = _html(client, f"/k/{world.cluster.slug}/data/import/")
    assert world.member.name in imports and f"{indicator.code} 2025-K1" in imports

    # Control: the same search finds the figures where they are kept, in the measurement table.
    from klynge.quality.models import Measurement

    kept = json.dumps(
        list(Measurement.objects.filter(indicator=indicator).values("numerator", "denominator"))
    )
    assert "2741" in kept and "2.0" in kept
