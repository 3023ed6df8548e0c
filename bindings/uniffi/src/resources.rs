//! Resources: one object per resource, one method per op of
//! `cmr::routes::ALL` and `routes::COMPOSITE` (a unit test checks that every
//! op has its method). Method names are the route table's op names; uniffi
//! turns `check_availability` into `checkAvailability` (Kotlin and Swift).
//!
//! The objects and almost every method are generated from the route table
//! into `resources_generated.rs` (`cargo run -p cmr-codegen -- write`; see
//! `crates/cmr-codegen/src/uniffi.rs`). This file adds the hand-written
//! methods, listed in `HAND_WRITTEN` there, in a second exported `impl` block
//! of their object.

use cmr::models::*;

use crate::client::CmrClient;
use crate::errors::{guard, R};
use crate::pages::page;

include!("resources_generated.rs");

#[uniffi::export(async_runtime = "tokio")]
impl DnsResource {
    /// `dns.add_many`: many records in few requests, paced at 5 req/s; one
    /// result per record, in input order. `batch_size` null = 50.
    pub async fn add_many(&self, user_id: String, records: Vec<BulkDnsRecord>, batch_size: Option<u32>) -> R<BulkResult> {
        guard(async move { Ok(self.c.dns().add_many(&user_id, &records, &BulkOptions { batch_size }).await?) }).await
    }
}

#[uniffi::export(async_runtime = "tokio")]
impl MailboxesResource {
    /// `mailboxes.update_all`: many changes in few requests, paced at 5 req/s;
    /// one result per change, in input order. `batch_size` null = 50.
    pub async fn update_all(&self, user_id: String, changes: Vec<MailboxUpdate>, batch_size: Option<u32>) -> R<BulkResult> {
        guard(async move { Ok(self.c.mailboxes().update_all(&user_id, &changes, &BulkOptions { batch_size }).await?) }).await
    }
}
