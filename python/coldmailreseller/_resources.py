"""Resources of the blocking :class:`cmr.Client`: every operation of the route
table (``crates/cmr/src/routes.rs``) as a typed method.

``_async_resources.py`` is generated from this file by ``tools/unasync.py``
(a test fails when it is stale): edit this file, then run the tool.
"""

from __future__ import annotations

import warnings
from typing import TYPE_CHECKING, Any, Callable, List, Mapping, Optional, Sequence, TypeVar, Union

from ._base import SyncPage, camel, dump
from ._models import (
    Ack,
    BillingCycle,
    BulkDnsRecord,
    BulkResult,
    Country,
    CredentialCreated,
    DnsRecord,
    DnsRecords,
    Domain,
    DomainAutoRenew,
    DomainAvailability,
    DomainRenewalItem,
    DomainRenewResult,
    GoogleConfig,
    Mailbox,
    MailboxAdminDetails,
    MailboxUpdate,
    MailboxUpdateResult,
    NewDnsRecord,
    NewMailbox,
    Order,
    OrderCreated,
    OrderDomain,
    OrderStatus,
    PlatformApp,
    PlatformConnection,
    PlatformLogin,
    PlatformMetadata,
    PrewarmupDomain,
    PrewarmupItem,
    PrewarmupOrderCreated,
    ProfilePicture,
    RecordType,
    SandboxScenario,
    ServiceProvider,
    State,
    Subscription,
    SubscriptionStatus,
    User,
    Wallet,
    WorkspaceCheck,
)

if TYPE_CHECKING:
    from ._client import Client as _Owner

T = TypeVar("T")

# Inputs accept the models or plain mappings (snake_case or camelCase keys).
MailboxesArg = Mapping[str, Sequence[Union[NewMailbox, Mapping[str, Any]]]]
GoogleArg = Union[GoogleConfig, Mapping[str, Any]]


def _args(params: dict[str, Any]) -> dict[str, Any]:
    """A method's parameters (its ``locals()``) -> camelCase operation arguments."""
    return {camel(k): dump(v) for k, v in params.items() if k != "self" and v is not None}


def _list_of(conv: Callable[[Any], T]) -> Callable[[Any], list[T]]:
    return lambda v: [conv(x) for x in (v or [])]


def _optional(conv: Callable[[Any], T]) -> Callable[[Any], Optional[T]]:
    return lambda v: None if v is None else conv(v)


class _Resource:
    def __init__(self, client: "_Owner") -> None:
        self._c = client

    def __repr__(self) -> str:
        return f"<{type(self).__name__} resource>"


class Users(_Resource):
    """The partner's customers."""

    def list(self, *, page: Optional[int] = None, limit: Optional[int] = None, search: Optional[str] = None) -> SyncPage[User]:
        """One page of users; iterate it to walk every page."""
        return self._c._page("users.list", _args(locals()), User.from_dict)

    def get(self, *, user_id: str) -> User:
        return self._c._call("users.get", _args(locals()), User.from_dict)

    def find_by_email(self, *, email: str) -> Optional[User]:
        """The user with this e-mail (case-insensitive), or ``None``.

        Call it after a ``create`` that failed with ``may_have_been_sent`` before
        creating the user again."""
        return self._c._call("users.find_by_email", _args(locals()), _optional(User.from_dict))

    def create(
        self,
        *,
        email: str,
        company: str,
        first_name: str,
        last_name: str,
        country: str,
        city: str,
        address_line_one: str,
        language_preference: str,
        postal_code: str,
        state: str,
        phone_cc: str,
        phone: str,
        address_line_two: Optional[str] = None,
        address_line_three: Optional[str] = None,
    ) -> User:
        """Create a customer (``country``: ISO alpha-2; ``phone_cc`` without ``+``)."""
        return self._c._call("users.create", _args(locals()), User.from_dict)

    def update(
        self,
        *,
        user_id: str,
        email: Optional[str] = None,
        company: Optional[str] = None,
        first_name: Optional[str] = None,
        last_name: Optional[str] = None,
        country: Optional[str] = None,
        city: Optional[str] = None,
        address_line_one: Optional[str] = None,
        address_line_two: Optional[str] = None,
        address_line_three: Optional[str] = None,
        language_preference: Optional[str] = None,
        postal_code: Optional[str] = None,
        state: Optional[str] = None,
        phone_cc: Optional[str] = None,
        phone: Optional[str] = None,
    ) -> Ack:
        """Change the fields given (the others are left as they are)."""
        return self._c._call("users.update", _args(locals()), Ack.from_dict)

    def delete(self, *, user_id: str) -> Ack:
        return self._c._call("users.delete", _args(locals()), Ack.from_dict)


