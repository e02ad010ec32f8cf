import datetime as dt
import os
import subprocess
import sys

import pytest

from nhri_portal import clock
from nhri_portal.env import ConfigError, database_from_url, env_bool, env_int, redis_url


def test_booleans_accept_the_usual_words_and_refuse_others():
    assert env_bool("X", environ={"X": "yes"}) is True
    assert env_bool("X", environ={"X": "0"}) is False
    assert env_bool("X", default=True, environ={}) is True
    with pytest.raises(ConfigError, match="X must be true or false"):
        env_bool("X", environ={"X": "maybe"})


def test_integers_refuse_words_and_values_below_the_minimum():
    assert env_int("N", 5, environ={"N": " 12 "}) == 12
    with pytest.raises(ConfigError, match="whole number"):
        env_int("N", 5, environ={"N": "twelve"})
    with pytest.raises(ConfigError, match="at least 60"):
        env_int("N", 3600, minimum=60, environ={"N": "5"})


def test_a_postgres_url_becomes_a_database_entry():
    entry = database_from_url("postgres://nhri:s%40cret@db.internal:6543/portal?sslmode=require")
    assert entry["ENGINE"] == "django.db.backends.postgresql"
    assert (entry["NAME"], entry["USER"], entry["PASSWORD"], entry["HOST"], entry["PORT"]) == (
        "portal",
        "nhri",
        "s@cret",
        "db.internal",
        "6543",
    )
    assert entry["OPTIONS"] == {"sslmode": "require"}


@pytest.mark.parametrize(
    "url", ["mysql://db/portal", "postgres://db:port/portal", "postgres://db/"]
)
def test_a_malformed_database_url_is_refused(url):
    with pytest.raises(ConfigError, match="DATABASE_URL"):
        database_from_url(url)


def test_a_redis_url_must_be_one():
    assert redis_url("R", environ={"R": "redis://127.0.0.1:6379/0"}) == "redis://127.0.0.1:6379/0"
    assert redis_url("R", environ={}) == ""
    with pytest.raises(ConfigError, match="redis://"):
        redis_url("R", environ={"R": "http://127.0.0.1"})


def _settings_process(**env):
    clean = {
        k: v
        for k, v in os.environ.items()
        if k not in {"SECRET_KEY", "DEBUG", "DATABASE_URL", "REDIS_URL"}
    }
    clean.update(env, DJANGO_SETTINGS_MODULE="nhri_portal.settings")
    return subprocess.run(
        [
            sys.executable,
            "-c",
            "import django; django.setup(); from django.conf import settings;"
            "print(settings.CELERY_TASK_ALWAYS_EAGER, settings.DATABASES['default']['ENGINE'])",
        ],
        capture_output=True,
        text=True,
        env=clean,
        check=False,
    )


def test_production_refuses_to_start_without_a_secret_key():
    result = _settings_process(DEBUG="false")
    assert result.returncode != 0
    assert "SECRET_KEY must be set when DEBUG is off" in result.stderr


def test_the_embedded_default_is_sqlite_with_tasks_run_in_process():
    result = _settings_process(SECRET_KEY="k")
    assert result.stdout.split() == ["True", "django.db.backends.sqlite3"]


def test_with_redis_tasks_go_to_the_broker():
    result = _settings_process(
        SECRET_KEY="k", REDIS_URL="redis://127.0.0.1:6379/9", DATABASE_URL="postgres://127.0.0.1/x"
    )
    assert result.stdout.split() == ["False", "django.db.backends.postgresql"]


def test_the_clock_can_be_pinned_to_a_day_and_restored():
    real = clock.today()
    with clock.as_of(dt.date(2007, 3, 23)):
        assert clock.today() == dt.date(2007, 3, 23)
        assert clock.now().date() == dt.date(2007, 3, 23)
    assert clock.today() == real
