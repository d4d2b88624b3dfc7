//! IAM and bucket policy documents: what they allow too broadly, and whether they deny plain
//! HTTP. Pure functions over the JSON text the APIs return.

use crate::checklist::posture::Grant;
use serde_json::Value;

/// IAM returns policy documents URL-encoded (RFC 3986); some emulators return them plain.
pub fn decode(raw: &str) -> String {
    if raw.trim_start().starts_with('{') {
        return raw.to_string();
    }
    percent_encoding::percent_decode_str(raw)
        .decode_utf8_lossy()
        .into_owned()
}

/// A field that may hold one string or a list of them.
fn strings(v: Option<&Value>) -> Vec<&str> {
    match v {
        Some(Value::String(s)) => vec![s.as_str()],
        Some(Value::Array(a)) => a.iter().filter_map(Value::as_str).collect(),
        _ => Vec::new(),
    }
}

fn statements(doc: &Value) -> Vec<&Value> {
    match doc.get("Statement") {
        Some(Value::Array(a)) => a.iter().collect(),
        Some(s @ Value::Object(_)) => vec![s],
        _ => Vec::new(),
    }
}

/// What an identity policy allows too broadly: `*` on every resource (administrator), or a
/// whole service (`s3:*`).
pub fn broad_grants(policy: &str, raw: &str) -> Vec<Grant> {
    let doc: Value = match serde_json::from_str(&decode(raw)) {
        Ok(d) => d,
        Err(e) => {
            return vec![Grant::Unreadable {
                policy: policy.to_string(),
                why: format!("not valid JSON ({e})"),
            }];
        }
    };
    let mut out = Vec::new();
    for st in statements(&doc) {
        if st.get("Effect").and_then(Value::as_str) != Some("Allow") {
            continue;
        }
        let actions = strings(st.get("Action"));
        let every_resource = strings(st.get("Resource")).contains(&"*");
        if actions.iter().any(|a| *a == "*" || *a == "*:*") && every_resource {
            out.push(Grant::Admin {
                policy: policy.to_string(),
            });
            continue;
        }
        for a in actions {
            if let Some(service) = a.strip_suffix(":*")
                && !service.is_empty()
                && service != "*"
            {
                out.push(Grant::ServiceWildcard {
                    policy: policy.to_string(),
                    action: a.to_string(),
                });
            }
        }
    }
    out
}

/// A statement denies requests where `aws:SecureTransport` is false, the control Prowler's
/// `s3_bucket_secure_transport_policy` looks for.
pub fn denies_insecure_transport(raw: &str) -> bool {
    let Ok(doc) = serde_json::from_str::<Value>(&decode(raw)) else {
        return false;
    };
    statements(&doc).into_iter().any(|st| {
        st.get("Effect").and_then(Value::as_str) == Some("Deny")
            && st
                .get("Condition")
                .and_then(|c| c.get("Bool"))
                .and_then(|b| b.get("aws:SecureTransport"))
                .is_some_and(|v| match v {
                    Value::String(s) => s.eq_ignore_ascii_case("false"),
                    Value::Bool(b) => !b,
                    Value::Array(a) => a.iter().any(|x| {
                        x.as_str().is_some_and(|s| s.eq_ignore_ascii_case("false"))
                            || x.as_bool() == Some(false)
                    }),
                    _ => false,
                })
    })
}