class Geo(_Resource):
    """Countries and states (reference data for ``users.create``)."""

    def countries(self) -> List[Country]:
        return self._c._call("geo.countries", {}, _list_of(Country.from_dict))

    def states(self, *, country_code: str) -> List[State]:
        return self._c._call("geo.states", _args(locals()), _list_of(State.from_dict))


class Domains(_Resource):
    """Domains of a user: availability, forwarding, renewal."""

    def list(self, *, user_id: str) -> List[Domain]:
        return self._c._call("domains.list", _args(locals()), _list_of(Domain.from_dict))

    def suggest(
        self, *, user_id: str, query: str, tlds: Optional[Sequence[str]] = None, limit: Optional[int] = None
    ) -> List[DomainAvailability]:
        return self._c._call("domains.suggest", _args(locals()), _list_of(DomainAvailability.from_dict))

    def check_availability(self, *, user_id: str, domain: str) -> DomainAvailability:
        return self._c._call("domains.check_availability", _args(locals()), DomainAvailability.from_dict)

    def check_workspace(
        self, *, user_id: str, domain: str, service_provider: Union[ServiceProvider, str, None] = None
    ) -> WorkspaceCheck:
        return self._c._call("domains.check_workspace", _args(locals()), WorkspaceCheck.from_dict)

    def add_forwarding(
        self, *, user_id: str, domain: str, forward_to: str, mask_forwarding: Optional[bool] = None
    ) -> Ack:
        """Forward the domain to a URL (asynchronous: ``action_id``)."""
        return self._c._call("domains.add_forwarding", _args(locals()), Ack.from_dict)

    def add_email_forwarding(self, *, user_id: str, domain: str, forward_to: str) -> Ack:
        """Catch-all e-mail forwarding (needs ACTIVE mailboxes)."""
        return self._c._call("domains.add_email_forwarding", _args(locals()), Ack.from_dict)

    def add_google_client_id(self, *, user_id: str, domain: str, client_id: str, app_name: Optional[str] = None) -> Ack:
        return self._c._call("domains.add_google_client_id", _args(locals()), Ack.from_dict)

    def remove(self, *, user_id: str, domains: Sequence[str]) -> Ack:
        return self._c._call("domains.remove", _args(locals()), Ack.from_dict)

    def renewal_price(
        self, *, user_id: str, domains: Optional[Sequence[str]] = None, years: Optional[int] = None
    ) -> List[DomainRenewalItem]:
        """Price of renewing ``domains`` (all eligible ones when omitted)."""
        return self._c._call("domains.renewal_price", _args(locals()), _list_of(DomainRenewalItem.from_dict))

    def renew(
        self, *, user_id: str, domains: Optional[Sequence[str]] = None, years: Optional[int] = None
    ) -> DomainRenewResult:
        return self._c._call("domains.renew", _args(locals()), DomainRenewResult.from_dict)

    def toggle_auto_renew(
        self, *, user_id: str, auto_renew: bool, domains: Optional[Sequence[str]] = None
    ) -> List[DomainAutoRenew]:
        return self._c._call("domains.toggle_auto_renew", _args(locals()), _list_of(DomainAutoRenew.from_dict))


