use super::Wallet as WalletResource;
use crate::client::Body;
use crate::models::{Ack, SendErrorReport, Wallet};
use crate::{routes, validate, Client, Result};

impl WalletResource<'_> {
    /// Balance of the partner wallet.
    pub async fn get(self) -> Result<Wallet> {
        Ok(self.client.call(&routes::WALLET_GET, &[], Body::None).await?.0)
    }
}

impl Client {
    /// Report a problem to CMR (for example about an `actionId`).
    pub async fn send_error(&self, report: &SendErrorReport) -> Result<Ack> {
        validate::non_empty("message", &report.message)?;
        self.send(&routes::SEND_ERROR, &[], super::json(report)?).await.map(|e| Ack::from_envelope(&e))
    }
}
