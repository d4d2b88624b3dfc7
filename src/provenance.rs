//! Judging what an endpoint serves: the flags of each variant's chain, from the chain alone.
//! Pure; the sources read the chain, this decides what does not hold.

use crate::model::{Provenance, ProvenanceFlag, Risk};

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
                "the image {} is named by a tag that can be moved{}",
                p.image.uri,
                match &p.image.digest {
                    Some(d) => format!(" (deployed as {d})"),
                    None => String::new(),
                }
            ),
        ));
    }
    flags.sort_by_key(|f| std::cmp::Reverse(f.severity));
    flags
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
            },
            package: package.map(|(status, approved)| PackageRef {
                arn: "arn:pkg/1".into(),
                status: status.into(),
                approved_at: Some(t(approved)),
                model_data_etag: None,
            }),
            training_job: None,
            flags: vec![],
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
}