class Dns(_Resource):
    """DNS records of a domain."""

    def list(self, *, user_id: str, domain: str) -> DnsRecords:
        return self._c._call("dns.list", _args(locals()), DnsRecords.from_dict)

    def add(
        self, *, user_id: str, domain: str, records: Sequence[Union[NewDnsRecord, Mapping[str, Any]]]
    ) -> List[DnsRecord]:
        return self._c._call("dns.add", _args(locals()), _list_of(DnsRecord.from_dict))

    def update(
        self,
        *,
        user_id: str,
        record_id: str,
        domain: str,
        host: str,
        value: str,
        record_type: Union[RecordType, str],
        priority: Optional[int] = None,
        excluded_dmarc_tags: Optional[Sequence[str]] = None,
    ) -> Ack:
        """Replace a record with the complete new one."""
        return self._c._call("dns.update", _args(locals()), Ack.from_dict)

    def delete(self, *, user_id: str, record_id: str) -> Ack:
        return self._c._call("dns.delete", _args(locals()), Ack.from_dict)

    def add_many(
        self,
        *,
        user_id: str,
        records: Sequence[Union[BulkDnsRecord, Mapping[str, Any]]],
        batch_size: Optional[int] = None,
    ) -> BulkResult:
        """Add many records (any domains of the user) in few requests, paced at
        CMR's 5 req/s. One result per record, in input order: ``succeeded``,
        ``failed`` (not applied) or ``maybe_applied`` (check with :meth:`find`)."""
        return self._c._call("dns.add_many", _args(locals()), BulkResult.from_dict)

    def find(
        self, *, user_id: str, domain: str, record_type: Union[RecordType, str], host: str, value: str
    ) -> Optional[DnsRecord]:
        """Was it applied? The record with this type, host and value, or ``None``."""
        return self._c._call("dns.find", _args(locals()), lambda v: None if v is None else DnsRecord.from_dict(v))


class Orders(_Resource):
    """Orders of domains and mailboxes."""

    def create(
        self,
        *,
        user_id: str,
        domains: Sequence[Union[OrderDomain, Mapping[str, Any]]] = (),
        mailboxes: Optional[MailboxesArg] = None,
        billing_cycle: Union[BillingCycle, str, None] = None,
        confirm: Optional[bool] = None,
        service_provider: Union[ServiceProvider, str, None] = None,
        microsoft_oauth_route: Optional[str] = None,
        google: Optional[GoogleArg] = None,
        auto_renew: Optional[bool] = None,
    ) -> OrderCreated:
        """Order domains and mailboxes (``mailboxes`` keyed by domain name).
        ``confirm=True`` queues it now; webhooks report the progress."""
        return self._c._call("orders.create", _args(locals()), OrderCreated.from_dict)

    def create_multipart(
        self,
        *,
        user_id: str,
        domains: Sequence[Union[OrderDomain, Mapping[str, Any]]] = (),
        mailboxes: Optional[MailboxesArg] = None,
        billing_cycle: Union[BillingCycle, str, None] = None,
        confirm: Optional[bool] = None,
        service_provider: Union[ServiceProvider, str, None] = None,
        microsoft_oauth_route: Optional[str] = None,
        google: Optional[GoogleArg] = None,
        auto_renew: Optional[bool] = None,
        files: Sequence[Union[ProfilePicture, Mapping[str, Any]]] = (),
    ) -> OrderCreated:
        """:meth:`create` as multipart/form-data, with profile picture files."""
        return self._c._call("orders.create_multipart", _args(locals()), OrderCreated.from_dict)

    def order_mailboxes(
        self,
        *,
        user_id: str,
        mailboxes: MailboxesArg,
        subscription_id: Optional[str] = None,
        domain_id: Optional[str] = None,
        auto_renew: Optional[bool] = None,
        confirm: Optional[bool] = None,
        service_provider: Union[ServiceProvider, str, None] = None,
        microsoft_oauth_route: Optional[str] = None,
        google: Optional[GoogleArg] = None,
    ) -> OrderCreated:
        """Mailboxes on a domain CMR already has: exactly one of ``subscription_id``
        and ``domain_id``."""
        return self._c._call("orders.order_mailboxes", _args(locals()), OrderCreated.from_dict)

    def add_mailboxes_to_subscription(
        self,
        *,
        user_id: str,
        subscription_id: str,
        mailboxes: MailboxesArg,
        confirm: Optional[bool] = None,
        google: Optional[GoogleArg] = None,
        auto_renew: Optional[bool] = None,
        files: Sequence[Union[ProfilePicture, Mapping[str, Any]]] = (),
    ) -> OrderCreated:
        """Deprecated upstream: use :meth:`order_mailboxes`."""
        warnings.warn(
            "orders.add_mailboxes_to_subscription is deprecated by CMR; use orders.order_mailboxes",
            DeprecationWarning,
            stacklevel=2,
        )
        return self._c._call("orders.add_mailboxes_to_subscription", _args(locals()), OrderCreated.from_dict)

    def process(self, *, user_id: str, order_id: str) -> Ack:
        """Queue an order created with ``confirm=False``."""
        return self._c._call("orders.process", _args(locals()), Ack.from_dict)

    def status(self, *, user_id: str, order_id: str) -> OrderStatus:
        return self._c._call("orders.status", _args(locals()), OrderStatus.from_dict)

    def get(self, *, user_id: str, order_id: str) -> Order:
        return self._c._call("orders.get", _args(locals()), Order.from_dict)

    def find_by_domain(self, *, user_id: str, domain: str) -> Optional[Domain]:
        """Was an order for ``domain`` applied? The user's record of that domain
        (status ``PENDING`` while the order is processed), or ``None`` when CMR has
        no trace of it. Call it after a ``create`` that failed with
        ``may_have_been_sent`` before ordering again."""
        return self._c._call("orders.find_by_domain", _args(locals()), _optional(Domain.from_dict))


