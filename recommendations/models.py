from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from common.models import MONEY, SingletonSettings, TimeStampedModel


class InteractionKind(models.TextChoices):
    VIEW = "view", _("Viewed")
    CART = "cart", _("Added to cart")
    PURCHASE = "purchase", _("Purchased")
    REVIEW = "review", _("Reviewed")
    SEARCH_CLICK = "search_click", _("Clicked in search results")


class Interaction(models.Model):
    """One implicit-feedback signal: a shopper (or an anonymous session) did something with a
    product. The recommender learns from these."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="interactions",
        verbose_name=_("user"),
    )
    session_key = models.CharField(_("session key"), max_length=40, blank=True)
    product = models.ForeignKey(
        "catalog.Product",
        on_delete=models.CASCADE,
        related_name="interactions",
        verbose_name=_("product"),
    )
    kind = models.CharField(_("kind"), max_length=16, choices=InteractionKind.choices)
    # Rating for reviews, quantity for purchases; 1 otherwise.
    value = models.PositiveSmallIntegerField(_("value"), default=1)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("interaction")
        verbose_name_plural = _("interactions")
        indexes = [
            models.Index(fields=["user", "-created_at"], name="interaction_user_recent"),
            models.Index(fields=["product", "kind"], name="interaction_product_kind"),
            models.Index(fields=["created_at"], name="interaction_created"),
            # An anonymous session's recently viewed items and its history joining the account.
            models.Index(
                fields=["session_key", "-created_at"],
                condition=models.Q(user__isnull=True),
                name="interaction_session_recent",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user_id or self.session_key} {self.kind} {self.product_id}"


class Weighting(models.TextChoices):
    BM25 = "bm25", _("BM25")
    TFIDF = "tfidf", _("TF-IDF")
    NONE = "none", _("None")


SETTINGS_CACHE_KEY = "recs:settings"


class RecommenderSettings(SingletonSettings):
    """The recommender's tunables; one row, edited by operators in admin."""

    cache_key = SETTINGS_CACHE_KEY

    weight_view = models.FloatField(_("weight of a view"), default=1.0)
    weight_cart = models.FloatField(_("weight of an add to cart"), default=3.0)
    weight_purchase = models.FloatField(_("weight of a purchase"), default=6.0)
    weight_review = models.FloatField(_("weight of a 5-star review"), default=4.0)
    weight_search_click = models.FloatField(_("weight of a search click"), default=1.5)
    half_life_days = models.FloatField(
        _("half-life of an interaction (days)"), default=120.0, validators=[MinValueValidator(1)]
    )
    factors = models.PositiveSmallIntegerField(
        _("factors"), default=64, validators=[MinValueValidator(1), MaxValueValidator(512)]
    )
    iterations = models.PositiveSmallIntegerField(
        _("iterations"), default=15, validators=[MinValueValidator(1), MaxValueValidator(100)]
    )
    regularization = models.FloatField(_("regularisation"), default=0.05)
    alpha = models.FloatField(_("confidence scale (alpha)"), default=2.0)
    weighting = models.CharField(
        _("weighting"), max_length=8, choices=Weighting.choices, default=Weighting.BM25
    )
    active_days = models.PositiveSmallIntegerField(
        _("precompute lists for shoppers active in the last (days)"), default=45
    )
    min_support = models.PositiveSmallIntegerField(
        _("shoppers a product needs to be recommended"), default=4
    )
    exclude_purchased = models.BooleanField(_("hide products the shopper bought"), default=True)
    max_per_category_run = models.PositiveSmallIntegerField(
        _("most products of one category in a row"),
        default=2,
        validators=[MinValueValidator(1)],
    )
    session_strength = models.FloatField(
        _("weight of the current session in the order of a slot"),
        default=1.0,
        validators=[MinValueValidator(0)],
        help_text=_(
            "How far products like those viewed in this session move up the home, product and "
            "cart slots. 0 switches it off; see benchmarks/recommender_session.py."
        ),
    )
    min_lift = models.FloatField(
        _("lift over the popularity baseline needed to go live"),
        default=0.05,
        help_text=_("0.05: NDCG@10 must beat the most-popular baseline by 5%."),
    )
    tolerance = models.FloatField(
        _("tolerated drop against the live model"),
        default=0.10,
        help_text=_("0.10: a new model at most 10% below the live one's NDCG@10 may replace it."),
    )
    use_tuned = models.BooleanField(
        _("train with the tuned settings"),
        default=True,
        help_text=_(
            "The nightly run uses the model family, factors, regularisation, alpha, learning "
            "rate, iterations, weighting and half-life chosen by the latest finished tuning "
            "run; without one, or unticked, the values above."
        ),
    )

    class Meta:
        ordering = ["id"]
        verbose_name = _("recommender settings")
        verbose_name_plural = _("recommender settings")

    def __str__(self) -> str:
        return str(_("Recommender settings"))

    def params(self, **overrides):
        from .als import Params

        values = {
            "factors": self.factors,
            "iterations": self.iterations,
            "regularization": self.regularization,
            "alpha": self.alpha,
            "weighting": str(self.weighting),
            "half_life_days": self.half_life_days,
            "weights": {
                "view": self.weight_view,
                "cart": self.weight_cart,
                "purchase": self.weight_purchase,
                "review": self.weight_review,
                "search_click": self.weight_search_click,
            },
            "active_days": float(self.active_days),
            "min_support": self.min_support,
        }
        values.update(overrides)
        return Params(**values)