/// The VPC endpoints (`aws:sourceVpce`) or VPCs (`aws:sourceVpc`) outside which a bucket
/// policy denies everyone: the guide's preventive control. Empty when no statement does.
pub fn vpce_restriction(raw: &str) -> Vec<String> {
    let Ok(doc) = serde_json::from_str::<Value>(&decode(raw)) else {
        return Vec::new();
    };
    let mut out = Vec::new();
    for st in statements(&doc) {
        let everyone = match st.get("Principal") {
            Some(Value::String(s)) => s == "*",
            Some(Value::Object(o)) => strings(o.get("AWS")).contains(&"*"),
            _ => false,
        };
        if st.get("Effect").and_then(Value::as_str) != Some("Deny") || !everyone {
            continue;
        }
        let Some(Value::Object(condition)) = st.get("Condition") else {
            continue;
        };
        for (operator, keys) in condition {
            if !operator.starts_with("StringNotEquals") {
                continue;
            }
            let Value::Object(keys) = keys else {
                continue;
            };
            for (key, values) in keys {
                let key = key.to_ascii_lowercase();
                if key == "aws:sourcevpce" || key == "aws:sourcevpc" {
                    out.extend(strings(Some(values)).into_iter().map(str::to_string));
                }
            }
        }
    }
    out.sort();
    out.dedup();
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_guides_vpc_endpoint_denial_is_read_with_its_endpoints() {
        // The seed's bucket policy (002), in both key spellings AWS accepts.
        let guide = r#"{"Version": "2008-10-17", "Statement": [{"Effect": "Deny",
            "Principal": "*", "Action": ["s3:GetObject", "s3:PutObject", "s3:ListBucket"],
            "Resource": ["arn:aws:s3:::b", "arn:aws:s3:::b/*"],
            "Condition": {"StringNotEquals": {"aws:sourceVpce": ["vpce-2", "vpce-1"]}}}]}"#;
        assert_eq!(vpce_restriction(guide), vec!["vpce-1", "vpce-2"]);
        let one = r#"{"Statement": {"Effect": "Deny", "Principal": {"AWS": "*"},
            "Action": "s3:*", "Resource": "*",
            "Condition": {"StringNotEqualsIfExists": {"aws:SourceVpc": "vpc-9"}}}}"#;
        assert_eq!(vpce_restriction(one), vec!["vpc-9"]);
        // An Allow from the endpoint restricts nothing; a Deny for one role leaves others in.
        let allow = r#"{"Statement": [{"Effect": "Allow", "Principal": "*", "Action": "s3:*",
            "Resource": "*", "Condition": {"StringEquals": {"aws:sourceVpce": "vpce-1"}}}]}"#;
        assert!(vpce_restriction(allow).is_empty());
        let narrow = r#"{"Statement": [{"Effect": "Deny",
            "Principal": {"AWS": "arn:aws:iam::1:role/x"}, "Action": "s3:*", "Resource": "*",
            "Condition": {"StringNotEquals": {"aws:sourceVpce": "vpce-1"}}}]}"#;
        assert!(vpce_restriction(narrow).is_empty());
        assert!(vpce_restriction("not json").is_empty());
    }

    #[test]
    fn url_encoded_documents_are_decoded() {
        assert_eq!(decode("%7B%22a%22%3A1%7D"), r#"{"a":1}"#);
        assert_eq!(decode(r#"{"a":1}"#), r#"{"a":1}"#);
    }

    #[test]
    fn admin_and_service_wildcards_are_found() {
        let doc = r#"{"Statement":[
            {"Effect":"Allow","Action":"*","Resource":"*"},
            {"Effect":"Allow","Action":["s3:*","logs:PutLogEvents"],"Resource":"arn:aws:s3:::b/*"},
            {"Effect":"Deny","Action":"*","Resource":"*"}]}"#;
        assert_eq!(
            broad_grants("p", doc),
            vec![
                Grant::Admin { policy: "p".into() },
                Grant::ServiceWildcard {
                    policy: "p".into(),
                    action: "s3:*".into()
                }
            ]
        );
    }

    #[test]
    fn scoped_policies_grant_nothing_broad() {
        let doc = r#"{"Statement":{"Effect":"Allow","Action":["s3:GetObject"],"Resource":"*"}}"#;
        assert!(broad_grants("p", doc).is_empty());
    }

    #[test]
    fn unreadable_documents_say_so() {
        assert!(matches!(
            broad_grants("p", "%7Bnot json").as_slice(),
            [Grant::Unreadable { .. }]
        ));
    }

    #[test]
    fn secure_transport_denial_is_recognised_in_its_spellings() {
        let deny = |v: &str| {
            format!(
                r#"{{"Statement":[{{"Effect":"Deny","Principal":"*","Action":"s3:*","Resource":"*","Condition":{{"Bool":{{"aws:SecureTransport":{v}}}}}}}]}}"#
            )
        };
        assert!(denies_insecure_transport(&deny(r#""false""#)));
        assert!(denies_insecure_transport(&deny("false")));
        assert!(denies_insecure_transport(&deny(r#"["false"]"#)));
        assert!(!denies_insecure_transport(&deny(r#""true""#)));
        assert!(!denies_insecure_transport(r#"{"Statement":[]}"#));
        assert!(!denies_insecure_transport("not json"));
    }
}