class Mailboxes(_Resource):
    """Mailboxes."""

    def list_all(self, *, page: Optional[int] = None, limit: Optional[int] = None) -> SyncPage[Mailbox]:
        """Every mailbox of the partner, one page at a time; iterate to walk them all."""
        return self._c._page("mailboxes.list_all", _args(locals()), Mailbox.from_dict)

    def list(self, *, user_id: str) -> List[Mailbox]:
        """Every mailbox of one user."""
        return self._c._call("mailboxes.list", _args(locals()), _list_of(Mailbox.from_dict))

    def get(self, *, mailbox_id: str, user_id: Optional[str] = None) -> Mailbox:
        return self._c._call("mailboxes.get", _args(locals()), Mailbox.from_dict)

    def admin_details(self, *, user_id: str, mailbox_id: str) -> MailboxAdminDetails:
        return self._c._call("mailboxes.admin_details", _args(locals()), MailboxAdminDetails.from_dict)

    def update(
        self,
        *,
        user_id: str,
        mailbox_id: str,
        user_name: Optional[str] = None,
        first_name: Optional[str] = None,
        last_name: Optional[str] = None,
        profile_picture: Optional[str] = None,
        remove_profile_picture: Optional[bool] = None,
    ) -> MailboxUpdateResult:
        return self._c._call("mailboxes.update", _args(locals()), MailboxUpdateResult.from_dict)

    def update_many(
        self, *, user_id: str, mailbox_data: Sequence[Union[MailboxUpdate, Mapping[str, Any]]]
    ) -> MailboxUpdateResult:
        """Bulk update; ``results`` holds one outcome per mailbox."""
        return self._c._call("mailboxes.update_many", _args(locals()), MailboxUpdateResult.from_dict)

    def update_all(
        self,
        *,
        user_id: str,
        changes: Sequence[Union[MailboxUpdate, Mapping[str, Any]]],
        batch_size: Optional[int] = None,
    ) -> BulkResult:
        """Apply many mailbox changes in few requests, paced at CMR's 5 req/s.
        One result per change, in input order (see :class:`BulkResult`)."""
        return self._c._call("mailboxes.update_all", _args(locals()), BulkResult.from_dict)

    def remove(self, *, user_id: str, mailbox_id: str) -> Ack:
        return self._c._call("mailboxes.remove", _args(locals()), Ack.from_dict)


class Subscriptions(_Resource):
    """Mailbox subscriptions."""

    def list(
        self,
        *,
        status: Union[SubscriptionStatus, str, None] = None,
        component_subscription_id: Optional[str] = None,
        domain: Optional[str] = None,
        user_id: Optional[str] = None,
        page: Optional[int] = None,
        limit: Optional[int] = None,
    ) -> SyncPage[Subscription]:
        """One page of subscriptions; iterate it to walk every page."""
        return self._c._page("subscriptions.list", _args(locals()), Subscription.from_dict)

    def renew(self, *, subscription_ids: Sequence[str]) -> Ack:
        return self._c._call("subscriptions.renew", _args(locals()), Ack.from_dict)

    def cancel(self, *, subscription_id: Optional[str] = None, domain: Optional[str] = None) -> Ack:
        """Cancel by ``subscription_id`` or by ``domain`` (exactly one)."""
        return self._c._call("subscriptions.cancel", _args(locals()), Ack.from_dict)

    def toggle_auto_renew(self, *, subscription_ids: Sequence[str], auto_renew: bool) -> Ack:
        return self._c._call("subscriptions.toggle_auto_renew", _args(locals()), Ack.from_dict)

    def recreate(
        self, *, subscription_ids: Optional[Sequence[str]] = None, domain_names: Optional[Sequence[str]] = None
    ) -> Ack:
        """Recreate cancelled subscriptions, by ids or by domain names (exactly one)."""
        return self._c._call("subscriptions.recreate", _args(locals()), Ack.from_dict)


