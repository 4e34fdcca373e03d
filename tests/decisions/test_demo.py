import datetime as dt

import pytest

from klynge.core.models import Cluster, MembershipStatus
from klynge.core.selectors import membership_status
from klynge.decisions import selectors
from klynge.demo.builder import load_demo


@pytest.mark.django_db
def test_demo_general_assembly_2022_values_and_the_hold_on_strandvejens_laegehus():
    load_demo()
    gentofte = Cluster.objects.get(slug="gentofte")
    first, second = sorted(
        selectors.charter_versions(cluster=gentofte, kind="values"), key=lambda v: v.number
    )
    assert first.adopted_on == dt.date(2022, 3, 14) and first.decision.adopted
    assert second.adopted_on == dt.date(2023, 2, 27)
    added = "- Andelen af penicillin V blandt antibiotika stiger i hver praksis (mål: mindst 36 %)."
    assert ("added", added) in selectors.charter_diff(first, second)
    # The seed's decisions; the living years after them add their own (see tests/demo/test_alive.py).
    decisions = list(
        selectors.cluster_decisions(cluster=gentofte)
        .filter(decided_on__year__lte=2023)
        .order_by("decided_on", "id")
    )
    assert [d.decided_on for d in decisions] == [
        dt.date(2022, 3, 14),
        dt.date(2022, 3, 14),
        dt.date(2022, 8, 29),
        dt.date(2023, 2, 27),
    ]
    # The values and the revised goals were adopted; the confidence votes were answered no, and so
    # put the practice on hold and extended the hold (seed 000).
    assert [d.adopted for d in decisions] == [True, False, False, True]
    assert all(d.effect_applied for d in decisions)
    confidence = decisions[1]
    assert confidence.poll.secret and confidence.poll.majority == "simple"
    assert confidence.outcome_label == "Der var ikke tillid"
    counts = confidence.counts["counts"]
    assert counts["no"] > counts["yes"]
    assert [d.reference for d in decisions] == [
        "Beslutning nr. 1 af 14/3 2022",
        "Beslutning nr. 2 af 14/3 2022",
        "Beslutning nr. 3 af 29/8 2022",
        "Beslutning nr. 1 af 27/2 2023",
    ]

    membership = gentofte.memberships.get(practice__name="Strandvejens Lægehus")
    periods = list(membership.periods.order_by("starts_on"))
    assert [(p.starts_on, p.ends_on) for p in periods] == [
        (dt.date(2022, 3, 14), dt.date(2022, 8, 29)),
        (dt.date(2022, 8, 29), dt.date(2023, 2, 27)),
    ]
    assert periods[1].until_next_general_assembly
    assert membership_status(membership, dt.date(2022, 3, 13)) == MembershipStatus.ACTIVE
    assert membership_status(membership, dt.date(2022, 6, 1)) == MembershipStatus.SUSPENDED
    assert membership_status(membership, dt.date(2023, 2, 26)) == MembershipStatus.SUSPENDED
    assert membership_status(membership, dt.date(2023, 2, 27)) == MembershipStatus.ACTIVE
    assert gentofte.polls.filter(status="open").count() == 1
