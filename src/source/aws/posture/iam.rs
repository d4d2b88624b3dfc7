//! The account's password policy, root MFA, and the roles SageMaker and EC2 can assume with
//! what their policies grant too broadly.

use super::{Ctx, absent};
use crate::aws::calls::call;
use crate::checklist::policy_doc;
use crate::checklist::posture::*;
use crate::source::SourceError;
use aws_sdk_iam::Client;
use aws_sdk_iam::types::{PolicyEvaluationDecisionType, SummaryKeyType};

/// The services whose roles the checklist reviews.
const SERVICES: &[&str] = &["sagemaker.amazonaws.com", "ec2.amazonaws.com"];
const ADMIN_POLICY: &str = "arn:aws:iam::aws:policy/AdministratorAccess";

type Parts = (
    Observed<Option<PasswordPolicy>>,
    Observed<bool>,
    Observed<Vec<Role>>,
    Observed<Vec<UserCredentials>>,
    Observed<Vec<RoleGuardrail>>,
);

pub(super) async fn account(iam: &Client, ctx: &Ctx<'_>) -> Parts {
    let (pp, summary, (roles, guardrails), credentials) = tokio::join!(
        Box::pin(call(
            ctx.calls,
            "iam:GetAccountPasswordPolicy",
            ctx.region,
            ctx.profile,
            iam.get_account_password_policy().send(),
        )),
        Box::pin(call(
            ctx.calls,
            "iam:GetAccountSummary",
            ctx.region,
            ctx.profile,
            iam.get_account_summary().send(),
        )),
        Box::pin(async {
            match list_roles(iam, ctx).await {
                Ok(listed) => {
                    let (r, g) = tokio::join!(
                        Box::pin(roles(iam, ctx, &listed)),
                        Box::pin(guardrails(iam, ctx, &listed)),
                    );
                    (r, g)
                }
                Err(e) => (Err(e.clone()), Err(e)),
            }
        }),
        Box::pin(credential_report(iam, ctx)),
    );
    let pp = absent(pp, &["NoSuchEntity"]).map(|o| {
        o.and_then(|out| {
            out.password_policy().map(|p| PasswordPolicy {
                minimum_length: p.minimum_password_length().unwrap_or(0),
                require_lowercase: p.require_lowercase_characters(),
                require_uppercase: p.require_uppercase_characters(),
                require_numbers: p.require_numbers(),
                require_symbols: p.require_symbols(),
                max_age_days: p.max_password_age().filter(|d| *d > 0),
                reuse_prevention: p.password_reuse_prevention().filter(|n| *n > 0),
            })
        })
    });
    let mfa = summary.map(|s| {
        s.summary_map()
            .and_then(|m| m.get(&SummaryKeyType::AccountMfaEnabled))
            .is_some_and(|v| *v == 1)
    });
    (
        ctx.observed(pp),
        ctx.observed(mfa),
        ctx.observed(roles),
        ctx.observed(credentials),
        ctx.observed(guardrails),
    )
}

/// The credential report: asked for, then read once IAM has it (a few seconds at most).
async fn credential_report(
    iam: &Client,
    ctx: &Ctx<'_>,
) -> Result<Vec<UserCredentials>, SourceError> {
    call(
        ctx.calls,
        "iam:GenerateCredentialReport",
        ctx.region,
        ctx.profile,
        iam.generate_credential_report().send(),
    )
    .await?;
    let mut waited = 0;
    loop {
        let got = call(
            ctx.calls,
            "iam:GetCredentialReport",
            ctx.region,
            ctx.profile,
            iam.get_credential_report().send(),
        )
        .await;
        match got {
            Ok(out) => {
                let csv = out
                    .content()
                    .map(|b| String::from_utf8_lossy(b.as_ref()).into_owned())
                    .unwrap_or_default();
                return parse_credential_report(&csv).map_err(SourceError::Other);
            }
            Err(e)
                if super::code(&e).is_some_and(|c| {
                    matches!(c, "ReportInProgress" | "ReportNotPresent" | "ReportExpired")
                }) && waited < 5 =>
            {
                waited += 1;
                tokio::time::sleep(std::time::Duration::from_secs(1)).await;
            }
            Err(e) => return Err(e),
        }
    }
}

