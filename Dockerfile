# The shop's image for services mode (docker-compose.yml): gunicorn for web, celery for workers.
FROM python:3.11-slim
ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 DJANGO_SETTINGS_MODULE=shop.settings.production
WORKDIR /app
RUN apt-get update && apt-get install -y --no-install-recommends gettext && rm -rf /var/lib/apt/lists/*
# The runtime lock first (make lock): every package pinned and checked against its hashes, in a
# layer of its own that a code change does not rebuild.
COPY requirements/base.txt requirements/base.txt
RUN pip install --no-cache-dir -r requirements/base.txt
COPY pyproject.toml README.md ./
COPY common ./common
COPY shop ./shop
COPY accounts ./accounts
COPY catalog ./catalog
COPY cart ./cart
COPY orders ./orders
COPY payments ./payments
COPY recommendations ./recommendations
COPY support ./support
COPY logistics ./logistics
COPY search ./search
COPY demo ./demo
RUN pip install --no-cache-dir --no-deps .
COPY . .
# collectstatic needs settings but no secrets of its own.
RUN SECRET_KEY=build-only-$(python -c 'import secrets;print(secrets.token_hex(32))') ALLOWED_HOSTS=build \
    python manage.py collectstatic --noinput
RUN useradd --create-home shop && mkdir -p /app/var && chown -R shop /app/var
USER shop
EXPOSE 8000
CMD ["gunicorn", "shop.wsgi:application", "--bind", "0.0.0.0:8000", "--workers", "4", "--access-logfile", "-"]
