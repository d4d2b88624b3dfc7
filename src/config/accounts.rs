//! The platform's accounts: the `[[accounts]]` of the config, each reached through a role
//! assumed from the base credentials or through a profile of its own, narrowed by `--account`.
//! None configured keeps secdash on the credentials' own account, as before.

use super::ConfigError;
use serde::Deserialize;

/// How many account × region reads run at once, unless the config says otherwise.
pub const DEFAULT_CONCURRENCY: usize = 8;
const MAX_CONCURRENCY: usize = 64;

#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AccountFile {
    pub name: String,
    /// Assumed from the base credentials (the SDK's assume-role provider).
    pub role_arn: Option<String>,
    /// The external id the role's trust policy asks for.
    pub external_id: Option<String>,
    /// Or a profile of `~/.aws/config` (SSO, its own role chain…).
    pub profile: Option<String>,
    /// This account's regions (default: the configured ones).
    pub regions: Option<Vec<String>>,
    /// No action may change anything in this account.
    pub read_only: Option<bool>,
    /// The role actions in this account run as (isolate, contain, restore…), assumed from the
    /// credentials that reach the account; without it secdash only watches the account.
    pub responder_role_arn: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Reach {
    Role {
        arn: String,
        external_id: Option<String>,
    },
    Profile(String),
}

