//! The merge: defaults < file < environment < command line, in one pure function, each
//! setting read and checked by a function of its own that names where a mistake was.

use super::*;

const CLI_ORIGIN: &str = "command line";

/// Merges defaults < file < environment < command line. Pure: all inputs are passed in.
pub fn resolve(
    file: &FileConfig,
    file_path: Option<&Path>,
    env: &Env,
    cli: &Overrides,
) -> Result<Config, ConfigError> {
    // Where a mistake was, for its message: the config file (by path), or the command line.
    let file_origin = &file_path
        .map(|p| format!("config file {}", p.display()))
        .unwrap_or_else(|| "config".into());
    let theme = cli
        .theme
        .clone()
        .or_else(|| env.theme.clone())
        .or_else(|| file.theme.clone())
        .unwrap_or_else(|| "dark".into());
    let profile = cli
        .profile
        .clone()
        .or_else(|| env.profile.clone())
        .or_else(|| file.profile.clone());
    let profile_only = cli.profile.is_some() || (env.profile.is_none() && file.profile.is_some());
    let fail_on = match (&cli.fail_on, &file.fail_on) {
        (Some(f), _) => parse_fail_on(CLI_ORIGIN, f)?,
        (None, Some(f)) => parse_fail_on(file_origin, f)?,
        (None, None) => Some(Risk::High),
    };
    let keymap = Keymap::with_overrides(file.keys.as_ref().unwrap_or(&BTreeMap::new())).map_err(
        |source| ConfigError::Keys {
            origin: file_origin.clone(),
            source,
        },
    )?;
    let organization = accounts::organization(file.organization.as_ref(), file_origin)?;
    let accounts = accounts::resolve(
        file.accounts.as_deref().unwrap_or_default(),
        // An organization's accounts are known only once listed: narrowed then.
        if organization.is_some() {
            &[]
        } else {
            &cli.accounts
        },
        file_origin,
        check_regions,
    )?;
    let account_concurrency = accounts::concurrency(file.account_concurrency, file_origin)?;
    let aggregation = super::aggregation::aggregation(
        file.aggregation.as_ref(),
        file.accounts.as_deref().unwrap_or_default(),
        &accounts,
        organization.is_some(),
        file_origin,
    )?;
    Ok(Config {
        accepted: acceptances(file, file_origin)?,
        attestation_period: attestation_period(file, file_origin)?,
        theme,
        window: window(file, cli, file_origin)?,
        regions: regions(file, env, cli, file_origin)?,
        profile,
        profile_only,
        read_only: read_only(file, env, cli)?,
        fail_on,
        refresh: refresh(file, file_origin)?,
        thresholds: thresholds(file, file_origin)?,
        keymap,
        endpoint_url: env.endpoint_url.clone(),
        no_color: env.no_color,
        truecolor: env.truecolor,
        mouse: file.mouse.unwrap_or(true),
        state_dir: env.state_dir.clone(),
        incident: incident(file, env, cli, file_origin)?,
        log_filter: env.log_filter.clone(),
        failpoint: env.failpoint.clone(),
        profile_files: env.profile_files.clone(),
        accounts,
        account_concurrency,
        aggregation,
        organization,
        chosen_accounts: cli
            .accounts
            .iter()
            .map(|a| accounts::account_name(a))
            .collect(),
    })
}

/// The metrics' window: at least one period, at most what CloudWatch keeps.
fn window(
    file: &FileConfig,
    cli: &Overrides,
    file_origin: &str,
) -> Result<chrono::Duration, ConfigError> {
    let (window, window_origin) = match (&cli.window, &file.window) {
        (Some(w), _) => (duration(CLI_ORIGIN, "window", w)?, CLI_ORIGIN),
        (None, Some(w)) => (duration(file_origin, "window", w)?, file_origin),
        (None, None) => (Duration::from_secs(3600), CLI_ORIGIN),
    };
    let bad_window = |reason: String| ConfigError::Invalid {
        origin: window_origin.into(),
        key: "window".into(),
        reason,
    };
    if window < MIN_WINDOW {
        return Err(bad_window("must be at least 1m (one metric period)".into()));
    }
    if window > MAX_WINDOW {
        return Err(bad_window(
            "must be within CloudWatch's retention of hourly metrics (455 days)".into(),
        ));
    }
    chrono::Duration::from_std(window).map_err(|_| bad_window("is too long".into()))
}

