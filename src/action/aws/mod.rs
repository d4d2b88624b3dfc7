//! The only code in secdash that changes anything in AWS, and the reads it needs to plan and
//! verify: EC2's (`ec2.rs`), GuardDuty's (`guardduty.rs`) and IAM's (`iam.rs`). Every call goes through `call`, so
//! it is counted and its error names the IAM action. The ML platform's (SageMaker, S3
//! bucket policies, ECR repository policies) are in `platform.rs`.

mod ec2;
mod guardduty;
mod iam;
mod platform;
mod policies;

use super::cloud::{Answer, Cloud, FindingBrief, InterfaceState};
use super::credentials::{AccessKeyInfo, PrincipalInfo};
use super::plan::{GroupRole, InterfaceBefore, KeyStatus, Principal, RuleSpec};
use crate::aws::calls::Calls;
use crate::aws::{Session, regional};
use crate::model::SourceError;

pub struct AwsActions {
    pub region: String,
    pub profile: Option<String>,
    pub ec2: aws_sdk_ec2::Client,
    pub guardduty: aws_sdk_guardduty::Client,
    pub iam: aws_sdk_iam::Client,
    pub sagemaker: aws_sdk_sagemaker::Client,
    pub s3: aws_sdk_s3::Client,
    pub ecr: aws_sdk_ecr::Client,
    pub sts: aws_sdk_sts::Client,
    pub cloudtrail: aws_sdk_cloudtrail::Client,
    pub calls: Calls,
}

impl AwsActions {
    /// Clients for the actions in one region, from the shared session.
    pub fn new(session: &Session, region: &str) -> AwsActions {
        AwsActions {
            region: region.to_string(),
            profile: session.profile().map(str::to_string),
            ec2: regional!(aws_sdk_ec2, session.config(), region),
            guardduty: regional!(aws_sdk_guardduty, session.config(), region),
            iam: aws_sdk_iam::Client::new(session.config()),
            sagemaker: regional!(aws_sdk_sagemaker, session.config(), region),
            // Path-style addressing works with every endpoint, AWS_ENDPOINT_URL emulators too.
            s3: aws_sdk_s3::Client::from_conf(
                aws_sdk_s3::config::Builder::from(session.config())
                    .region(aws_config::Region::new(region.to_string()))
                    .force_path_style(true)
                    .build(),
            ),
            ecr: regional!(aws_sdk_ecr, session.config(), region),
            sts: regional!(aws_sdk_sts, session.config(), region),
            cloudtrail: regional!(aws_sdk_cloudtrail, session.config(), region),
            calls: Calls::default(),
        }
    }

    fn p(&self) -> Option<&str> {
        self.profile.as_deref()
    }
}

/// The inherent methods above, as the executor calls them.
impl Cloud for AwsActions {
    fn region(&self) -> &str {
        &self.region
    }

    fn read_group<'a>(&'a self, group_id: &'a str) -> Answer<'a, (Option<String>, Vec<RuleSpec>)> {
        Box::pin(AwsActions::read_group(self, group_id))
    }

    fn read_interfaces<'a>(&'a self, target: &'a str) -> Answer<'a, Vec<InterfaceBefore>> {
        Box::pin(AwsActions::read_interfaces(self, target))
    }

    fn read_interface_state<'a>(&'a self, target: &'a str) -> Answer<'a, Vec<InterfaceState>> {
        Box::pin(AwsActions::read_interface_state(self, target))
    }

    fn tagged<'a>(&'a self, resources: &'a [String]) -> Answer<'a, Vec<String>> {
        Box::pin(AwsActions::tagged(self, resources))
    }

