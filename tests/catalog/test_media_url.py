"""catalog.images.media_url: the storage's own URL, joined cheaply for the file system storage."""

import pytest
from django.core.files.storage import FileSystemStorage, default_storage

from catalog.images import media_url

NAMES = [
    "products/2026/lamp.jpg",
    "thumbs/products/a b/c-card.jpg",
    "products/tea:green?#1.jpg",
    "products/茶壶.jpg",
    "/products/leading-slash.jpg",
    "products/../other/up.jpg",
    "products/./here.jpg",
]


@pytest.mark.parametrize("name", NAMES)
@pytest.mark.parametrize("base_url", ["/media/", "https://cdn.example.com/m/", "/media"])
def test_the_same_url_as_the_storage_gives(settings, name, base_url):
    settings.MEDIA_URL = base_url  # the storage's base URL follows the setting

    assert media_url(name) == default_storage.url(name)


class Bucket(FileSystemStorage):
    def url(self, name):
        return f"https://bucket.example.com/{name}?signed=1"


def test_another_storage_gives_its_own_url(settings):
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {"BACKEND": f"{__name__}.Bucket"},
    }
    # default_storage is set up anew when the setting changes (Django's setting_changed).
    assert media_url("products/lamp.jpg") == "https://bucket.example.com/products/lamp.jpg?signed=1"


def test_a_url_joined_before_follows_a_new_base_url_and_storage(settings):
    settings.MEDIA_URL = "/media/"
    assert media_url("products/lamp.jpg") == "/media/products/lamp.jpg"
    settings.MEDIA_URL = "https://cdn.example.com/m/"
    assert media_url("products/lamp.jpg") == "https://cdn.example.com/m/products/lamp.jpg"
    settings.STORAGES = {**settings.STORAGES, "default": {"BACKEND": f"{__name__}.Bucket"}}
    assert media_url("products/lamp.jpg") == "https://bucket.example.com/products/lamp.jpg?signed=1"
