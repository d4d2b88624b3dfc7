//! Judging what an endpoint serves: the flags of each variant's chain, from the chain alone.
//! Pure; the sources read the chain, this decides what does not hold.

use crate::model::{BlastRadius, Endpoint, Provenance, ProvenanceFlag, Risk};

/// The flags of one chain, worst first.
pub fn judge(p: &Provenance) -> Vec<ProvenanceFlag> {
    let mut flags = Vec::new();
    let flag = |id, severity, text: String| ProvenanceFlag { id, severity, text };
    match &p.package {
        None if !p.artifact.url.is_empty() => flags.push(flag(
            "unregistered_model",
            Risk::Medium,
            format!(
                "no model package names the artifact {} that variant {} serves",
                p.artifact.url, p.variant
            ),
        )),
        None => {}
        Some(pkg) => {
            if pkg.status != "Approved" {
                flags.push(flag(
                    "unapproved_model",
                    Risk::High,
                    format!("its model package {} is {}", pkg.arn, pkg.status),
                ));
            }
            if let Some(why) = changed_after_approval(p) {
                flags.push(flag("artifact_changed_after_approval", Risk::High, why));
            }
        }
    }
    let by_digest = p.image.uri.contains("@sha256:");
    if !p.image.uri.is_empty() && !by_digest && p.image.immutable != Some(true) {
        flags.push(flag(
            "mutable_image_tag",
            Risk::Medium,
            format!(
                "the image {} is named by a tag that can be moved{}{}",
                p.image.uri,
                match &p.image.digest {
                    Some(d) => format!(" (deployed as {d})"),
                    None => String::new(),
                },
                match &p.image.tag_now {
                    Some(now) => format!("; the tag now names {now}, not what serves"),
                    None => String::new(),
                }
            ),
        ));
    }
    if let Some(f) = scan_findings(p) {
        flags.push(f);
    }
    if let Some(t) = &p.training
        && !t.network_isolation
    {
        flags.push(flag(
            "training_without_isolation",
            Risk::Low,
            format!(
                "the training job {} that wrote {} ran without network isolation{}",
                t.name,
                p.artifact.url,
                if t.in_vpc { "" } else { ", outside a VPC" }
            ),
        ));
    }
    if !p.artifact.writable_by.is_empty() {
        flags.push(flag(
            "artifact_bucket_writable_by_others",
            Risk::Medium,
            format!(
                "{} may be overwritten by {}, SageMaker execution role{} other than the serving model's",
                p.artifact.url,
                p.artifact.writable_by.join(", "),
                if p.artifact.writable_by.len() == 1 { "" } else { "s" }
            ),
        ));
    }
    flags.sort_by_key(|f| std::cmp::Reverse(f.severity));
    flags
}

/// The image's worst scan finding as a flag, with the counts as evidence.
fn scan_findings(p: &Provenance) -> Option<ProvenanceFlag> {
    let scan = p.image.scan.as_ref()?;
    let severity = |s: &str| match s {
        "CRITICAL" => Risk::Critical,
        "HIGH" => Risk::High,
        "MEDIUM" => Risk::Medium,
        "LOW" => Risk::Low,
        _ => Risk::None,
    };
    let worst = scan
        .findings
        .iter()
        .filter(|(_, n)| **n > 0)
        .map(|(s, _)| severity(s))
        .max()?;
    if worst == Risk::None {
        return None;
    }
    let mut counts: Vec<(&String, &u32)> = scan.findings.iter().filter(|(_, n)| **n > 0).collect();
    counts.sort_by_key(|(s, _)| std::cmp::Reverse(severity(s)));
    let counts: Vec<String> = counts
        .iter()
        .map(|(s, n)| format!("{n} {}", s.to_lowercase()))
        .collect();
    Some(ProvenanceFlag {
        id: "image_scan_findings",
        severity: worst,
        text: format!(
            "ECR's scan of the served image {} found {}",
            p.image.digest.as_deref().unwrap_or(&p.image.uri),
            counts.join(", ")
        ),
    })
}

/// Why the served artifact is not the one its package approved, if it is not: newer than the
/// approval, or another ETag than the package recorded.
fn changed_after_approval(p: &Provenance) -> Option<String> {
    let pkg = p.package.as_ref()?;
    if let (Some(want), Some(have)) = (&pkg.model_data_etag, &p.artifact.etag)
        && want.trim_matches('"') != have.trim_matches('"')
    {
        return Some(format!(
            "{} has ETag {have}, not the {want} its package {} recorded",
            p.artifact.url, pkg.arn
        ));
    }
    match (pkg.approved_at, p.artifact.last_modified) {
        (Some(approved), Some(modified)) if modified > approved => Some(format!(
            "{} was last written {}, after its package {} was approved ({})",
            p.artifact.url,
            modified.format("%Y-%m-%d %H:%M UTC"),
            pkg.arn,
            approved.format("%Y-%m-%d %H:%M UTC")
        )),
        _ => None,
    }
}

