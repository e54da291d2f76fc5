"""{% load pagination %}: links to the other pages of a paginated list."""

from django import template

register = template.Library()


@register.filter
def with_page(params, number) -> str:
    """The query string of `params` (anything with query_for_page) for another page."""
    return params.query_for_page(number)


@register.filter
def elided_pages(page):
    return page.paginator.get_elided_page_range(page.number, on_each_side=2, on_ends=1)
