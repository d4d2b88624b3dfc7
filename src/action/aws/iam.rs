//! IAM: an access key and its last use, a user's or role's inline policy, the quarantine
//! policies AWS attaches. IAM is global; its calls are counted under the action's region.

use super::AwsActions;
use crate::action::credentials::{AccessKeyInfo, LastUsed, PrincipalInfo, QUARANTINE_PREFIX};
use crate::action::plan::{KeyStatus, Principal};
use crate::aws::calls::call;
use crate::checklist::policy_doc;
use crate::model::SourceError;
use aws_sdk_iam::types::StatusType;
use chrono::{DateTime, Utc};

fn time(t: Option<&aws_smithy_types::DateTime>) -> Option<DateTime<Utc>> {
    t.and_then(|t| DateTime::<Utc>::from_timestamp(t.secs(), t.subsec_nanos()))
}

fn status(s: Option<&StatusType>) -> KeyStatus {
    match s {
        Some(StatusType::Active) => KeyStatus::Active,
        _ => KeyStatus::Inactive,
    }
}

/// IAM's "there is no such thing" answer, which a plan reads as `None`.
fn absent<T>(r: Result<T, SourceError>) -> Result<Option<T>, SourceError> {
    crate::aws::errors::absent(r, &["NoSuchEntity"])
}

impl AwsActions {
    pub async fn access_key(
        &self,
        access_key_id: &str,
    ) -> Result<Option<AccessKeyInfo>, SourceError> {
        let Some(used) = absent(
            call(
                &self.calls,
                "iam:GetAccessKeyLastUsed",
                &self.region,
                self.p(),
                self.iam
                    .get_access_key_last_used()
                    .access_key_id(access_key_id)
                    .send(),
            )
            .await,
        )?
        else {
            return Ok(None);
        };
        let Some(user) = used.user_name().map(str::to_string) else {
            return Ok(None);
        };
        let keys = call(
            &self.calls,
            "iam:ListAccessKeys",
            &self.region,
            self.p(),
            self.iam.list_access_keys().user_name(&user).send(),
        )
        .await?;
        let mut this = None;
        let mut other_keys = Vec::new();
        for k in keys.access_key_metadata() {
            let id = k.access_key_id().unwrap_or_default().to_string();
            let (st, created) = (status(k.status()), time(k.create_date()));
            if id == access_key_id {
                this = Some((st, created));
            } else {
                other_keys.push((id, st, created));
            }
        }
        let Some((key_status, created)) = this else {
            return Ok(None);
        };
        let last_used = used.access_key_last_used().map(|u| LastUsed {
            time: time(u.last_used_date()),
            region: Some(u.region().to_string()).filter(|r| !r.is_empty() && r != "N/A"),
            service: Some(u.service_name().to_string()).filter(|s| !s.is_empty() && s != "N/A"),
        });
        Ok(Some(AccessKeyInfo {
            access_key_id: access_key_id.to_string(),
            user,
            status: key_status,
            created,
            last_used,
            other_keys,
        }))
    }

    pub async fn set_access_key_status(
        &self,
        user: &str,
        access_key_id: &str,
        to: KeyStatus,
    ) -> Result<(), SourceError> {
        call(
            &self.calls,
            "iam:UpdateAccessKey",
            &self.region,
            self.p(),
            self.iam
                .update_access_key()
                .user_name(user)
                .access_key_id(access_key_id)
                .status(StatusType::from(to.as_str()))
                .send(),
        )
        .await
        .map(|_| ())
    }

