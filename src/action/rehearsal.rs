//! The demo's rehearsal: the executor's calls carried out on the demo's own account in memory,
//! with EC2's, GuardDuty's and IAM's answers, so a newcomer runs the whole flow (plan, typed
//! confirmation, journal, badge, restore) and nothing real is touched.

use super::cloud::{Answer, Cloud, FindingBrief, InterfaceState};
use super::credentials::{AccessKeyInfo, PrincipalInfo};
use super::plan::{CONTAIN_TAG, GroupRole, InterfaceBefore, KeyStatus, Principal, RuleSpec};
use super::platform::{
    EndpointInfo, JobInfo, NotebookInfo, PackageInfo, Platform, Resource, Served, Setting,
};
use crate::model::{Direction, Grant, Peer, Rule, SourceError};
use crate::source::demo::{SharedWorld, World};

/// The demo's only detector.
pub const DETECTOR: &str = "12abc34d567e8fa901bc2d34e56789f0";

pub struct Rehearsal {
    world: SharedWorld,
    region: String,
}

impl Rehearsal {
    pub fn new(world: SharedWorld) -> Rehearsal {
        Rehearsal {
            world,
            region: crate::source::demo::REGION.to_string(),
        }
    }
}

/// An answer that is ready now: the world changes under its lock, never across an await.
fn now<'a, T: Send + 'a>(result: Result<T, SourceError>) -> Answer<'a, T> {
    Box::pin(std::future::ready(result))
}

fn all_traffic(direction: Direction, peer: Peer) -> Rule {
    Rule::new(
        None,
        Grant {
            direction,
            protocol: "all".into(),
            from_port: None,
            to_port: None,
            peer,
            description: "".into(),
            risk: Default::default(),
            risk_reason: Default::default(),
        },
    )
}

/// Finds the group by name, or creates it with the rules its role needs (as `AwsActions`).
fn ensure_group(
    world: &mut World,
    name: &str,
    vpc_id: &str,
    role: GroupRole,
) -> Result<String, SourceError> {
    let (id, created) = match world.find_group(vpc_id, name) {
        Some(id) => (id, false),
        None => {
            let description = match role {
                GroupRole::Temporary => "secdash containment: temporary, allows all traffic",
                GroupRole::Isolation => "secdash containment: isolation, no rules",
            };
            (world.create_group(name, description, vpc_id)?, true)
        }
    };
    match role {
        GroupRole::Temporary if created => world.authorize(
            &id,
            vec![
                all_traffic(Direction::Ingress, Peer::Ipv4("0.0.0.0/0".into())),
                all_traffic(Direction::Ingress, Peer::Ipv6("::/0".into())),
            ],
        )?,
        GroupRole::Temporary => {}
        GroupRole::Isolation => {
            // New or found, as on EC2: no rule at all (a new group allows all egress).
            let (_, rules) = world.read_group(&id)?;
            let ids: Vec<String> = rules
                .into_iter()
                .filter_map(|r| r.id.map(String::from))
                .collect();
            world.revoke(&id, &ids)?;
        }
    }
    Ok(id)
}

/// The demo platform's answers, as SageMaker, S3 and ECR would give them.
impl Platform for Rehearsal {
    fn notebook<'a>(&'a self, name: &'a str) -> Answer<'a, Option<NotebookInfo>> {
        now(Ok(self.world.lock().platform.notebook(name)))
    }
    fn lifecycle_script<'a>(&'a self, name: &'a str) -> Answer<'a, Option<String>> {
        now(Ok(self.world.lock().platform.lifecycle_script(name)))
    }
    fn endpoint<'a>(&'a self, name: &'a str) -> Answer<'a, Option<EndpointInfo>> {
        now(Ok(self.world.lock().platform.endpoint(name)))
    }
    fn endpoint_config<'a>(&'a self, name: &'a str) -> Answer<'a, Option<Vec<Served>>> {
        now(Ok(self.world.lock().platform.endpoint_config(name)))
    }
    fn model_package<'a>(&'a self, arn: &'a str) -> Answer<'a, Option<PackageInfo>> {
        now(Ok(self.world.lock().platform.model_package(arn)))
    }
    fn jobs<'a>(&'a self, name: &'a str) -> Answer<'a, Vec<JobInfo>> {
        now(Ok(self.world.lock().platform.jobs(name)))
    }
    fn resource_policy<'a>(&'a self, resource: &'a Resource) -> Answer<'a, Option<String>> {
        now(Ok(self.world.lock().platform.policy(resource).flatten()))
    }
    fn exists<'a>(&'a self, resource: &'a Resource) -> Answer<'a, bool> {
        now(Ok(self.world.lock().platform.policy(resource).is_some()))
    }
    fn responder_arn(&self) -> Answer<'_, Option<String>> {
        now(Ok(Some(format!(
            "arn:aws:iam::{}:role/secdash-responder",
            crate::source::demo::ACCOUNT
        ))))
    }
    fn bucket_readers<'a>(&'a self, bucket: &'a str) -> Answer<'a, Vec<String>> {
        now(Ok(self.world.lock().platform.bucket_readers(bucket)))
    }
    fn endpoint_history<'a>(&'a self, name: &'a str) -> Answer<'a, Vec<String>> {
        now(Ok(self.world.lock().platform.endpoint_history(name)))
    }
    fn repository_account<'a>(&'a self, name: &'a str) -> Answer<'a, Option<String>> {
        let known = self
            .world
            .lock()
            .platform
            .policy(&Resource::Repository {
                name: name.to_string(),
            })
            .is_some();
        now(Ok(known.then(|| crate::source::demo::ACCOUNT.to_string())))
    }
    fn write_setting<'a>(&'a self, resource: &'a Resource, setting: &'a Setting) -> Answer<'a, ()> {
        now(self.world.lock().platform.write(resource, setting))
    }
}

