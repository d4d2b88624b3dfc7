//! Threat-detection items: GuardDuty, Security Hub, WAF and AWS Config.

use super::ItemDef;
use super::posture::*;
use super::verdict::{Tally, Verdict, names, region_names};
use crate::model::{Category, Importance};

pub(super) const ITEMS: &[ItemDef] = &[
    ItemDef {
        id: "threat.guardduty",
        category: Category::ThreatDetection,
        importance: Importance::High,
        title: "GuardDuty enabled",
        problem: "GuardDuty not enabled",
        remediation: "Enable a GuardDuty detector in every region you run workloads in.",
        seed: "000_7f081066f7c27ee7.txt",
        prowler: &["guardduty_is_enabled"],
        prowler_note: "",
        security_hub: &["GuardDuty.1"],
        eval: Some(|p, _| guardduty(p)),
    },
    ItemDef {
        id: "threat.security_hub",
        category: Category::ThreatDetection,
        importance: Importance::Medium,
        title: "Security Hub configured",
        problem: "Security Hub not configured",
        remediation: "Enable Security Hub with the CIS AWS Foundations and PCI DSS standards.",
        seed: "000_7f081066f7c27ee7.txt",
        prowler: &["securityhub_enabled"],
        prowler_note: "Prowler passes any account where Security Hub is enabled; this item warns when the CIS AWS Foundations or PCI DSS standard the seed guide names is not enabled.",
        security_hub: &[],
        eval: Some(|p, _| security_hub(p)),
    },
    ItemDef {
        id: "threat.waf",
        category: Category::ThreatDetection,
        importance: Importance::Medium,
        title: "WAF rules configured",
        problem: "WAF rules not configured",
        remediation: "Create a regional web ACL with rate limiting and the AWS managed common and SQLi rule sets.",
        seed: "000_7f081066f7c27ee7.txt",
        prowler: &["wafv2_webacl_with_rules"],
        prowler_note: "Prowler's wafv2_webacl_with_rules judges the web ACLs that exist, so it cannot fail an account with none; this item fails when no web ACL protects the platform. Prowler also passes a web ACL with any rule in it; this item wants rate limiting and the AWS managed common and SQL injection rule sets, and warns on an ACL without them.",
        security_hub: &["WAF.10"],
        eval: Some(|p, _| waf(p)),
    },
    ItemDef {
        id: "threat.config",
        category: Category::ThreatDetection,
        importance: Importance::Medium,
        title: "Compliance monitoring active",
        problem: "Compliance monitoring not active",
        remediation: "Turn on the AWS Config recorder and the SageMaker and S3 encryption rules.",
        seed: "000_7f081066f7c27ee7.txt",
        prowler: &["config_recorder_all_regions_enabled"],
        prowler_note: "Prowler passes a recording recorder; this item warns when it records but no Config rule judges anything (the seed guide wants the SageMaker and S3 encryption rules).",
        security_hub: &["Config.1"],
        eval: Some(|p, _| config(p)),
    },
];

fn guardduty(p: &Posture) -> Verdict {
    let mut t = Tally::default();
    for r in &p.regions {
        let Some(ds) = t.read(&r.detectors) else {
            continue;
        };
        match ds.iter().find(|d| d.status == "ENABLED") {
            Some(d) => t.pass(format!("{}: detector {} enabled", r.region, d.id)),
            None if ds.is_empty() => t.fail(format!("{}: no detector", r.region)),
            None => t.fail(format!("{}: detector {} disabled", r.region, ds[0].id)),
        }
    }
    t.verdict("")
}

/// The standards the guide enables, and how to recognise their ARNs.
const STANDARDS: &[(&str, &str)] = &[
    ("CIS AWS Foundations", "cis-aws-foundations-benchmark"),
    ("PCI DSS", "pci-dss"),
];

