"""The procedure case: one application, bound to the rule-pack version in force when it was filed.

Nothing here changes a case's state: `services.take_transition` does, from the pack.
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from metrohub.centers.models import Center
from metrohub.legaltime.models import StoredDeadline
from metrohub.organisations.models import Jurisdiction, Organisation


class Case(models.Model):
    #: the establishment procedure; the other kinds are the pack's [[procedures]]
    ESTABLISHMENT = "establishment"

    kind = models.CharField(_("kind"), max_length=32, default=ESTABLISHMENT, db_index=True)
    #: the duty schedule that opened the case, and the period it is for (a year, a cycle's due
    #: date): the pair is unique per center, so the daily job never opens a duty twice
    schedule = models.CharField(_("duty schedule"), max_length=64, blank=True)
    period = models.CharField(_("period"), max_length=16, blank=True)
    rulepack_code = models.CharField(_("rule pack"), max_length=32)
    rulepack_version = models.CharField(_("rule pack version"), max_length=16)
    state = models.CharField(_("stage"), max_length=32, db_index=True)
    filed_on = models.DateField(_("filed on"))
    applicant = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        related_name="cases",
        verbose_name=_("applicant (lead builder)"),
    )
    co_builders = models.ManyToManyField(
        Organisation, blank=True, related_name="co_built_cases", verbose_name=_("co-builders")
    )
    jurisdiction = models.ForeignKey(
        Jurisdiction,
        on_delete=models.PROTECT,
        related_name="cases",
        verbose_name=_("programme jurisdiction"),
    )
    district = models.ForeignKey(
        Jurisdiction,
        on_delete=models.PROTECT,
        related_name="district_cases",
        null=True,
        blank=True,
        verbose_name=_("district"),
    )
    center_name = models.CharField(_("proposed center name"), max_length=200)
    center_name_en = models.CharField(
        _("proposed center name (English)"), max_length=200, blank=True
    )
    industry_domain = models.CharField(_("industry"), max_length=64, blank=True)
    form_data = models.JSONField(_("application form"), default=dict, blank=True)
    self_check = models.JSONField(_("self-check"), default=dict, blank=True)
    conclusion = models.CharField(_("latest expert conclusion"), max_length=32, blank=True)
    supervisor = models.JSONField(_("supervisor"), default=dict, blank=True)
    accepting_objections = models.BooleanField(_("accepting objections"), default=False)
    notice_published_on = models.DateField(_("notice published on"), null=True, blank=True)
    center = models.ForeignKey(
        Center, on_delete=models.PROTECT, null=True, blank=True, related_name="cases"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-pk"]
        indexes = [models.Index(fields=["rulepack_code", "state"])]
        constraints = [
            models.UniqueConstraint(
                fields=["center", "schedule", "period"],
                condition=~models.Q(schedule=""),
                name="one_case_per_duty_and_period",
            )
        ]
        verbose_name = _("case")
        verbose_name_plural = _("cases")

    def __str__(self) -> str:
        return f"#{self.pk} {self.center_name}"

    @property
    def subject(self) -> str:
        """The case's chain in the event log."""
        return f"case:{self.pk}"

    @property
    def rulepack_key(self) -> str:
        return f"{self.rulepack_code}@{self.rulepack_version}"

    @property
    def pack(self):
        from metrohub.rulepacks.services import registry

        return registry().get(self.rulepack_code, self.rulepack_version).for_kind(self.kind)

    @property
    def is_establishment(self) -> bool:
        return self.kind == self.ESTABLISHMENT


class CoBuilderConsent(models.Model):
    """An organisation named as co-builder answers before it sees the case: it consents or
    declines; until it consents, its staff find the case missing (404)."""

    class State(models.TextChoices):
        INVITED = "invited", _("awaiting consent")
        CONSENTED = "consented", _("consented")
        DECLINED = "declined", _("declined")

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="consents")
    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="co_builder_consents"
    )
    state = models.CharField(
        _("state"), max_length=16, choices=State.choices, default=State.INVITED
    )
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    answered_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["case_id", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["case", "organisation"], name="one_consent_per_builder")
        ]
        verbose_name = _("co-builder's consent")
        verbose_name_plural = _("co-builders' consents")

    def __str__(self) -> str:
        return f"{self.organisation} · {self.state}"


