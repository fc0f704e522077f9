//! Adding a license to a user (`POST /users/{id}/assignLicense` with `addLicenses`), the counterpart of
//! [`GraphClient::remove_license`]: remediation plans assign licenses again once a mailbox is back where it
//! belongs (hybrid-identity reference §3.5 and §3.6).

use reqwest::Method;
use serde_json::json;

use super::{GraphClient, json_body};
use crate::error::CloudError;

impl GraphClient {
    /// Assigns one license to a user (`POST /users/{id}/assignLicense` with
    /// `{"addLicenses":[{"skuId":…,"disabledPlans":[…]}],"removeLicenses":[]}`). Assigning a SKU the user
    /// already has replaces its disabled plans with `disabled_plans`.
    ///
    /// Not retried after a timeout or a broken response (it may have taken effect); read the user again to
    /// find out.
    ///
    /// # Errors
    /// [`CloudError::NotFound`] when there is no such user; [`CloudError::Service`] when Graph refuses (for
    /// example no usage location, or no license of that SKU left in the tenant).
    pub async fn assign_license(
        &self,
        user_id: &str,
        sku_id: &str,
        disabled_plans: &[String],
    ) -> Result<(), CloudError> {
        let url = self.url(&["users", user_id, "assignLicense"])?;
        let body = json!({
            "addLicenses": [{ "skuId": sku_id, "disabledPlans": disabled_plans }],
            "removeLicenses": [],
        });
        let req = self.request(Method::POST, url, json_body(&body), false);
        self.session.send(&req, |_, _| Ok(())).await
    }
}
