"""Development RSA-2048 key pairs for Alipay: the shop's app keys and the local sandbox's
stand-in for Alipay's keys, in ALIPAY_KEYS_DIR (under var/, which git ignores)."""

import os
from pathlib import Path

from Crypto.PublicKey import RSA  # pycryptodome, installed with alipay-sdk-python
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from payments import config

PAIRS = [
    ("shop app", config.APP_PRIVATE_KEY_FILE, config.APP_PUBLIC_KEY_FILE),
    ("sandbox Alipay", config.ALIPAY_PRIVATE_KEY_FILE, config.ALIPAY_PUBLIC_KEY_FILE),
]


def write_key_pairs(directory: Path) -> list[Path]:
    """Write both key pairs (PKCS#1 private, X.509 public PEM), private files 0600."""
    directory.mkdir(parents=True, exist_ok=True)
    os.chmod(directory, 0o700)
    written = []
    for _label, private_name, public_name in PAIRS:
        key = RSA.generate(2048)
        for name, pem in (
            (private_name, key.export_key(format="PEM", pkcs=1)),
            (public_name, key.public_key().export_key(format="PEM")),
        ):
            path = directory / name
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
            with os.fdopen(fd, "wb") as handle:
                handle.write(pem + b"\n")
            os.chmod(path, 0o600)
            written.append(path)
    return written


class Command(BaseCommand):
    help = "Create development Alipay key pairs (shop app + local sandbox) in ALIPAY_KEYS_DIR."

    def add_arguments(self, parser):
        group = parser.add_mutually_exclusive_group()
        group.add_argument("--force", action="store_true", help="replace existing keys")
        group.add_argument(
            "--if-missing", action="store_true", help="do nothing (and succeed) if keys exist"
        )

    def handle(self, *args, force=False, if_missing=False, **options):
        if not settings.ALIPAY_KEYS_DIR:
            raise CommandError("ALIPAY_KEYS_DIR is not set (production takes keys from the env).")
        directory = Path(settings.ALIPAY_KEYS_DIR)
        names = [name for _label, private, public in PAIRS for name in (private, public)]
        existing = [name for name in names if (directory / name).exists()]
        if existing and not force:
            if if_missing:
                return
            raise CommandError(
                f"Keys already exist in {directory} ({', '.join(existing)}); --force replaces them."
            )
        write_key_pairs(directory)
        for label, private_name, public_name in PAIRS:
            self.stdout.write(f"{label}: private key {directory / private_name} (0600)")
            self.stdout.write(f"{label}: public key {directory / public_name}:")
            self.stdout.write((directory / public_name).read_text(encoding="ascii"))
