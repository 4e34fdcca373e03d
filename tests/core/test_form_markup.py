"""The shared form template draws checkboxes and radio buttons the way DKFDS 11 needs them, and every
form page's »Annullér« leads to a page (the browser checks are in tests/e2e)."""

import re

import pytest
from django import forms

from klynge.core.forms import StyledForm


class EveryToggle(StyledForm):
    secret = forms.BooleanField(label="Hemmelig afstemning", required=False, help_text="Ingen kan se hvem.")
    kind = forms.ChoiceField(
        label="Slags fil", choices=[("a", "Målinger"), ("b", "Receptdata")], widget=forms.RadioSelect
    )
    roles = forms.MultipleChoiceField(
        label="Roller",
        choices=[("formand", "Formand"), ("medlem", "Medlem")],
        widget=forms.CheckboxSelectMultiple(attrs={"class": "form-checkbox"}),
        required=False,
    )


def _inputs(html: str) -> list[str]:
    return re.findall(r"<input[^>]*type=\"(?:checkbox|radio)\"[^>]*>", html)


def test_the_class_is_on_each_input_and_its_label_follows_it():
    html = str(EveryToggle())
    inputs = _inputs(html)
    assert len(inputs) == 5
    for tag in inputs:
        kind = "form-radio" if 'type="radio"' in tag else "form-checkbox"
        assert re.search(rf'class="{kind}"', tag), tag
        input_id = re.search(r'id="([^"]+)"', tag).group(1)
        # DKFDS draws the box from the label right after the input: `.form-checkbox + label`.
        assert re.search(re.escape(tag) + rf'\s*<label class="form-label" for="{input_id}">', html), tag
    # Never on a wrapper: a <div class="form-checkbox"> made every box invisible and 0×0 px.
    assert not re.search(r'<(div|label|fieldset)[^>]*class="form-(checkbox|radio)"', html)
    assert html.count('class="form-group-radio"') == 2 and html.count('class="form-group-checkbox"') == 3
    # Lists are fieldsets named by their legend; the help text is tied to the checkbox.
    assert '<legend class="form-label">Slags fil' in html and '<legend class="form-label">Roller' in html
    assert 'aria-describedby="id_secret_helptext"' in html


def test_a_ticked_box_and_a_chosen_radio_stay_so_after_an_error():
    form = EveryToggle(data={"secret": "on", "roles": ["medlem"]})
    assert not form.is_valid()
    html = str(form)
    assert re.search(r'<input[^>]*name="secret"[^>]*checked', html)
    assert re.search(r'<input[^>]*value="medlem"[^>]*checked', html)
    assert "form-error" in html


@pytest.fixture
def pages(db):
    from klynge.meetings import services as meetings
    from klynge.projects.rounds import services as rounds
    from tests.factories import ClusterWorld
    from tests.meetings.conftest import make_meeting

    world = ClusterWorld("Klynge Annullér")
    meeting = make_meeting(world.cluster)
    item = meetings.agenda_item_create(meeting=meeting, title="Egne data")
    round = rounds.round_create(cluster=world.cluster, title="Projektgenerering", by=world.chair)
    idea = rounds.idea_submit(round=round, person=world.member, title="Fluconazol")
    slug = world.cluster.slug
    return world, [
        (f"/k/{slug}/moeder/{meeting.pk}/dagsorden/nyt/", f"/k/{slug}/moeder/{meeting.pk}/"),
        (f"/k/{slug}/moeder/{meeting.pk}/dagsorden/{item.pk}/ret/", f"/k/{slug}/moeder/{meeting.pk}/"),
        (f"/k/{slug}/moeder/{meeting.pk}/gaester/ny/", f"/k/{slug}/moeder/{meeting.pk}/"),
        (f"/k/{slug}/projekter/runder/ny/", f"/k/{slug}/projekter/"),
        (f"/k/{slug}/projekter/ideer/{idea.pk}/nyt-projekt/", f"/k/{slug}/projekter/runder/{round.pk}/"),
    ]


def test_annuller_leads_to_the_page_above_the_form(client, pages):
    world, cases = pages
    client.force_login(world.chair)
    for form_page, expected in cases:
        html = client.get(form_page).content.decode()
        cancel = re.search(r'<a href="([^"]+)">Annullér</a>', html).group(1)
        assert cancel == expected, form_page
        assert client.get(cancel).status_code == 200, cancel
