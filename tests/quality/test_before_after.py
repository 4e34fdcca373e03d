"""Before and after the meeting where a project was taken up, for the project's indicator codes."""

import datetime as dt

from django.utils import timezone

from klynge.meetings.services import meeting_create
from klynge.projects.models import Project
from klynge.projects.services import project_create
from klynge.quality.services import measurements_import
from tests.factories import PASSWORD


def make_project(world, codes):
    start = timezone.make_aware(dt.datetime(2025, 3, 10, 17, 0))
    meeting = meeting_create(
        cluster=world.cluster,
        kind="klyngemoede",
        title="Klyngemøde om antibiotika",
        starts_at=start,
        ends_at=start + dt.timedelta(hours=2),
        venue_name="Lægehuset",
    )
    project = project_create(cluster=world.cluster, title="Færre antibiotika", lead=world.chair)
    Project.objects.filter(pk=project.pk).update(taken_up_meeting=meeting, indicator_codes=codes)
    return project


def test_before_and_after_the_meeting(client, world, other_world, catalogue, tmp_path):
    lines = ["ydernummer;indikator;periode;tæller;nævner"]
    for month in range(1, 13):  # 2024-04 .. 2025-02 before; 2025-04 .. before 2026-03 after
        for yd, before, after in (
            (world.practice.provider_number, 300, 400),
            (world.other_practice.provider_number, 200, 300),
        ):
            lines.append(
                f"{yd};penicillin-v-andel;{2024 if month >= 4 else 2025}-{month:02d};{before // 10};100"
            )
            lines.append(
                f"{yd};penicillin-v-andel;{2025 if month >= 4 else 2026}-{month:02d};{after // 10};100"
            )
    path = tmp_path / "f.csv"
    path.write_text("\n".join(lines) + "\n")
    assert measurements_import(path=path, cluster=world.cluster).ok
    project = make_project(world, ["penicillin-v-andel"])
    client.login(username=world.member.email, password=PASSWORD)
    page = client.get(f"/k/{world.cluster.slug}/data/projekt/{project.pk}/").content.decode()
    assert "25,0 %" in page and "35,0 %" in page  # cluster before / after
    assert "20,0 %" in page and "30,0 %" in page  # the member's own practice
    assert world.practice.name not in page
    client.login(username=other_world.chair.email, password=PASSWORD)
    assert client.get(f"/k/{world.cluster.slug}/data/projekt/{project.pk}/").status_code == 404
    assert client.get(f"/k/{other_world.cluster.slug}/data/projekt/{project.pk}/").status_code == 404