class Material(models.Model):
    """One version of one kind of material; old versions are kept."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="materials")
    code = models.CharField(_("type"), max_length=64)
    version = models.PositiveIntegerField(_("version"))
    file = models.FileField(_("file"), upload_to="cases/%Y/%m/")
    filename = models.CharField(_("file name"), max_length=255)
    sha256 = models.CharField("SHA-256", max_length=64)
    size = models.PositiveBigIntegerField(_("size"))
    content_type = models.CharField(_("file type"), max_length=100)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    uploaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["code", "-version"]
        constraints = [
            models.UniqueConstraint(fields=["case", "code", "version"], name="material_version")
        ]
        verbose_name = _("material")
        verbose_name_plural = _("materials")

    def __str__(self) -> str:
        return f"{self.code} v{self.version}"


class Obligation(models.Model):
    """A deadline the pack attaches to a case, computed by the one calculator."""

    class State(models.TextChoices):
        OPEN = "open", _("open")
        MET = "met", _("met")
        OVERDUE = "overdue", _("overdue")
        LATE = "late", _("late")  # met after its due date: late, never "met"
        WAIVED = "waived", _("waived")

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="obligations")
    code = models.CharField(_("deadline"), max_length=64)
    deadline = models.ForeignKey(StoredDeadline, on_delete=models.PROTECT, related_name="+")
    # The deadline's due date, kept here too (set on opening, moved when the deadline is
    # recomputed) so panels can read, count and order live obligations by date from one index
    # instead of joining every deadline ever stored.
    due_on = models.DateField(_("due"))
    kind = models.CharField(_("kind"), max_length=16, default="maximum")
    indicative = models.BooleanField(_("indicative"), default=False)
    article = models.CharField(_("article"), max_length=200)
    responsible_role = models.CharField(_("responsible role"), max_length=32, blank=True)
    opened_by = models.CharField(_("opened by"), max_length=64)
    state = models.CharField(
        _("state"), max_length=16, choices=State.choices, default=State.OPEN, db_index=True
    )
    waived_reason = models.TextField(_("reason for waiving"), blank=True)
    opened_at = models.DateTimeField(auto_now_add=True)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    closed_on = models.DateField(_("closed on"), null=True, blank=True)
    reminders_sent = models.JSONField(default=list, blank=True)

    class Meta:
        ordering = ["case_id", "pk"]
        verbose_name = _("obligation")
        verbose_name_plural = _("obligations")
        indexes = [
            # The live obligations (a few of all those ever opened), by case: the worklist ranks
            # a person's cases and reads its cases' due dates from this index alone (an index-only
            # scan).
            models.Index(
                fields=["case", "responsible_role", "due_on", "kind", "state"],
                condition=models.Q(state__in=["open", "overdue"]),
                name="cases_obligation_live",
            ),
            # The live obligations by due date: dashboards walk it in date order and stop at a
            # page's rows, and count live, soon-due and overdue obligations from it alone.
            models.Index(
                fields=["due_on", "id", "case", "responsible_role", "kind", "state"],
                condition=models.Q(state__in=["open", "overdue"]),
                name="cases_obligation_live_due",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.code} → {self.due_on}"

    def save(self, *args, **kwargs):
        # An obligation opened without its due date takes its deadline's (services pass it).
        if self.due_on is None and self.deadline_id is not None:
            self.due_on = self.deadline.due
        super().save(*args, **kwargs)

    @property
    def due(self):
        return self.due_on

    @property
    def provisional(self) -> bool:
        return self.deadline.provisional

    @property
    def is_live(self) -> bool:
        return self.state in (self.State.OPEN, self.State.OVERDUE)

    def state_on(self, day) -> str:
        """The state as of `day`: an open maximum past its due date is overdue when read, whether
        or not the daily reminder has marked it yet."""
        if self.state == self.State.OPEN and self.kind == "maximum" and day > self.due_on:
            return self.State.OVERDUE
        return self.state

    @property
    def current_state(self) -> str:
        from metrohub.cases.services import clock

        return self.state_on(clock.today())

    def get_current_state_display(self) -> str:
        return str(self.State(self.current_state).label)


class Objection(models.Model):
    """An objection filed by anyone during a public notice, answered by the regulator."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="objections")
    name = models.CharField(_("name"), max_length=100)
    organisation = models.CharField(_("organisation"), max_length=200, blank=True)
    email = models.EmailField(_("e-mail"), blank=True)
    phone = models.CharField(_("phone"), max_length=40, blank=True)
    text = models.TextField(_("objection"))
    submitted_at = models.DateTimeField(auto_now_add=True)
    answer = models.TextField(_("answer"), blank=True)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    answered_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["case_id", "pk"]
        verbose_name = _("objection")
        verbose_name_plural = _("objections")

    def __str__(self) -> str:
        return f"#{self.pk} {self.name}"