/// Which of `SERVICES` a trust policy lets assume the role.
fn trusted_services(trust: &str) -> Vec<String> {
    let doc = policy_doc::decode(trust);
    SERVICES
        .iter()
        .filter(|s| doc.contains(&format!("\"{s}\"")))
        .map(|s| s.to_string())
        .collect()
}

/// A role as ListRoles gives it.
struct Listed {
    name: String,
    arn: String,
    path: String,
    /// Which of `SERVICES` it trusts.
    services: Vec<String>,
}

async fn list_roles(iam: &Client, ctx: &Ctx<'_>) -> Result<Vec<Listed>, SourceError> {
    let mut found = Vec::new();
    let mut marker = None;
    loop {
        let page = call(
            ctx.calls,
            "iam:ListRoles",
            ctx.region,
            ctx.profile,
            iam.list_roles().max_items(1000).set_marker(marker).send(),
        )
        .await?;
        found.extend(page.roles().iter().map(|r| Listed {
            name: r.role_name().to_string(),
            arn: r.arn().to_string(),
            path: r.path().to_string(),
            services: trusted_services(r.assume_role_policy_document().unwrap_or_default()),
        }));
        marker = page.marker().map(str::to_string);
        if !page.is_truncated() || marker.is_none() {
            return Ok(found);
        }
    }
}

/// The roles SageMaker or EC2 can assume, with what their policies grant too broadly.
async fn roles(iam: &Client, ctx: &Ctx<'_>, listed: &[Listed]) -> Result<Vec<Role>, SourceError> {
    let reviewed = listed.iter().filter(|r| !r.services.is_empty());
    futures::future::try_join_all(reviewed.map(|r| async move {
        Ok(Role {
            grants: grants(iam, ctx, &r.name).await?,
            name: r.name.clone(),
            trusted_services: r.services.clone(),
        })
    }))
    .await
}

/// Whether each role may create SageMaker workloads without a VPC, as IAM's policy simulator
/// answers with `sagemaker:VpcSubnets` absent from the request (so SCPs and permission
/// boundaries count, not only the text of the role's own policies). Service-linked roles are
/// AWS's and left out.
async fn guardrails(
    iam: &Client,
    ctx: &Ctx<'_>,
    listed: &[Listed],
) -> Result<Vec<RoleGuardrail>, SourceError> {
    let asked = listed
        .iter()
        .filter(|r| !r.path.starts_with("/aws-service-role/"));
    let answers = futures::future::try_join_all(asked.map(|r| async move {
        // Every resource of the role's account in this region (the statements of the guide
        // name `arn:aws:sagemaker:*:ACCOUNT:*`).
        let account = r.arn.split(':').nth(4).unwrap_or_default();
        let resource = format!("arn:aws:sagemaker:{}:{account}:*", ctx.region);
        let out = call(
            ctx.calls,
            "iam:SimulatePrincipalPolicy",
            ctx.region,
            ctx.profile,
            iam.simulate_principal_policy()
                .policy_source_arn(&r.arn)
                .set_action_names(Some(
                    WORKLOAD_ACTIONS.iter().map(|a| a.to_string()).collect(),
                ))
                .resource_arns(resource)
                .send(),
        )
        .await?;
        let mut g = RoleGuardrail {
            role: r.name.clone(),
            allowed: Vec::new(),
            denied: Vec::new(),
        };
        for e in out.evaluation_results() {
            let action = e.eval_action_name().to_string();
            match e.eval_decision() {
                PolicyEvaluationDecisionType::Allowed => g.allowed.push(action),
                PolicyEvaluationDecisionType::ExplicitDeny => g.denied.push(action),
                _ => {}
            }
        }
        Ok::<_, SourceError>(g)
    }))
    .await?;
    Ok(answers
        .into_iter()
        .filter(|g| !g.allowed.is_empty() || !g.denied.is_empty())
        .collect())
}

