"""Product image sizes. Generated once when an image is saved (imagekit's processors do the work)
and stored as ordinary files, so rendering a page only joins a URL: no hashing, no disk checks."""

from __future__ import annotations

from pathlib import PurePosixPath

from django.core.files.base import ContentFile
from django.core.files.storage import FileSystemStorage, Storage, default_storage
from django.utils.encoding import filepath_to_uri
from django.utils.functional import empty
from imagekit import ImageSpec
from pilkit.processors import ResizeToFill, ResizeToFit


class Thumb(ImageSpec):
    processors = [ResizeToFill(120, 120)]
    format = "JPEG"
    options = {"quality": 82}


class Card(ImageSpec):
    processors = [ResizeToFill(480, 480)]
    format = "JPEG"
    options = {"quality": 82}


class Large(ImageSpec):
    processors = [ResizeToFit(960, 960, upscale=False)]
    format = "JPEG"
    options = {"quality": 85}


SIZES: dict[str, type[ImageSpec]] = {"thumb": Thumb, "card": Card, "large": Large}


def media_url(name: str) -> str:
    """default_storage.url(name), joined without urljoin when the storage is the file system
    one (whose URL is its base URL and the quoted path): a page of cards asks for dozens. Any
    other storage, a base URL not ending in "/", or a path with dot segments (which urljoin
    would resolve) goes through the storage itself."""
    if default_storage._wrapped is empty:
        default_storage._setup()
    storage = default_storage._wrapped
    if type(storage).url is not FileSystemStorage.url:
        return storage.url(name)
    base = storage.base_url
    found = _media_urls.get((base, name))
    if found is not None:
        return found
    path = filepath_to_uri(name).lstrip("/")
    if not base or not base.endswith("/") or "/." in f"/{path}":
        return storage.url(name)
    found = base + path
    if len(_media_urls) >= 20_000:  # bounded: the cards' pictures are a few thousand
        _media_urls.clear()
    _media_urls[(base, name)] = found
    return found


# The URLs media_url has joined, by base URL and path: quoting the path was the dearest part.
_media_urls: dict[tuple[str, str], str] = {}


def size_names(source_name: str) -> dict[str, str]:
    """Where each size of a source image is stored: thumbs/<source path>-<size>.jpg."""
    stem = str(PurePosixPath(source_name).with_suffix(""))
    return {size: f"thumbs/{stem}-{size}.jpg" for size in SIZES}


def generate_sizes(source_name: str, storage: Storage = default_storage) -> dict[str, str]:
    """Write each size of the source image that is not in storage yet; return their names."""
    names = size_names(source_name)
    for size, spec in SIZES.items():
        if storage.exists(names[size]):
            continue
        with storage.open(source_name, "rb") as source:
            content = spec(source=source).generate()
            storage.save(names[size], ContentFile(content.read()))
    return names
