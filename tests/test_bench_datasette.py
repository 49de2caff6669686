"""The benchmark's side-by-side comparison knows the app's list page without its counts: the time budget may drop
them on a slow machine, and such a page is not the one Datasette's facets are compared with."""

import pytest

from bench.datasette import counts_dropped
from tests import factories

pytestmark = pytest.mark.django_db


def test_a_list_page_whose_budget_ran_out_is_told_from_one_with_its_counts(client, monkeypatch):
    from archive import views
    from archive.charts import lists

    factories.ProtestFactory(title="Zanjan rally")
    assert not counts_dropped(client.get("/en/protests/").content)

    def out_of_time(work, milliseconds=None):
        return None

    monkeypatch.setattr(views, "within_time_budget", out_of_time)
    monkeypatch.setattr(lists, "within_time_budget", out_of_time)
    assert counts_dropped(client.get("/en/protests/?_=1").content)