/// The Regions watched: the command line's, `AWS_REGION`'s, the file's, else the default.
fn regions(
    file: &FileConfig,
    env: &Env,
    cli: &Overrides,
    file_origin: &str,
) -> Result<Vec<String>, ConfigError> {
    Ok(if !cli.regions.is_empty() {
        let r = split_regions(&cli.regions);
        check_regions(CLI_ORIGIN, &r)?;
        r
    } else if let Some(r) = &env.region {
        let r = split_regions(std::slice::from_ref(r));
        check_regions("AWS_REGION", &r)?;
        r
    } else if let Some(r) = &file.regions {
        let r = split_regions(r);
        check_regions(file_origin, &r)?;
        r
    } else {
        vec![DEFAULT_REGION.to_string()]
    })
}

/// The incident actions are journalled under, checked: it names files.
fn incident(
    file: &FileConfig,
    env: &Env,
    cli: &Overrides,
    file_origin: &str,
) -> Result<Option<String>, ConfigError> {
    let incident = match (&cli.incident, &env.incident, &file.incident) {
        (Some(i), _, _) => Some((CLI_ORIGIN.to_string(), i.clone())),
        (None, Some(i), _) => Some(("SECDASH_INCIDENT".to_string(), i.clone())),
        (None, None, Some(i)) => Some((file_origin.to_string(), i.clone())),
        (None, None, None) => None,
    };
    if let Some((origin, id)) = &incident
        && !crate::model::valid_incident_id(id)
    {
        return Err(ConfigError::Invalid {
            origin: origin.clone(),
            key: "incident".into(),
            reason: format!(
                "{:?} may use only letters, digits, '-', '_' and '.' (at most 64)",
                crate::sanitize::clean_with_limit(id, 80)
            ),
        });
    }
    Ok(incident.map(|(_, id)| id))
}

/// Read-only mode: the command line's, else `SECDASH_READ_ONLY`, else the file's.
fn read_only(file: &FileConfig, env: &Env, cli: &Overrides) -> Result<bool, ConfigError> {
    let env_read_only = match env.read_only.as_deref() {
        None => None,
        Some("1" | "true" | "yes") => Some(true),
        Some("0" | "false" | "no") => Some(false),
        Some(other) => {
            return Err(ConfigError::Invalid {
                origin: "SECDASH_READ_ONLY".into(),
                key: "read_only".into(),
                reason: format!("must be true or false (got {other:?})"),
            });
        }
    };
    Ok(cli.read_only || env_read_only.or(file.read_only).unwrap_or(false))
}

/// Each pane's refresh interval, none faster than its APIs are worth.
fn refresh(file: &FileConfig, file_origin: &str) -> Result<RefreshIntervals, ConfigError> {
    let mut refresh = RefreshIntervals::default();
    if let Some(r) = &file.refresh {
        let set = |slot: &mut Duration, key: &str, v: &Option<String>| -> Result<(), ConfigError> {
            if let Some(v) = v {
                let d = duration(file_origin, &format!("refresh.{key}"), v)?;
                // Faster refreshes only call the APIs more: endpoint metrics move once a minute
                // (and GetMetricData is billed per metric), the rest are not worth 10 calls a
                // minute either.
                let floor = if key == "endpoints" {
                    MIN_METRICS_REFRESH
                } else {
                    MIN_REFRESH
                };
                if d < floor {
                    return Err(ConfigError::Invalid {
                        origin: file_origin.to_string(),
                        key: format!("refresh.{key}"),
                        reason: format!(
                            "must be at least {}s (got {v:?}){}",
                            floor.as_secs(),
                            if key == "endpoints" {
                                ": metrics move once a minute and GetMetricData is billed per metric"
                            } else {
                                ""
                            }
                        ),
                    });
                }
                *slot = d;
            }
            Ok(())
        };
        set(&mut refresh.endpoints, "endpoints", &r.endpoints)?;
        set(
            &mut refresh.security_groups,
            "security_groups",
            &r.security_groups,
        )?;
        set(&mut refresh.findings, "findings", &r.findings)?;
        set(&mut refresh.checklist, "checklist", &r.checklist)?;
        set(&mut refresh.sagemaker, "sagemaker", &r.sagemaker)?;
    }
    Ok(refresh)
}

