from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _

from . import selectors
from .markup import render_body


def page_detail(request: HttpRequest, slug: str) -> HttpResponse:
    page = selectors.page_published(slug=slug)
    if page is None:
        raise Http404(_("No such page."))
    return render(request, "pages/page.html", {"page": page, "body": render_body(page.body)})