class Decision(models.Model):
    class Kind(models.TextChoices):
        APPROVAL_TO_BUILD = "approval_to_build", _("approval to build")
        TASK_BOOK = "task_book", _("construction task book")
        REFUSAL = "refusal", _("refusal")
        RECTIFICATION = "rectification", _("rectification order")
        ESTABLISHMENT = "establishment", _("establishment")
        FAILURE = "failure", _("acceptance failed")
        CONFIRMATION = "confirmation", _("periodic review confirmed")
        REVOCATION = "revocation", _("revocation")
        OTHER = "other", _("other decision")

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="decisions")
    kind = models.CharField(_("kind"), max_length=32, choices=Kind.choices)
    transition = models.CharField(_("transition"), max_length=64)
    document_number = models.CharField(_("document number"), max_length=100, blank=True)
    document_date = models.DateField(_("document date"), null=True, blank=True)
    reasons = models.TextField(_("reasons"), blank=True)
    article = models.CharField(_("article"), max_length=200, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    document = models.FileField(_("document"), upload_to="decisions/%Y/", blank=True)
    document_sha256 = models.CharField("SHA-256", max_length=64, blank=True)
    document_issued_at = models.DateTimeField(_("document issued at"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["case_id", "pk"]
        verbose_name = _("decision")
        verbose_name_plural = _("decisions")

    def __str__(self) -> str:
        return self.document_number or self.get_kind_display()


class DocumentNumber(models.Model):
    """The register of document numbers (文号), one per issuing body: a number is used once."""

    issuer = models.CharField(_("issuing body"), max_length=200)
    number = models.CharField(_("document number"), max_length=100)
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="document_numbers")
    decision = models.OneToOneField(
        "Decision", on_delete=models.CASCADE, null=True, blank=True, related_name="register_entry"
    )
    registered_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["issuer", "number"]
        constraints = [
            models.UniqueConstraint(fields=["issuer", "number"], name="document_number_per_issuer")
        ]
        verbose_name = _("document number")
        verbose_name_plural = _("document numbers")

    def __str__(self) -> str:
        return f"{self.issuer} {self.number}"


class ScoreRecord(models.Model):
    """The panel's total score as recorded by the regulator (issue 5 replaces it with panels)."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="scores")
    round = models.PositiveSmallIntegerField(_("round"))
    score = models.DecimalField(_("score"), max_digits=5, decimal_places=1)
    passed = models.BooleanField(_("passed"))
    transition = models.CharField(max_length=64)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["case_id", "round"]
        verbose_name = _("acceptance score")
        verbose_name_plural = _("acceptance scores")

    def __str__(self) -> str:
        return f"{self.score} (round {self.round})"


class CaseNote(models.Model):
    """What an actor reports on a case without changing its state: the district supervisor's
    report on an on-site acceptance, an event report (major event), a self-check."""

    class Kind(models.TextChoices):
        SUPERVISOR_REPORT = "supervisor_report", _("supervisor's report")
        EVENT_REPORT = "event_report", _("event report")
        SELF_CHECK = "self_check", _("self-check")
        FILED_APPLICATION = "filed_application", _("application as filed")

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="notes")
    kind = models.CharField(_("kind"), max_length=32, choices=Kind.choices)
    code = models.CharField(max_length=64, blank=True)
    text = models.TextField(_("text"), blank=True)
    data = models.JSONField(default=dict, blank=True)
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["case_id", "pk"]

    def __str__(self) -> str:
        return f"{self.kind} #{self.pk}"


class IdempotencyKey(models.Model):
    """An API write remembered by its Idempotency-Key: the same request twice acts once."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    key = models.CharField(max_length=200)
    scope = models.CharField(max_length=200)
    digest = models.CharField(max_length=64)
    result = models.JSONField(default=dict)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "key"], name="idempotency_key_per_user")
        ]

    def __str__(self) -> str:
        return self.key


