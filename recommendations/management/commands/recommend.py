"""What a shopper would see on the home page, and why."""

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from recommendations import selectors


class Command(BaseCommand):
    help = "Print a shopper's recommendations and the items in their history that led there."

    def add_arguments(self, parser):
        parser.add_argument("--user", required=True, help="user id or email")
        parser.add_argument("--limit", type=int, default=10)

    def handle(self, *args, **options):
        User = get_user_model()
        who = options["user"]
        lookup = {"pk": int(who)} if who.isdigit() else {"email__iexact": who}
        user = User.objects.filter(**lookup).first()
        if user is None:
            raise CommandError(f"no user {who!r}")
        version = selectors.live_version()
        slot, explained = selectors.explain_for_user(user=user, limit=options["limit"])
        kind = "personal" if slot.personal else "trending (no personal history to go on)"
        model = f"model version #{version.id}" if version else "no live model"
        self.stdout.write(f"{user.email}: {kind}, {model}")
        for position, item in enumerate(explained, start=1):
            self.stdout.write(f"{position:2}. {item.product.name} (#{item.product.pk})")
            for name, share in item.because:
                self.stdout.write(f"      because of {name} ({share:+.3f})")
