import pytest

from tests.e2e.person import WIDTHS


@pytest.fixture(params=list(WIDTHS))
def width(request, page):
    """Runs the test at 1280 px (a laptop with a mouse) and at 375 px (a phone and a thumb).

    The `page` fixture's window gets that size; the value is the width's name, "1280" or "375".
    """
    page.set_viewport_size(WIDTHS[request.param])
    return request.param
