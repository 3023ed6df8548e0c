"""Typed models of every operation (mirrors ``crates/cmr/src/models``).

Attributes are snake_case; the JSON is the API's camelCase. Unknown fields
are kept in ``extra``; enum values this SDK does not know stay plain ``str``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, ClassVar, Optional, Union

from ._base import Model, StrEnum

_m = dataclass(kw_only=True, repr=False)

# --------------------------------------------------------------------------- enums


class ServiceProvider(StrEnum):
    GOOGLE = "GOOGLE"
    MICROSOFT = "MICROSOFT"


class BillingCycle(StrEnum):
    MONTHLY = "MONTHLY"


class RecordType(StrEnum):
    A = "A"
    AAAA = "AAAA"
    CNAME = "CNAME"
    MX = "MX"
    TXT = "TXT"
    NS = "NS"
    SRV = "SRV"
    CAA = "CAA"


class DomainStatus(StrEnum):
    ACTIVE = "ACTIVE"
    PENDING = "PENDING"
    RENEWING = "RENEWING"
    GRACE_PERIOD = "GRACE_PERIOD"
    EXPIRED = "EXPIRED"
    TRANSFERRED = "TRANSFERRED"
    INACTIVE = "INACTIVE"


class MailboxStatus(StrEnum):
    IN_PROGRESS = "IN_PROGRESS"
    CREATING_PASSWORD = "CREATING_PASSWORD"
    ACTIVE = "ACTIVE"
    EXPIRED = "EXPIRED"


class OrderState(StrEnum):
    CREATED = "CREATED"
    QUEUED = "QUEUED"
    PROCESSING = "PROCESSING"
    COMPLETED = "COMPLETED"
    FAILED = "FAILED"
    PARTIALLY_FAILED = "PARTIALLY_FAILED"


class SubscriptionStatus(StrEnum):
    ACTIVE = "ACTIVE"
    RENEWING = "RENEWING"
    PAST_DUE = "PAST_DUE"
    CANCELLED = "CANCELLED"
    EXPIRED = "EXPIRED"


class PlatformApp(StrEnum):
    EMAILBISON = "EMAILBISON"


class SandboxScenario(StrEnum):
    SUCCESS = "success"
    FULL_FAILURE = "full_failure"
    PARTIAL_FAILURE = "partial_failure"


# --------------------------------------------------------------------------- common


@_m
class Ack(Model):
    """Answer of an operation that returns no data; ``action_id`` for asynchronous ones."""

    message: str = ""
    action_id: Optional[str] = None


@_m
class Envelope(Model):
    """The raw ``{status, message, data, actionId}`` answer of ``client.request``."""

    status: Optional[int] = None
    message: str = ""
    data: Any = None
    action_id: Optional[str] = None


# --------------------------------------------------------------------------- users, geo


@_m
class User(Model):
    """A customer of the partner."""

    id: str
    email: Optional[str] = None
    company: Optional[str] = None
    first_name: Optional[str] = None
    last_name: Optional[str] = None
    country: Optional[str] = None
    city: Optional[str] = None
    address_line_one: Optional[str] = None
    address_line_two: Optional[str] = None
    address_line_three: Optional[str] = None
    language_preference: Optional[str] = None
    postal_code: Optional[str] = None
    state: Optional[str] = None
    phone_cc: Optional[str] = None
    phone: Optional[str] = None
    created_at: Optional[str] = None


@_m
class Country(Model):
    name: str
    code: str


@_m
class State(Model):
    name: str
    code: str


# --------------------------------------------------------------------------- domains


@_m
class Domain(Model):
    domain_id: str
    domain_name: str
    status: Union[DomainStatus, str, None] = None
    expiry_date: Optional[str] = None
    created_at: Optional[str] = None
    auto_renew: Optional[bool] = None
    subscription_id: Optional[str] = None
    forward_to: Optional[str] = None
    user_id: Optional[str] = None


@_m
class DomainAvailability(Model):
    domain: str
    available: Optional[bool] = None
    price: Optional[float] = None
    renewal_price: Optional[float] = None
    currency: Optional[str] = None
    reason: Optional[str] = None


@_m
class WorkspaceCheck(Model):
    domain: str = ""
    exists: Optional[bool] = None
    service_provider: Union[ServiceProvider, str, None] = None


@_m
class DomainRenewalItem(Model):
    domain_name: str = ""
    domain_id: Optional[str] = None
    years: Optional[int] = None
    renewal_price: Optional[str] = None
    """Decimal string as sent by CMR (for example ``"14.50"``)."""
    expire_on: Optional[str] = None
    auto_renew: Optional[bool] = None
    error: Optional[str] = None


@_m
class DomainRenewResult(Model):
    message: str = ""
    action_id: Optional[str] = None
    domains: list[DomainRenewalItem] = field(default_factory=list)


@_m
class DomainAutoRenew(Model):
    domain_name: str = ""
    domain_id: Optional[str] = None
    auto_renew: bool = False


# --------------------------------------------------------------------------- dns


@_m
class DnsRecord(Model):
    record_id: str = ""
    host: str = ""
    value: str = ""
    record_type: Union[RecordType, str] = RecordType.A
    priority: Optional[int] = None
    excluded_dmarc_tags: Optional[list[str]] = None
    ttl: Optional[int] = None


@_m
class DnsRecords(Model):
    records: list[DnsRecord] = field(default_factory=list)
    disabled_records: list[DnsRecord] = field(default_factory=list)


@_m
class NewDnsRecord(Model):
    """A record to create (``dns.add``)."""

    host: str
    value: str
    record_type: Union[RecordType, str]
    priority: Optional[int] = None
    excluded_dmarc_tags: Optional[list[str]] = None


# --------------------------------------------------------------------------- orders


@_m
class OrderDomain(Model):
    """A domain to register in an order."""

    domain: str
    years: int = 1
    forward_to: Optional[str] = None
    mask_forwarding: Optional[bool] = None


@_m
class NewMailbox(Model):
    """A mailbox to create in an order."""

    username: str
    first_name: str
    last_name: str
    profile_picture: Optional[str] = None
    on_warmup: Optional[bool] = None


@_m
class GoogleConfig(Model):
    """Google OAuth configuration (required for Google mailboxes)."""

    google_oauth_route: Optional[str] = None
    client_id: Optional[str] = None
    app_name: Optional[str] = None


@_m
class ProfilePicture(Model):
    """A profile picture sent as a multipart file part (``key`` = ``username@domain``)."""

    key: str
    file_name: str
    content_type: str
    data: bytes


@_m
class OrderCreated(Model):
    message: str = ""
    order_id: Optional[str] = None
    unavailable_domains: list[str] = field(default_factory=list)
    action_id: Optional[str] = None


@_m
class OrderStatus(Model):
    order_id: str = ""
    status: Union[OrderState, str, None] = None


@_m
class Order(Model):
    order_id: str = ""
    user_id: Optional[str] = None
    status: Union[OrderState, str, None] = None
    service_provider: Union[ServiceProvider, str, None] = None
    domains: list[OrderDomain] = field(default_factory=list)
    mailboxes: dict[str, list[NewMailbox]] = field(default_factory=dict)
    total_price: Optional[float] = None
    confirmed: Optional[bool] = None
    created_at: Optional[str] = None


# --------------------------------------------------------------------------- mailboxes


@_m
class Mailbox(Model):
    mailbox_id: str = ""
    email: Optional[str] = None
    user_name: Optional[str] = None
    first_name: Optional[str] = None
    last_name: Optional[str] = None
    domain: Optional[str] = None
    domain_id: Optional[str] = None
    status: Union[MailboxStatus, str, None] = None
    service_provider: Union[ServiceProvider, str, None] = None
    profile_picture: Optional[str] = None
    on_warmup: Optional[bool] = None
    subscription_id: Optional[str] = None
    user_id: Optional[str] = None
    created_at: Optional[str] = None


@_m
class MailboxAdminDetails(Model):
    _secret_fields: ClassVar[frozenset[str]] = frozenset({"password", "app_password", "authenticator_secret"})

    mailbox_id: str = ""
    email: Optional[str] = None
    password: Optional[str] = None
    app_password: Optional[str] = None
    authenticator_secret: Optional[str] = None
    is_admin: Optional[bool] = None


@_m
class MailboxUpdate(Model):
    """One mailbox change for ``mailboxes.update_many``."""

    mailbox_id: str
    user_name: Optional[str] = None
    first_name: Optional[str] = None
    last_name: Optional[str] = None
    profile_picture: Optional[str] = None
    remove_profile_picture: Optional[bool] = None


@_m
class MailboxUpdateItem(Model):
    mailbox_id: str = ""
    success: bool = False
    message: Optional[str] = None


@_m
class MailboxUpdateResult(Model):
    message: str = ""
    action_id: Optional[str] = None
    results: list[MailboxUpdateItem] = field(default_factory=list)


# --------------------------------------------------------------------------- bulk


class BulkItemStatus(StrEnum):
    SUCCEEDED = "succeeded"
    FAILED = "failed"
    MAYBE_APPLIED = "maybe_applied"


@_m
class BulkDnsRecord(Model):
    """A record to add with its domain (``dns.add_many``)."""

    domain: str
    host: str
    value: str
    record_type: Union[RecordType, str]
    priority: Optional[int] = None
    excluded_dmarc_tags: Optional[list[str]] = None


@_m
class BulkItemResult(Model):
    """Outcome of the input item at ``index``: ``succeeded``, ``failed`` (not
    applied; ``message`` says why) or ``maybe_applied`` (check before resending)."""

    index: int = 0
    status: Union[BulkItemStatus, str] = "failed"
    message: Optional[str] = None
    id: Optional[str] = None


@_m
class BulkResult(Model):
    items: list[BulkItemResult] = field(default_factory=list)
    succeeded: int = 0
    failed: int = 0
    maybe_applied: int = 0
    requests: int = 0


# --------------------------------------------------------------------------- subscriptions


@_m
class Subscription(Model):
    subscription_id: str = ""
    subscription_status: Union[SubscriptionStatus, str, None] = None
    total_mailbox_quantity: Optional[int] = None
    billing_cycle: Union[BillingCycle, str, None] = None
    price_per_mailbox: Optional[float] = None
    period_start: Optional[str] = None
    period_end: Optional[str] = None
    service_provider: Union[ServiceProvider, str, None] = None
    auto_renew: Optional[bool] = None
    user_id: Optional[str] = None
    domain: Optional[str] = None
    domain_id: Optional[str] = None


# --------------------------------------------------------------------------- exports


@_m
class PlatformLogin(Model):
    _secret_fields: ClassVar[frozenset[str]] = frozenset({"password"})

    email: str
    password: str


@_m
class PlatformMetadata(Model):
    app_base_url: Optional[str] = None
    client_id: Optional[str] = None
    app_name: Optional[str] = None
    workspace: Optional[str] = None


@_m
class CredentialCreated(Model):
    credential_id: str = ""


@_m
class PlatformCredential(Model):
    credential_id: str = ""
    email: Optional[str] = None
    connected_at: Optional[str] = None
    metadata: Optional[PlatformMetadata] = None


@_m
class PlatformConnection(Model):
    app: Union[PlatformApp, str] = PlatformApp.EMAILBISON
    connected: bool = False
    credentials: list[PlatformCredential] = field(default_factory=list)


# --------------------------------------------------------------------------- pre-warmup, wallet


@_m
class PrewarmupMailbox(Model):
    mailbox_id: Optional[str] = None
    email: str = ""
    first_name: Optional[str] = None
    last_name: Optional[str] = None
    created_at: Optional[str] = None


@_m
class PrewarmupDomain(Model):
    domain: str = ""
    pre_warmed_up_mailboxes: list[PrewarmupMailbox] = field(default_factory=list)
    purchase_price: Optional[float] = None
    renewal_price: Optional[float] = None
    service_provider: Union[ServiceProvider, str, None] = None


@_m
class PrewarmupItem(Model):
    """One package of a pre-warmup order."""

    domain: str
    forward_to: Optional[str] = None


@_m
class PrewarmupOrderCreated(Model):
    message: str = ""
    order_id: Optional[str] = None
    action_id: Optional[str] = None


@_m
class Wallet(Model):
    balance: Optional[float] = None
    currency: Optional[str] = None


# --------------------------------------------------------------------------- webhook payloads


@_m
class DomainOrderEvent(Model):
    """Data of ``domain.order.success`` / ``domain.order.failed``."""

    user_id: Optional[str] = None
    user_email: Optional[str] = None
    order_id: Optional[str] = None
    domain_id: Optional[str] = None
    domain_name: Optional[str] = None
    creation_time: Optional[str] = None
    expiry_date: Optional[str] = None
    price: Optional[float] = None
    reason: Optional[str] = None
    action_id: Optional[str] = None


@_m
class MailboxOrderEvent(Model):
    """Data of ``mailbox.order.success`` / ``mailbox.order.failed``."""

    domain_id: Optional[str] = None
    domain_name: Optional[str] = None
    user_id: Optional[str] = None
    user_email: Optional[str] = None
    subscription_id: Optional[str] = None
    order_id: Optional[str] = None
    workspace_type: Union[ServiceProvider, str, None] = None
    creation_time: Optional[str] = None
    expiry_date: Optional[str] = None
    price: Optional[float] = None
    quantity: Optional[int] = None
    reason: Optional[str] = None
    action_id: Optional[str] = None


@_m
class MailboxEvent(Model):
    """Data of ``mailbox.created`` (with credentials) / ``mailbox.updated``."""

    _secret_fields: ClassVar[frozenset[str]] = frozenset({"password", "app_password", "authenticator_secret"})

    user_id: Optional[str] = None
    user_email: Optional[str] = None
    order_id: Optional[str] = None
    mailbox_id: Optional[str] = None
    email: Optional[str] = None
    first_name: Optional[str] = None
    last_name: Optional[str] = None
    domain: Optional[str] = None
    domain_id: Optional[str] = None
    subscription_id: Optional[str] = None
    status: Union[MailboxStatus, str, None] = None
    service_provider: Union[ServiceProvider, str, None] = None
    profile_picture: Optional[str] = None
    password: Optional[str] = None
    app_password: Optional[str] = None
    authenticator_secret: Optional[str] = None
    action_id: Optional[str] = None


@_m
class SubscriptionEvent(Model):
    """Data of every ``subscription.*`` event."""

    user_id: Optional[str] = None
    user_email: Optional[str] = None
    subscription_id: Optional[str] = None
    domain_id: Optional[str] = None
    domain: Optional[str] = None
    workspace_type: Union[ServiceProvider, str, None] = None
    quantity: Optional[int] = None
    period_start: Optional[str] = None
    period_end: Optional[str] = None
    auto_renew: Optional[bool] = None
    description: Optional[str] = None
    subscription_status: Union[SubscriptionStatus, str, None] = None
    price_per_mailbox: Optional[float] = None
    reason: Optional[str] = None
    action_id: Optional[str] = None


@_m
class PrewarmedMailbox(Model):
    """A mailbox delivered by a pre-warmup order (with credentials)."""

    _secret_fields: ClassVar[frozenset[str]] = frozenset({"password", "app_password", "authenticator_secret"})

    mailbox_id: Optional[str] = None
    email: Optional[str] = None
    first_name: Optional[str] = None
    last_name: Optional[str] = None
    profile_picture: Optional[str] = None
    password: Optional[str] = None
    app_password: Optional[str] = None
    authenticator_secret: Optional[str] = None
    is_admin: Optional[bool] = None
    warming_up_from: Optional[str] = None
    expiry_date: Optional[str] = None


@_m
class PrewarmupDelivery(Model):
    domain: Optional[str] = None
    subscription_id: Optional[str] = None
    pre_warmed_up_mailboxes: list[PrewarmedMailbox] = field(default_factory=list)
    reason: Optional[str] = None


@_m
class PrewarmupOrderEvent(Model):
    """Data of ``prewarmup.order.success`` / ``prewarmup.order.failed``."""

    user_id: Optional[str] = None
    user_email: Optional[str] = None
    order_id: Optional[str] = None
    service_provider: Union[ServiceProvider, str, None] = None
    mailbox_details: list[PrewarmupDelivery] = field(default_factory=list)
    reason: Optional[str] = None
    action_id: Optional[str] = None
