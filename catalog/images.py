"""Product image sizes. Generated once when an image is saved (imagekit's processors do the work)
and stored as ordinary files, so rendering a page only joins a URL: no hashing, no disk checks."""

from __future__ import annotations

from pathlib import PurePosixPath

from django.core.files.base import ContentFile
from django.core.files.storage import Storage, default_storage
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