class Exports(_Resource):
    """Mailbox exports to sending platforms."""

    def reexport(self, *, user_id: str, mailbox_id: str) -> Ack:
        return self._c._call("exports.reexport", _args(locals()), Ack.from_dict)

    def list_credentials(self, *, user_id: str) -> List[PlatformConnection]:
        return self._c._call("exports.list_credentials", _args(locals()), _list_of(PlatformConnection.from_dict))

    def add_credential(
        self,
        *,
        user_id: str,
        credentials: Union[PlatformLogin, Mapping[str, Any]],
        metadata: Union[PlatformMetadata, Mapping[str, Any], None] = None,
        app: Union[PlatformApp, str] = PlatformApp.EMAILBISON,
    ) -> CredentialCreated:
        if metadata is None:
            metadata = {}
        return self._c._call("exports.add_credential", _args(locals()), CredentialCreated.from_dict)

    def remove_credential(self, *, user_id: str, credential_id: str) -> Ack:
        return self._c._call("exports.remove_credential", _args(locals()), Ack.from_dict)

    def export_mailboxes(self, *, user_id: str, credential_id: str, component_mailbox_ids: Sequence[str]) -> Ack:
        """Export ACTIVE mailboxes to the platform of ``credential_id``."""
        return self._c._call("exports.export_mailboxes", _args(locals()), Ack.from_dict)


class Prewarmup(_Resource):
    """Pre-warmed domain packages."""

    def list(
        self,
        *,
        service_provider: Union[ServiceProvider, str, None] = None,
        contains: Optional[str] = None,
        page: Optional[int] = None,
        limit: Optional[int] = None,
    ) -> SyncPage[PrewarmupDomain]:
        """One page of the inventory; iterate it to walk every page."""
        return self._c._page("prewarmup.list", _args(locals()), PrewarmupDomain.from_dict)

    def order(
        self,
        *,
        user_id: str,
        order: Sequence[Union[PrewarmupItem, Mapping[str, Any]]],
        service_provider: Union[ServiceProvider, str],
        google: Optional[GoogleArg] = None,
        microsoft_oauth_route: Optional[str] = None,
        auto_renew: Optional[bool] = None,
    ) -> PrewarmupOrderCreated:
        return self._c._call("prewarmup.order", _args(locals()), PrewarmupOrderCreated.from_dict)

    def sandbox_list(self, *, service_provider: Union[ServiceProvider, str, None] = None) -> List[PrewarmupDomain]:
        return self._c._call("prewarmup.sandbox_list", _args(locals()), _list_of(PrewarmupDomain.from_dict))

    def sandbox_order(
        self,
        *,
        user_id: str,
        order: Sequence[Union[PrewarmupItem, Mapping[str, Any]]],
        service_provider: Union[ServiceProvider, str],
        google: Optional[GoogleArg] = None,
        microsoft_oauth_route: Optional[str] = None,
        auto_renew: Optional[bool] = None,
        scenario: Union[SandboxScenario, str, None] = None,
    ) -> PrewarmupOrderCreated:
        """A sandbox pre-warmup order; ``scenario`` picks the webhooks fired."""
        return self._c._call("prewarmup.sandbox_order", _args(locals()), PrewarmupOrderCreated.from_dict)

    def sandbox_reset(self) -> Ack:
        return self._c._call("prewarmup.sandbox_reset", {}, Ack.from_dict)


class WalletResource(_Resource):
    """The partner wallet."""

    def get(self) -> Wallet:
        return self._c._call("wallet.get", {}, Wallet.from_dict)
