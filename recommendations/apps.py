import os

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

# implicit runs its own threads: a threaded BLAS underneath only contends with them (implicit
# warns about it). Set before numpy is first imported, in the web server, worker and commands.
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")


class RecommendationsConfig(AppConfig):
    name = "recommendations"
    verbose_name = _("Recommendations")

    def ready(self) -> None:
        from . import receivers  # noqa: F401