impl Cloud for Rehearsal {
    fn region(&self) -> &str {
        &self.region
    }

    fn read_group<'a>(&'a self, group_id: &'a str) -> Answer<'a, (Option<String>, Vec<RuleSpec>)> {
        now(self
            .world
            .lock()
            .read_group(group_id)
            .map(|(vpc, rules)| (vpc, rules.iter().map(RuleSpec::from_rule).collect())))
    }

    fn read_interfaces<'a>(&'a self, target: &'a str) -> Answer<'a, Vec<InterfaceBefore>> {
        let interfaces = self.world.lock().interfaces(target);
        now(Ok(interfaces
            .into_iter()
            .map(|i| InterfaceBefore {
                interface_id: i.id().to_string(),
                vpc_id: i.vpc_id.clone(),
                instance_id: i.instance_id().map(str::to_string),
                groups: i.groups,
            })
            .collect()))
    }

    fn read_interface_state<'a>(&'a self, target: &'a str) -> Answer<'a, Vec<InterfaceState>> {
        let world = self.world.lock();
        now(Ok(world
            .interfaces(target)
            .into_iter()
            .map(|i| InterfaceState {
                interface_id: i.id().to_string(),
                group_names: i
                    .groups
                    .iter()
                    .filter_map(|g| world.group_name(g))
                    .collect(),
                tagged: world
                    .tags(i.id())
                    .is_some_and(|t| t.contains_key(CONTAIN_TAG)),
            })
            .collect()))
    }

    fn tagged<'a>(&'a self, resources: &'a [String]) -> Answer<'a, Vec<String>> {
        let world = self.world.lock();
        now(Ok(resources
            .iter()
            .filter(|r| world.tags(r).is_some_and(|t| t.contains_key(CONTAIN_TAG)))
            .cloned()
            .collect()))
    }

