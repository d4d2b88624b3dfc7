//! Muting: an acceptance scoped to resources (ids, names or ARNs, `*` wildcards) or tags. The
//! item is evaluated again without those resources, so the rest of the account still counts;
//! its evidence says what was muted and until when. Pure.

use super::posture::*;

/// What an acceptance mutes.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Scope {
    /// Ids, names or ARNs; `*` matches any run of characters.
    pub resources: Vec<String>,
    /// Tags a resource must carry, all of them (secdash reads the tags of security groups,
    /// VPCs and buckets).
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

    fn tagged<T: AsRef<str>>(&self, tags: &[(T, T)]) -> bool {
        !self.tags.is_empty()
            && self.tags.iter().all(|(k, v)| {
                tags.iter()
                    .any(|(tk, tv)| tk.as_ref() == k && wildcard(v, tv.as_ref()))
            })
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

/// A resource muting can name: by its names (the first is the one the evidence uses), and by
/// its tags where secdash reads them.
trait Mutable {
    fn names(&self) -> Vec<&str>;
    fn tags(&self) -> &[(String, String)] {
        &[]
    }
}

macro_rules! mutable_by_name {
    ($($t:ty => |$x:ident| $names:expr),* $(,)?) => {
        $(impl Mutable for $t {
            fn names(&self) -> Vec<&str> {
                let $x = self;
                $names
            }
        })*
    };
}

mutable_by_name! {
    Role => |r| vec![r.name.as_str()],
    RoleGuardrail => |g| vec![g.role.as_str()],
    UserCredentials => |u| vec![u.user.as_str()],
    Notebook => |n| vec![n.name.as_str()],
    EndpointEncryption => |e| vec![e.endpoint.as_str(), e.config.as_str()],
    Model => |m| vec![m.name.as_str()],
    TrainingJob => |t| vec![t.name.as_str()],
    KmsKey => |k| vec![k.id.as_str()],
    StudioDomain => |d| vec![d.name.as_str()],
    MonitoringSchedule => |s| vec![s.name.as_str()],
    EcrRepository => |r| vec![r.name.as_str()],
    Trail => |t| vec![t.name.as_str(), t.arn.as_str()],
}

impl Mutable for Bucket {
    fn names(&self) -> Vec<&str> {
        vec![self.name.as_str()]
    }
    fn tags(&self) -> &[(String, String)] {
        self.tags.as_deref().unwrap_or_default()
    }
}

impl Mutable for Vpc {
    fn names(&self) -> Vec<&str> {
        vec![self.id.as_str()]
    }
    fn tags(&self) -> &[(String, String)] {
        &self.tags
    }
}

/// Keeps what is not muted, and names what was.
fn keep<T: Mutable>(items: &mut Vec<T>, muted: &mut Vec<String>, scope: &Scope) {
    items.retain(|x| {
        let names = x.names();
        let out = scope.names(&names) || scope.tagged(x.tags());
        if out {
            muted.push(names[0].to_string());
        }
        !out
    });
}

fn keep_read<T: Mutable>(list: &mut Observed<Vec<T>>, muted: &mut Vec<String>, scope: &Scope) {
    if let Ok(items) = list {
        keep(items, muted, scope);
    }
}

/// The posture without the muted resources, and their names.
pub fn without(p: &Posture, scope: &Scope) -> (Posture, Vec<String>) {
    let mut p = p.clone();
    let mut muted = Vec::new();
    keep_read(&mut p.buckets, &mut muted, scope);
    keep_read(&mut p.roles, &mut muted, scope);
    keep_read(&mut p.workload_guardrails, &mut muted, scope);
    keep_read(&mut p.credentials, &mut muted, scope);
    for r in &mut p.regions {
        keep_read(&mut r.notebooks, &mut muted, scope);
        keep_read(&mut r.endpoints, &mut muted, scope);
        keep_read(&mut r.models, &mut muted, scope);
        keep_read(&mut r.training_jobs, &mut muted, scope);
        keep_read(&mut r.kms_keys, &mut muted, scope);
        keep_read(&mut r.vpcs, &mut muted, scope);
        keep_read(&mut r.studio_domains, &mut muted, scope);
        keep_read(&mut r.monitoring_schedules, &mut muted, scope);
        keep_read(&mut r.trails, &mut muted, scope);
        if let Ok(ecr) = &mut r.ecr {
            keep(&mut ecr.repositories, &mut muted, scope);
        }
        // The groups are copied only when the muting takes some of them out.
        if let Ok(groups) = &mut r.security_groups {
            let out = |g: &crate::model::SecurityGroup| {
                scope.names(&[&g.id, &g.name]) || scope.tagged(&g.place.tags)
            };
            if groups.groups.iter().any(out) {
                std::sync::Arc::make_mut(groups).groups.retain(|g| {
                    let muting = out(g);
                    if muting {
                        muted.push(g.id.to_string());
                    }
                    !muting
                });
            }
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

    #[test]
    fn buckets_and_vpcs_are_muted_by_tag_and_users_by_name() {
        let mut p = crate::checklist::testkit::failing();
        p.regions[0].vpcs.as_mut().unwrap()[0].tags = vec![("env".into(), "sandbox".into())];
        let scope = Scope {
            resources: Vec::new(),
            tags: vec![("env".into(), "sand*".into())],
        };
        let (_, muted) = without(&p, &scope);
        assert_eq!(muted, vec!["vpc-default"]);

        let mut p = crate::checklist::testkit::passing();
        let scope = Scope {
            resources: vec!["bob".into()],
            tags: vec![("team".into(), "ml-platform".into())],
        };
        p.credentials.as_mut().unwrap()[0].user = "bob".into();
        let (left, muted) = without(&p, &scope);
        assert_eq!(muted, vec!["bob", "models"]);
        assert!(left.buckets.unwrap().is_empty());
        assert!(left.credentials.unwrap().is_empty());
    }
}
