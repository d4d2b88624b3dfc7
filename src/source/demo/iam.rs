//! The demo account's IAM, as the credential actions see it: the users and keys and roles the
//! demo's findings name, with IAM's answers and errors, changed only in memory.

use super::{ACCOUNT, REGION};
use crate::model::{AccessKeyInfo, KeyStatus, LastUsed, Principal, PrincipalInfo, SourceError};
use chrono::{DateTime, Duration, Utc};
use std::collections::BTreeMap;

/// The leaked key of the demo's story, and its user.
pub const LEAKED_KEY: &str = "AKIA4EXAMPLEDEVOPS01";
pub const CI_USER: &str = "devops-ci";
/// The instance role whose session credentials were used from outside AWS.
pub const EC2_ROLE: &str = "studyai-dev-ec2-role";

#[derive(Debug, Clone)]
struct Key {
    user: String,
    status: KeyStatus,
    created: DateTime<Utc>,
    last_used: Option<(DateTime<Utc>, &'static str, &'static str)>,
}

#[derive(Debug, Clone)]
struct Role {
    path: &'static str,
    max_session_secs: i32,
}

#[derive(Debug, Clone)]
pub struct DemoIam {
    keys: BTreeMap<String, Key>,
    users: Vec<String>,
    roles: BTreeMap<String, Role>,
    inline: BTreeMap<(Principal, String), String>,
}

fn no_such(operation: &str, message: String) -> SourceError {
    SourceError::Api {
        service: "iam".into(),
        operation: operation.into(),
        region: REGION.into(),
        code: "NoSuchEntity".into(),
        message,
    }
}

impl DemoIam {
    pub fn new(now: DateTime<Utc>) -> DemoIam {
        let key =
            |user: &str, status, days: i64, used: Option<(i64, &'static str, &'static str)>| Key {
                user: user.into(),
                status,
                created: now - Duration::days(days),
                last_used: used
                    .map(|(h, region, service)| (now - Duration::hours(h), region, service)),
            };
        let mut keys = BTreeMap::new();
        keys.insert(
            LEAKED_KEY.to_string(),
            key(
                CI_USER,
                KeyStatus::Active,
                212,
                Some((2, "us-east-1", "ec2")),
            ),
        );
        keys.insert(
            "AKIA4EXAMPLEDEVOPS02".to_string(),
            key(CI_USER, KeyStatus::Inactive, 400, None),
        );
        keys.insert(
            "AKIA4EXAMPLEDATASCI1".to_string(),
            key(
                "data-scientist-1",
                KeyStatus::Active,
                30,
                Some((20, REGION, "sagemaker")),
            ),
        );
        let role = |path, max_session_secs| Role {
            path,
            max_session_secs,
        };
        let mut roles = BTreeMap::new();
        roles.insert(EC2_ROLE.to_string(), role("/", 3600));
        roles.insert("studyai-dev-sagemaker-role".to_string(), role("/", 43200));
        roles.insert(
            "AWSServiceRoleForAmazonSageMakerNotebooks".to_string(),
            role("/aws-service-role/sagemaker.amazonaws.com/", 3600),
        );
        DemoIam {
            keys,
            users: vec![CI_USER.to_string(), "data-scientist-1".to_string()],
            roles,
            inline: BTreeMap::new(),
        }
    }

    pub fn access_key(&self, id: &str) -> Option<AccessKeyInfo> {
        let key = self.keys.get(id)?;
        Some(AccessKeyInfo {
            access_key_id: id.to_string(),
            user: key.user.clone(),
            status: key.status,
            created: Some(key.created),
            last_used: key.last_used.map(|(t, region, service)| LastUsed {
                time: Some(t),
                region: Some(region.to_string()),
                service: Some(service.to_string()),
            }),
            other_keys: self
                .keys
                .iter()
                .filter(|(other, k)| *other != id && k.user == key.user)
                .map(|(other, k)| (other.clone(), k.status, Some(k.created)))
                .collect(),
        })
    }

    pub fn set_key_status(
        &mut self,
        user: &str,
        id: &str,
        status: KeyStatus,
    ) -> Result<(), SourceError> {
        match self.keys.get_mut(id) {
            Some(k) if k.user == user => {
                k.status = status;
                Ok(())
            }
            _ => Err(no_such(
                "UpdateAccessKey",
                format!("The Access Key with id {id} cannot be found."),
            )),
        }
    }

    pub fn principal(&self, p: &Principal) -> Option<PrincipalInfo> {
        match p {
            Principal::User(name) => self.users.contains(name).then(|| PrincipalInfo {
                arn: format!("arn:aws:iam::{ACCOUNT}:user/{name}"),
                path: "/".into(),
                max_session_secs: None,
                quarantine: vec![],
            }),
            Principal::Role(name) => self.roles.get(name).map(|r| PrincipalInfo {
                arn: format!("arn:aws:iam::{ACCOUNT}:role{}{name}", r.path),
                path: r.path.into(),
                max_session_secs: Some(r.max_session_secs),
                quarantine: vec![],
            }),
        }
    }

    pub fn inline_policy(&self, p: &Principal, name: &str) -> Option<String> {
        self.inline.get(&(p.clone(), name.to_string())).cloned()
    }

    pub fn put_inline_policy(
        &mut self,
        p: &Principal,
        name: &str,
        document: &str,
    ) -> Result<(), SourceError> {
        let Some(info) = self.principal(p) else {
            return Err(no_such("PutPolicy", format!("The {p} cannot be found.")));
        };
        if info.service_linked() {
            return Err(SourceError::Api {
                service: "iam".into(),
                operation: "PutRolePolicy".into(),
                region: REGION.into(),
                code: "UnmodifiableEntity".into(),
                message: format!(
                    "Cannot perform the operation on the protected role '{}'",
                    p.name()
                ),
            });
        }
        self.inline
            .insert((p.clone(), name.to_string()), document.to_string());
        Ok(())
    }

    pub fn delete_inline_policy(&mut self, p: &Principal, name: &str) -> Result<(), SourceError> {
        self.inline
            .remove(&(p.clone(), name.to_string()))
            .map(|_| ())
            .ok_or_else(|| {
                no_such(
                    "DeletePolicy",
                    format!("The policy {name} cannot be found."),
                )
            })
    }
}
