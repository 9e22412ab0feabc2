# One build for every Python service: the API, the Celery workers and beat, the migration job
# (target `api`) and the MQTT ingester (target `telemetry`). The ingester imports the backend
# package, so both come from the same sources and dependencies. Build context: the repo root.
FROM python:3.11.13-slim-bookworm AS build
ENV PIP_NO_CACHE_DIR=1 PIP_DISABLE_PIP_VERSION_CHECK=1
RUN apt-get update && apt-get install -y --no-install-recommends build-essential \
    && rm -rf /var/lib/apt/lists/*
COPY backend/requirements.txt backend/constraints.txt /tmp/
# Constrained to the tree the tests ran (constraints.txt pins every transitive package).
RUN python -m venv /opt/venv \
    && /opt/venv/bin/pip install -r /tmp/requirements.txt -c /tmp/constraints.txt

FROM python:3.11.13-slim-bookworm AS runtime
ENV PATH=/opt/venv/bin:$PATH PYTHONUNBUFFERED=1 PYTHONDONTWRITEBYTECODE=1 \
    DATA_DIR=/var/lib/factoryops MPLCONFIGDIR=/tmp/matplotlib
RUN useradd --system --uid 10001 --home-dir /srv --shell /usr/sbin/nologin factoryops \
    && mkdir -p /var/lib/factoryops/spool && chown -R factoryops /var/lib/factoryops
COPY --from=build /opt/venv /opt/venv
COPY backend /srv/backend
COPY telemetry /srv/telemetry
# Editable installs keep Alembic's migration scripts next to the package that runs them.
RUN pip install --no-deps -e /srv/backend -e /srv/telemetry \
    && python -c "import app.main, telemetry.main"
USER factoryops
WORKDIR /srv/backend

FROM runtime AS api
EXPOSE 8000
HEALTHCHECK --interval=15s --timeout=5s --start-period=20s --retries=5 \
    CMD python -c "import urllib.request,sys; sys.exit(urllib.request.urlopen('http://127.0.0.1:8000/healthz', timeout=4).status != 200)"
# One process per container: scale with replicas. TRUSTED_PROXIES decides whose
# X-Forwarded-For is believed, so uvicorn's own proxy-header handling is off.
CMD ["uvicorn", "app.main:create_app", "--factory", "--host", "0.0.0.0", "--port", "8000", \
     "--no-proxy-headers", "--no-access-log"]

FROM runtime AS telemetry
ENV INGEST_SPOOL_DIR=/var/lib/factoryops/spool
EXPOSE 9101
HEALTHCHECK --interval=15s --timeout=5s --start-period=20s --retries=5 \
    CMD python -c "import urllib.request,sys; sys.exit(urllib.request.urlopen('http://127.0.0.1:9101/metrics', timeout=4).status != 200)"
# SIGTERM makes the ingester write everything it has received before it exits.
STOPSIGNAL SIGTERM
CMD ["factoryops-ingester"]
