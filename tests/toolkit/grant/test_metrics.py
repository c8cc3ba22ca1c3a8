import datetime

import pytest
from django.utils import timezone

from cities.models import Membership
from roundtables.models import RoundTable
from tests.factories import (
    make_city,
    make_membership,
    make_registration,
    make_round_table,
)
from toolkit.grant import metrics
from toolkit.models import DownloadEvent

pytestmark = pytest.mark.django_db


def test_a_city_participates_once_it_has_an_approved_member():
    city = make_city()
    make_membership(city=city, status=Membership.Status.PENDING)
    assert metrics.participating_cities() == 0

    make_membership(city=city)
    make_membership(city=city)
    assert metrics.participating_cities() == 1


def test_declined_and_removed_members_do_not_make_a_city_participate():
    make_membership(status=Membership.Status.DECLINED)
    make_membership(status=Membership.Status.REMOVED)
    assert metrics.participating_cities() == 0


def _download(visitor, package="toolkit", fmt="pdf", *, at, bot=False):
    hour = at.replace(minute=0, second=0, microsecond=0)
    return DownloadEvent.objects.create(
        package=package,
        format=fmt,
        created_at=at,
        visitor_key=visitor,
        unique_key=f"{visitor}|{package}|{fmt}|{hour.isoformat()}",
        is_bot=bot,
    )


def test_downloads_count_once_per_visitor_package_and_hour_and_never_count_bots():
    noon = timezone.now().replace(hour=12, minute=5)
    _download("a", at=noon)
    _download("a", at=noon + datetime.timedelta(minutes=20))  # same hour: not unique
    _download("a", at=noon + datetime.timedelta(hours=1))  # next hour: unique
    _download("a", fmt="csv", at=noon)  # another package format: unique
    _download("b", at=noon)
    _download("bot", at=noon, bot=True)
    _download("c", package="adaptation/west-hollywood", at=noon)  # not the toolkit

    assert metrics.toolkit_downloads() == {
        "unique": 4,
        "human_total": 5,
        "raw_total": 6,
        "robots": 1,
        "repeats": 0,
        "over_limit": 0,
    }


def test_only_held_round_tables_with_an_attendee_count():
    held = make_round_table(status=RoundTable.Status.HELD)
    make_registration(round_table=held, attended=True)
    make_registration(round_table=held, attended=True)
    empty = make_round_table(status=RoundTable.Status.HELD)
    make_registration(round_table=empty, attended=False)
    scheduled = make_round_table()
    make_registration(round_table=scheduled, attended=True)

    assert metrics.round_tables_held() == 1


def test_figures_report_progress_without_dividing_by_zero():
    figures = {figure.key: figure for figure in metrics.grant_figures()}
    assert [f.value for f in figures.values()] == [0, 0, 0]
    assert [f.target for f in figures.values()] == [16, 50, 2]
    assert all(f.percent == 0 and not f.met for f in figures.values())


def test_grant_figures_run_a_fixed_number_of_queries(django_assert_max_num_queries):
    with django_assert_max_num_queries(6):
        metrics.grant_figures()