/// What a role's attached and inline policies grant too broadly. A policy that cannot be read
/// becomes an `Unreadable` grant, so the item says which one and why.
async fn grants(iam: &Client, ctx: &Ctx<'_>, role: &str) -> Result<Vec<Grant>, SourceError> {
    let (attached, inline) = tokio::join!(
        Box::pin(call(
            ctx.calls,
            "iam:ListAttachedRolePolicies",
            ctx.region,
            ctx.profile,
            iam.list_attached_role_policies()
                .role_name(role)
                .max_items(1000)
                .send(),
        )),
        Box::pin(call(
            ctx.calls,
            "iam:ListRolePolicies",
            ctx.region,
            ctx.profile,
            iam.list_role_policies()
                .role_name(role)
                .max_items(1000)
                .send(),
        )),
    );
    let mut out = Vec::new();
    for p in attached?.attached_policies() {
        let name = p.policy_name().unwrap_or_default().to_string();
        let arn = p.policy_arn().unwrap_or_default();
        if arn == ADMIN_POLICY {
            out.push(Grant::Admin { policy: name });
        } else if arn.starts_with("arn:aws:iam::aws:policy/") {
            // AWS managed policies are reviewed by name: reading each document costs calls
            // and their content is public.
            if name.ends_with("FullAccess") {
                out.push(Grant::ServiceWildcard {
                    policy: name,
                    action: "full access (AWS managed)".to_string(),
                });
            }
        } else {
            match managed_document(iam, ctx, arn).await {
                Ok(doc) => out.extend(policy_doc::broad_grants(&name, &doc)),
                Err(e) => out.push(Grant::Unreadable {
                    policy: name,
                    why: e.to_string(),
                }),
            }
        }
    }
    for name in inline?.policy_names() {
        let doc = call(
            ctx.calls,
            "iam:GetRolePolicy",
            ctx.region,
            ctx.profile,
            iam.get_role_policy()
                .role_name(role)
                .policy_name(name)
                .send(),
        )
        .await;
        match doc {
            Ok(d) => out.extend(policy_doc::broad_grants(name, d.policy_document())),
            Err(e) => out.push(Grant::Unreadable {
                policy: name.clone(),
                why: e.to_string(),
            }),
        }
    }
    Ok(out)
}

async fn managed_document(iam: &Client, ctx: &Ctx<'_>, arn: &str) -> Result<String, SourceError> {
    let policy = call(
        ctx.calls,
        "iam:GetPolicy",
        ctx.region,
        ctx.profile,
        iam.get_policy().policy_arn(arn).send(),
    )
    .await?;
    let version = policy
        .policy()
        .and_then(|p| p.default_version_id())
        .unwrap_or("v1");
    let v = call(
        ctx.calls,
        "iam:GetPolicyVersion",
        ctx.region,
        ctx.profile,
        iam.get_policy_version()
            .policy_arn(arn)
            .version_id(version)
            .send(),
    )
    .await?;
    Ok(v.policy_version()
        .and_then(|p| p.document())
        .unwrap_or_default()
        .to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn trust_policies_name_the_services_they_trust() {
        let trust = "%7B%22Statement%22%3A%5B%7B%22Effect%22%3A%22Allow%22%2C%22Principal%22%3A%7B%22Service%22%3A%22sagemaker.amazonaws.com%22%7D%2C%22Action%22%3A%22sts%3AAssumeRole%22%7D%5D%7D";
        assert_eq!(trusted_services(trust), vec!["sagemaker.amazonaws.com"]);
        assert!(trusted_services(r#"{"Principal":{"AWS":"arn:aws:iam::1:root"}}"#).is_empty());
    }
}
