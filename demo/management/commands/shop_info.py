"""Print where the shop is served, how to log into admin, and which integrations are in use."""

import os

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand

from common import integrations
from demo.generate import ADMIN_EMAIL as DEMO_ADMIN_EMAIL
from demo.generate import ADMIN_PASSWORD as DEMO_ADMIN_PASSWORD


class Command(BaseCommand):
    help = "Show the storefront URL, the admin login and the integrations in use."

    def handle(self, *args, **options):
        host = os.environ.get("HOST", "127.0.0.1")
        port = os.environ.get("PORT", "8000")
        base = f"http://{host}:{port}"
        self.stdout.write(self.style.SUCCESS(f"{settings.SHOP_NAME} is served at {base}"))
        admin = get_user_model().objects.filter(email=DEMO_ADMIN_EMAIL, is_superuser=True).first()
        if admin and admin.check_password(DEMO_ADMIN_PASSWORD):
            self.stdout.write(
                f"  Admin: {base}/admin/  email {DEMO_ADMIN_EMAIL}  password {DEMO_ADMIN_PASSWORD}"
            )
        else:
            self.stdout.write(
                f"  Admin: {base}/admin/  (create a login with: manage.py createsuperuser)"
            )
        for line in integrations.describe():
            self.stdout.write(f"  {line}")