/// The endpoints' alerts, as the seed's CloudWatch alarms set them.
fn thresholds(file: &FileConfig, file_origin: &str) -> Result<Thresholds, ConfigError> {
    let mut thresholds = Thresholds::default();
    if let Some(t) = &file.thresholds {
        let positive = |key: &str, v: f64| -> Result<f64, ConfigError> {
            if v.is_finite() && v >= 0.0 {
                Ok(v)
            } else {
                Err(ConfigError::Invalid {
                    origin: file_origin.to_string(),
                    key: format!("thresholds.{key}"),
                    reason: format!("must be a number of zero or more (got {v})"),
                })
            }
        };
        if let Some(v) = t.errors_5xx {
            thresholds.errors_5xx = positive("errors_5xx", v)?;
        }
        if let Some(v) = t.latency_ms {
            thresholds.latency_ms = positive("latency_ms", v)?;
        }
        if let Some(v) = t.alarm_period_minutes {
            if v == 0 {
                return Err(ConfigError::Invalid {
                    origin: file_origin.to_string(),
                    key: "thresholds.alarm_period_minutes".into(),
                    reason: "must be at least 1".into(),
                });
            }
            thresholds.alarm_period_minutes = v;
        }
    }
    Ok(thresholds)
}

/// The team's accepted risks, each with its reason, owner and date.
fn acceptances(
    file: &FileConfig,
    file_origin: &str,
) -> Result<Vec<crate::checklist::policy::Acceptance>, ConfigError> {
    let mut accepted = Vec::new();
    for (i, a) in file.accept.iter().flatten().enumerate() {
        let bad = |key: &str, reason: String| ConfigError::Invalid {
            origin: file_origin.to_string(),
            key: format!("accept[{i}].{key}"),
            reason,
        };
        if crate::checklist::find(&a.item).is_none() {
            let known = crate::checklist::ITEMS
                .iter()
                .map(|d| d.id)
                .collect::<Vec<_>>()
                .join(", ");
            return Err(bad(
                "item",
                format!("{:?} is not a checklist item (items: {known})", a.item),
            ));
        }
        if a.reason.trim().is_empty() || a.owner.trim().is_empty() {
            return Err(bad(
                "reason",
                "an acceptance needs a reason and an owner".into(),
            ));
        }
        let expires =
            chrono::NaiveDate::parse_from_str(a.expires.trim(), "%Y-%m-%d").map_err(|e| {
                bad(
                    "expires",
                    format!("{:?} is not a date like 2026-12-31 ({e})", a.expires),
                )
            })?;
        let resources: Vec<String> = a.resources.clone().unwrap_or_default();
        if resources.iter().any(|r| r.trim().is_empty()) {
            return Err(bad(
                "resources",
                "an empty pattern would mute nothing; name an id, a name or an ARN".into(),
            ));
        }
        if a.resources.as_ref().is_some_and(|r| r.is_empty())
            || a.tags.as_ref().is_some_and(|t| t.is_empty())
        {
            return Err(bad(
                if a.tags.is_some() {
                    "tags"
                } else {
                    "resources"
                },
                "is empty: leave it out to accept the whole item".into(),
            ));
        }
        accepted.push(crate::checklist::policy::Acceptance {
            item: a.item.clone(),
            reason: crate::sanitize::clean(&a.reason),
            owner: crate::sanitize::clean(&a.owner),
            expires,
            scope: crate::checklist::mute::Scope {
                resources,
                tags: a.tags.clone().unwrap_or_default().into_iter().collect(),
            },
        });
    }
    Ok(accepted)
}

/// How long an attestation of a manual item holds.
fn attestation_period(
    file: &FileConfig,
    file_origin: &str,
) -> Result<chrono::Duration, ConfigError> {
    let attestation_days = file.attestation_days.unwrap_or(90);
    if !(1..=MAX_ATTESTATION_DAYS).contains(&attestation_days) {
        return Err(ConfigError::Invalid {
            origin: file_origin.to_string(),
            key: "attestation_days".into(),
            reason: format!(
                "must be between 1 and {MAX_ATTESTATION_DAYS} (ten years); got {attestation_days}"
            ),
        });
    }
    Ok(chrono::Duration::days(i64::from(attestation_days)))
}
