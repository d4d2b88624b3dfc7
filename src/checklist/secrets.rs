//! Secrets written into scripts (notebook lifecycle configurations): what kind and on which
//! line, never the value itself, which must not travel further than the script already does.
//!
//! The patterns are those of the common secret scanners (detect-secrets, gitleaks) that an ML
//! account's scripts meet: cloud keys, tokens of the model hubs and code hosts, private keys,
//! credentials in URLs, and `password=`-style assignments of a literal (a `$VARIABLE` or a
//! `$(command)` that fetches the value at run time is the remedy, not a finding).

use regex::bytes::{Regex, RegexBuilder};
use std::sync::LazyLock;

#[derive(Debug, Clone, PartialEq)]
pub struct SecretHit {
    /// 1-based.
    pub line: usize,
    /// In words: "an AWS access key id".
    pub kind: &'static str,
}

static PATTERNS: LazyLock<Vec<(&'static str, Regex)>> = LazyLock::new(|| {
    [
        ("an AWS access key id", r"\b(?:AKIA|ASIA)[0-9A-Z]{16}\b"),
        (
            "an AWS secret access key",
            r#"(?i)aws_?secret_?access_?key["']?\s*[=:]\s*["']?[A-Za-z0-9/+=]{40}"#,
        ),
        ("a private key", r"-----BEGIN [A-Z ]*PRIVATE KEY-----"),
        ("a GitHub token", r"\b(?:gh[pousr]_[A-Za-z0-9]{36}|github_pat_\w{40,})"),
        ("a Hugging Face token", r"\bhf_[A-Za-z0-9]{30,}\b"),
        ("an OpenAI or Anthropic key", r"\bsk-(?:ant-|proj-)?[A-Za-z0-9_-]{20,}"),
        ("a Slack token", r"\bxox[abposr]-[A-Za-z0-9-]{10,}"),
        (
            "a password in a URL",
            r"[a-z][a-z0-9+.-]*://[^/\s:@]+:[^/\s@$]{3,}@",
        ),
        (
            "a password or token assigned in clear",
            r#"(?i)\b[a-z_]*(?:password|passwd|pwd|secret|token|api_?key)\b["']?\s*[=:]\s*["']?[^\s"'$`{<][^\s"']{7,}"#,
        ),
    ]
    .into_iter()
    // ASCII classes and word boundaries: secrets are ASCII, and Unicode's tables made these
    // nine patterns 3.6 MB of compiled automata held for the whole session.
    .map(|(kind, re)| {
        let re = RegexBuilder::new(re)
            .unicode(false)
            .build()
            .expect("the secret patterns compile");
        (kind, re)
    })
    .collect()
});

/// Every line with a secret, with its first kind (one statement a line is enough to act on).
pub fn find(text: &str) -> Vec<SecretHit> {
    text.lines()
        .enumerate()
        .filter_map(|(i, line)| {
            PATTERNS
                .iter()
                .find(|(_, re)| re.is_match(line.as_bytes()))
                .map(|(kind, _)| SecretHit { line: i + 1, kind })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn secrets_among_text_that_is_not_ascii_are_found() {
        let script = "# Schlüssel für die Übung 🔑\nexport TOKEN=ghp_abcdefghijklmnopqrstuvwxyz0123456789\n\
                      passwort=Grüße # not an assignment the patterns know\n\
                      API_KEY=\"sk-ant-abcdefghijklmnopqrstuvwx\" # é\n";
        assert_eq!(
            find(script)
                .iter()
                .map(|h| (h.line, h.kind))
                .collect::<Vec<_>>(),
            vec![(2, "a GitHub token"), (4, "an OpenAI or Anthropic key")]
        );
    }

    fn kinds(text: &str) -> Vec<&'static str> {
        find(text).into_iter().map(|h| h.kind).collect()
    }

    #[test]
    fn cloud_keys_tokens_and_private_keys_are_found_by_line() {
        let script = "#!/bin/bash\nset -e\nexport AWS_ACCESS_KEY_ID=AKIAIOSFODNN7EXAMPLE\n\
                      export AWS_SECRET_ACCESS_KEY=wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY\n\
                      huggingface-cli login --token hf_abcdefghijklmnopqrstuvwxyzABCDEF\n\
                      -----BEGIN RSA PRIVATE KEY-----\n\
                      pip install --index-url https://ci:s3cretpass@pypi.example.com/simple x\n";
        let hits = find(script);
        assert_eq!(
            hits.iter().map(|h| h.line).collect::<Vec<_>>(),
            vec![3, 4, 5, 6, 7]
        );
        assert_eq!(hits[0].kind, "an AWS access key id");
        assert_eq!(hits[1].kind, "an AWS secret access key");
        assert_eq!(hits[2].kind, "a Hugging Face token");
        assert_eq!(hits[3].kind, "a private key");
        assert_eq!(hits[4].kind, "a password in a URL");
    }

    #[test]
    fn literal_passwords_are_found_and_references_are_not() {
        assert_eq!(
            kinds("DB_PASSWORD=hunter2hunter2"),
            vec!["a password or token assigned in clear"]
        );
        assert_eq!(
            kinds(r#"api_key: "9f8e7d6c5b4a3210""#),
            vec!["a password or token assigned in clear"]
        );
        // Fetched at run time, or a variable: the way it should be done.
        assert!(
            kinds("DB_PASSWORD=$(aws secretsmanager get-secret-value --secret-id db)").is_empty()
        );
        assert!(kinds("export HF_TOKEN=\"$HF_TOKEN_FROM_SSM\"").is_empty());
        assert!(kinds("TOKEN=${TOKEN}").is_empty());
        // Ordinary lifecycle scripts.
        assert!(kinds("sudo -u ec2-user -i pip install --upgrade sagemaker").is_empty());
        assert!(kinds("echo \"password must be set\"").is_empty());
        assert!(kinds("jupyter server --ServerApp.token=''").is_empty());
    }
}