impl Reach {
    /// How the account was reached, in the words of the JSON's `accounts`.
    pub fn describe(&self) -> String {
        match self {
            Reach::Role { arn, .. } => format!("role {arn}"),
            Reach::Profile(p) => format!("profile {p}"),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AccountConfig {
    pub name: String,
    pub reach: Reach,
    pub regions: Option<Vec<String>>,
    pub read_only: bool,
    /// The responder role's ARN: actions in this account run as it.
    pub responder: Option<String>,
}

/// Why secdash takes no action in an account, in the words shown on the row.
pub fn no_action(account: &AccountConfig) -> Option<String> {
    if account.read_only {
        Some(format!(
            "account {} is read-only (read_only in its [[accounts]] entry): no action there",
            account.name
        ))
    } else if account.responder.is_none() {
        Some(format!(
            "account {} has no responder role: actions there need responder_role_arn in its [[accounts]] entry (or [organization] responder_role)",
            account.name
        ))
    } else {
        None
    }
}

/// The account id of a role ARN (`arn:aws:iam::ID:role/NAME`).
pub fn role_account(arn: &str) -> Option<&str> {
    is_role_arn(arn).then(|| arn.split(':').nth(4)).flatten()
}

fn is_role_arn(arn: &str) -> bool {
    let parts: Vec<&str> = arn.splitn(6, ':').collect();
    parts.len() == 6
        && parts[0] == "arn"
        && parts[1].starts_with("aws")
        && parts[2] == "iam"
        && parts[4].len() == 12
        && parts[4].bytes().all(|b| b.is_ascii_digit())
        && parts[5].starts_with("role/")
        && parts[5].len() > "role/".len()
}

/// The accounts of the config, checked, then narrowed to those `--account` names.
pub fn resolve(
    files: &[AccountFile],
    chosen: &[String],
    origin: &str,
    check_regions: impl Fn(&str, &[String]) -> Result<(), ConfigError>,
) -> Result<Vec<AccountConfig>, ConfigError> {
    let bad = |key: &str, reason: String| ConfigError::Invalid {
        origin: origin.to_string(),
        key: key.to_string(),
        reason,
    };
    let mut out: Vec<AccountConfig> = Vec::new();
    for (i, a) in files.iter().enumerate() {
        let key = |field: &str| format!("accounts[{i}].{field}");
        let name = &*account_name(&a.name);
        if name.is_empty() {
            return Err(bad(
                &key("name"),
                "must name the account, e.g. \"staging\"".into(),
            ));
        }
        if out.iter().any(|o| o.name == name) {
            return Err(bad(&key("name"), format!("{name:?} is configured twice")));
        }
        let reach = match (&a.role_arn, &a.profile) {
            (Some(arn), None) if is_role_arn(arn) => Reach::Role {
                arn: arn.clone(),
                external_id: a.external_id.clone(),
            },
            (Some(arn), None) => {
                let shown = crate::sanitize::clean_with_limit(arn, 80);
                return Err(bad(
                    &key("role_arn"),
                    format!(
                        "{shown:?} is not a role ARN like arn:aws:iam::123456789012:role/SecdashReadOnly"
                    ),
                ));
            }
            (None, Some(p)) if a.external_id.is_none() => Reach::Profile(p.clone()),
            (None, Some(_)) => {
                return Err(bad(
                    &key("external_id"),
                    "goes with role_arn; a profile sets its own".into(),
                ));
            }
            (Some(_), Some(_)) => {
                return Err(bad(
                    &key("role_arn"),
                    "give role_arn or profile, not both".into(),
                ));
            }
            (None, None) => {
                return Err(bad(
                    &key("role_arn"),
                    format!(
                        "account {name:?} needs a role_arn (assumed from your credentials) or a profile"
                    ),
                ));
            }
        };
        if let Some(r) = &a.regions {
            check_regions(origin, r)?;
        }
        let responder = match &a.responder_role_arn {
            None => None,
            Some(arn) => {
                let shown = crate::sanitize::clean_with_limit(arn, 80);
                let Some(id) = role_account(arn) else {
                    return Err(bad(
                        &key("responder_role_arn"),
                        format!(
                            "{shown:?} is not a role ARN like arn:aws:iam::123456789012:role/SecdashResponder"
                        ),
                    ));
                };
                // A responder role elsewhere would act in an account other than the row's.
                if let Reach::Role { arn: read, .. } = &reach
                    && role_account(read) != Some(id)
                {
                    return Err(bad(
                        &key("responder_role_arn"),
                        format!(
                            "{shown:?} is in account {id}, but {name:?} is read through account {}: the responder role must be in the account it acts in",
                            role_account(read).unwrap_or("?")
                        ),
                    ));
                }
                Some(arn.clone())
            }
        };
        out.push(AccountConfig {
            name: name.to_string(),
            reach,
            regions: a.regions.clone(),
            read_only: a.read_only.unwrap_or(false),
            responder,
        });
    }
    if chosen.is_empty() {
        return Ok(out);
    }
    if out.is_empty() {
        return Err(ConfigError::Invalid {
            origin: "command line".into(),
            key: "--account".into(),
            reason: "the config has no [[accounts]] to choose from".into(),
        });
    }
    narrow_among(out, chosen, "the config has")
}

/// An organization's accounts, discovered: `[organization]`.
#[derive(Debug, Default, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct OrganizationFile {
    /// The role assumed in each account (the same name in every one).
    pub member_role: String,
    /// The external id the role's trust policy asks for.
    pub external_id: Option<String>,
    /// Only the accounts whose names match one of these (`*` wildcards); all active accounts
    /// without it.
    pub accounts: Option<Vec<String>>,
    /// The role actions run as in each account (the same name in every one); without it the
    /// organization is only watched.
    pub responder_role: Option<String>,
}

/// The organization's accounts are listed (organizations:ListAccounts) and the member role
/// assumed in each active one whose name matches.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Organization {
    pub member_role: String,
    pub external_id: Option<String>,
    pub patterns: Vec<String>,
    pub responder_role: Option<String>,
}

impl Organization {
    /// The accounts of a listing (id, name, status) this run reads, as `[[accounts]]` would
    /// name them; explicit entries of the same name are kept as written.
    pub fn members(&self, listed: &[(String, String, String)]) -> Vec<AccountConfig> {
        listed
            .iter()
            .filter(|(_, _, status)| status.eq_ignore_ascii_case("active"))
            .filter(|(_, name, _)| {
                self.patterns.is_empty()
                    || self
                        .patterns
                        .iter()
                        .any(|p| crate::checklist::mute::wildcard(p, name))
            })
            .map(|(id, name, _)| AccountConfig {
                name: if name.trim().is_empty() {
                    id.clone()
                } else {
                    crate::sanitize::clean_with_limit(name, 64)
                },
                reach: Reach::Role {
                    arn: format!("arn:aws:iam::{id}:role/{}", self.member_role),
                    external_id: self.external_id.clone(),
                },
                regions: None,
                read_only: false,
                responder: self
                    .responder_role
                    .as_ref()
                    .map(|r| format!("arn:aws:iam::{id}:role/{r}")),
            })
            .collect()
    }
}

pub fn organization(
    file: Option<&OrganizationFile>,
    origin: &str,
) -> Result<Option<Organization>, ConfigError> {
    let Some(f) = file else {
        return Ok(None);
    };
    let role_name = |key: &str, role: &str, like: &str| {
        let role = role.trim();
        if role.is_empty()
            || !role
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || "+=,.@_-/".contains(c))
        {
            return Err(ConfigError::Invalid {
                origin: origin.to_string(),
                key: format!("organization.{key}"),
                reason: format!(
                    "must name a role, like {like}; got {:?}",
                    crate::sanitize::clean_with_limit(role, 64)
                ),
            });
        }
        Ok(role.to_string())
    };
    Ok(Some(Organization {
        member_role: role_name("member_role", &f.member_role, "SecdashReadOnly")?,
        external_id: f.external_id.clone(),
        patterns: f.accounts.clone().unwrap_or_default(),
        responder_role: f
            .responder_role
            .as_deref()
            .map(|r| role_name("responder_role", r, "SecdashResponder"))
            .transpose()?,
    }))
}

