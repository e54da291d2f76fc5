"""The catalog, open to everyone and read-only: categories, products, search, suggestions,
recommendations."""

from django.urls import path

from . import views

urlpatterns = [
    path("categories/", views.CategoryTreeApi.as_view(), name="categories"),
    path("products/", views.ProductListApi.as_view(), name="products"),
    path("products/<slug:slug>/", views.ProductDetailApi.as_view(), name="product"),
    path(
        "products/<slug:slug>/recommendations/",
        views.ProductRecommendationsApi.as_view(),
        name="product-recommendations",
    ),
    path("search/", views.SearchApi.as_view(), name="search"),
    path("suggest/", views.SuggestApi.as_view(), name="suggest"),
    path("recommendations/", views.RecommendationsForYouApi.as_view(), name="recommendations"),
]
