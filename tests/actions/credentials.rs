//! Credential containment against moto's server: deactivate a key, deny a user, revoke a
//! role's sessions, and restore each exactly; IAM is read back through the SDK.

use super::*;

const ODD_POLICY: &str = "{\n  \"Version\" : \"2012-10-17\",\n  \"Statement\" : [ { \"Effect\" : \"Allow\", \"Action\" : \"s3:GetObject\", \"Resource\" : \"arn:aws:s3:::studyai-dev-data/*\" } ]\n}";

impl World {
    pub(crate) fn iam(&self) -> aws_sdk_iam::Client {
        aws_sdk_iam::Client::new(&rt().block_on(self.moto.sdk(REGION)))
    }

    /// A user with two access keys; returns their ids.
    fn user_with_keys(&self, user: &str) -> (String, String) {
        let iam = self.iam();
        rt().block_on(async {
            iam.create_user().user_name(user).send().await.unwrap();
            let mut ids = Vec::new();
            for _ in 0..2 {
                let k = iam
                    .create_access_key()
                    .user_name(user)
                    .send()
                    .await
                    .unwrap();
                ids.push(k.access_key.unwrap().access_key_id);
            }
            (ids[0].clone(), ids[1].clone())
        })
    }

    fn key_status(&self, user: &str, key: &str) -> String {
        let iam = self.iam();
        rt().block_on(async {
            iam.list_access_keys()
                .user_name(user)
                .send()
                .await
                .unwrap()
                .access_key_metadata()
                .iter()
                .find(|k| k.access_key_id() == Some(key))
                .and_then(|k| k.status())
                .map(|s| s.as_str().to_string())
                .unwrap()
        })
    }

    pub(crate) fn role(&self, name: &str, max_session_secs: i32) -> String {
        let iam = self.iam();
        rt().block_on(async {
            iam.create_role()
                .role_name(name)
                .max_session_duration(max_session_secs)
                .assume_role_policy_document(
                    r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"ec2.amazonaws.com"},"Action":"sts:AssumeRole"}]}"#,
                )
                .send()
                .await
                .unwrap()
                .role
                .unwrap()
                .arn
        })
    }

    fn user_policy(&self, user: &str, name: &str) -> Option<String> {
        let iam = self.iam();
        rt().block_on(async {
            iam.get_user_policy()
                .user_name(user)
                .policy_name(name)
                .send()
                .await
                .ok()
                .map(|o| decode(o.policy_document()))
        })
    }

    fn role_policy(&self, role: &str, name: &str) -> Option<String> {
        let iam = self.iam();
        rt().block_on(async {
            iam.get_role_policy()
                .role_name(role)
                .policy_name(name)
                .send()
                .await
                .ok()
                .map(|o| decode(o.policy_document()))
        })
    }
}

/// IAM returns documents URL-encoded; moto returns them as stored.
fn decode(doc: &str) -> String {
    if doc.trim_start().starts_with('{') {
        doc.to_string()
    } else {
        percent_encoding::percent_decode_str(doc)
            .decode_utf8_lossy()
            .into_owned()
    }
}

#[test]
fn disable_a_key_and_restore_it() {
    let w = world();
    let (key, other) = w.user_with_keys("ci-deployer");
    let (code, out, err) = w.secdash(&["disable-key", &key, "--yes", "--incident", "INC-20"], &[]);
    assert_eq!(code, 0, "{out}{err}");
    assert!(
        out.contains(&format!("access key {key} of user ci-deployer")),
        "{out}"
    );
    assert!(
        out.contains(&format!("{other} (Active")),
        "the user's other key is shown: {out}"
    );
    assert!(out.contains("verified"), "{out}");
    assert_eq!(w.key_status("ci-deployer", &key), "Inactive");
    assert_eq!(
        w.key_status("ci-deployer", &other),
        "Active",
        "only that key"
    );

    let j = w.journal();
    assert_eq!(j[0]["action"], "disable-key");
    let (code, out, err) = w.secdash(&["restore", &key, "--yes"], &[]);
    assert_eq!(code, 0, "{out}{err}");
    assert_eq!(w.key_status("ci-deployer", &key), "Active");
}