/// Every identity the endpoints' chains name, once each, with everything that acts as it:
/// the serving roles first, then the others that may overwrite a served artifact.
pub fn blast_radii(endpoints: &[Endpoint]) -> Vec<BlastRadius> {
    let mut out: Vec<BlastRadius> = Vec::new();
    for r in endpoints
        .iter()
        .flat_map(|e| &e.provenance)
        .flat_map(|c| &c.blast_radius)
    {
        match out.iter_mut().find(|o| o.principal == r.principal) {
            Some(o) => {
                for u in &r.used_by {
                    if !o.used_by.contains(u) {
                        o.used_by.push(u.clone());
                    }
                }
            }
            None => out.push(r.clone()),
        }
    }
    out
}

/// The worst flag of an endpoint's chains.
pub fn worst(chains: &[Provenance]) -> Option<Risk> {
    chains
        .iter()
        .flat_map(|c| c.flags.iter().map(|f| f.severity))
        .max()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{ArtifactRef, ImageRef, PackageRef};
    use chrono::TimeZone;

    fn t(h: u32) -> chrono::DateTime<chrono::Utc> {
        chrono::Utc.with_ymd_and_hms(2026, 12, 4, h, 0, 0).unwrap()
    }

    fn chain(image: &str, modified: u32, package: Option<(&str, u32)>) -> Provenance {
        Provenance {
            variant: "AllTraffic".into(),
            model: "m".into(),
            image: ImageRef {
                uri: image.into(),
                ..Default::default()
            },
            artifact: ArtifactRef {
                url: "s3://models/m/model.tar.gz".into(),
                version_id: Some("v2".into()),
                etag: Some("\"abc\"".into()),
                last_modified: Some(t(modified)),
                ..Default::default()
            },
            package: package.map(|(status, approved)| PackageRef {
                arn: "arn:pkg/1".into(),
                status: status.into(),
                approved_at: Some(t(approved)),
                model_data_etag: None,
                approved_from: None,
            }),
            ..Default::default()
        }
    }

    fn ids(p: &Provenance) -> Vec<&'static str> {
        judge(p).into_iter().map(|f| f.id).collect()
    }

    #[test]
    fn the_three_endpoints_of_the_issue() {
        // Overwritten after approval, image by tag.
        assert_eq!(
            ids(&chain("repo:latest", 12, Some(("Approved", 10)))),
            ["artifact_changed_after_approval", "mutable_image_tag"]
        );
        // No package names it.
        assert_eq!(
            ids(&chain("repo@sha256:00", 9, None)),
            ["unregistered_model"]
        );
        // Clean: approved after the artifact was written, image by digest.
        assert!(ids(&chain("repo@sha256:00", 9, Some(("Approved", 10)))).is_empty());
    }

    #[test]
    fn a_rejected_package_or_another_etag_is_flagged_and_an_immutable_tag_is_not() {
        assert_eq!(
            ids(&chain("repo@sha256:00", 9, Some(("Rejected", 10)))),
            ["unapproved_model"]
        );
        let mut c = chain("repo:v8", 9, Some(("Approved", 10)));
        c.package.as_mut().unwrap().model_data_etag = Some("\"zzz\"".into());
        c.image.immutable = Some(true);
        let f = judge(&c);
        assert_eq!(f.len(), 1, "{f:?}");
        assert!(f[0].text.contains("not the \"zzz\""), "{}", f[0].text);
    }

    #[test]
    fn scan_findings_training_and_other_writers_are_flagged_with_their_evidence() {
        let mut c = chain("repo@sha256:00", 9, Some(("Approved", 10)));
        c.image.digest = Some("sha256:00".into());
        c.image.scan = Some(crate::model::ImageScan {
            status: "COMPLETE".into(),
            findings: [
                ("MEDIUM".into(), 4),
                ("CRITICAL".into(), 1),
                ("HIGH".into(), 0),
            ]
            .into(),
        });
        c.training = Some(crate::model::TrainingRef {
            name: "finetune-7".into(),
            ..Default::default()
        });
        c.artifact.writable_by = vec!["arn:aws:iam::1:role/notebook".into()];
        let f = judge(&c);
        let got: Vec<_> = f.iter().map(|f| (f.id, f.severity)).collect();
        assert_eq!(
            got,
            [
                ("image_scan_findings", Risk::Critical),
                ("artifact_bucket_writable_by_others", Risk::Medium),
                ("training_without_isolation", Risk::Low),
            ],
            "{f:?}"
        );
        assert!(
            f[0].text.ends_with("found 1 critical, 4 medium"),
            "{}",
            f[0].text
        );
        assert!(f[1].text.contains("role/notebook"), "{}", f[1].text);
        assert!(f[2].text.contains("finetune-7"), "{}", f[2].text);
        // Informational findings and an isolated job raise nothing.
        c.image.scan.as_mut().unwrap().findings = [("INFORMATIONAL".into(), 3)].into();
        c.training.as_mut().unwrap().network_isolation = true;
        c.artifact.writable_by.clear();
        assert!(judge(&c).is_empty(), "{:?}", judge(&c));
    }
}
