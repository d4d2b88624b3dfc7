//! What the executor needs of a cloud: the reads it plans and verifies with, and the calls that
//! change things. `AwsActions` is the real one; the demo's `Rehearsal` changes an account that
//! exists only in memory, so the whole flow can be tried without touching anything.

use super::credentials::{AccessKeyInfo, PrincipalInfo};
use super::plan::{GroupRole, InterfaceBefore, KeyStatus, Principal, RuleSpec};

pub use super::platform::Answer;

/// An interface as a containment sees it: on which groups (by name), and whether it is tagged.
#[derive(Debug, Clone, PartialEq)]
pub struct InterfaceState {
    pub interface_id: String,
    pub group_names: Vec<String>,
    pub tagged: bool,
}

/// What the plan of an archive says of the finding.
#[derive(Debug, Clone, PartialEq)]
pub struct FindingBrief {
    pub archived: bool,
    pub finding_type: String,
    pub title: String,
}

/// Every cloud an action acts on is also the ML platform's (`platform.rs`).
pub trait Cloud: super::platform::Platform + Send + Sync {
    fn region(&self) -> &str;

    /// A group's VPC and every rule, with ids.
    fn read_group<'a>(&'a self, group_id: &'a str) -> Answer<'a, (Option<String>, Vec<RuleSpec>)>;

    /// The interfaces of an instance (`i-…`) or one interface (`eni-…`), with their groups.
    fn read_interfaces<'a>(&'a self, target: &'a str) -> Answer<'a, Vec<InterfaceBefore>>;

    /// The same interfaces with their groups' names and whether they carry the containment
    /// tag: what a containment must not be repeated on.
    fn read_interface_state<'a>(&'a self, target: &'a str) -> Answer<'a, Vec<InterfaceState>>;

    /// Which of these resources (interfaces, instances) carry the containment tag.
    fn tagged<'a>(&'a self, resources: &'a [String]) -> Answer<'a, Vec<String>>;

    fn find_group<'a>(&'a self, vpc_id: &'a str, name: &'a str) -> Answer<'a, Option<String>>;

    fn revoke<'a>(
        &'a self,
        group_id: &'a str,
        rules: &'a [RuleSpec],
        dry_run: bool,
    ) -> Answer<'a, ()>;

    fn authorize<'a>(&'a self, group_id: &'a str, rules: &'a [RuleSpec]) -> Answer<'a, ()>;

    /// Finds the group by name in the VPC, or creates it with the rules its role needs; an
    /// isolation group is made rule-less whether new or found.
    fn ensure_group<'a>(
        &'a self,
        name: &'a str,
        vpc_id: &'a str,
        role: GroupRole,
    ) -> Answer<'a, String>;

    fn set_interface_groups<'a>(
        &'a self,
        interface_id: &'a str,
        groups: &'a [String],
        dry_run: bool,
    ) -> Answer<'a, ()>;

    fn delete_group<'a>(&'a self, group_id: &'a str) -> Answer<'a, ()>;

    fn tag<'a>(&'a self, resource: &'a str, key: &'a str, value: &'a str) -> Answer<'a, ()>;

    fn untag<'a>(&'a self, resource: &'a str, key: &'a str) -> Answer<'a, ()>;

    /// The GuardDuty detector of this region (at most one per account and region).
    fn detector(&self) -> Answer<'_, Option<String>>;

    /// The finding as GuardDuty has it now; `None` when it does not know it.
    fn finding<'a>(
        &'a self,
        detector_id: &'a str,
        finding_id: &'a str,
    ) -> Answer<'a, Option<FindingBrief>>;

    fn set_archived<'a>(
        &'a self,
        detector_id: &'a str,
        finding_ids: &'a [String],
        archived: bool,
    ) -> Answer<'a, ()>;

    /// The key, its user, its last use and the user's other keys; `None` when IAM does not
    /// know it.
    fn access_key<'a>(&'a self, access_key_id: &'a str) -> Answer<'a, Option<AccessKeyInfo>>;

    fn set_access_key_status<'a>(
        &'a self,
        user: &'a str,
        access_key_id: &'a str,
        status: KeyStatus,
    ) -> Answer<'a, ()>;

    /// The user or role, with the quarantine policies AWS attached; `None` when it does not
    /// exist.
    fn principal<'a>(&'a self, principal: &'a Principal) -> Answer<'a, Option<PrincipalInfo>>;

    /// The inline policy's document, decoded, exactly as IAM keeps it; `None` when there is
    /// none of that name.
    fn inline_policy<'a>(
        &'a self,
        principal: &'a Principal,
        policy_name: &'a str,
    ) -> Answer<'a, Option<String>>;

    fn put_inline_policy<'a>(
        &'a self,
        principal: &'a Principal,
        policy_name: &'a str,
        document: &'a str,
    ) -> Answer<'a, ()>;

    fn delete_inline_policy<'a>(
        &'a self,
        principal: &'a Principal,
        policy_name: &'a str,
    ) -> Answer<'a, ()>;

    /// Whether the finding is archived now; `None` when GuardDuty does not know it.
    fn finding_archived<'a>(
        &'a self,
        detector_id: &'a str,
        finding_id: &'a str,
    ) -> Answer<'a, Option<bool>> {
        Box::pin(async move {
            Ok(self
                .finding(detector_id, finding_id)
                .await?
                .map(|f| f.archived))
        })
    }
}
