//! An organization's accounts, listed from its management account or a delegated
//! administrator (organizations:ListAccounts), for `[organization]`.

use crate::aws::Session;
use crate::aws::calls::{Calls, call};
use crate::source::SourceError;

/// Every account of the organization: (id, name, status), all pages.
pub async fn accounts(session: &Session) -> Result<Vec<(String, String, String)>, SourceError> {
    let client = aws_sdk_organizations::Client::new(session.config());
    let calls = Calls::default();
    let mut out = Vec::new();
    let mut next = None;
    loop {
        let page = call(
            &calls,
            "organizations:ListAccounts",
            session.home_region(),
            session.profile(),
            client.list_accounts().set_next_token(next).send(),
        )
        .await?;
        out.extend(page.accounts().iter().map(|a| {
            (
                a.id().unwrap_or_default().to_string(),
                a.name().unwrap_or_default().to_string(),
                a.status()
                    .map(|s| s.as_str().to_string())
                    .unwrap_or_default(),
            )
        }));
        next = page.next_token().map(str::to_string);
        if next.is_none() {
            return Ok(out);
        }
    }
}
