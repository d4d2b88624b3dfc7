//! Where actions run when secdash watches several accounts: each account's responder role,
//! assumed from the credentials that reach the account (the SDK's assume-role provider caches
//! and refreshes them). Which account may be acted in is the config's word
//! (`config::accounts::no_action`); read-only is the executor's. `account_to_act_in` picks the
//! account of a command-line verb.

use crate::action::Request;
use crate::action::chain::undo_chain;
use crate::action::journal::{Actor, Journal};
use crate::aws::{Options, Session};
use crate::config::Config;
use crate::config::accounts::{AccountConfig, Reach, no_action, role_account};
use crate::model::AccountRef;
use anyhow::{Context as _, bail};
use std::collections::HashMap;
use std::io::{BufRead, Write};

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
                    Some(Reach::Profile(p)) => {
                        let s = self.base.with_profile(p).await;
                        s.check_profile()
                            .map_err(|e| format!("account {}: {e}", account.name))?;
                        (s, None)
                    }
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

/// With several accounts configured, the one an action runs in and its responder role: the
/// one `--account` names, or for a restore the account its journal entries were made in
/// (through the role recorded there). `None`: the credentials' own account, as with one.
pub async fn account_to_act_in(
    request: &Request,
    config: &Config,
    base: &Session,
    journal: &Journal,
) -> anyhow::Result<Option<(AccountRef, Acting)>> {
    let several = !config.accounts.is_empty() || config.organization.is_some();
    if request.kind.is_restore() {
        let what = request.target.id();
        let entries = journal.read()?.entries();
        // An unknown id is the executor's to say, with the journal's words.
        let chain = undo_chain(&entries, what).unwrap_or_default();
        // A resource named (not an entry): `--account` picks among accounts that have a user
        // or role of that name.
        let chosen = &config.chosen_accounts;
        let by_entry = entries.iter().any(|e| e.entry == *what);
        let mut made_in = chain
            .iter()
            .filter_map(|e| Some((e.account()?.clone(), e.actor.role_arn.clone())))
            .filter(|(a, _)| by_entry || chosen.is_empty() || chosen.contains(&a.name));
        let Some((account, role)) = made_in.next() else {
            return Ok(None);
        };
        if made_in.any(|(other, _)| other.id != account.id) {
            bail!(
                "{what} was changed in several accounts: name one with --account, or restore its journal entries one by one"
            );
        }
        if !chosen.is_empty() && !chosen.contains(&account.name) {
            bail!(
                "{what} was changed in account {} ({}): restore it there (drop --account)",
                account.name,
                account.id
            );
        }
        // The config may have changed since: the role recorded in the journal is used, reached
        // the way the config reaches the account when it still names it.
        let accounts = if several {
            super::platform_accounts(base, config)
                .await
                .unwrap_or_default()
        } else {
            Vec::new()
        };
        let acting = Responders::new(base.clone(), accounts)
            .acting(&account, role.as_deref())
            .await
            .map_err(anyhow::Error::msg)?;
        return Ok(Some((account, acting)));
    }
    if !several {
        return Ok(None);
    }
    let accounts = super::platform_accounts(base, config).await?;
    let [one] = accounts.as_slice() else {
        bail!(
            "several accounts are configured ({}): name the one to act in with --account NAME",
            crate::config::accounts::names(&accounts)
        );
    };
    // The account's id: its read role's, or (reached through a profile) its responder's.
    let id = match &one.reach {
        Reach::Role { arn, .. } => role_account(arn),
        Reach::Profile(_) => one.responder.as_deref().and_then(role_account),
    }
    .unwrap_or_default()
    .to_string();
    let account = AccountRef {
        id,
        name: one.name.clone(),
    };
    let acting = Responders::new(base.clone(), accounts.clone())
        .acting(&account, None)
        .await
        .map_err(anyhow::Error::msg)?;
    Ok(Some((account, acting)))
}

/// A restore's entry made in an account the session does not reach.
pub struct Elsewhere {
    pub entry: String,
    pub account: String,
    pub reached: String,
}

impl std::fmt::Display for Elsewhere {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "journal entry {} was made in account {}, which this session does not reach ({}); restoring it would act there",
            crate::sanitize::clean(&self.entry),
            crate::sanitize::clean(&self.account),
            self.reached
        )
    }
}