fn security_hub(p: &Posture) -> Verdict {
    let mut t = Tally::default();
    for r in &p.regions {
        match t.read(&r.security_hub) {
            Some(None) => t.fail(format!("{}: Security Hub not enabled", r.region)),
            Some(Some(arns)) => {
                let missing: Vec<&str> = STANDARDS
                    .iter()
                    .filter(|(_, key)| !arns.iter().any(|a| a.contains(key)))
                    .map(|(name, _)| *name)
                    .collect();
                if missing.is_empty() {
                    t.pass(format!("{}: CIS AWS Foundations and PCI DSS on", r.region));
                } else {
                    t.warn(format!(
                        "{}: enabled, missing {}",
                        r.region,
                        missing.join(" and ")
                    ));
                }
            }
            None => {}
        }
    }
    t.verdict("")
}

fn waf(p: &Posture) -> Verdict {
    let mut t = Tally::default();
    let mut acls: Vec<&WebAcl> = Vec::new();
    for r in &p.regions {
        if let Some(a) = t.read(&r.web_acls) {
            acls.extend(a);
        }
    }
    let has = |acl: &WebAcl, group: &str| {
        acl.rules
            .iter()
            .any(|r| matches!(r, WafRule::Managed { group: g, .. } if g == group))
    };
    let mut complete = false;
    for acl in &acls {
        if acl.rules.is_empty() {
            t.warn(format!("{}: no rules", acl.name));
            continue;
        }
        let mut missing = Vec::new();
        if !acl
            .rules
            .iter()
            .any(|r| matches!(r, WafRule::RateBased { .. }))
        {
            missing.push("rate limiting");
        }
        for group in ["AWSManagedRulesCommonRuleSet", "AWSManagedRulesSQLiRuleSet"] {
            if !has(acl, group) {
                missing.push(group);
            }
        }
        if missing.is_empty() {
            complete = true;
            let rate = acl.rules.iter().find_map(|r| match r {
                WafRule::RateBased { limit, .. } => Some(*limit),
                _ => None,
            });
            t.pass(format!(
                "{}: rate limit {}/IP, common and SQLi managed rules",
                acl.name,
                rate.unwrap_or_default()
            ));
        } else {
            t.warn(format!("{}: missing {}", acl.name, missing.join(", ")));
        }
    }
    if complete {
        // One web ACL with the guide's rules is the control; others are extra.
        t.warns.clear();
        t.gaps.clear();
    }
    if acls.is_empty() && t.gaps.is_empty() {
        t.fail(format!("no regional web ACL in {}", region_names(p)));
    }
    t.verdict("")
}

fn config(p: &Posture) -> Verdict {
    let mut t = Tally::default();
    for r in &p.regions {
        let Some(c) = t.read(&r.config) else {
            continue;
        };
        match c.recorders.iter().find(|x| x.recording) {
            None if c.recorders.is_empty() => {
                t.fail(format!("{}: no configuration recorder", r.region))
            }
            None => t.fail(format!(
                "{}: recorder {} is not recording",
                r.region, c.recorders[0].name
            )),
            Some(rec) if c.rules.is_empty() => t.warn(format!(
                "{}: recorder {} recording, but no Config rules",
                r.region, rec.name
            )),
            Some(rec) => t.pass(format!(
                "{}: recorder {} recording; rules {}",
                r.region,
                rec.name,
                names(&c.rules)
            )),
        }
    }
    t.verdict("")
}

#[cfg(test)]
mod tests {
    use super::super::testkit::*;
    use crate::checklist::evaluate;
    use crate::metrics::Thresholds;
    use crate::model::CheckStatus;

    #[test]
    fn security_hub_without_pci_warns() {
        let mut p = passing();
        p.regions[0].security_hub = Ok(Some(vec![
            "arn:aws:securityhub:::ruleset/cis-aws-foundations-benchmark/v/1.2.0".into(),
        ]));
        let (status, evidence) =
            status_of(&evaluate(&p, &Thresholds::default()), "threat.security_hub");
        assert_eq!(status, CheckStatus::Warn);
        assert!(evidence.contains("missing PCI DSS"), "{evidence}");
    }
}
