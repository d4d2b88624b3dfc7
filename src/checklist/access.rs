//! Access-control items: the password policy, MFA, Access Analyzer and access reviews.

use super::ItemDef;
use super::posture::*;
use super::verdict::{Tally, Verdict};
use crate::model::{Category, Importance};

pub(super) const ITEMS: &[ItemDef] = &[
    ItemDef {
        id: "access.password_policy",
        category: Category::AccessControl,
        importance: Importance::Medium,
        title: "Strong password policy",
        problem: "The password policy is weak or missing",
        remediation: "Require 12+ characters, all character classes, 90-day age and 24 remembered passwords.",
        seed: "000_7f081066f7c27ee7.txt",
        prowler: &[
            "iam_password_policy_minimum_length_14",
            "iam_password_policy_lowercase",
            "iam_password_policy_uppercase",
            "iam_password_policy_number",
            "iam_password_policy_symbol",
            "iam_password_policy_expires_passwords_within_90_days_or_less",
            "iam_password_policy_reuse_24",
        ],
        eval: Some(|p, _| password_policy(p)),
    },
    ItemDef {
        id: "access.access_analyzer",
        category: Category::AccessControl,
        importance: Importance::Medium,
        title: "Access Analyzer enabled",
        problem: "No IAM Access Analyzer",
        remediation: "Create an IAM Access Analyzer in every region you run workloads in.",
        seed: "000_7f081066f7c27ee7.txt",
        prowler: &["accessanalyzer_enabled"],
        eval: Some(|p, _| access_analyzer(p)),
    },
    ItemDef {
        id: "access.reviews",
        category: Category::AccessControl,
        importance: Importance::Low,
        title: "Regular access reviews",
        problem: "Access reviews not attested",
        remediation: "Review IAM users, roles and keys; attest with `secdash attest access.reviews --by NAME`.",
        seed: "000_7f081066f7c27ee7.txt",
        prowler: &[],
        eval: None,
    },
    ItemDef {
        id: "access.mfa",
        category: Category::AccessControl,
        importance: Importance::High,
        title: "Multi-factor authentication",
        problem: "MFA not enforced",
        remediation: "Enable MFA on the root account and require it for console users.",
        seed: "000_7f081066f7c27ee7.txt",
        prowler: &["iam_root_mfa_enabled"],
        eval: Some(|p, _| root_mfa(p)),
    },
];

fn password_policy(p: &Posture) -> Verdict {
    let mut t = Tally::default();
    match t.read(&p.password_policy) {
        Some(None) => t.fail("no account password policy"),
        Some(Some(pp)) => {
            let mut short = Vec::new();
            if pp.minimum_length < 12 {
                short.push(format!("minimum length {} (want 12)", pp.minimum_length));
            }
            for (on, class) in [
                (pp.require_lowercase, "lowercase"),
                (pp.require_uppercase, "uppercase"),
                (pp.require_numbers, "numbers"),
                (pp.require_symbols, "symbols"),
            ] {
                if !on {
                    short.push(format!("{class} not required"));
                }
            }
            match pp.max_age_days {
                Some(d) if d <= 90 => {}
                Some(d) => short.push(format!("max age {d} days (want 90)")),
                None => short.push("passwords never expire (want 90 days)".to_string()),
            }
            match pp.reuse_prevention {
                Some(n) if n >= 24 => {}
                Some(n) => short.push(format!("{n} remembered (want 24)")),
                None => short.push("reuse not prevented (want 24 remembered)".to_string()),
            }
            if short.is_empty() {
                t.pass(format!(
                    "minimum length {}, all character classes, max age {} days, {} remembered",
                    pp.minimum_length,
                    pp.max_age_days.unwrap_or_default(),
                    pp.reuse_prevention.unwrap_or_default()
                ));
            } else {
                t.warn(short.join(", "));
            }
        }
        None => {}
    }
    t.verdict("")
}

fn root_mfa(p: &Posture) -> Verdict {
    let mut t = Tally::default();
    match t.read(&p.root_mfa) {
        Some(true) => t.pass("root account MFA enabled"),
        Some(false) => t.fail("root account has no MFA"),
        None => {}
    }
    t.verdict("")
}

fn access_analyzer(p: &Posture) -> Verdict {
    let mut t = Tally::default();
    for r in &p.regions {
        let Some(list) = t.read(&r.analyzers) else {
            continue;
        };
        let active = list.iter().find(|a| {
            a.status == "ACTIVE" && matches!(a.kind.as_str(), "ACCOUNT" | "ORGANIZATION")
        });
        match active {
            Some(a) => t.pass(format!("{}: {} ({}) active", r.region, a.name, a.kind)),
            None => t.fail(format!("{}: no active account analyzer", r.region)),
        }
    }
    t.verdict("")
}

#[cfg(test)]
mod tests {
    use super::super::posture::*;
    use super::super::testkit::*;
    use crate::checklist::evaluate;
    use crate::metrics::Thresholds;
    use crate::model::CheckStatus;

    #[test]
    fn a_weaker_password_policy_warns_with_each_shortfall() {
        let mut p = passing();
        p.password_policy = Ok(Some(PasswordPolicy {
            minimum_length: 8,
            require_symbols: false,
            reuse_prevention: None,
            ..p.password_policy.clone().unwrap().unwrap()
        }));
        let (status, evidence) = status_of(
            &evaluate(&p, &Thresholds::default()),
            "access.password_policy",
        );
        assert_eq!(status, CheckStatus::Warn);
        assert_eq!(
            evidence,
            "minimum length 8 (want 12), symbols not required, reuse not prevented (want 24 remembered)"
        );
    }
}
