use crate::client::Body;
use crate::models::{Country, State};
use crate::{routes, Result};

impl super::Geo<'_> {
    /// Every country, sorted by name. Use `code` for `CreateUser.country`.
    pub async fn countries(self) -> Result<Vec<Country>> {
        let (map, _): (std::collections::BTreeMap<String, String>, _) =
            self.client.call(&routes::GEO_COUNTRIES, &[], Body::None).await?;
        Ok(map.into_iter().map(|(name, code)| Country { name, code }).collect())
    }

    /// States/provinces of a country (ISO alpha-2 code, e.g. `US`), sorted by name.
    pub async fn states(self, country_code: &str) -> Result<Vec<State>> {
        let cc = country_code.trim();
        if cc.len() != 2 || !cc.chars().all(|c| c.is_ascii_alphabetic()) {
            return Err(crate::Error::invalid(format!("countryCode {country_code:?} must be an ISO 3166-1 alpha-2 code such as \"US\"")));
        }
        let (map, _): (std::collections::BTreeMap<String, String>, _) = self
            .client
            .call(&routes::GEO_STATES, &[("countryCode", cc.to_ascii_uppercase())], Body::None)
            .await?;
        Ok(map.into_iter().map(|(name, code)| State { name, code }).collect())
    }
}
