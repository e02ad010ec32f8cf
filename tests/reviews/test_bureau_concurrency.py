"""Votes racing each other and the window's close, on a real database server: one
consistent result, never a vote recorded and then ignored."""

import datetime as dt
import threading
import time

import pytest
from django.db import connection, connections, transaction

from institutions.enums import RegionCode
from nhri_portal import clock
from nhri_portal.errors import Conflict
from reviews.enums import ReviewState, Vote
from reviews.models import BureauVote, Review
from reviews.services.bureau import cast_vote, lock_review
from reviews.services.sweep import SweepReport, apply_bureau_rule, process_deadlines
from tests import procedure
from tests.factories import InstitutionFactory, UserFactory, region

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(connection.vendor != "postgresql", reason="needs PostgreSQL's row locking"),
]

NOTIFIED = dt.date(2030, 3, 20)
CLOSES = dt.date(2030, 5, 7)


def before_the_bureau(cast):
    review = procedure.notified(cast.review, on=NOTIFIED)
    process_deadlines(as_of=dt.date(2030, 4, 18))
    review.refresh_from_db()
    return review


def objectors(codes):
    seats = []
    for n, code in enumerate(codes):
        person = UserFactory(username=f"objector-{n}")
        seats.append(
            (procedure.bureau_seat(InstitutionFactory(region=region(code)), person=person), person)
        )
    return seats


def run_together(*actions):
    barrier = threading.Barrier(len(actions))
    outcomes: list[str] = [""] * len(actions)

    def run(index, action):
        try:
            barrier.wait(timeout=10)
            action()
            outcomes[index] = "done"
        except Conflict as error:
            outcomes[index] = str(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(i, a)) for i, a in enumerate(actions)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    return outcomes


def test_two_simultaneous_votes_of_one_member_leave_one_row_and_both_in_its_history(cast):
    review = before_the_bureau(cast)
    seat = cast.bureau_member.seats.get()
    order: list[Vote] = []

    def vote(choice):
        def act():
            with clock.as_of(CLOSES):
                row = cast_vote(review=Review.objects.get(pk=review.pk), seat=seat,
                                vote=choice, reasons="Concern.", by=cast.bureau_member)  # fmt: skip
                order.append(row.vote)

        return act

    assert run_together(vote(Vote.OBJECT), vote(Vote.APPROVE)) == ["done", "done"]
    row = BureauVote.objects.get()
    assert row.vote == order[-1]  # the last one stands
    assert sorted(h.vote for h in row.history.all()) == sorted([Vote.OBJECT, Vote.APPROVE])


def test_a_vote_held_up_by_the_sweep_is_refused_not_recorded_and_ignored(cast):
    review = before_the_bureau(cast)
    seats = objectors([RegionCode.AFRICA, RegionCode.AFRICA, RegionCode.EUROPE, RegionCode.EUROPE])
    with clock.as_of(dt.date(2030, 4, 20)):
        for seat, person in seats[:3]:
            cast_vote(review=review, seat=seat, vote=Vote.OBJECT, reasons="No.", by=person)
    late_seat, late_person = seats[3]
    swept = threading.Event()

    def sweep_holding_the_lock():
        with transaction.atomic():
            copy = Review.objects.get(pk=review.pk)
            lock_review(copy)
            swept.set()
            time.sleep(0.5)  # the vote arrives and waits for the row
            with clock.as_of(CLOSES + dt.timedelta(days=1)):
                apply_bureau_rule(SweepReport(as_of=CLOSES + dt.timedelta(days=1)))

    def late_vote():
        swept.wait(timeout=10)
        with clock.as_of(CLOSES):  # the last minute of the last day
            cast_vote(review=Review.objects.get(pk=review.pk), seat=late_seat,
                      vote=Vote.OBJECT, reasons="Late.", by=late_person)  # fmt: skip

    outcomes = run_together(sweep_holding_the_lock, late_vote)
    review.refresh_from_db()
    assert review.state == ReviewState.DECIDED  # three objections: deemed adopted
    assert outcomes[0] == "done"
    assert "closed on 2030-05-07" in outcomes[1] and "not recorded" in outcomes[1]
    assert not BureauVote.objects.filter(seat=late_seat).exists()


def test_a_vote_that_takes_the_row_first_is_counted_by_the_sweep(cast):
    review = before_the_bureau(cast)
    seats = objectors([RegionCode.AFRICA, RegionCode.AFRICA, RegionCode.EUROPE, RegionCode.EUROPE])
    with clock.as_of(dt.date(2030, 4, 20)):
        for seat, person in seats[:3]:
            cast_vote(review=review, seat=seat, vote=Vote.OBJECT, reasons="No.", by=person)
    late_seat, late_person = seats[3]
    voting = threading.Event()

    def slow_vote():
        with transaction.atomic(), clock.as_of(CLOSES):
            cast_vote(review=Review.objects.get(pk=review.pk), seat=late_seat,
                      vote=Vote.OBJECT, reasons="Last day.", by=late_person)  # fmt: skip
            voting.set()
            time.sleep(0.5)  # the vote is written but not yet committed

    def sweep():
        voting.wait(timeout=10)
        process_deadlines(as_of=CLOSES + dt.timedelta(days=1))

    assert run_together(slow_vote, sweep) == ["done", "done"]
    review.refresh_from_db()
    assert review.state == ReviewState.REFERRED  # the fourth objection counted