    fn find_group<'a>(&'a self, vpc_id: &'a str, name: &'a str) -> Answer<'a, Option<String>> {
        now(Ok(self.world.lock().find_group(vpc_id, name)))
    }

    fn revoke<'a>(
        &'a self,
        group_id: &'a str,
        rules: &'a [RuleSpec],
        dry_run: bool,
    ) -> Answer<'a, ()> {
        let mut world = self.world.lock();
        let result = world.read_group(group_id).and_then(|(_, current)| {
            // By id when the rules have them, by the traffic they allow when not (as EC2).
            let ids: Vec<String> = rules
                .iter()
                .filter_map(|want| match &want.rule_id {
                    Some(id) => Some(id.clone()),
                    None => current
                        .iter()
                        .find(|r| RuleSpec::from_rule(r).same_grant(want))
                        .and_then(|r| r.id.as_ref().map(ToString::to_string)),
                })
                .collect();
            if dry_run {
                Ok(())
            } else {
                world.revoke(group_id, &ids)
            }
        });
        now(result)
    }

    fn authorize<'a>(&'a self, group_id: &'a str, rules: &'a [RuleSpec]) -> Answer<'a, ()> {
        let rules = rules
            .iter()
            .map(|r| {
                let mut rule = r.to_rule();
                rule.id = None;
                rule
            })
            .collect();
        now(self.world.lock().authorize(group_id, rules))
    }

    fn ensure_group<'a>(
        &'a self,
        name: &'a str,
        vpc_id: &'a str,
        role: GroupRole,
    ) -> Answer<'a, String> {
        now(ensure_group(&mut self.world.lock(), name, vpc_id, role))
    }

    fn set_interface_groups<'a>(
        &'a self,
        interface_id: &'a str,
        groups: &'a [String],
        dry_run: bool,
    ) -> Answer<'a, ()> {
        if dry_run {
            // Checked as EC2 would (the interface and groups exist), changed on a copy.
            let mut copy = self.world.lock().clone();
            return now(copy.set_interface_groups(interface_id, groups));
        }
        now(self.world.lock().set_interface_groups(interface_id, groups))
    }

    fn delete_group<'a>(&'a self, group_id: &'a str) -> Answer<'a, ()> {
        now(self.world.lock().delete_group(group_id))
    }

    fn tag<'a>(&'a self, resource: &'a str, key: &'a str, value: &'a str) -> Answer<'a, ()> {
        self.world.lock().tag(resource, key, value);
        now(Ok(()))
    }

    fn untag<'a>(&'a self, resource: &'a str, key: &'a str) -> Answer<'a, ()> {
        self.world.lock().untag(resource, key);
        now(Ok(()))
    }

    fn detector(&self) -> Answer<'_, Option<String>> {
        now(Ok(Some(DETECTOR.to_string())))
    }

    fn finding<'a>(
        &'a self,
        _detector_id: &'a str,
        finding_id: &'a str,
    ) -> Answer<'a, Option<FindingBrief>> {
        now(Ok(self.world.lock().finding(finding_id).map(
            |(facts, archived)| FindingBrief {
                archived,
                finding_type: facts.finding_type,
                title: facts.title,
            },
        )))
    }

    fn set_archived<'a>(
        &'a self,
        _detector_id: &'a str,
        finding_ids: &'a [String],
        archived: bool,
    ) -> Answer<'a, ()> {
        now(self.world.lock().set_archived(finding_ids, archived))
    }

    fn access_key<'a>(&'a self, access_key_id: &'a str) -> Answer<'a, Option<AccessKeyInfo>> {
        now(Ok(self.world.lock().iam.access_key(access_key_id)))
    }

    fn set_access_key_status<'a>(
        &'a self,
        user: &'a str,
        access_key_id: &'a str,
        status: KeyStatus,
    ) -> Answer<'a, ()> {
        now(self
            .world
            .lock()
            .iam
            .set_key_status(user, access_key_id, status))
    }

    fn principal<'a>(&'a self, principal: &'a Principal) -> Answer<'a, Option<PrincipalInfo>> {
        now(Ok(self.world.lock().iam.principal(principal)))
    }

    fn inline_policy<'a>(
        &'a self,
        principal: &'a Principal,
        policy_name: &'a str,
    ) -> Answer<'a, Option<String>> {
        now(Ok(self
            .world
            .lock()
            .iam
            .inline_policy(principal, policy_name)))
    }

    fn put_inline_policy<'a>(
        &'a self,
        principal: &'a Principal,
        policy_name: &'a str,
        document: &'a str,
    ) -> Answer<'a, ()> {
        now(self
            .world
            .lock()
            .iam
            .put_inline_policy(principal, policy_name, document))
    }

    fn delete_inline_policy<'a>(
        &'a self,
        principal: &'a Principal,
        policy_name: &'a str,
    ) -> Answer<'a, ()> {
        now(self
            .world
            .lock()
            .iam
            .delete_inline_policy(principal, policy_name))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::action::journal::{Actor, Journal};
    use crate::action::{ActionError, Executor, Request};
    use crate::source::demo::iam::{CI_USER, LEAKED_KEY};

    fn executor(dir: &std::path::Path, world: &SharedWorld, force: bool) -> Executor {
        Executor::new(
            false,
            Journal::in_dir(dir),
            Actor::default(),
            "INC-9".into(),
            Box::new(Rehearsal::new(world.clone())),
        )
        .force(force)
    }

    fn run(e: &Executor, request: Request) -> Result<crate::action::Outcome, ActionError> {
        let rt = tokio::runtime::Builder::new_current_thread()
            .build()
            .unwrap();
        rt.block_on(async {
            let plan = e.plan(&request).await?;
            e.execute(&plan).await
        })
    }

    #[test]
    fn the_demo_rehearses_every_credential_action_and_its_restore() {
        let dir = tempfile::tempdir().unwrap();
        let world = SharedWorld::new(World::new(1, 1));
        let e = executor(dir.path(), &world, false);
        let key = |w: &SharedWorld| w.lock().iam.access_key(LEAKED_KEY).unwrap().status;

        let done = run(&e, Request::of("disable-key", LEAKED_KEY).unwrap()).unwrap();
        assert!(done.verified, "{}", done.message);
        assert_eq!(key(&world), KeyStatus::Inactive);
        run(&e, Request::of("restore", LEAKED_KEY).unwrap()).unwrap();
        assert_eq!(key(&world), KeyStatus::Active);

        let user = Principal::User(CI_USER.into());
        run(&e, Request::of("deny-user", CI_USER).unwrap()).unwrap();
        assert!(
            world
                .lock()
                .iam
                .inline_policy(&user, "secdash-deny-all-INC-9")
                .is_some()
        );
        run(&e, Request::of("restore", CI_USER).unwrap()).unwrap();
        assert!(
            world
                .lock()
                .iam
                .inline_policy(&user, "secdash-deny-all-INC-9")
                .is_none()
        );

        let role = "studyai-dev-ec2-role";
        run(&e, Request::of("revoke-sessions", role).unwrap()).unwrap();
        let early = run(&e, Request::of("restore", role).unwrap()).unwrap_err();
        assert!(early.to_string().contains("must stay until"), "{early}");
        let forced = executor(dir.path(), &world, true);
        assert!(
            run(&forced, Request::of("restore", role).unwrap())
                .unwrap()
                .verified
        );
        let r = Principal::Role(role.into());
        assert!(
            world
                .lock()
                .iam
                .inline_policy(&r, "AWSRevokeOlderSessions")
                .is_none()
        );

        let linked = run(
            &e,
            Request::of(
                "revoke-sessions",
                "AWSServiceRoleForAmazonSageMakerNotebooks",
            )
            .unwrap(),
        )
        .unwrap_err();
        assert!(linked.to_string().contains("service-linked"), "{linked}");
    }

    /// A plan, or an entry to restore, is acted on only in the account it was made in: the
    /// same key id through another account's credentials is another key.
    #[test]
    fn a_plan_or_an_entry_of_one_account_is_refused_in_another() {
        use crate::model::AccountRef;
        let dir = tempfile::tempdir().unwrap();
        let world = SharedWorld::new(World::new(1, 1));
        let account = |id: &str, name: &str| {
            Some(AccountRef {
                id: id.into(),
                name: name.into(),
            })
        };
        let dev = executor(dir.path(), &world, false).in_account(account("111111111111", "dev"));
        let prod = executor(dir.path(), &world, false).in_account(account("333333333333", "prod"));
        let rt = tokio::runtime::Builder::new_current_thread()
            .build()
            .unwrap();
        let disable = Request::of("disable-key", LEAKED_KEY).unwrap();
        let plan = rt.block_on(dev.plan(&disable)).unwrap();
        assert_eq!(plan.account_shown(None), "dev (111111111111)");
        let refused = rt.block_on(prod.execute(&plan)).unwrap_err().to_string();
        assert!(
            refused.contains("belongs to account dev (111111111111)")
                && refused.contains("would act in account prod (333333333333)"),
            "{refused}"
        );
        assert_eq!(
            world.lock().iam.access_key(LEAKED_KEY).unwrap().status,
            KeyStatus::Active,
            "nothing was done"
        );
        let done = rt.block_on(dev.execute(&plan)).unwrap();
        // The same key id named in another account is another key: nothing journalled there,
        // and dev's entry stays in effect.
        let there = run(&prod, Request::of("restore", LEAKED_KEY).unwrap())
            .unwrap_err()
            .to_string();
        assert!(
            there.contains("no journal entry or journalled resource"),
            "{there}"
        );
        assert_eq!(
            world.lock().iam.access_key(LEAKED_KEY).unwrap().status,
            KeyStatus::Inactive
        );
        let restore = Request::of("restore", &done.entry).unwrap();
        for elsewhere in [&prod, &executor(dir.path(), &world, false)] {
            let refused = run(elsewhere, restore.clone()).unwrap_err().to_string();
            assert!(
                refused.contains(&format!(
                    "`secdash restore {}` restores it there",
                    done.entry
                )),
                "{refused}"
            );
        }
        assert!(run(&dev, restore).unwrap().verified);
        assert_eq!(
            world.lock().iam.access_key(LEAKED_KEY).unwrap().status,
            KeyStatus::Active
        );
    }
}
