import pytest
from django.contrib.auth.models import AnonymousUser

from klynge.core.models import Person


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("who", "view", "manage"),
    [
        ("chair", True, True),
        ("coordinator", True, True),
        ("member", True, False),
        ("alternate", True, False),
        ("guest", False, False),
    ],
)
def test_cluster_permissions_by_role(world, who, view, manage):
    person = getattr(world, who)
    assert person.has_perm("core.view_cluster", world.cluster) is view
    assert person.has_perm("core.view_register", world.cluster) is view
    assert person.has_perm("core.manage_register", world.cluster) is manage


@pytest.mark.django_db
def test_board_of_one_cluster_has_no_rights_in_another(world, other_world):
    assert not world.chair.has_perm("core.view_cluster", other_world.cluster)
    assert not world.chair.has_perm("core.manage_register", other_world.cluster)


@pytest.mark.django_db
def test_platform_staff_administer_and_anonymous_see_nothing(world):
    staff = Person.objects.create_user("staff@example.dk", "x", name="Staff", is_staff=True)
    assert staff.has_perm("core.manage_cluster", world.cluster)
    assert not AnonymousUser().has_perm("core.view_cluster", world.cluster)
