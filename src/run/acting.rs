//! Who acts, and where: the one answer the screen and the command line share. An action runs
//! as the caller in its own account, or — with several accounts — in the row's account as that
//! account's responder role, refused wherever the config says `read_only`.

use super::responders::{Acting, Responders};
use crate::action::cloud::Cloud;
use crate::action::journal::{Actor, Journal};
use crate::action::{ActionFailure, Executor};
use crate::aws::Session;
use crate::model::{AccountRef, Identity};
use crate::source::demo::SharedWorld;
use std::collections::BTreeMap;
use std::sync::Arc;

/// Where actions are carried out.
#[derive(Clone)]
pub enum Backend {
    Aws(Box<Session>),
    /// The demo's own account, in memory.
    Rehearsal(SharedWorld),
    /// The demo's accounts (`--demo-accounts`), each in memory, by account id: those with a
    /// responder role.
    RehearsalAccounts(BTreeMap<String, SharedWorld>),
}

/// The hands an action is carried out with: the API it calls, who it is journalled as, and
/// the account it runs in.
pub struct Hands {
    cloud: Box<dyn Cloud>,
    actor: Actor,
    read_only: bool,
    account: Option<AccountRef>,
}

impl Hands {
    /// The caller itself, in its own account (`identity` as the credentials answered).
    pub fn caller(
        cloud: Box<dyn Cloud>,
        identity: Option<&Identity>,
        profile: Option<String>,
        read_only: bool,
    ) -> Hands {
        Hands {
            cloud,
            actor: Actor {
                caller_arn: identity.and_then(|i| i.caller_arn.clone()),
                account: identity.and_then(|i| i.account.clone()),
                profile,
                role_arn: None,
            },
            read_only,
            account: None,
        }
    }

    /// The caller acting in `account` through its responder role: the role is journalled as
    /// who acted, and the account's own `read_only` adds to the session's.
    pub fn responder(
        account: AccountRef,
        region: &str,
        acting: &Acting,
        identity: Option<&Identity>,
        profile: Option<String>,
        read_only: bool,
    ) -> Hands {
        let cloud = Box::new(crate::action::aws::AwsActions::new(&acting.session, region));
        let mut hands = Hands::caller(cloud, identity, profile, read_only).in_account(account);
        hands.actor.role_arn = Some(acting.role_arn.clone());
        hands.read_only |= acting.read_only;
        hands
    }

    /// These hands, journalled as acting in `account`.
    fn in_account(mut self, account: AccountRef) -> Hands {
        self.actor.account = Some(account.id.clone());
        self.account = Some(account);
        self
    }

    pub fn actor(&self) -> &Actor {
        &self.actor
    }

    /// The executor for one action with these hands, journalling under `incident` (`named`:
    /// the operator named it, rather than the day's default).
    pub fn executor(
        self,
        journal: Journal,
        incident: &str,
        named: bool,
        failpoint: Option<String>,
    ) -> Executor {
        Executor::new(
            self.read_only,
            journal,
            self.actor,
            incident.to_string(),
            self.cloud,
        )
        .in_account(self.account)
        .incident_named(named)
        .with_failpoint(failpoint)
    }
}

/// What the screen needs to carry out incident-response actions.
#[derive(Clone)]
pub struct ActionRunner {
    pub backend: Backend,
    /// With several accounts: each one's responder role (actions run in the row's account).
    pub responders: Option<Arc<Responders>>,
    pub journal: Journal,
    pub profile: Option<String>,
    pub read_only: bool,
    /// Test builds only (see `Executor::with_failpoint`).
    pub failpoint: Option<String>,
}

impl ActionRunner {
    /// An executor for one action, journalling under the incident the screen shows; with
    /// several accounts, acting in `account` as its responder role.
    pub(super) async fn executor(
        &self,
        region: &str,
        account: Option<&AccountRef>,
        identity: Option<&Identity>,
        incident: &crate::app::incident::Incident,
    ) -> Result<Executor, ActionFailure> {
        let hands = self.hands(region, account, identity).await?;
        Ok(hands.executor(
            self.journal.clone(),
            &incident.id,
            incident.named,
            self.failpoint.clone(),
        ))
    }

    async fn hands(
        &self,
        region: &str,
        account: Option<&AccountRef>,
        identity: Option<&Identity>,
    ) -> Result<Hands, ActionFailure> {
        let caller = |cloud: Box<dyn Cloud>| {
            Hands::caller(cloud, identity, self.profile.clone(), self.read_only)
        };
        let unknown =
            || ActionFailure::from("which account this is in is not known: nothing was done");
        Ok(match (&self.backend, account) {
            (Backend::Aws(session), None) if self.responders.is_none() => caller(Box::new(
                crate::action::aws::AwsActions::new(session, region),
            )),
            (Backend::Aws(_), Some(account)) => {
                let responders = self.responders.as_ref().ok_or_else(unknown)?;
                let acting = responders.acting(account, None).await?;
                let profile = self.profile.clone();
                Hands::responder(
                    account.clone(),
                    region,
                    &acting,
                    identity,
                    profile,
                    self.read_only,
                )
            }
            (Backend::Rehearsal(world), None) => caller(Box::new(
                crate::action::rehearsal::Rehearsal::new(world.clone()),
            )),
            (Backend::RehearsalAccounts(worlds), Some(account)) => {
                let world = worlds
                    .get(&account.id)
                    .ok_or_else(|| format!("account {} has no responder role", account.name))?;
                caller(Box::new(crate::action::rehearsal::Rehearsal::new(
                    world.clone(),
                )))
                .in_account(account.clone())
            }
            _ => return Err(unknown()),
        })
    }
}
