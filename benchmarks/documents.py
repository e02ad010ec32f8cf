"""How fast the documents are made (letters, the packet, a session's letters).

    .venv/bin/python benchmarks/documents.py [--cases 20] [--pages 100] [--repeat 5] [--letters 40]
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/nhri_bench \\
        .venv/bin/python benchmarks/documents.py

Without DATABASE_URL it works on a new SQLite database in a temporary directory; with
it, the database must hold no session. The figures come from the management command
bench_documents (see its docstring); it prints figures and asserts nothing.
"""

from __future__ import annotations

import os
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "nhri_portal.settings")
os.environ.setdefault("SECRET_KEY", "benchmark")
os.environ.setdefault("DEBUG", "true")
os.environ.setdefault("ALLOWED_HOSTS", "testserver")
os.environ.setdefault("NHRI_REQUIRE_MFA", "false")


def main() -> None:
    with tempfile.TemporaryDirectory() as directory:
        import django
        from django.conf import settings
        from django.core.management import call_command

        if not os.environ.get("DATABASE_URL"):  # not the portal's own SQLite file
            settings.DATABASES["default"]["NAME"] = Path(directory) / "bench.sqlite3"
        django.setup()
        call_command("migrate", verbosity=0)
        call_command("bench_documents", *sys.argv[1:])


if __name__ == "__main__":
    main()