class TaskBook(models.Model):
    """The construction task book (筹建任务书) as data: goals, capability targets, milestones,
    funding and the people responsible; fixed when construction is approved."""

    class State(models.TextChoices):
        DRAFT = "draft", _("draft")
        ISSUED = "issued", _("issued")

    case = models.OneToOneField(Case, on_delete=models.CASCADE, related_name="task_book")
    goals = models.TextField(_("goals"), blank=True)
    funding = models.TextField(_("funding"), blank=True)
    funding_amount = models.DecimalField(
        _("funding (10,000 yuan)"), max_digits=14, decimal_places=2, null=True, blank=True
    )
    responsible = models.JSONField(_("people responsible"), default=list, blank=True)
    capability_targets = models.JSONField(_("capability targets"), default=list, blank=True)
    detailed_plan = models.TextField(_("detailed construction work plan"), blank=True)
    plan_submitted_on = models.DateField(_("plan submitted on"), null=True, blank=True)
    state = models.CharField(_("state"), max_length=16, choices=State.choices, default=State.DRAFT)
    issued_on = models.DateField(_("issued on"), null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("construction task book")
        verbose_name_plural = _("construction task books")

    def __str__(self) -> str:
        return f"task book of {self.case}"


class Milestone(models.Model):
    task_book = models.ForeignKey(TaskBook, on_delete=models.CASCADE, related_name="milestones")
    title = models.CharField(_("milestone"), max_length=200)
    due = models.DateField(_("due"))
    done_on = models.DateField(_("done on"), null=True, blank=True)
    note = models.TextField(_("note"), blank=True)

    class Meta:
        ordering = ["task_book_id", "due", "pk"]
        verbose_name = _("milestone")
        verbose_name_plural = _("milestones")

    def __str__(self) -> str:
        return f"{self.title} ({self.due})"

    def state_on(self, day) -> str:
        """done, late (done after its date, or past it and not done) or open."""
        if self.done_on is not None:
            return "late" if self.done_on > self.due else "done"
        return "late" if day > self.due else "open"


class SupervisionVisit(models.Model):
    """A visit of the regulator's supervision team (督导组, Hubei art. 13) with its findings."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="visits")
    visited_on = models.DateField(_("visited on"))
    team = models.JSONField(_("team"), default=list)
    findings = models.TextField(_("findings"))
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["case_id", "visited_on", "pk"]
        verbose_name = _("supervision visit")
        verbose_name_plural = _("supervision visits")

    def __str__(self) -> str:
        return f"visit {self.visited_on}"


class ProgressReport(models.Model):
    """The builder's report on construction against the task book's milestones."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="progress_reports")
    submitted_on = models.DateField(_("submitted on"))
    text = models.TextField(_("report"))
    milestones = models.JSONField(_("milestones reported"), default=list)
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["case_id", "submitted_on", "pk"]
        verbose_name = _("progress report")
        verbose_name_plural = _("progress reports")

    def __str__(self) -> str:
        return f"progress {self.submitted_on}"
