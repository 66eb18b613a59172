"""All models, imported so that Alembic and ``db.create_all`` see every table."""
from core.models.accounts import ApiToken, WebSession
from core.models.audit import AuditLog
from core.models.calendar import CalendarDay, CalendarYear
from core.models.clock import TrainingClock
from core.models.campaigns import Application, ApplicationStatus, Campaign, RoundFiling, StepExtension
from core.models.counters import LimitCounter
from core.models.evidence import CityRecommendationFile, DeadlineExtension, Evidence
from core.models.evaluators import EvaluatorEngagement, EvaluatorFirm, EvaluatorSanction
from core.models.lists import Ban, ListEntry
from core.models.notices import (
    ListDecision, NoticeItem, Objection, PublicNotice, Recommendation, RecommendationImport, RecommendationItem,
)
from core.models.notifications import Notification, NotificationSetting
from core.models.management import (
    AnnualFiling, ChangeReport, Complaint, FilingReminder, ManagementFile, Removal, ReReview,
)
from core.models.organizations import AdminUnit, Organization
from core.models.management_counts import (
    FiledOrgYear, FilingCount, ListedCount, ListedOrgYear, ListedSpan, NationalCount,
)
from core.models.review import (
    EvaluationReport, EvaluationRequest, ExpertAssignment, ExpertProfile, FirmAffiliate, ReviewResult,
)
from core.models.scoring import ReferenceValue, UnitScore
from core.models.idempotency import IdempotencyKey
from core.models.identity import IdentityLink
from core.models.jobs import Job, JobStatus
from core.models.keys import ProvinceKey
from core.models.users import Role, User
from core.models.webhooks import WebhookAttempt, WebhookDelivery, WebhookEvent, WebhookSubscription

__all__ = [
    "AdminUnit", "ApiToken", "WebSession", "Application", "ApplicationStatus", "AuditLog", "Ban", "CalendarDay", "CalendarYear",
    "CityRecommendationFile", "DeadlineExtension", "Evidence",
    "Campaign", "EvaluatorEngagement", "EvaluatorFirm", "EvaluatorSanction", "LimitCounter", "ListEntry",
    "Organization", "ReferenceValue", "Role", "UnitScore", "User",
    "EvaluationReport", "EvaluationRequest", "ExpertAssignment", "ExpertProfile", "FirmAffiliate", "NoticeItem", "Objection",
    "ListDecision", "PublicNotice", "Recommendation", "RecommendationImport", "RecommendationItem", "ReviewResult",
]
__all__ += ["AnnualFiling", "ChangeReport", "Complaint", "FilingReminder", "ManagementFile", "Removal", "ReReview"]
__all__ += ["RoundFiling", "StepExtension"]
__all__ += ["Job", "JobStatus", "ProvinceKey"]
__all__ += ["Notification", "NotificationSetting"]
__all__ += ["TrainingClock"]
__all__ += ["IdempotencyKey"]
__all__ += ["IdentityLink"]
__all__ += ["WebhookAttempt", "WebhookDelivery", "WebhookEvent", "WebhookSubscription"]
__all__ += ["FiledOrgYear", "FilingCount", "ListedCount", "ListedOrgYear", "ListedSpan", "NationalCount"]
