# The alternative to the systemd units: one image, run as web or worker (docs/deploy.md).
FROM python:3.11-slim-bookworm
RUN apt-get update && apt-get install -y --no-install-recommends fonts-wqy-microhei fontconfig postgresql-client \
    && rm -rf /var/lib/apt/lists/*
WORKDIR /opt/daiban
COPY requirements.lock .
RUN python -m pip install --no-cache-dir --require-hashes -r requirements.lock
COPY . .
RUN useradd --system daiban && mkdir -p var && chown daiban var
USER daiban
EXPOSE 8000
# web:    docker run --env-file daiban.env IMAGE
# worker: docker run --env-file daiban.env IMAGE python manage.py run_huey --workers 2
CMD ["sh", "-c", "python manage.py collectstatic --noinput -v0 && exec python manage.py serve --no-worker --host 0.0.0.0 --port 8000"]
