"""A page body's text as safe HTML: blocks split by blank lines; a block whose first line starts
with "## " (or "### ") is a heading, one whose every line starts with "- " a list, any other a
paragraph (its line breaks kept). Every character an operator typed is escaped; only web and
email addresses become links (Django's urlize, which escapes too). Nothing else is accepted, so
nothing needs sanitising."""

import re

from django.utils.html import escape, urlize
from django.utils.safestring import SafeString, mark_safe

_BLANK_LINES = re.compile(r"\n[ \t]*\n")


def _inline(text: str) -> str:
    return urlize(text.strip(), nofollow=True, autoescape=True)


def render_body(text: str) -> SafeString:
    html: list[str] = []
    for block in _BLANK_LINES.split(text.replace("\r\n", "\n").replace("\r", "\n").strip()):
        lines = [line.rstrip() for line in block.strip("\n").split("\n") if line.strip()]
        if not lines:
            continue
        first = lines[0].lstrip()
        if first.startswith("### ") or first.startswith("## "):
            level = 3 if first.startswith("### ") else 2
            html.append(f"<h{level}>{escape(first[level + 1 :].strip())}</h{level}>")
            lines = lines[1:]
            if not lines:
                continue
        if all(line.lstrip().startswith("- ") for line in lines):
            items = "".join(f"<li>{_inline(line.lstrip()[2:])}</li>" for line in lines)
            html.append(f"<ul>{items}</ul>")
        else:
            html.append("<p>" + "<br>".join(_inline(line) for line in lines) + "</p>")
    return mark_safe("\n".join(html))  # every piece was escaped above
