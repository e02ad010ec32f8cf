"""How the secretariat's worklist and home page fare as the history grows.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/nhri_bench \\
        .venv/bin/python benchmarks/worklist.py [--reviews 20000]

Fills an empty database (created and migrated by the script when it is empty) with
sessions, institutions and reviews in every state, each with its deadlines, then
prints, for each page, the time of a request (median of five) and its query count.
It prints figures; it asserts nothing.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "nhri_portal.settings")
os.environ.setdefault("SECRET_KEY", "benchmark")
# As bin/start runs it (no collected static files, no HTTPS); the queries are the same.
os.environ.setdefault("DEBUG", "true")
os.environ.setdefault("ALLOWED_HOSTS", "testserver")
os.environ.setdefault("NHRI_REQUIRE_MFA", "false")

import django

django.setup()

from django.contrib.auth import get_user_model  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from django.utils import timezone  # noqa: E402

from accreditation.enums import Confidence, Direction, RuleUnit  # noqa: E402
from institutions.enums import RegionCode, Role  # noqa: E402
from institutions.models import Institution  # noqa: E402
from institutions.services import create_user, upsert_region  # noqa: E402
from reviews.enums import ReviewKind, ReviewState  # noqa: E402
from reviews.models import Review, ReviewDeadline, Session  # noqa: E402

SESSIONS = 60


def fill(total: int) -> None:
    now = timezone.now()
    regions = [upsert_region(code=code, network=f"{code.label} network") for code in RegionCode]
    institutions = Institution.objects.bulk_create(
        Institution(name=f"Commission {n}", acronym=f"C{n}", country="NZ", region=regions[n % 4])
        for n in range(max(200, total // 10))
    )
    first = dt.date.today() - dt.timedelta(days=182 * (SESSIONS - 4))
    sessions = Session.objects.bulk_create(
        Session(
            name=f"Session {n}",
            number=1000 + n,
            starts_on=first + dt.timedelta(days=182 * n),
            ends_on=first + dt.timedelta(days=182 * n + 4),
        )
        for n in range(SESSIONS)
    )
    states, kinds = list(ReviewState), list(ReviewKind)
    reviews = Review.objects.bulk_create(
        Review(
            institution=institutions[n % len(institutions)],
            session=sessions[n % SESSIONS],
            kind=kinds[n % len(kinds)],
            state=states[n % len(states)],
            created_at=now,
            state_changed_at=now,
        )
        for n in range(total)
    )
    ReviewDeadline.objects.bulk_create(
        ReviewDeadline(
            review=review,
            rule_key=key,
            label=key,
            due_on=review.session.starts_on - dt.timedelta(days=offset),
            anchor_label="session opens",
            anchor_on=review.session.starts_on,
            value=offset,
            unit=RuleUnit.DAYS,
            direction=Direction.BEFORE,
            source="benchmark",
            confidence=Confidence.ASSUMED,
            set_at=now,
        )
        for review in reviews
        for key, offset in (("dossier-due", 120), ("summary-response-due", 3))
    )


def measure(client: Client, url: str) -> tuple[float, int]:
    times = []
    for _ in range(5):
        with CaptureQueriesContext(connection) as queries:
            start = time.perf_counter()
            response = client.get(url)
            times.append(time.perf_counter() - start)
        assert response.status_code == 200, (url, response.status_code)
    return statistics.median(times) * 1000, len(queries.captured_queries)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--reviews", type=int, default=20_000)
    total = parser.parse_args().reviews
    call_command("migrate", verbosity=0)
    if not Review.objects.exists():
        started = time.perf_counter()
        fill(total)
        print(f"filled {total} reviews in {time.perf_counter() - started:.1f} s")
    user = get_user_model().objects.filter(username="bench-secretariat").first()
    if user is None:
        user = create_user(
            username="bench-secretariat",
            email="bench@example.invalid",
            password=None,
            roles=(Role.SECRETARIAT,),
            by=None,
        )
    client = Client()
    client.force_login(user)
    print(f"{Review.objects.count()} reviews, {Session.objects.count()} sessions")
    for label, url in [
        ("home (dashboard)", "/"),
        ("worklist", "/reviews/"),
        ("worklist, one state", "/reviews/?state=dossier"),
        ("worklist, sorted by institution, page 5", "/reviews/?sort=institution&page=5"),
        ("worklist, search", "/reviews/?q=Commission+12"),
        ("session agenda", f"/sessions/{Session.objects.order_by('-starts_on').first().pk}/"),
    ]:
        ms, queries = measure(client, url)
        print(f"{label:45} {ms:8.1f} ms  {queries:3d} queries")


if __name__ == "__main__":
    main()