/// The first entry a restore undoes whose account is not one the session reaches: outside
/// its `[[accounts]]`/`[organization]` accounts, or without them not the caller's own.
pub fn unreached(
    request: &Request,
    journal: &Journal,
    config: &Config,
    actor: &Actor,
) -> anyhow::Result<Option<Elsewhere>> {
    if !request.kind.is_restore() {
        return Ok(None);
    }
    let what = request.target.id();
    let several = !config.accounts.is_empty() || config.organization.is_some();
    let entries = journal.read()?.entries();
    let what = crate::action::credentials::role_name(what);
    // An unknown id is the executor's to say, with the journal's words.
    let chain = crate::action::chain::undo_chain(&entries, &what).unwrap_or_default();
    for e in chain {
        let made_in = e
            .account()
            .map(|a| a.id.clone())
            .or_else(|| e.actor.account.clone());
        let Some(made_in) = made_in else { continue };
        let (reached, words) = if several {
            let names = config.accounts.iter().map(|a| a.name.as_str());
            // An organization's accounts are listed live, where the responder role is checked.
            let named = config.organization.is_some()
                || e.account()
                    .is_some_and(|a| names.clone().any(|n| n == a.name));
            (
                named,
                format!(
                    "its accounts: {}",
                    crate::config::accounts::names(&config.accounts)
                ),
            )
        } else {
            match &actor.account {
                Some(own) => (*own == made_in, format!("the credentials' own is {own}")),
                // Who the session is is not known: the calls will say.
                None => (true, String::new()),
            }
        };
        if !reached {
            return Ok(Some(Elsewhere {
                entry: e.entry.clone(),
                account: made_in,
                reached: words,
            }));
        }
    }
    Ok(None)
}

/// Asks for a word to be typed on the terminal; whether it was.
pub fn typed(prompt: &str, want: &str) -> anyhow::Result<bool> {
    print!("{prompt}");
    std::io::stdout().flush()?;
    let mut line = String::new();
    std::io::stdin().lock().read_line(&mut line)?;
    Ok(line.trim() == want)
}

/// The verbs' session: the config's profile and endpoint, credentials checked before anything
/// else so "no credentials" is said plainly.
pub async fn connect(config: &Config, home_region: &str) -> anyhow::Result<Session> {
    let session = Session::connect(&Options {
        profile: config.profile.clone(),
        profile_only: config.profile_only,
        home_region: home_region.to_string(),
        endpoint_url: None,
        shown_endpoint: config.endpoint_url.clone(),
        profile_files: config.profile_files.clone(),
    })
    .await;
    session
        .check_credentials()
        .await
        .map_err(|e| anyhow::anyhow!("{e}"))
        .context("cannot reach AWS")?;
    Ok(session)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn account(name: &str, id: &str, responder: Option<&str>, read_only: bool) -> AccountConfig {
        AccountConfig {
            name: name.into(),
            reach: Reach::Role {
                arn: format!("arn:aws:iam::{id}:role/SecdashReadOnly"),
                external_id: None,
            },
            regions: None,
            read_only,
            responder: responder.map(str::to_string),
        }
    }

    fn row(name: &str, id: &str) -> AccountRef {
        AccountRef {
            id: id.into(),
            name: name.into(),
        }
    }

    /// Nothing here calls AWS: the roles are assumed lazily, at an action's first call.
    #[tokio::test]
    async fn an_account_is_acted_in_only_through_its_own_responder_role() {
        let base = Session::connect(&crate::aws::Options {
            home_region: "us-east-1".into(),
            ..Default::default()
        })
        .await;
        let dev_role = "arn:aws:iam::111111111111:role/SecdashResponder";
        let responders = Responders::new(
            base,
            vec![
                account("dev", "111111111111", Some(dev_role), false),
                account("prod", "333333333333", None, false),
                account(
                    "audit",
                    "444444444444",
                    Some("arn:aws:iam::444444444444:role/R"),
                    true,
                ),
            ],
        );
        let dev = responders
            .acting(&row("dev", "111111111111"), None)
            .await
            .unwrap();
        assert_eq!(dev.role_arn, dev_role);
        assert!(!dev.read_only);
        let why = responders
            .acting(&row("prod", "333333333333"), None)
            .await
            .err()
            .unwrap();
        assert!(why.contains("account prod has no responder role"), "{why}");
        // Read-only is the executor's to refuse: the account's flag goes with the session.
        let audit = responders
            .acting(&row("audit", "444444444444"), None)
            .await
            .unwrap();
        assert!(audit.read_only);
        // A role of another account would act there, not in the row's.
        let why = responders
            .acting(&row("dev", "222222222222"), None)
            .await
            .err()
            .unwrap();
        assert!(
            why.contains("is not in account dev (222222222222)"),
            "{why}"
        );
        // A journal entry's recorded role is used for its restore, even once the config has
        // dropped the account.
        let old = "arn:aws:iam::555555555555:role/SecdashResponder";
        let gone = responders
            .acting(&row("old", "555555555555"), Some(old))
            .await
            .unwrap();
        assert_eq!(gone.role_arn, old);
        let why = responders
            .acting(&row("old", "555555555555"), None)
            .await
            .err()
            .unwrap();
        assert!(why.contains("not one of the config's"), "{why}");
    }
}