    pub async fn principal(
        &self,
        principal: &Principal,
    ) -> Result<Option<PrincipalInfo>, SourceError> {
        let (arn, path, max_session_secs, attached) = match principal {
            Principal::User(name) => {
                let Some(out) = absent(
                    call(
                        &self.calls,
                        "iam:GetUser",
                        &self.region,
                        self.p(),
                        self.iam.get_user().user_name(name).send(),
                    )
                    .await,
                )?
                else {
                    return Ok(None);
                };
                let user = out.user().cloned();
                let attached = call(
                    &self.calls,
                    "iam:ListAttachedUserPolicies",
                    &self.region,
                    self.p(),
                    self.iam
                        .list_attached_user_policies()
                        .user_name(name)
                        .send(),
                )
                .await?;
                (
                    user.as_ref().map(|u| u.arn().to_string()),
                    user.as_ref().map(|u| u.path().to_string()),
                    None,
                    attached.attached_policies().to_vec(),
                )
            }
            Principal::Role(name) => {
                let Some(out) = absent(
                    call(
                        &self.calls,
                        "iam:GetRole",
                        &self.region,
                        self.p(),
                        self.iam.get_role().role_name(name).send(),
                    )
                    .await,
                )?
                else {
                    return Ok(None);
                };
                let role = out.role().cloned();
                let attached = call(
                    &self.calls,
                    "iam:ListAttachedRolePolicies",
                    &self.region,
                    self.p(),
                    self.iam
                        .list_attached_role_policies()
                        .role_name(name)
                        .send(),
                )
                .await?;
                (
                    role.as_ref().map(|r| r.arn().to_string()),
                    role.as_ref().map(|r| r.path().to_string()),
                    role.as_ref().and_then(|r| r.max_session_duration()),
                    attached.attached_policies().to_vec(),
                )
            }
        };
        Ok(Some(PrincipalInfo {
            arn: arn.unwrap_or_default(),
            path: path.unwrap_or_else(|| "/".into()),
            max_session_secs,
            quarantine: attached
                .iter()
                .filter_map(|p| p.policy_name())
                .filter(|n| n.starts_with(QUARANTINE_PREFIX))
                .map(str::to_string)
                .collect(),
        }))
    }

    pub async fn inline_policy(
        &self,
        principal: &Principal,
        policy_name: &str,
    ) -> Result<Option<String>, SourceError> {
        let raw = match principal {
            Principal::User(name) => absent(
                call(
                    &self.calls,
                    "iam:GetUserPolicy",
                    &self.region,
                    self.p(),
                    self.iam
                        .get_user_policy()
                        .user_name(name)
                        .policy_name(policy_name)
                        .send(),
                )
                .await,
            )?
            .map(|o| o.policy_document().to_string()),
            Principal::Role(name) => absent(
                call(
                    &self.calls,
                    "iam:GetRolePolicy",
                    &self.region,
                    self.p(),
                    self.iam
                        .get_role_policy()
                        .role_name(name)
                        .policy_name(policy_name)
                        .send(),
                )
                .await,
            )?
            .map(|o| o.policy_document().to_string()),
        };
        Ok(raw.map(|d| policy_doc::decode(&d)))
    }

    pub async fn put_inline_policy(
        &self,
        principal: &Principal,
        policy_name: &str,
        document: &str,
    ) -> Result<(), SourceError> {
        match principal {
            Principal::User(name) => call(
                &self.calls,
                "iam:PutUserPolicy",
                &self.region,
                self.p(),
                self.iam
                    .put_user_policy()
                    .user_name(name)
                    .policy_name(policy_name)
                    .policy_document(document)
                    .send(),
            )
            .await
            .map(|_| ()),
            Principal::Role(name) => call(
                &self.calls,
                "iam:PutRolePolicy",
                &self.region,
                self.p(),
                self.iam
                    .put_role_policy()
                    .role_name(name)
                    .policy_name(policy_name)
                    .policy_document(document)
                    .send(),
            )
            .await
            .map(|_| ()),
        }
    }

    pub async fn delete_inline_policy(
        &self,
        principal: &Principal,
        policy_name: &str,
    ) -> Result<(), SourceError> {
        match principal {
            Principal::User(name) => call(
                &self.calls,
                "iam:DeleteUserPolicy",
                &self.region,
                self.p(),
                self.iam
                    .delete_user_policy()
                    .user_name(name)
                    .policy_name(policy_name)
                    .send(),
            )
            .await
            .map(|_| ()),
            Principal::Role(name) => call(
                &self.calls,
                "iam:DeleteRolePolicy",
                &self.region,
                self.p(),
                self.iam
                    .delete_role_policy()
                    .role_name(name)
                    .policy_name(policy_name)
                    .send(),
            )
            .await
            .map(|_| ()),
        }
    }
}
