//! Where actions run when secdash watches several accounts: each account's responder role,
//! assumed from the credentials that reach the account (the SDK's assume-role provider caches
//! and refreshes them). Which account may be acted in is the config's word
//! (`config::accounts::no_action`); read-only is the executor's.

use crate::aws::Session;
use crate::config::accounts::{AccountConfig, Reach, no_action, role_account};
use crate::model::AccountRef;
use std::collections::HashMap;

/// The platform's accounts, and a session per responder role once one has been needed.
pub struct Responders {
    base: Session,
    accounts: Vec<AccountConfig>,
    assumed: tokio::sync::Mutex<HashMap<String, Session>>,
}

/// How to act in one account.
pub struct Acting {
    pub session: Session,
    pub role_arn: String,
    /// The account's `read_only`: the executor refuses every change.
    pub read_only: bool,
}

impl Responders {
    pub fn new(base: Session, accounts: Vec<AccountConfig>) -> Responders {
        Responders {
            base,
            accounts,
            assumed: tokio::sync::Mutex::default(),
        }
    }

    pub fn accounts(&self) -> &[AccountConfig] {
        &self.accounts
    }

    /// The session acting in `account` as its responder role, or why there is none.
    /// `recorded`: the role a journal entry was made through, which its restore uses even if
    /// the config has changed since.
    pub async fn acting(
        &self,
        account: &AccountRef,
        recorded: Option<&str>,
    ) -> Result<Acting, String> {
        let config = self.accounts.iter().find(|a| a.name == account.name);
        let role = match (recorded, config) {
            (Some(role), _) => role.to_string(),
            (None, Some(c)) => match &c.responder {
                Some(role) => role.clone(),
                None => return Err(no_action(c).unwrap_or_default()),
            },
            (None, None) => {
                return Err(format!(
                    "account {} is not one of the config's: secdash acts only where a responder role is configured",
                    account.name
                ));
            }
        };
        // A role of another account would change resources of that account, not the row's.
        if role_account(&role) != Some(account.id.as_str()) {
            return Err(format!(
                "the responder role {role} is not in account {} ({}): nothing is done through it",
                account.name, account.id
            ));
        }
        let mut assumed = self.assumed.lock().await;
        let session = match assumed.get(&role) {
            Some(s) => s.clone(),
            None => {
                let (from, external_id) = match config.map(|c| &c.reach) {
                    Some(Reach::Profile(p)) => (self.base.with_profile(p).await, None),
                    Some(Reach::Role { external_id, .. }) => {
                        (self.base.clone(), external_id.clone())
                    }
                    None => (self.base.clone(), None),
                };
                let s = from.assuming(&role, external_id.as_deref()).await;
                assumed.insert(role.clone(), s.clone());
                s
            }
        };
        Ok(Acting {
            session,
            role_arn: role,
            read_only: config.is_some_and(|c| c.read_only),
        })
    }
}