#[test]
fn an_unknown_key_is_named_and_nothing_is_journalled() {
    let w = world();
    let (code, out, err) = w.secdash(&["disable-key", "AKIANOSUCHKEY0000000", "--yes"], &[]);
    assert_eq!(code, 1, "{out}{err}");
    assert!(err.contains("AKIANOSUCHKEY0000000"), "{err}");
    assert!(!err.contains("Error {"), "plain words: {err}");
    assert!(w.journal().is_empty());
}

#[test]
fn deny_a_user_and_restore_the_policy_that_had_the_name_byte_for_byte() {
    let w = world();
    w.user_with_keys("alice");
    let name = "secdash-deny-all-INC-21";
    let iam = w.iam();
    rt().block_on(async {
        iam.put_user_policy()
            .user_name("alice")
            .policy_name(name)
            .policy_document(ODD_POLICY)
            .send()
            .await
            .unwrap()
    });
    let (code, out, err) = w.secdash(
        &["deny-user", "alice", "--yes", "--incident", "INC-21"],
        &[],
    );
    assert_eq!(code, 0, "{out}{err}");
    assert!(out.contains("already has an inline policy"), "{out}");
    let now = w.user_policy("alice", name).unwrap();
    let doc: Value = serde_json::from_str(&now).unwrap();
    assert_eq!(doc["Statement"][0]["Effect"], "Deny");
    assert_eq!(doc["Statement"][0]["Action"], "*");

    let (code, out, err) = w.secdash(&["restore", "alice", "--yes"], &[]);
    assert_eq!(code, 0, "{out}{err}");
    assert_eq!(w.user_policy("alice", name).as_deref(), Some(ODD_POLICY));

    // Without a policy of that name before, restore removes the one it put.
    let (code, _, err) = w.secdash(
        &["deny-user", "alice", "--yes", "--incident", "INC-22"],
        &[],
    );
    assert_eq!(code, 0, "{err}");
    assert!(w.user_policy("alice", "secdash-deny-all-INC-22").is_some());
    let (code, _, err) = w.secdash(&["restore", "alice", "--yes"], &[]);
    assert_eq!(code, 0, "{err}");
    assert_eq!(w.user_policy("alice", "secdash-deny-all-INC-22"), None);
    assert_eq!(w.user_policy("alice", name).as_deref(), Some(ODD_POLICY));
}

#[test]
fn revoke_a_roles_sessions_and_refuse_an_early_restore_unless_forced() {
    let w = world();
    let arn = w.role("trainer", 7200);
    let before = chrono::Utc::now() - chrono::Duration::seconds(1);
    let (code, out, err) = w.secdash(
        &["revoke-sessions", &arn, "--yes", "--incident", "INC-23"],
        &[],
    );
    let after = chrono::Utc::now() + chrono::Duration::seconds(1);
    assert_eq!(code, 0, "{out}{err}");
    assert!(out.contains("maximum session duration 2 h"), "{out}");
    assert!(out.contains("does not stop new sessions"), "{out}");
    let doc: Value =
        serde_json::from_str(&w.role_policy("trainer", "AWSRevokeOlderSessions").unwrap()).unwrap();
    let cutoff = doc["Statement"][0]["Condition"]["DateLessThan"]["aws:TokenIssueTime"]
        .as_str()
        .unwrap();
    let cutoff = chrono::DateTime::parse_from_rfc3339(cutoff).unwrap();
    assert!(
        before <= cutoff && cutoff <= after,
        "{cutoff} is the moment of acting"
    );
    assert_eq!(doc["Statement"][0]["Effect"], "Deny");

    let (code, out, err) = w.secdash(&["restore", "trainer", "--yes"], &[]);
    assert_eq!(code, 1, "refused before the sessions expired: {out}{err}");
    assert!(
        err.contains("must stay until") && err.contains("--force"),
        "{err}"
    );
    assert!(w.role_policy("trainer", "AWSRevokeOlderSessions").is_some());

    let (code, out, err) = w.secdash(&["restore", "trainer", "--yes", "--force"], &[]);
    assert_eq!(code, 0, "{out}{err}");
    assert_eq!(w.role_policy("trainer", "AWSRevokeOlderSessions"), None);
}

