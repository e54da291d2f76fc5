"""Recompute shopper profiles (top categories, price band, RFM segment)."""

from django.core.management.base import BaseCommand

from recommendations import services


class Command(BaseCommand):
    help = "Recompute every shopper's profile from their interactions and orders."

    def handle(self, *args, **options):
        self.stdout.write(f"{services.user_profiles_build()} profiles written")
