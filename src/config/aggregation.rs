//! Where AWS already aggregates the platform's accounts: `[aggregation]`. Each key names the
//! account (of `[[accounts]]` or the organization's) that reads one kind of data for all of
//! them; Security Hub's administrator and the Config aggregator take an optional Region
//! (`security@eu-west-1`, `security:org@eu-west-1`), the first watched Region by default.

use super::ConfigError;
use super::accounts::{AccountConfig, AccountFile, account_name};
use serde::Deserialize;

#[derive(Debug, Default, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AggregationFile {
    /// The account that is GuardDuty's delegated administrator: every member's findings are
    /// read from its detectors alone.
    pub guardduty_admin: Option<String>,
    /// The monitoring account of CloudWatch cross-account observability: every account's
    /// endpoint metrics are read from it.
    pub cloudwatch_monitoring: Option<String>,
    /// Security Hub's delegated administrator (`ACCOUNT[@REGION]`, its aggregation Region):
    /// every member's checklist is judged from its control findings.
    pub security_hub_admin: Option<String>,
    /// An AWS Config aggregator (`ACCOUNT:AGGREGATOR[@REGION]`): every member's security
    /// groups and SageMaker notebooks are read from its advanced queries.
    pub config_aggregator: Option<String>,
}

/// An aggregation point with a Region: Security Hub's administrator or a Config aggregator.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Point {
    /// The account that reads it.
    pub account: String,
    /// The Config aggregator's name (none for Security Hub).
    pub aggregator: Option<String>,
    /// Where it is read; `None`: the first watched Region.
    pub region: Option<String>,
}

impl Point {
    /// The account, and the aggregator's name: `security`, `security:org`.
    pub fn describe(&self) -> String {
        match &self.aggregator {
            Some(name) => format!("{}:{name}", self.account),
            None => self.account.clone(),
        }
    }
}

#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Aggregation {
    /// The account, among those of this run, that reads GuardDuty for all of them.
    pub guardduty_admin: Option<String>,
    /// The account, among those of this run, that reads the endpoints' metrics of all.
    pub cloudwatch_monitoring: Option<String>,
    /// Security Hub's administrator, among the accounts of this run.
    pub security_hub_admin: Option<Point>,
    /// The Config aggregator, its account among those of this run.
    pub config_aggregator: Option<Point>,
}

impl Aggregation {
    /// Each point's key and account, for the checks that need the accounts' names.
    pub fn accounts(&self) -> Vec<(&'static str, &str)> {
        [
            ("guardduty_admin", self.guardduty_admin.as_deref()),
            (
                "cloudwatch_monitoring",
                self.cloudwatch_monitoring.as_deref(),
            ),
            (
                "security_hub_admin",
                self.security_hub_admin.as_ref().map(|p| p.account.as_str()),
            ),
            (
                "config_aggregator",
                self.config_aggregator.as_ref().map(|p| p.account.as_str()),
            ),
        ]
        .into_iter()
        .filter_map(|(key, name)| Some((key, name?)))
        .collect()
    }
}

/// A key's value split into its account, its aggregator's name (after the last colon, for
/// `config_aggregator`) and its Region (after `@`).
fn parse_point(key: &str, raw: &str, named: bool, origin: &str) -> Result<Point, ConfigError> {
    let invalid = |reason: String| ConfigError::Invalid {
        origin: origin.to_string(),
        key: format!("aggregation.{key}"),
        reason,
    };
    let shown = crate::sanitize::clean_with_limit(raw, 80);
    let (rest, region) = match raw.rsplit_once('@') {
        Some((rest, region)) => (rest, Some(region.trim())),
        None => (raw, None),
    };
    if let Some(region) = region
        && !super::regions::is_known(region)
    {
        let hint = super::regions::nearest(region)
            .map(|n| format!("; did you mean {n}?"))
            .unwrap_or_default();
        return Err(invalid(format!(
            "{shown:?} names an unknown Region {:?}{hint}",
            crate::sanitize::clean_with_limit(region, 40)
        )));
    }
    let (account, aggregator) = if named {
        match rest.rsplit_once(':') {
            Some((account, name)) if !name.trim().is_empty() => {
                (account, Some(name.trim().to_string()))
            }
            _ => {
                return Err(invalid(format!(
                    "{shown:?} must be ACCOUNT:AGGREGATOR_NAME (for example \"security:org\")"
                )));
            }
        }
    } else {
        (rest, None)
    };
    let account = account_name(account);
    if account.is_empty() {
        return Err(invalid(format!("{shown:?} names no account")));
    }
    Ok(Point {
        account,
        aggregator,
        region: region.map(str::to_string),
    })
}