/// An account's name as shown and compared: cleaned like any text shown (a zero-width space
/// or an escape sequence would make `prod` two accounts that read the same).
pub fn account_name(raw: &str) -> String {
    crate::sanitize::clean_with_limit(raw.trim(), 64)
        .trim()
        .to_string()
}

/// The accounts' names, for a message: `dev, staging, prod`.
pub fn names(accounts: &[AccountConfig]) -> String {
    accounts
        .iter()
        .map(|a| a.name.as_str())
        .collect::<Vec<_>>()
        .join(", ")
}

/// Narrows accounts to those `--account` names (used once an organization's are known).
pub fn narrow(
    accounts: Vec<AccountConfig>,
    chosen: &[String],
) -> Result<Vec<AccountConfig>, ConfigError> {
    narrow_among(accounts, chosen, "there are")
}

/// The accounts `--account` names; a name that is none of them is refused with those there
/// are (`known`: how the message introduces them).
fn narrow_among(
    mut accounts: Vec<AccountConfig>,
    chosen: &[String],
    known: &str,
) -> Result<Vec<AccountConfig>, ConfigError> {
    if chosen.is_empty() {
        return Ok(accounts);
    }
    for c in chosen {
        if !accounts.iter().any(|a| a.name == *c) {
            return Err(ConfigError::Invalid {
                origin: "command line".into(),
                key: "--account".into(),
                reason: format!(
                    "no account is named {:?}; {known} {}",
                    crate::sanitize::clean_with_limit(c, 40),
                    if accounts.is_empty() {
                        "none".to_string()
                    } else {
                        names(&accounts)
                    }
                ),
            });
        }
    }
    accounts.retain(|a| chosen.contains(&a.name));
    Ok(accounts)
}

