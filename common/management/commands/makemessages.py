"""makemessages that also reads the storefront's Jinja2 templates (jinja2_templates/,
docs/templates.md): Django's own reads templates in the Django language only, and would miss the
`{% trans %}` blocks and `_()` calls of a Jinja2 template. Each Jinja2 template is handed to
xgettext as the gettext() and ngettext() calls it makes, on their own lines."""

from __future__ import annotations

import json
from pathlib import Path

import jinja2
from django.conf import settings
from django.core.management.commands import makemessages

_jinja_env = jinja2.Environment(extensions=["jinja2.ext.i18n"])


def _jinja_dirs() -> list[Path]:
    dirs: list[Path] = []
    for backend in settings.TEMPLATES:
        if not backend["BACKEND"].endswith("Jinja2"):
            continue
        dirs += [Path(d).resolve() for d in backend.get("DIRS", [])]
    return dirs


def jinja_messages(source: str) -> str:
    """Python source calling gettext/ngettext/pgettext with the template's messages, each on
    the line of the template it comes from (so the .po file points at the right line)."""
    lines: dict[int, list[str]] = {}
    for lineno, function, message in _jinja_env.extract_translations(source):
        args = message if isinstance(message, tuple) else (message,)
        literals = [json.dumps(a, ensure_ascii=False) for a in args if isinstance(a, str)]
        if function in ("ngettext", "npgettext"):
            literals.append("n")
        function = "gettext" if function == "_" else function
        lines.setdefault(lineno, []).append(f"{function}({', '.join(literals)})")
    last = max(lines, default=0)
    return "\n".join("; ".join(lines.get(n, [])) for n in range(1, last + 1)) + "\n"


class BuildFile(makemessages.BuildFile):
    def preprocess(self):
        path = Path(self.path).resolve()
        if self.domain == "django" and any(d in path.parents for d in _jinja_dirs()):
            source = path.read_text(encoding="utf-8")
            Path(self.work_path).write_text(jinja_messages(source), encoding="utf-8")
            return
        super().preprocess()


class Command(makemessages.Command):
    build_file_class = BuildFile
