//! Planning: read the target under the journal's lock and work out exactly what will change,
//! with EC2's DryRun verdict; refuse what must not be planned (a contained interface, an
//! altered entry).

use super::{ActionError, Executor, Request};
use crate::action::aws::dry_run_verdict;
use crate::action::chain::{contained_by, undo_chain};
use crate::action::credentials;
use crate::action::journal::JournalRead;
use crate::action::plan::{self, ActionKind, Before, Plan, Principal, Step};

impl Executor {
    /// Reads the target and works out exactly what will change, with EC2's DryRun verdict.
    pub async fn plan(&self, request: &Request) -> Result<Plan, ActionError> {
        self.guard()?;
        let journal = self.journal.read()?;
        self.healthy(&journal, request.kind())?;
        // Never read a resource another action is half-way through.
        let lock = self.journal.lock()?;
        let region = self.cloud.region().to_string();
        let plan = match request {
            Request::Isolate { group_id } => {
                let (vpc, rules) = self.cloud.read_group(group_id).await?;
                let mut p = plan::isolate(group_id, vpc, &rules, &region);
                if let Some(Step::RevokeRules { group_id, rules }) = p.steps.first() {
                    p.dry_run = Some(dry_run_verdict(
                        self.cloud.revoke(group_id, rules, true).await,
                    ));
                }
                p
            }
            Request::Revoke { group_id, rule_id } => {
                let (vpc, rules) = self.cloud.read_group(group_id).await?;
                let mut p =
                    plan::revoke(group_id, vpc, &rules, rule_id, &region).ok_or_else(|| {
                        ActionError::NotFound(format!("{group_id} has no rule {rule_id}"))
                    })?;
                if let Some(Step::RevokeRules { group_id, rules }) = p.steps.first() {
                    p.dry_run = Some(dry_run_verdict(
                        self.cloud.revoke(group_id, rules, true).await,
                    ));
                }
                p
            }
            Request::Contain { target } => {
                if let Some(p) = self.stranded(target, &journal).await? {
                    return self.stamped(p, region);
                }
                self.not_contained(target, &journal).await?;
                let interfaces = self.cloud.read_interfaces(target).await?;
                if interfaces.is_empty() {
                    return Err(ActionError::NotFound(format!(
                        "no network interface found for {target} in {region}"
                    )));
                }
                let mut p = plan::contain(target, &interfaces, &self.incident, &region);
                let first = &interfaces[0];
                p.dry_run = Some(dry_run_verdict(
                    self.cloud
                        .set_interface_groups(&first.interface_id, &first.groups, true)
                        .await,
                ));
                p
            }
            Request::Archive { finding_id } | Request::Unarchive { finding_id } => {
                let archive = matches!(request, Request::Archive { .. });
                let detector = self.cloud.detector().await?.ok_or_else(|| {
                    ActionError::NotFound(format!("GuardDuty has no detector in {region}"))
                })?;
                let finding = self
                    .cloud
                    .finding(&detector, finding_id)
                    .await?
                    .ok_or_else(|| {
                        ActionError::NotFound(format!("no finding {finding_id} in {region}"))
                    })?;
                let mut p =
                    plan::archive(&detector, finding_id, finding.archived, &region, archive);
                p.subject = Some(format!("{}: {}", finding.finding_type, finding.title));
                p
            }
            Request::DisableKey { access_key_id } => {
                let key = self.cloud.access_key(access_key_id).await?.ok_or_else(|| {
                    ActionError::NotFound(format!(
                        "IAM knows no access key {access_key_id} in this account"
                    ))
                })?;
                let user = self
                    .cloud
                    .principal(&Principal::User(key.user.clone()))
                    .await?
                    .unwrap_or_default();
                credentials::disable_key(&key, &user, &region)
            }
            Request::DenyUser { user } => {
                let principal = Principal::User(user.clone());
                let info = self.cloud.principal(&principal).await?.ok_or_else(|| {
                    ActionError::NotFound(format!("no IAM user {user} in this account"))
                })?;
                let name = credentials::deny_all_policy_name(&self.incident);
                let existing = self.cloud.inline_policy(&principal, &name).await?;
                credentials::deny_user(user, &info, existing, &self.incident, &region)
            }
            Request::RevokeSessions { role } => {
                let role = credentials::role_name(role);
                let principal = Principal::Role(role.clone());
                let info = self.cloud.principal(&principal).await?.ok_or_else(|| {
                    ActionError::NotFound(format!("no IAM role {role} in this account"))
                })?;
                if info.service_linked() {
                    return Err(ActionError::Refused(format!(
                        "{role} is a service-linked role: IAM does not let it take an inline policy, so its sessions cannot be revoked this way"
                    )));
                }
                let existing = self
                    .cloud
                    .inline_policy(&principal, credentials::REVOKE_POLICY_NAME)
                    .await?;
                credentials::revoke_sessions(&role, &info, existing, chrono::Utc::now(), &region)
            }
            Request::Restore { what } => {
                let what = &credentials::role_name(what);
                // A user or role is named within its account: another account's of the same
                // name is another, and its entries are not this restore's.
                let entries: Vec<_> = journal
                    .entries()
                    .into_iter()
                    .filter(|e| {
                        e.entry == *what
                            || e.account().map(|a| &a.id) == self.account.as_ref().map(|a| &a.id)
                    })
                    .collect();
                // An altered record anywhere in the resource's history: its state cannot be
                // told, so nothing is planned from it ("nothing to restore" would be a guess).
                if let Some(bad) = entries.iter().find(|e| {
                    !e.trusted && (e.entry == *what || crate::action::chain::touches(e, what))
                }) {
                    return Err(ActionError::Untrusted {
                        entry: bad.entry.clone(),
                    });
                }
                let ids: Vec<String> = undo_chain(&entries, what)
                    .map_err(ActionError::NotFound)?
                    .iter()
                    .map(|e| e.entry.clone())
                    .collect();
                let mut p = self.plan_restore(&ids, &journal).await?;
                if ids.is_empty() {
                    p.target = what.clone();
                    p.notes = vec![format!(
                        "Nothing to restore: no change to {what} is still in effect."
                    )];
                }
                p
            }
        };
        drop(lock);
        self.stamped(plan, region)
    }