/// The concurrency limit of the config, checked.
pub fn concurrency(value: Option<usize>, origin: &str) -> Result<usize, ConfigError> {
    match value {
        None => Ok(DEFAULT_CONCURRENCY),
        Some(n) if (1..=MAX_CONCURRENCY).contains(&n) => Ok(n),
        Some(n) => Err(ConfigError::Invalid {
            origin: origin.to_string(),
            key: "account_concurrency".into(),
            reason: format!("must be between 1 and {MAX_CONCURRENCY}; got {n}"),
        }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn role(name: &str, arn: &str) -> AccountFile {
        AccountFile {
            name: name.into(),
            role_arn: Some(arn.into()),
            external_id: None,
            profile: None,
            regions: None,
            read_only: None,
            responder_role_arn: None,
        }
    }

    fn ok(_: &str, _: &[String]) -> Result<(), ConfigError> {
        Ok(())
    }

    fn reason(e: ConfigError) -> String {
        e.to_string()
    }

    #[test]
    fn roles_and_profiles_are_read_and_narrowed_by_name() {
        let files = vec![
            role("staging", "arn:aws:iam::111111111111:role/SecdashReadOnly"),
            AccountFile {
                profile: Some("prod-sso".into()),
                role_arn: None,
                ..role("production", "")
            },
        ];
        let all = resolve(&files, &[], "config", ok).unwrap();
        assert_eq!(all.len(), 2);
        assert_eq!(all[1].reach, Reach::Profile("prod-sso".into()));
        assert_eq!(
            all[0].reach.describe(),
            "role arn:aws:iam::111111111111:role/SecdashReadOnly"
        );
        let one = resolve(&files, &["production".into()], "config", ok).unwrap();
        assert_eq!(one.len(), 1);
        assert_eq!(one[0].name, "production");
    }

    #[test]
    fn mistakes_name_the_account_and_the_key() {
        let e = resolve(&[role("staging", "staging-role")], &[], "config", ok).unwrap_err();
        assert!(reason(e).contains("accounts[0].role_arn"));
        let twice = vec![
            role("a", "arn:aws:iam::111111111111:role/R"),
            role("a", "arn:aws:iam::222222222222:role/R"),
        ];
        let e = resolve(&twice, &[], "config", ok).unwrap_err();
        assert!(reason(e).contains("\"a\" is configured twice"));
        // Issue #26: names are compared as they are shown, after cleaning.
        let hidden = vec![
            role("prod", "arn:aws:iam::111111111111:role/R"),
            role("prod\u{200B}", "arn:aws:iam::222222222222:role/R"),
        ];
        let e = resolve(&hidden, &[], "config", ok).unwrap_err();
        assert!(reason(e).contains("\"prod\" is configured twice"));
        let escaped = vec![role("\u{1b}[31mdev", "arn:aws:iam::111111111111:role/R")];
        assert_eq!(resolve(&escaped, &[], "config", ok).unwrap()[0].name, "dev");
        let neither = AccountFile {
            role_arn: None,
            ..role("dev", "")
        };
        let e = resolve(&[neither], &[], "config", ok).unwrap_err();
        assert!(reason(e).contains("needs a role_arn"));
        let files = vec![role("dev", "arn:aws:iam::111111111111:role/R")];
        let e = resolve(&files, &["prod".into()], "config", ok).unwrap_err();
        assert!(reason(e).contains("no account is named \"prod\"; the config has dev"));
        let e = resolve(&[], &["prod".into()], "config", ok).unwrap_err();
        assert!(reason(e).contains("no [[accounts]]"));
        assert!(concurrency(Some(0), "config").is_err());
        assert_eq!(concurrency(None, "config").unwrap(), DEFAULT_CONCURRENCY);
    }

    #[test]
    fn an_organizations_active_accounts_matching_its_patterns_are_read() {
        let org = organization(
            Some(&OrganizationFile {
                member_role: "SecdashReadOnly".into(),
                external_id: None,
                accounts: Some(vec!["ml-*".into()]),
                responder_role: Some("SecdashResponder".into()),
            }),
            "config",
        )
        .unwrap()
        .unwrap();
        let listed = vec![
            ("111111111111".into(), "ml-dev".into(), "ACTIVE".into()),
            ("222222222222".into(), "ml-old".into(), "SUSPENDED".into()),
            ("333333333333".into(), "finance".into(), "ACTIVE".into()),
        ];
        let found = org.members(&listed);
        assert_eq!(found.len(), 1);
        assert_eq!(found[0].name, "ml-dev");
        assert_eq!(
            found[0].reach.describe(),
            "role arn:aws:iam::111111111111:role/SecdashReadOnly"
        );
        let e = narrow(found.clone(), &["prod".into()]).unwrap_err();
        assert!(reason(e).contains("no account is named \"prod\"; there are ml-dev"));
        assert_eq!(
            found[0].responder.as_deref(),
            Some("arn:aws:iam::111111111111:role/SecdashResponder")
        );
        let bad = OrganizationFile {
            member_role: "role with spaces".into(),
            external_id: None,
            accounts: None,
            responder_role: None,
        };
        assert!(organization(Some(&bad), "config").is_err());
        let bad = OrganizationFile {
            member_role: "SecdashReadOnly".into(),
            responder_role: Some("no way".into()),
            ..bad
        };
        let e = organization(Some(&bad), "config").unwrap_err();
        assert!(reason(e).contains("organization.responder_role"));
    }

    #[test]
    fn a_responder_role_acts_only_in_its_own_account() {
        let with = |arn: &str| AccountFile {
            responder_role_arn: Some(arn.into()),
            ..role("staging", "arn:aws:iam::222222222222:role/SecdashReadOnly")
        };
        let ok_one = resolve(
            &[with("arn:aws:iam::222222222222:role/SecdashResponder")],
            &[],
            "config",
            ok,
        )
        .unwrap();
        assert_eq!(no_action(&ok_one[0]), None);
        let e = resolve(
            &[with("arn:aws:iam::111111111111:role/SecdashResponder")],
            &[],
            "config",
            ok,
        )
        .unwrap_err();
        let e = reason(e);
        assert!(e.contains("accounts[0].responder_role_arn"), "{e}");
        assert!(e.contains("must be in the account it acts in"), "{e}");
        let e = resolve(&[with("SecdashResponder")], &[], "config", ok).unwrap_err();
        assert!(reason(e).contains("is not a role ARN"));
        let watched = resolve(
            &[role("dev", "arn:aws:iam::111111111111:role/R")],
            &[],
            "config",
            ok,
        )
        .unwrap();
        assert!(
            no_action(&watched[0])
                .unwrap()
                .contains("account dev has no responder role")
        );
        let read_only = AccountConfig {
            read_only: true,
            ..ok_one[0].clone()
        };
        assert!(no_action(&read_only).unwrap().contains("is read-only"));
        assert_eq!(
            role_account("arn:aws:iam::222222222222:role/R"),
            Some("222222222222")
        );
    }
}
