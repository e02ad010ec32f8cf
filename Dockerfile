# The NHRI Accreditation Portal: one image for the web tier (gunicorn), the
# Celery worker and Celery beat. See docker-compose.yml for the deployment.
FROM python:3.11-slim-bookworm

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PYTHONPATH=/app \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    NHRI_VAR_DIR=/var/lib/nhri \
    MEDIA_ROOT=/var/lib/nhri/media

# What WeasyPrint needs to render PDFs, and fonts for every working language.
RUN apt-get update \
    && apt-get install -y --no-install-recommends \
        libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 \
        fonts-noto-core fonts-noto-cjk \
    && rm -rf /var/lib/apt/lists/*

WORKDIR /app

# The dependencies first (pyproject.toml only), so that a change of code
# does not reinstall them.
COPY pyproject.toml ./
RUN pip install .

COPY . .
RUN DEBUG=false SECRET_KEY=build-only-not-a-secret python manage.py collectstatic --no-input \
    && useradd --system --user-group --uid 10001 --home-dir /var/lib/nhri nhri \
    && mkdir -p /var/lib/nhri/media \
    && chown nhri:nhri /var/lib/nhri /var/lib/nhri/media

USER nhri
EXPOSE 8000
CMD ["gunicorn", "nhri_portal.wsgi:application", "--bind", "0.0.0.0:8000", \
     "--access-logfile", "-", "--forwarded-allow-ips", "*"]