/// The aggregation points, checked against the configured accounts; one that `--account`
/// left out of the run is not used (each account is then read on its own).
pub fn aggregation(
    file: Option<&AggregationFile>,
    configured: &[AccountFile],
    run: &[AccountConfig],
    organization: bool,
    origin: &str,
) -> Result<Aggregation, ConfigError> {
    let Some(file) = file else {
        return Ok(Aggregation::default());
    };
    // Whether the account is one of this run's; an error when the config has no such account.
    let in_run = |key: &str, name: &str| -> Result<bool, ConfigError> {
        // An organization's accounts are known at start: checked then.
        if organization {
            return Ok(true);
        }
        if !configured.iter().any(|a| account_name(&a.name) == name) {
            let known: Vec<String> = configured.iter().map(|a| account_name(&a.name)).collect();
            return Err(ConfigError::Invalid {
                origin: origin.to_string(),
                key: format!("aggregation.{key}"),
                reason: format!(
                    "names no account of [[accounts]] ({:?}; the config has {})",
                    crate::sanitize::clean_with_limit(name, 40),
                    if known.is_empty() {
                        "none".to_string()
                    } else {
                        known.join(", ")
                    }
                ),
            });
        }
        Ok(run.iter().any(|a| a.name == name))
    };
    let account = |key: &str, raw: &Option<String>| -> Result<Option<String>, ConfigError> {
        let Some(raw) = raw else {
            return Ok(None);
        };
        let name = account_name(raw);
        Ok(in_run(key, &name)?.then_some(name))
    };
    let point = |key: &str, raw: &Option<String>, named| -> Result<Option<Point>, ConfigError> {
        let Some(raw) = raw else {
            return Ok(None);
        };
        let point = parse_point(key, raw, named, origin)?;
        Ok(in_run(key, &point.account)?.then_some(point))
    };
    Ok(Aggregation {
        guardduty_admin: account("guardduty_admin", &file.guardduty_admin)?,
        cloudwatch_monitoring: account("cloudwatch_monitoring", &file.cloudwatch_monitoring)?,
        security_hub_admin: point("security_hub_admin", &file.security_hub_admin, false)?,
        config_aggregator: point("config_aggregator", &file.config_aggregator, true)?,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::accounts::resolve;

    fn role(name: &str) -> AccountFile {
        AccountFile {
            name: name.into(),
            role_arn: Some("arn:aws:iam::111111111111:role/R".into()),
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

    #[test]
    fn each_point_names_an_account_of_the_run() {
        let admin = AggregationFile {
            guardduty_admin: Some("security".into()),
            ..Default::default()
        };
        let dev = vec![role("dev")];
        let e = aggregation(Some(&admin), &dev, &[], false, "config").unwrap_err();
        assert!(
            e.to_string().contains("names no account of [[accounts]]"),
            "{e}"
        );
        let security = vec![role("security")];
        let run = resolve(&security, &[], "config", ok).unwrap();
        let a = aggregation(Some(&admin), &security, &run, false, "config").unwrap();
        assert_eq!(a.guardduty_admin.as_deref(), Some("security"));
        // Left out of the run by --account: each account is read on its own.
        let a = aggregation(Some(&admin), &security, &[], false, "config").unwrap();
        assert_eq!(a.guardduty_admin, None);
    }

    #[test]
    fn security_hub_and_config_take_an_account_an_aggregator_and_a_region() {
        let files = vec![role("security"), role("ops:team")];
        let run = resolve(&files, &[], "config", ok).unwrap();
        let read = |hub: &str, config: &str| {
            let file = AggregationFile {
                security_hub_admin: Some(hub.into()),
                config_aggregator: Some(config.into()),
                ..Default::default()
            };
            aggregation(Some(&file), &files, &run, false, "config")
        };
        let a = read("security", "security:org").unwrap();
        assert_eq!(
            a.security_hub_admin,
            Some(Point {
                account: "security".into(),
                aggregator: None,
                region: None
            })
        );
        let config = a.config_aggregator.unwrap();
        assert_eq!(
            (config.account.as_str(), config.aggregator.as_deref()),
            ("security", Some("org"))
        );
        assert_eq!(config.describe(), "security:org");
        // The aggregator's name is after the last colon; the Region after `@`.
        let a = read("security@eu-west-1", "ops:team:org-wide@eu-west-1").unwrap();
        assert_eq!(
            a.security_hub_admin.unwrap().region.as_deref(),
            Some("eu-west-1")
        );
        let config = a.config_aggregator.unwrap();
        assert_eq!(config.account, "ops:team");
        assert_eq!(config.aggregator.as_deref(), Some("org-wide"));
        assert_eq!(config.region.as_deref(), Some("eu-west-1"));
        // Mistakes name the key and what is wrong.
        let e = read("security", "security").unwrap_err().to_string();
        assert!(
            e.contains("aggregation.config_aggregator") && e.contains("ACCOUNT:AGGREGATOR_NAME"),
            "{e}"
        );
        let e = read("security@eu-wset-1", "security:org")
            .unwrap_err()
            .to_string();
        assert!(
            e.contains("aggregation.security_hub_admin") && e.contains("did you mean eu-west-1"),
            "{e}"
        );
        let e = read("audit", "security:org").unwrap_err().to_string();
        assert!(e.contains("names no account of [[accounts]]"), "{e}");
    }
}
