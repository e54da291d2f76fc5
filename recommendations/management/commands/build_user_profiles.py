"""Recompute shopper profiles (top categories, price band, RFM segment)."""

from django.core.management.base import BaseCommand

from recommendations.services.profiles import user_profiles_build


class Command(BaseCommand):
    help = "Recompute every shopper's profile from their interactions and orders."

    def handle(self, *args, **options):
        self.stdout.write(f"{user_profiles_build()} profiles written")
