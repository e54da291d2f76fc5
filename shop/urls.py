from django.conf import settings
from django.conf.urls.i18n import i18n_patterns
from django.contrib import admin
from django.urls import include, path, re_path

from . import views

admin.site.site_header = settings.SHOP_NAME
admin.site.site_title = settings.SHOP_NAME

urlpatterns = [
    path("healthz", views.healthz, name="healthz"),
    path("favicon.ico", views.favicon, name="favicon"),
    # The language switcher: records the shopper's choice, then shows the page in it.
    path("language/<str:code>/", views.language_choose, name="language_choose"),
    # Called by Alipay's servers: no language prefix, no CSRF (the signature authenticates it).
    path("payments/", include("payments.gateway_urls")),
    # Carriers' tracking events: no language prefix, no CSRF (each event is signed).
    path("logistics/", include("logistics.urls")),
    # The REST API for apps, mini-programs and partners (docs/api.md): no language prefix; a
    # client asks for a language with Accept-Language.
    path("api/", include("api.urls")),
]
if settings.ALIPAY_SANDBOX:
    # The local stand-in for Alipay's gateway; production refuses to switch it on.
    urlpatterns += [path("alipay-sandbox/", include("alipay_sandbox.urls"))]
urlpatterns += i18n_patterns(
    # The storefront's pages first: the most requested, they are matched without trying the
    # others (none of which matches "", "c/<slug>/" or "p/<slug>/").
    path("", include("catalog.urls")),
    path("admin/", admin.site.urls),
    path("account/", include("accounts.urls")),
    path("cart/", include("cart.urls")),
    path("search/", include("search.urls")),
    path("support/", include("support.urls")),
    # The shop's own pages (about, customer service, shipping, returns, privacy, terms).
    path("pages/", include("pages.urls")),
    path("", include("orders.urls")),
    path("", include("payments.urls")),
    prefix_default_language=False,
)

if settings.DEBUG or settings.SERVE_MEDIA:
    # Uploaded and generated images in the embedded default; production serves MEDIA_ROOT from
    # the web server or object storage.
    urlpatterns += [
        re_path(r"^media/(?P<path>.*)$", views.media, {"document_root": settings.MEDIA_ROOT}),
    ]

handler400 = "shop.views.bad_request"
handler404 = "shop.views.page_not_found"
handler500 = "shop.views.server_error"