    /// The plan with where it acts.
    fn stamped(&self, mut plan: Plan, region: String) -> Result<Plan, ActionError> {
        if plan.region.is_empty() {
            plan.region = region;
        }
        plan.account = self.account.clone();
        Ok(plan)
    }

    /// A containment that stopped with interfaces on its all-open temporary group (a crash
    /// between its steps): the plan that finishes it from the journalled entry. Without an
    /// entry, what to do is said: the interfaces' groups before are not known here.
    async fn stranded(
        &self,
        target: &str,
        journal: &JournalRead,
    ) -> Result<Option<Plan>, ActionError> {
        let on_temp: Vec<(String, String)> = self
            .cloud
            .read_interface_state(target)
            .await?
            .into_iter()
            .filter_map(|i| {
                let g = i
                    .group_names
                    .into_iter()
                    .find(|n| n.starts_with("secdash-contain-temp-"))?;
                Some((i.interface_id, g))
            })
            .collect();
        let Some((first, temp)) = on_temp.first() else {
            return Ok(None);
        };
        let entries = journal.entries();
        let Some(entry) = contained_by(&entries, first) else {
            return Err(ActionError::AlreadyContained(format!(
                "{first} is on the all-open temporary group {temp}: NOT contained, open to the internet. No entry of this journal records it, so its groups before are unknown here: move it to its incident's isolation group where it was contained (`aws ec2 modify-network-interface-attribute --network-interface-id {first} --groups <isolation group>`)"
            )));
        };
        let Some(Before::Interfaces { interfaces }) = entry.plan.as_ref().map(|p| &p.before) else {
            return Ok(None);
        };
        let stranded: Vec<_> = interfaces
            .iter()
            .filter(|i| on_temp.iter().any(|(id, _)| *id == i.interface_id))
            .cloned()
            .collect();
        Ok(Some(plan::roll_forward(
            target,
            &entry.entry,
            &entry.incident,
            &stranded,
            self.cloud.region(),
        )))
    }

