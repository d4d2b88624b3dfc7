//! The served image: whether its repository lets a tag move, and what ECR's scan of the
//! deployed digest found (and whether the tag still names it).

use super::Cache;
use crate::aws::calls::{Calls, call};
use crate::model::ImageScan;

/// An ECR image URI's registry account, region and repository (`None`: not ECR's).
pub(super) fn ecr_repository(uri: &str) -> Option<(String, String, String)> {
    let (host, path) = uri.split_once('/')?;
    let (account, rest) = host.split_once(".dkr.ecr.")?;
    let region = rest.split_once(".amazonaws.com")?.0;
    let repo = path.split('@').next()?;
    let repo = repo.rsplit_once(':').map_or(repo, |(r, _)| r);
    Some((account.to_string(), region.to_string(), repo.to_string()))
}

/// Whether the repository refuses to move a tag, read once.
pub(super) async fn immutable(
    ecr: &aws_sdk_ecr::Client,
    calls: &Calls,
    cache: &Cache,
    region: &str,
    profile: Option<&str>,
    (account, repo): (&str, &str),
) -> Option<bool> {
    let slot = cache
        .repositories
        .lock()
        .unwrap_or_else(|e| e.into_inner())
        .entry((region.to_string(), account.to_string(), repo.to_string()))
        .or_default()
        .clone();
    *slot
        .get_or_init(|| async {
            let read = call(
                calls,
                "ecr:DescribeRepositories",
                region,
                profile,
                ecr.describe_repositories()
                    .registry_id(account)
                    .repository_names(repo)
                    .send(),
            )
            .await;
            // Another account's repository (AWS's Deep Learning Containers) is not readable
            // here: unknown, and the tag is judged as mutable.
            read.ok()?
                .repositories()
                .first()
                .and_then(|r| r.image_tag_mutability())
                .map(|m| m.as_str().starts_with("IMMUTABLE"))
        })
        .await
}

/// The deployed image's scan, and the digest its tag names now when that is another.
pub(super) type Seen = (Option<ImageScan>, Option<String>);

/// What ECR says of the deployed digest: its scan, and the digest the model's tag names now
/// when that is another (`None`s: not ECR's, not readable here, or not scanned). Re-read on
/// the checklist's interval: a scan completes, a tag moves.
pub(super) async fn scan(
    ecr: &aws_sdk_ecr::Client,
    calls: &Calls,
    cache: &Cache,
    region: &str,
    profile: Option<&str>,
    (account, repo): (&str, &str),
    (digest, tag): (&str, Option<&str>),
) -> Seen {
    let key = (
        region.to_string(),
        format!("{account}/{repo}@{digest}:{}", tag.unwrap_or_default()),
    );
    let slot = super::fresh(&cache.images, key);
    slot.get_or_init(|| async {
        let describe = |id: aws_sdk_ecr::types::ImageIdentifier| {
            call(
                calls,
                "ecr:DescribeImages",
                region,
                profile,
                ecr.describe_images()
                    .registry_id(account)
                    .repository_name(repo)
                    .image_ids(id)
                    .send(),
            )
        };
        let by_digest = aws_sdk_ecr::types::ImageIdentifier::builder()
            .image_digest(digest)
            .build();
        // Another account's image (AWS's own containers) or one deleted since: unknown.
        let Ok(read) = describe(by_digest).await else {
            return (None, None);
        };
        let Some(image) = read.image_details().first() else {
            return (None, None);
        };
        let scan = image.image_scan_status().map(|s| {
            let findings = image
                .image_scan_findings_summary()
                .and_then(|f| f.finding_severity_counts())
                .map(|counts| {
                    counts
                        .iter()
                        .map(|(s, n)| (s.as_str().to_string(), (*n).max(0) as u32))
                        .collect()
                })
                .unwrap_or_default();
            ImageScan {
                status: s
                    .status()
                    .map(|s| s.as_str().to_string())
                    .unwrap_or_default(),
                findings,
            }
        });
        // The tag no longer names what serves: say what it names now.
        let tag_now = match tag {
            Some(tag) if !image.image_tags().iter().any(|t| t == tag) => {
                let by_tag = aws_sdk_ecr::types::ImageIdentifier::builder()
                    .image_tag(tag)
                    .build();
                match describe(by_tag).await {
                    Ok(now) => now
                        .image_details()
                        .first()
                        .and_then(|i| i.image_digest())
                        .map(str::to_string)
                        .or_else(|| Some("no image".into())),
                    Err(_) => Some("no image".into()),
                }
            }
            _ => None,
        };
        (scan, tag_now)
    })
    .await
    .clone()
}

#[cfg(test)]
mod tests {
    #[test]
    fn an_ecr_image_names_its_registry_region_and_repository() {
        assert_eq!(
            super::ecr_repository(
                "763104351884.dkr.ecr.us-east-1.amazonaws.com/pytorch-inference:2.1-gpu"
            ),
            Some((
                "763104351884".into(),
                "us-east-1".into(),
                "pytorch-inference".into()
            ))
        );
        assert_eq!(
            super::ecr_repository("1.dkr.ecr.eu-west-1.amazonaws.com/team/serve@sha256:00"),
            Some(("1".into(), "eu-west-1".into(), "team/serve".into()))
        );
        assert_eq!(super::ecr_repository("docker.io/library/python:3"), None);
    }
}
