"""What the schema says alike for many operations: the common error answers and the example of
a page of results (api.pagination.Pages)."""

from drf_spectacular.utils import OpenApiExample, OpenApiResponse

SIGN_IN = OpenApiResponse(description="Not signed in.")
BAD_INPUT = OpenApiResponse(description="Malformed input (field errors).")


def page_example(*results: dict) -> OpenApiExample:
    """An example answer of a list endpoint: one page holding `results`."""
    return OpenApiExample(
        "A page",
        value={"count": len(results), "next": None, "previous": None, "results": list(results)},
        response_only=True,
    )