#[test]
fn a_service_linked_role_is_refused_in_plain_words() {
    let w = world();
    let iam = w.iam();
    let role = rt().block_on(async {
        iam.create_service_linked_role()
            .aws_service_name("sagemaker.amazonaws.com")
            .send()
            .await
            .unwrap()
            .role
            .unwrap()
            .role_name
    });
    let (code, out, err) = w.secdash(&["revoke-sessions", &role, "--yes"], &[]);
    assert_eq!(code, 1, "{out}{err}");
    assert!(err.contains("service-linked"), "{err}");
    assert!(w.journal().is_empty());
}

#[test]
fn dry_run_and_read_only_change_no_credential() {
    let w = world();
    let (key, _) = w.user_with_keys("bob");
    w.role("runner", 3600);
    for args in [
        vec!["disable-key", key.as_str()],
        vec!["deny-user", "bob"],
        vec!["revoke-sessions", "runner"],
    ] {
        let mut dry = args.clone();
        dry.push("--dry-run");
        let (code, out, err) = w.secdash(&dry, &[]);
        assert_eq!(code, 0, "{out}{err}");
        assert!(out.contains("nothing was changed"), "{out}");
        let mut ro = args.clone();
        ro.extend(["--yes", "--read-only"]);
        let (code, _, err) = w.secdash(&ro, &[]);
        assert_eq!(code, 1);
        assert!(err.contains("read-only mode"), "{err}");
    }
    assert_eq!(w.key_status("bob", &key), "Active");
    assert_eq!(w.user_policy("bob", "secdash-deny-all-INC-1"), None);
    assert_eq!(w.role_policy("runner", "AWSRevokeOlderSessions"), None);
    assert!(w.journal().is_empty());
}

#[test]
#[cfg_attr(
    not(feature = "failpoints"),
    ignore = "needs the failpoints feature: scripts/test turns it on"
)]
fn a_kill_between_the_journal_and_iam_restores_cleanly() {
    let w = world();
    let (key, _) = w.user_with_keys("carol");
    // Killed after the plan reached the disk, before the call.
    let (code, _, _) = w.secdash(
        &["deny-user", "carol", "--yes", "--incident", "INC-24"],
        &[("SECDASH_FAILPOINT", "after-plan")],
    );
    assert_ne!(code, 0);
    assert_eq!(w.journal()[0]["status"], "incomplete");
    let (code, out, err) = w.secdash(&["restore", "carol", "--yes"], &[]);
    assert_eq!(code, 0, "{out}{err}");
    assert_eq!(w.user_policy("carol", "secdash-deny-all-INC-24"), None);

    // Killed after the call, before its outcome was journalled.
    let (code, _, _) = w.secdash(
        &["disable-key", &key, "--yes", "--incident", "INC-24"],
        &[("SECDASH_FAILPOINT", "after-step-0")],
    );
    assert_ne!(code, 0);
    assert_eq!(w.key_status("carol", &key), "Inactive");
    let (code, out, err) = w.secdash(&["restore", &key, "--yes"], &[]);
    assert_eq!(code, 0, "{out}{err}");
    assert!(out.contains("verified"), "{out}");
    assert_eq!(w.key_status("carol", &key), "Active");
}

/// Issue #26: `restore USER` after deny-user under two incidents removed only the first
/// incident's policy and marked both entries restored.
#[test]
fn a_user_denied_under_two_incidents_is_restored_whole() {
    let w = world();
    w.user_with_keys("dora");
    for incident in ["INC-31", "INC-32"] {
        let (code, out, err) =
            w.secdash(&["deny-user", "dora", "--yes", "--incident", incident], &[]);
        assert_eq!(code, 0, "{out}{err}");
    }
    let (code, out, err) = w.secdash(&["restore", "dora", "--yes"], &[]);
    assert_eq!(code, 0, "{out}{err}");
    for incident in ["INC-31", "INC-32"] {
        let name = format!("secdash-deny-all-{incident}");
        assert_eq!(
            w.user_policy("dora", &name),
            None,
            "{name} is still on the user"
        );
    }
    let journal = w.journal();
    let denies: Vec<&Value> = journal
        .iter()
        .filter(|e| e["action"] == "deny-user")
        .collect();
    assert_eq!(denies.len(), 2, "{journal:?}");
    assert!(
        denies.iter().all(|e| e["undone_by"].is_string()),
        "{denies:?}"
    );
}
