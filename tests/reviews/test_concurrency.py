"""Two people acting on one review at the same moment, on a real database server."""

import threading

import pytest
from django.db import connection, connections

from nhri_portal.errors import Conflict
from reviews.enums import ReviewState
from reviews.models import Review
from reviews.services.transitions import transition

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(connection.vendor != "postgresql", reason="needs PostgreSQL's row locking"),
]


def test_two_simultaneous_submissions_give_one_result_and_one_clear_message(cast):
    review = cast.review
    transition(review, to=ReviewState.DOSSIER, by=cast.focal_point)
    copies = [Review.objects.get(pk=review.pk) for _ in range(2)]
    barrier = threading.Barrier(2)
    outcomes: list[str] = []

    def submit(copy: Review) -> None:
        try:
            barrier.wait(timeout=10)
            transition(copy, to=ReviewState.SUBMITTED, by=cast.focal_point)
            outcomes.append("won")
        except Conflict as error:
            outcomes.append(str(error))
        finally:
            connections.close_all()

    threads = [threading.Thread(target=submit, args=(copy,)) for copy in copies]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert sorted(outcomes, key=len)[0] == "won"
    assert len(outcomes) == 2
    assert "Someone else changed this review first" in sorted(outcomes, key=len)[1]
    assert review.events.filter(to_state=ReviewState.SUBMITTED).count() == 1