class VersionStatus(models.TextChoices):
    TRAINING = "training", _("Training")
    LIVE = "live", _("Live")
    RETIRED = "retired", _("Retired")
    REJECTED = "rejected", _("Rejected by evaluation")
    FAILED = "failed", _("Failed")


class ModelVersion(TimeStampedModel):
    """One training run: its data, parameters, timings and evaluation, and whether it serves.

    At most one version is live (a partial unique constraint); going live is one transaction
    that retires the previous one, so a run that dies half-way leaves the live version as it was.
    """

    status = models.CharField(
        _("status"), max_length=10, choices=VersionStatus.choices, default=VersionStatus.TRAINING
    )
    is_live = models.BooleanField(_("live"), default=False)
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)
    seconds = models.FloatField(_("training time (s)"), null=True, blank=True)
    # Interactions up to this moment were used; newer ones trigger a per-user recalculation.
    trained_until = models.DateTimeField(_("data up to"), null=True, blank=True)
    users = models.PositiveIntegerField(_("shoppers"), default=0)
    products = models.PositiveIntegerField(_("products"), default=0)
    interactions = models.PositiveIntegerField(_("interactions"), default=0)
    device = models.CharField(_("device"), max_length=8, blank=True)
    params = models.JSONField(_("parameters"), default=dict, blank=True)
    metrics = models.JSONField(_("evaluation"), default=dict, blank=True)
    stages = models.JSONField(_("stage timings"), default=dict, blank=True)
    # Non-personal lists for new and anonymous shoppers: {"all": [ids], "by_category": {id: [ids]}}.
    trending = models.JSONField(_("trending"), default=dict, blank=True)
    note = models.TextField(_("note"), blank=True)
    # The tuning run whose settings this version was trained with (none: the settings' own).
    tuning_run = models.ForeignKey(
        "TuningRun",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="versions",
        verbose_name=_("tuned by"),
    )

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("model version")
        verbose_name_plural = _("model versions")
        constraints = [
            models.UniqueConstraint(
                fields=["is_live"],
                condition=models.Q(is_live=True),
                name="recommendations_one_live_version",
            )
        ]

    def __str__(self) -> str:
        return f"#{self.pk} ({self.get_status_display()})"

    @property
    def directory(self):
        return settings.VAR_DIR / "models" / str(self.pk)

    def metric(self, model: str, name: str) -> float | None:
        return self.metrics.get(model, {}).get(name)


class TuningStatus(models.TextChoices):
    RUNNING = "running", _("Running")
    FINISHED = "finished", _("Finished")
    FAILED = "failed", _("Failed")