    /// Refuses to contain an interface that already is (or is half-way), naming the entry.
    async fn not_contained(&self, target: &str, journal: &JournalRead) -> Result<(), ActionError> {
        let entries = journal.entries();
        for i in self.cloud.read_interface_state(target).await? {
            let on = i.group_names.iter().find(|n| {
                n.starts_with("secdash-isolation-") || n.starts_with("secdash-contain-temp-")
            });
            if on.is_none() && !i.tagged {
                continue;
            }
            let why = on
                .map(|g| format!("it is on {g}"))
                .unwrap_or_else(|| format!("it is tagged {}", plan::CONTAIN_TAG));
            return Err(ActionError::AlreadyContained(
                match contained_by(&entries, &i.interface_id) {
                    Some(e) => format!(
                        "{} is already contained by journal entry {} ({why}); containing it again would move it through the all-open group. `secdash restore {}` releases it",
                        i.interface_id, e.entry, e.entry
                    ),
                    None => format!(
                        "{} is already contained ({why}), but no entry of this journal records it; release it where it was contained",
                        i.interface_id
                    ),
                },
            ));
        }
        Ok(())
    }

    /// The restore of these entries (oldest first), from the state read now.
    pub(super) async fn plan_restore(
        &self,
        ids: &[String],
        journal: &JournalRead,
    ) -> Result<Plan, ActionError> {
        let entries = journal.entries();
        let mut chain: Vec<(&str, &Plan)> = Vec::new();
        for id in ids {
            let e = entries
                .iter()
                .find(|e| e.entry == *id)
                .ok_or_else(|| ActionError::NotFound(format!("no journal entry {id}")))?;
            if !e.trusted {
                return Err(ActionError::Untrusted { entry: id.clone() });
            }
            let p = e.plan.as_ref().ok_or_else(|| {
                ActionError::NotFound(format!("journal entry {id} has no plan to restore from"))
            })?;
            // `secdash restore ENTRY` acts where the entry was made, whatever the screen shows.
            self.here(p.account.as_ref(), &format!("journal entry {id}"))
                .map_err(|e| {
                    ActionError::Refused(format!("{e}; `secdash restore {id}` restores it there"))
                })?;
            self.reaches(e)?;
            chain.push((&e.entry, p));
        }
        let plans: Vec<&Plan> = chain.iter().map(|(_, p)| *p).collect();
        credentials::check_release(&plans, chrono::Utc::now(), self.force)
            .map_err(ActionError::Refused)?;
        let (current, leftovers) = self.current(&plans).await?;
        Ok(crate::action::restore::restore_chain(
            &chain, &current, &leftovers,
        ))
    }

    /// An entry made with other credentials' account (the journal records who acted) is not
    /// restored with these, unless the operator typed that account (`allow_account`).
    fn reaches(&self, e: &crate::action::journal::Entry) -> Result<(), ActionError> {
        let made_in = e
            .account()
            .map(|a| a.id.clone())
            .or(e.actor.account.clone());
        let here = self
            .account
            .as_ref()
            .map(|a| a.id.clone())
            .or(self.actor.account.clone());
        match (made_in, here) {
            (Some(m), Some(h)) if m != h && self.allowed_account.as_deref() != Some(&m) => {
                Err(ActionError::Refused(format!(
                    "journal entry {} was made in account {m}, and this session acts in {h}: nothing was done; restore it from a session of that account, or with `secdash restore {}` on a terminal, which asks",
                    e.entry, e.entry
                )))
            }
            _ => Ok(()),
        }
    }

    /// The incident this plan will be journalled under (what a plan shows).
    pub fn incident_of(&self, plan: &Plan) -> Result<String, ActionError> {
        Ok(self.incident_for(plan, &self.journal.read()?))
    }

    /// The incident a record is journalled under: a restore belongs to the incident of what
    /// it undoes, unless the operator named one.
    pub(super) fn incident_for(&self, plan: &Plan, journal: &JournalRead) -> String {
        if plan.action != ActionKind::Restore || self.incident_named {
            return self.incident.clone();
        }
        let undone = match &plan.before {
            Before::Entries { entries } => entries.first().cloned(),
            Before::Entry { entry } => Some(entry.clone()),
            _ => None,
        };
        journal
            .records
            .iter()
            .find(|r| Some(&r.entry) == undone.as_ref())
            .map(|r| r.incident.clone())
            .unwrap_or_else(|| self.incident.clone())
    }
}