    fn find_group<'a>(&'a self, vpc_id: &'a str, name: &'a str) -> Answer<'a, Option<String>> {
        Box::pin(AwsActions::find_group(self, vpc_id, name))
    }

    fn revoke<'a>(
        &'a self,
        group_id: &'a str,
        rules: &'a [RuleSpec],
        dry_run: bool,
    ) -> Answer<'a, ()> {
        Box::pin(AwsActions::revoke(self, group_id, rules, dry_run))
    }

    fn authorize<'a>(&'a self, group_id: &'a str, rules: &'a [RuleSpec]) -> Answer<'a, ()> {
        Box::pin(AwsActions::authorize(self, group_id, rules))
    }

    fn ensure_group<'a>(
        &'a self,
        name: &'a str,
        vpc_id: &'a str,
        role: GroupRole,
    ) -> Answer<'a, String> {
        Box::pin(AwsActions::ensure_group(self, name, vpc_id, role))
    }

    fn set_interface_groups<'a>(
        &'a self,
        interface_id: &'a str,
        groups: &'a [String],
        dry_run: bool,
    ) -> Answer<'a, ()> {
        Box::pin(AwsActions::set_interface_groups(
            self,
            interface_id,
            groups,
            dry_run,
        ))
    }

    fn delete_group<'a>(&'a self, group_id: &'a str) -> Answer<'a, ()> {
        Box::pin(AwsActions::delete_group(self, group_id))
    }

    fn tag<'a>(&'a self, resource: &'a str, key: &'a str, value: &'a str) -> Answer<'a, ()> {
        Box::pin(AwsActions::tag(self, resource, key, value))
    }

    fn untag<'a>(&'a self, resource: &'a str, key: &'a str) -> Answer<'a, ()> {
        Box::pin(AwsActions::untag(self, resource, key))
    }

    fn detector(&self) -> Answer<'_, Option<String>> {
        Box::pin(AwsActions::detector(self))
    }

    fn finding<'a>(
        &'a self,
        detector_id: &'a str,
        finding_id: &'a str,
    ) -> Answer<'a, Option<FindingBrief>> {
        Box::pin(AwsActions::finding(self, detector_id, finding_id))
    }

    fn set_archived<'a>(
        &'a self,
        detector_id: &'a str,
        finding_ids: &'a [String],
        archived: bool,
    ) -> Answer<'a, ()> {
        Box::pin(AwsActions::set_archived(
            self,
            detector_id,
            finding_ids,
            archived,
        ))
    }

    fn access_key<'a>(&'a self, access_key_id: &'a str) -> Answer<'a, Option<AccessKeyInfo>> {
        Box::pin(AwsActions::access_key(self, access_key_id))
    }

    fn set_access_key_status<'a>(
        &'a self,
        user: &'a str,
        access_key_id: &'a str,
        status: KeyStatus,
    ) -> Answer<'a, ()> {
        Box::pin(AwsActions::set_access_key_status(
            self,
            user,
            access_key_id,
            status,
        ))
    }

    fn principal<'a>(&'a self, principal: &'a Principal) -> Answer<'a, Option<PrincipalInfo>> {
        Box::pin(AwsActions::principal(self, principal))
    }

    fn inline_policy<'a>(
        &'a self,
        principal: &'a Principal,
        policy_name: &'a str,
    ) -> Answer<'a, Option<String>> {
        Box::pin(AwsActions::inline_policy(self, principal, policy_name))
    }

    fn put_inline_policy<'a>(
        &'a self,
        principal: &'a Principal,
        policy_name: &'a str,
        document: &'a str,
    ) -> Answer<'a, ()> {
        Box::pin(AwsActions::put_inline_policy(
            self,
            principal,
            policy_name,
            document,
        ))
    }

    fn delete_inline_policy<'a>(
        &'a self,
        principal: &'a Principal,
        policy_name: &'a str,
    ) -> Answer<'a, ()> {
        Box::pin(AwsActions::delete_inline_policy(
            self,
            principal,
            policy_name,
        ))
    }
}

/// EC2's answer to a DryRun request: "DryRunOperation" means it would have worked.
pub fn dry_run_verdict(result: Result<(), SourceError>) -> String {
    match result {
        Ok(()) => "dry run: allowed".to_string(),
        Err(SourceError::Api { code, .. }) if code == "DryRunOperation" => {
            "dry run: allowed (permissions checked)".to_string()
        }
        Err(e) => format!("dry run: refused: {e}"),
    }
}