class TuningRun(TimeStampedModel):
    """One search for the model's settings on a validation split (see als.tuning): its trials,
    the best settings, and those settings' NDCG@10 on validation and, once, on the test split,
    each next to the most-popular baseline. The nightly run trains with the best settings of
    the latest finished run."""

    status = models.CharField(
        _("status"), max_length=10, choices=TuningStatus.choices, default=TuningStatus.RUNNING
    )
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)
    seconds = models.FloatField(_("time (s)"), null=True, blank=True)
    trials_planned = models.PositiveSmallIntegerField(_("trials planned"), default=0)
    trials_done = models.PositiveSmallIntegerField(_("trials done"), default=0)
    families = models.JSONField(_("model families"), default=list, blank=True)
    interactions = models.PositiveIntegerField(_("interactions"), default=0)
    best_params = models.JSONField(_("best settings"), default=dict, blank=True)
    validation_ndcg = models.FloatField(_("validation NDCG@10"), null=True, blank=True)
    validation_baseline = models.FloatField(
        _("validation NDCG@10, most popular"), null=True, blank=True
    )
    test_ndcg = models.FloatField(_("test NDCG@10"), null=True, blank=True)
    test_baseline = models.FloatField(_("test NDCG@10, most popular"), null=True, blank=True)
    note = models.TextField(_("note"), blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("tuning run")
        verbose_name_plural = _("tuning runs")

    def __str__(self) -> str:
        return f"#{self.pk} ({self.get_status_display()})"


class TuningTrial(models.Model):
    """One setting tried by a tuning run, scored on the validation split."""

    run = models.ForeignKey(
        TuningRun, on_delete=models.CASCADE, related_name="trials", verbose_name=_("tuning run")
    )
    number = models.PositiveSmallIntegerField(_("trial"))
    family = models.CharField(_("model family"), max_length=16)
    params = models.JSONField(_("settings"), default=dict)
    ndcg = models.FloatField(_("validation NDCG@10"))
    baseline = models.FloatField(_("most popular"))
    users = models.PositiveIntegerField(_("shoppers evaluated"), default=0)
    seconds = models.FloatField(_("time (s)"))

    class Meta:
        ordering = ["run", "number"]
        verbose_name = _("trial")
        verbose_name_plural = _("trials")
        constraints = [
            models.UniqueConstraint(fields=["run", "number"], name="recs_trial_once_per_run")
        ]

    def __str__(self) -> str:
        return f"{self.run_id}:{self.number}"


class UserRecommendation(models.Model):
    """A version's precomputed top products for one active shopper."""

    # Read by (version, user) through the unique constraint's index: no index of their own, so
    # the rows of a version are written with one index to maintain, not three.
    version = models.ForeignKey(
        ModelVersion, on_delete=models.CASCADE, related_name="+", db_index=False
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        db_index=False,
        related_name="+",
    )
    product_ids = models.JSONField(default=list)

    class Meta:
        ordering = ["version", "user"]
        constraints = [
            models.UniqueConstraint(fields=["version", "user"], name="recs_user_once_per_version")
        ]

    def __str__(self) -> str:
        return f"{self.version_id}:{self.user_id}"


class NeighbourSource(models.TextChoices):
    ALS = "als", _("Learnt from shoppers")
    CONTENT = "content", _("Similar description")


class ProductNeighbours(models.Model):
    """A version's neighbours of one product: similar items (ALS factors, or its text and
    attributes for products too new to have been learnt) and what its buyers also bought."""

    # Read by (version, product) through the unique constraint's index (see UserRecommendation).
    version = models.ForeignKey(
        ModelVersion, on_delete=models.CASCADE, related_name="+", db_index=False
    )
    product = models.ForeignKey(
        "catalog.Product",
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        db_index=False,
        related_name="+",
    )
    similar = models.JSONField(default=list)
    also_bought = models.JSONField(default=list)
    source = models.CharField(max_length=8, choices=NeighbourSource.choices)

    class Meta:
        ordering = ["version", "product"]
        verbose_name = _("product neighbours")
        verbose_name_plural = _("product neighbours")
        constraints = [
            models.UniqueConstraint(
                fields=["version", "product"], name="recs_product_once_per_version"
            )
        ]

    def __str__(self) -> str:
        return f"{self.version_id}:{self.product_id}"


class Segment(models.TextChoices):
    CHAMPION = "champion", _("Champion")
    LOYAL = "loyal", _("Loyal")
    NEW = "new", _("New customer")
    AT_RISK = "at_risk", _("At risk")
    HIBERNATING = "hibernating", _("Hibernating")
    REGULAR = "regular", _("Regular")
    BROWSER = "browser", _("Browser (no orders)")


class PriceBand(models.TextChoices):
    BUDGET = "budget", _("Budget")
    MID = "mid", _("Mid-range")
    PREMIUM = "premium", _("Premium")


class UserProfile(models.Model):
    """Features of one shopper computed from their history: favourite categories, price band
    and RFM (recency, frequency, monetary) segment. Used for cold start and merchant analytics."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="shopping_profile",
        verbose_name=_("user"),
    )
    top_categories = models.JSONField(_("top categories"), default=list, blank=True)
    price_band = models.CharField(_("price band"), max_length=8, choices=PriceBand.choices)
    recency_days = models.PositiveIntegerField(_("days since last order"), null=True, blank=True)
    frequency = models.PositiveIntegerField(_("orders"), default=0)
    monetary = models.DecimalField(_("spent"), default=0, **MONEY)
    segment = models.CharField(_("segment"), max_length=12, choices=Segment.choices)
    updated_at = models.DateTimeField(_("updated"), default=timezone.now)

    class Meta:
        ordering = ["user"]
        verbose_name = _("shopper profile")
        verbose_name_plural = _("shopper profiles")

    def __str__(self) -> str:
        return f"{self.user_id}: {self.segment}"


class ExternalKind(models.TextChoices):
    USER = "user", _("Shopper")
    PRODUCT = "product", _("Product")


class ExternalId(models.Model):
    """A shopper's or a product's id on another platform (`source`, e.g. the shop's old system),
    so that imported history finds them again on every re-run (see services.importing)."""

    source = models.CharField(_("source"), max_length=40)
    kind = models.CharField(_("kind"), max_length=8, choices=ExternalKind.choices)
    external_id = models.CharField(_("external id"), max_length=100)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
        verbose_name=_("shopper"),
    )
    product = models.ForeignKey(
        "catalog.Product",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
        verbose_name=_("product"),
    )
    created_at = models.DateTimeField(_("created"), default=timezone.now)

    class Meta:
        ordering = ["source", "kind", "external_id"]
        verbose_name = _("external id")
        verbose_name_plural = _("external ids")
        constraints = [
            models.UniqueConstraint(
                fields=["source", "kind", "external_id"], name="recs_external_id_once"
            ),
            models.CheckConstraint(
                condition=(
                    models.Q(kind="user", user__isnull=False, product__isnull=True)
                    | models.Q(kind="product", product__isnull=False, user__isnull=True)
                ),
                name="recs_external_id_points_at_its_kind",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.source}:{self.kind}:{self.external_id}"
