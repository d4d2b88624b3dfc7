//! Muting: an acceptance scoped to resources (ids, names or ARNs, `*` wildcards) or tags. The
//! item is evaluated again without those resources, so the rest of the account still counts;
//! its evidence says what was muted and until when. Pure.

use super::posture::{Observed, Posture};

/// What an acceptance mutes.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Scope {
    /// Ids, names or ARNs; `*` matches any run of characters.
    pub resources: Vec<String>,
    /// Tags a resource must carry, all of them (secdash reads security groups' tags).
    pub tags: Vec<(String, String)>,
}

impl Scope {
    pub fn is_empty(&self) -> bool {
        self.resources.is_empty() && self.tags.is_empty()
    }

    /// Whether a resource known by these names (its id, its name) is muted.
    fn names(&self, names: &[&str]) -> bool {
        self.resources.iter().any(|pattern| {
            let pattern = arn_resource(pattern);
            names.iter().any(|n| wildcard(pattern, n))
        })
    }

    fn tagged(&self, tags: &[(String, String)]) -> bool {
        !self.tags.is_empty()
            && self
                .tags
                .iter()
                .all(|(k, v)| tags.iter().any(|(tk, tv)| tk == k && wildcard(v, tv)))
    }
}

/// The resource part of an ARN (`arn:aws:s3:::bucket`, `arn:aws:iam::1:role/path/name`,
/// `arn:aws:ec2:r:1:security-group/sg-1`): what the posture names resources by.
fn arn_resource(pattern: &str) -> &str {
    if !pattern.starts_with("arn:") {
        return pattern;
    }
    let rest = pattern.splitn(6, ':').nth(5).unwrap_or(pattern);
    rest.rsplit('/').next().unwrap_or(rest)
}

/// `*` matches any run of characters (none too); everything else matches itself.
pub fn wildcard(pattern: &str, text: &str) -> bool {
    let parts: Vec<&str> = pattern.split('*').collect();
    if parts.len() == 1 {
        return pattern == text;
    }
    let (first, last) = (parts[0], parts[parts.len() - 1]);
    if !text.starts_with(first) || text.len() < first.len() + last.len() || !text.ends_with(last) {
        return false;
    }
    let mut at = first.len();
    let end = text.len() - last.len();
    for part in &parts[1..parts.len() - 1] {
        match text[at..end].find(part) {
            Some(i) => at += i + part.len(),
            None => return false,
        }
    }
    true
}

/// Keeps what is not muted, and names what was.
fn keep<T>(
    list: &mut Observed<Vec<T>>,
    muted: &mut Vec<String>,
    name: impl Fn(&T) -> Vec<&str>,
    scope: &Scope,
) {
    if let Ok(items) = list {
        items.retain(|x| {
            let names = name(x);
            let out = scope.names(&names);
            if out {
                muted.push(names[0].to_string());
            }
            !out
        });
    }
}

/// The posture without the muted resources, and their names.
pub fn without(p: &Posture, scope: &Scope) -> (Posture, Vec<String>) {
    let mut p = p.clone();
    let mut muted = Vec::new();
    keep(&mut p.buckets, &mut muted, |b| vec![b.name.as_str()], scope);
    keep(&mut p.roles, &mut muted, |r| vec![r.name.as_str()], scope);
    for r in &mut p.regions {
        keep(
            &mut r.notebooks,
            &mut muted,
            |n| vec![n.name.as_str()],
            scope,
        );
        keep(
            &mut r.endpoints,
            &mut muted,
            |e| vec![e.endpoint.as_str(), e.config.as_str()],
            scope,
        );
        keep(&mut r.models, &mut muted, |m| vec![m.name.as_str()], scope);
        keep(
            &mut r.training_jobs,
            &mut muted,
            |t| vec![t.name.as_str()],
            scope,
        );
        keep(&mut r.kms_keys, &mut muted, |k| vec![k.id.as_str()], scope);
        keep(&mut r.vpcs, &mut muted, |v| vec![v.id.as_str()], scope);
        if let Ok(groups) = &mut r.security_groups {
            groups.groups.retain(|g| {
                let out = scope.names(&[&g.id, &g.name]) || scope.tagged(&g.tags);
                if out {
                    muted.push(g.id.clone());
                }
                !out
            });
        }
    }
    muted.sort();
    muted.dedup();
    (p, muted)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wildcards_match_runs_of_characters() {
        assert!(wildcard("studyai-dev-*", "studyai-dev-uploads"));
        assert!(wildcard("*-logs", "studyai-dev-cloudtrail-logs"));
        assert!(wildcard("a*b*c", "a-x-b-y-c"));
        assert!(!wildcard("a*b*c", "a-x-c-y-b"));
        assert!(wildcard("exact", "exact"));
        assert!(!wildcard("exact", "exactly"));
        assert!(!wildcard("ab*ba", "aba"), "the ends do not overlap");
    }

    #[test]
    fn arns_are_matched_by_their_resource_part() {
        assert_eq!(arn_resource("arn:aws:s3:::studyai-*"), "studyai-*");
        assert_eq!(
            arn_resource("arn:aws:iam::123456789012:role/ml/Trainer"),
            "Trainer"
        );
        assert_eq!(
            arn_resource("arn:aws:ec2:us-east-1:123456789012:security-group/sg-1"),
            "sg-1"
        );
        assert_eq!(arn_resource("sg-1"), "sg-1");
    }
}
