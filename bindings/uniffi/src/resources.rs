//! Resources: one object per resource, one method per op of
//! `cmr::routes::ALL` (a unit test checks that every op has its method).
//! Method names are the route table's op names; uniffi turns
//! `check_availability` into `checkAvailability` (Kotlin and Swift).

use cmr::models::*;

use crate::errors::{guard, R};
use crate::pages::{MailboxPage, PrewarmupPage, SubscriptionPage, UserPage};

macro_rules! resource_struct {
    ($($(#[$m:meta])* $name:ident;)*) => {
        $(
            $(#[$m])*
            #[derive(uniffi::Object)]
            pub struct $name {
                pub(crate) c: cmr::Client,
            }
        )*
    };
}

resource_struct! {
    /// `client.users()`: customers of the partner.
    UsersResource;
    /// `client.geo()`: countries and states.
    GeoResource;
    /// `client.domains()`.
    DomainsResource;
    /// `client.dns()`: DNS records of a user's domains.
    DnsResource;
    /// `client.orders()`: domain and mailbox orders.
    OrdersResource;
    /// `client.mailboxes()`.
    MailboxesResource;
    /// `client.subscriptions()`.
    SubscriptionsResource;
    /// `client.exports()`: platform exports and credentials.
    ExportsResource;
    /// `client.prewarmup()`: pre-warmed domains.
    PrewarmupResource;
    /// `client.wallet()`.
    WalletResource;
}

#[uniffi::export(async_runtime = "tokio")]
impl UsersResource {
    /// `users.list` (one page; pass `params.page` for the next one).
    #[uniffi::method(default(params = None))]
    pub async fn list(&self, params: Option<ListUsersParams>) -> R<UserPage> {
        guard(async move {
            Ok(self
                .c
                .users()
                .list(&params.unwrap_or_default())
                .await?
                .into())
        })
        .await
    }
    /// `users.get`.
    pub async fn get(&self, user_id: String) -> R<User> {
        guard(async move {
            Ok(self.c.users().get(&user_id).await?)
        })
        .await
    }
    /// `users.create`.
    pub async fn create(&self, user: CreateUser) -> R<User> {
        guard(async move {
            Ok(self.c.users().create(&user).await?)
        })
        .await
    }
    /// `users.update`: only the fields set are sent.
    pub async fn update(&self, user_id: String, changes: UpdateUser) -> R<Ack> {
        guard(async move {
            Ok(self.c.users().update(&user_id, &changes).await?)
        })
        .await
    }
    /// `users.find_by_email`: the user with this e-mail, or null. Call it
    /// after a `create` that failed with `mayHaveBeenSent` before creating again.
    pub async fn find_by_email(&self, email: String) -> R<Option<User>> {
        guard(async move { Ok(self.c.users().find_by_email(&email).await?) }).await
    }
    /// `users.delete`.
    pub async fn delete(&self, user_id: String) -> R<Ack> {
        guard(async move {
            Ok(self.c.users().delete(&user_id).await?)
        })
        .await
    }
}

#[uniffi::export(async_runtime = "tokio")]
impl GeoResource {
    /// `geo.countries`, sorted by name.
    pub async fn countries(&self) -> R<Vec<Country>> {
        guard(async move {
            Ok(self.c.geo().countries().await?)
        })
        .await
    }
    /// `geo.states`.
    pub async fn states(&self, country_code: String) -> R<Vec<State>> {
        guard(async move {
            Ok(self.c.geo().states(&country_code).await?)
        })
        .await
    }
}

#[uniffi::export(async_runtime = "tokio")]
impl DomainsResource {
    /// `domains.list`.
    pub async fn list(&self, user_id: String) -> R<Vec<Domain>> {
        guard(async move {
            Ok(self.c.domains().list(&user_id).await?)
        })
        .await
    }
    /// `domains.suggest`.
    pub async fn suggest(
        &self,
        user_id: String,
        req: SuggestDomains,
    ) -> R<Vec<DomainAvailability>> {
        guard(async move {
            Ok(self.c.domains().suggest(&user_id, &req).await?)
        })
        .await
    }
    /// `domains.check_availability`.
    pub async fn check_availability(
        &self,
        user_id: String,
        domain: String,
    ) -> R<DomainAvailability> {
        guard(async move {
            Ok(self
                .c
                .domains()
                .check_availability(&user_id, &domain)
                .await?)
        })
        .await
    }
    /// `domains.check_workspace`.
    pub async fn check_workspace(&self, user_id: String, req: CheckWorkspace) -> R<WorkspaceCheck> {
        guard(async move {
            Ok(self.c.domains().check_workspace(&user_id, &req).await?)
        })
        .await
    }
    /// `domains.add_forwarding` (asynchronous: see the `actionId`).
    pub async fn add_forwarding(&self, user_id: String, req: DomainForwarding) -> R<Ack> {
        guard(async move {
            Ok(self.c.domains().add_forwarding(&user_id, &req).await?)
        })
        .await
    }
    /// `domains.add_email_forwarding` (asynchronous).
    pub async fn add_email_forwarding(&self, user_id: String, req: EmailForwarding) -> R<Ack> {
        guard(async move {
            Ok(self
                .c
                .domains()
                .add_email_forwarding(&user_id, &req)
                .await?)
        })
        .await
    }
    /// `domains.add_google_client_id`.
    pub async fn add_google_client_id(&self, user_id: String, req: GoogleClientId) -> R<Ack> {
        guard(async move {
            Ok(self
                .c
                .domains()
                .add_google_client_id(&user_id, &req)
                .await?)
        })
        .await
    }
    /// `domains.remove` (asynchronous).
    pub async fn remove(&self, user_id: String, domains: Vec<String>) -> R<Ack> {
        guard(async move {
            Ok(self.c.domains().remove(&user_id, &domains).await?)
        })
        .await
    }
    /// `domains.renewal_price`.
    pub async fn renewal_price(&self, req: DomainRenewal) -> R<Vec<DomainRenewalItem>> {
        guard(async move {
            Ok(self.c.domains().renewal_price(&req).await?)
        })
        .await
    }
    /// `domains.renew` (asynchronous).
    pub async fn renew(&self, req: DomainRenewal) -> R<DomainRenewResult> {
        guard(async move {
            Ok(self.c.domains().renew(&req).await?)
        })
        .await
    }
    /// `domains.toggle_auto_renew`.
    pub async fn toggle_auto_renew(&self, req: ToggleDomainAutoRenew) -> R<Vec<DomainAutoRenew>> {
        guard(async move {
            Ok(self.c.domains().toggle_auto_renew(&req).await?)
        })
        .await
    }
}

#[uniffi::export(async_runtime = "tokio")]
impl DnsResource {
    /// `dns.list`.
    pub async fn list(&self, user_id: String, domain: String) -> R<DnsRecords> {
        guard(async move {
            Ok(self.c.dns().list(&user_id, &domain).await?)
        })
        .await
    }
    /// `dns.add`.
    pub async fn add(&self, user_id: String, req: AddDnsRecords) -> R<Vec<DnsRecord>> {
        guard(async move {
            Ok(self.c.dns().add(&user_id, &req).await?)
        })
        .await
    }
    /// `dns.update`.
    pub async fn update(&self, user_id: String, req: UpdateDnsRecord) -> R<Ack> {
        guard(async move {
            Ok(self.c.dns().update(&user_id, &req).await?)
        })
        .await
    }
    /// `dns.delete`.
    pub async fn delete(&self, user_id: String, record_id: String) -> R<Ack> {
        guard(async move {
            Ok(self.c.dns().delete(&user_id, &record_id).await?)
        })
        .await
    }
    /// `dns.add_many`: many records in few requests, paced at 5 req/s; one
    /// result per record, in input order. `batch_size` null = 50.
    pub async fn add_many(&self, user_id: String, records: Vec<BulkDnsRecord>, batch_size: Option<u32>) -> R<BulkResult> {
        guard(async move { Ok(self.c.dns().add_many(&user_id, &records, &BulkOptions { batch_size }).await?) }).await
    }
    /// `dns.find`: the record with this type, host and value, or null ("was it applied?").
    pub async fn find(
        &self,
        user_id: String,
        domain: String,
        record_type: RecordType,
        host: String,
        value: String,
    ) -> R<Option<DnsRecord>> {
        guard(async move { Ok(self.c.dns().find(&user_id, &domain, &record_type, &host, &value).await?) }).await
    }
}

#[uniffi::export(async_runtime = "tokio")]
impl OrdersResource {
    /// `orders.create` (JSON body; asynchronous).
    pub async fn create(&self, user_id: String, order: CreateOrder) -> R<OrderCreated> {
        guard(async move {
            Ok(self.c.orders().create(&user_id, &order).await?)
        })
        .await
    }
    /// `orders.create_multipart`: the same order with profile pictures.
    pub async fn create_multipart(
        &self,
        user_id: String,
        order: CreateOrder,
        files: Vec<ProfilePicture>,
    ) -> R<OrderCreated> {
        guard(async move {
            Ok(self
                .c
                .orders()
                .create_multipart(&user_id, &order, &files)
                .await?)
        })
        .await
    }
    /// `orders.order_mailboxes`: mailboxes on a domain CMR already has.
    pub async fn order_mailboxes(&self, user_id: String, order: MailboxOrder) -> R<OrderCreated> {
        guard(async move {
            Ok(self.c.orders().order_mailboxes(&user_id, &order).await?)
        })
        .await
    }
    /// `orders.add_mailboxes_to_subscription` (deprecated upstream: use `orderMailboxes`).
    pub async fn add_mailboxes_to_subscription(
        &self,
        user_id: String,
        req: AddMailboxesToSubscription,
        files: Vec<ProfilePicture>,
    ) -> R<OrderCreated> {
        guard(async move {
            #[allow(deprecated)]
            let r = self
                .c
                .orders()
                .add_mailboxes_to_subscription(&user_id, &req, &files)
                .await?;
            Ok(r)
        })
        .await
    }
    /// `orders.process`.
    pub async fn process(&self, user_id: String, order_id: String) -> R<Ack> {
        guard(async move {
            Ok(self.c.orders().process(&user_id, &order_id).await?)
        })
        .await
    }
    /// `orders.status`.
    pub async fn status(&self, user_id: String, order_id: String) -> R<OrderStatus> {
        guard(async move {
            Ok(self.c.orders().status(&user_id, &order_id).await?)
        })
        .await
    }
    /// `orders.find_by_domain`: the user's record of this domain (PENDING
    /// while its order is processed), or null when CMR has no trace of an
    /// order for it. Call it after a `create` that failed with
    /// `mayHaveBeenSent` before ordering again.
    pub async fn find_by_domain(&self, user_id: String, domain: String) -> R<Option<Domain>> {
        guard(async move { Ok(self.c.orders().find_by_domain(&user_id, &domain).await?) }).await
    }
    /// `orders.get`.
    pub async fn get(&self, user_id: String, order_id: String) -> R<Order> {
        guard(async move {
            Ok(self.c.orders().get(&user_id, &order_id).await?)
        })
        .await
    }
}

#[uniffi::export(async_runtime = "tokio")]
impl MailboxesResource {
    /// `mailboxes.list_all`: every mailbox of the partner, one page.
    #[uniffi::method(default(params = None))]
    pub async fn list_all(&self, params: Option<ListMailboxesParams>) -> R<MailboxPage> {
        guard(async move {
            Ok(self
                .c
                .mailboxes()
                .list_all(&params.unwrap_or_default())
                .await?
                .into())
        })
        .await
    }
    /// `mailboxes.list`: every mailbox of one user.
    pub async fn list(&self, user_id: String) -> R<Vec<Mailbox>> {
        guard(async move {
            Ok(self.c.mailboxes().list(&user_id).await?)
        })
        .await
    }
    /// `mailboxes.get`.
    #[uniffi::method(default(user_id = None))]
    pub async fn get(&self, mailbox_id: String, user_id: Option<String>) -> R<Mailbox> {
        guard(async move {
            Ok(self
                .c
                .mailboxes()
                .get(&mailbox_id, user_id.as_deref())
                .await?)
        })
        .await
    }
    /// `mailboxes.admin_details`.
    pub async fn admin_details(
        &self,
        user_id: String,
        mailbox_id: String,
    ) -> R<MailboxAdminDetails> {
        guard(async move {
            Ok(self
                .c
                .mailboxes()
                .admin_details(&user_id, &mailbox_id)
                .await?)
        })
        .await
    }
    /// `mailboxes.update` (asynchronous).
    pub async fn update(&self, user_id: String, change: MailboxUpdate) -> R<MailboxUpdateResult> {
        guard(async move {
            Ok(self.c.mailboxes().update(&user_id, &change).await?)
        })
        .await
    }
    /// `mailboxes.update_many` (asynchronous; per-item results).
    pub async fn update_many(
        &self,
        user_id: String,
        changes: Vec<MailboxUpdate>,
    ) -> R<MailboxUpdateResult> {
        guard(async move {
            Ok(self.c.mailboxes().update_many(&user_id, &changes).await?)
        })
        .await
    }
    /// `mailboxes.update_all`: many changes in few requests, paced at 5 req/s;
    /// one result per change, in input order. `batch_size` null = 50.
    pub async fn update_all(&self, user_id: String, changes: Vec<MailboxUpdate>, batch_size: Option<u32>) -> R<BulkResult> {
        guard(async move { Ok(self.c.mailboxes().update_all(&user_id, &changes, &BulkOptions { batch_size }).await?) }).await
    }
    /// `mailboxes.remove` (asynchronous).
    pub async fn remove(&self, user_id: String, mailbox_id: String) -> R<Ack> {
        guard(async move {
            Ok(self.c.mailboxes().remove(&user_id, &mailbox_id).await?)
        })
        .await
    }
}

#[uniffi::export(async_runtime = "tokio")]
impl SubscriptionsResource {
    /// `subscriptions.list` (one page).
    #[uniffi::method(default(params = None))]
    pub async fn list(&self, params: Option<ListSubscriptionsParams>) -> R<SubscriptionPage> {
        guard(async move {
            Ok(self
                .c
                .subscriptions()
                .list(&params.unwrap_or_default())
                .await?
                .into())
        })
        .await
    }
    /// `subscriptions.renew` (asynchronous).
    pub async fn renew(&self, subscription_ids: Vec<String>) -> R<Ack> {
        guard(async move {
            Ok(self.c.subscriptions().renew(&subscription_ids).await?)
        })
        .await
    }
    /// `subscriptions.cancel` (asynchronous).
    pub async fn cancel(&self, req: CancelSubscription) -> R<Ack> {
        guard(async move {
            Ok(self.c.subscriptions().cancel(&req).await?)
        })
        .await
    }
    /// `subscriptions.toggle_auto_renew`.
    pub async fn toggle_auto_renew(&self, req: ToggleSubscriptionAutoRenew) -> R<Ack> {
        guard(async move {
            Ok(self.c.subscriptions().toggle_auto_renew(&req).await?)
        })
        .await
    }
    /// `subscriptions.recreate` (asynchronous).
    pub async fn recreate(&self, req: RecreateSubscriptions) -> R<Ack> {
        guard(async move {
            Ok(self.c.subscriptions().recreate(&req).await?)
        })
        .await
    }
}

#[uniffi::export(async_runtime = "tokio")]
impl ExportsResource {
    /// `exports.reexport` (asynchronous).
    pub async fn reexport(&self, user_id: String, mailbox_id: String) -> R<Ack> {
        guard(async move {
            Ok(self.c.exports().reexport(&user_id, &mailbox_id).await?)
        })
        .await
    }
    /// `exports.list_credentials`.
    pub async fn list_credentials(&self, user_id: String) -> R<Vec<PlatformConnection>> {
        guard(async move {
            Ok(self.c.exports().list_credentials(&user_id).await?)
        })
        .await
    }
    /// `exports.add_credential`.
    pub async fn add_credential(
        &self,
        user_id: String,
        req: AddPlatformCredential,
    ) -> R<CredentialCreated> {
        guard(async move {
            Ok(self.c.exports().add_credential(&user_id, &req).await?)
        })
        .await
    }
    /// `exports.remove_credential`.
    pub async fn remove_credential(&self, user_id: String, credential_id: String) -> R<Ack> {
        guard(async move {
            Ok(self
                .c
                .exports()
                .remove_credential(&user_id, &credential_id)
                .await?)
        })
        .await
    }
    /// `exports.export_mailboxes` (asynchronous).
    pub async fn export_mailboxes(&self, user_id: String, req: ExportMailboxes) -> R<Ack> {
        guard(async move {
            Ok(self.c.exports().export_mailboxes(&user_id, &req).await?)
        })
        .await
    }
}

#[uniffi::export(async_runtime = "tokio")]
impl PrewarmupResource {
    /// `prewarmup.list` (one page).
    #[uniffi::method(default(params = None))]
    pub async fn list(&self, params: Option<ListPrewarmupParams>) -> R<PrewarmupPage> {
        guard(async move {
            Ok(self
                .c
                .prewarmup()
                .list(&params.unwrap_or_default())
                .await?
                .into())
        })
        .await
    }
    /// `prewarmup.order` (asynchronous).
    pub async fn order(&self, user_id: String, order: PrewarmupOrder) -> R<PrewarmupOrderCreated> {
        guard(async move {
            Ok(self.c.prewarmup().order(&user_id, &order).await?)
        })
        .await
    }
    /// `prewarmup.sandbox_list`.
    #[uniffi::method(default(service_provider = None))]
    pub async fn sandbox_list(
        &self,
        service_provider: Option<ServiceProvider>,
    ) -> R<Vec<PrewarmupDomain>> {
        guard(async move {
            Ok(self
                .c
                .prewarmup()
                .sandbox_list(service_provider.as_ref())
                .await?)
        })
        .await
    }
    /// `prewarmup.sandbox_order` (asynchronous).
    pub async fn sandbox_order(
        &self,
        user_id: String,
        order: PrewarmupOrder,
    ) -> R<PrewarmupOrderCreated> {
        guard(async move {
            Ok(self.c.prewarmup().sandbox_order(&user_id, &order).await?)
        })
        .await
    }
    /// `prewarmup.sandbox_reset`.
    pub async fn sandbox_reset(&self) -> R<Ack> {
        guard(async move {
            Ok(self.c.prewarmup().sandbox_reset().await?)
        })
        .await
    }
}

#[uniffi::export(async_runtime = "tokio")]
impl WalletResource {
    /// `wallet.get`.
    pub async fn get(&self) -> R<Wallet> {
        guard(async move {
            Ok(self.c.wallet().get().await?)
        })
        .await
    }
}

