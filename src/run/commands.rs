//! The command-line verbs: actions, the journal and the runbook. An I/O edge: it prompts,
//! prints and exits; the decisions are in `action`.

use super::acting::Hands;
use crate::action::journal::{Actor, Entry, EntryStatus, Journal};
use crate::action::plan::Plan;
use crate::action::runbook::{self, Opening, Runbook, StepStatus};
use crate::action::{ActionError, Executor, Request};

use crate::cli::{ActionOpts, Command, ListFormat, ReportFormat, RunbookCommand};
use crate::config::Config;
use crate::source::Source;
use crate::source::aws::AwsSource;
use crate::trail::Subject;
use anyhow::bail;
use std::io::{BufRead, IsTerminal, Write};
use std::path::Path;

/// Runs a subcommand; returns the exit code.
pub fn run(
    command: Command,
    config: &Config,
    state_dir: &Path,
    rt: &tokio::runtime::Runtime,
) -> anyhow::Result<i32> {
    // The command line says it when it waits for another secdash's lock.
    let journal = Journal::in_dir(state_dir).saying_waits(crate::files::to_stderr);
    match command {
        Command::Act(verb) => {
            let request = Request::new(verb.kind, verb.target);
            rt.block_on(act(request, verb.opts, verb.force, config, journal))
        }
        Command::Journal {
            incident,
            format,
            acknowledge,
        } => list_journal(&journal, incident.as_deref(), format, acknowledge),
        Command::Runbook { command } => run_runbook(command, &journal, state_dir),
        Command::Trail {
            access_key,
            user,
            role,
            resource,
            since,
            format,
            incident,
            ..
        } => {
            let subject = match (access_key, user, role, resource) {
                (Some(k), ..) => Subject::AccessKey(k),
                (_, Some(u), ..) => Subject::User(u),
                (_, _, Some(r), _) => Subject::Role(crate::action::credentials::role_name(&r)),
                (.., Some(r)) => Subject::Resource(r),
                _ => bail!("give one of --access-key, --user, --role or --resource"),
            };
            if let Some(id) = &incident {
                runbook::check_incident(id)?;
            }
            let keep = incident.map(|id| (state_dir, id));
            rt.block_on(super::trail::run(subject, &since, format, config, keep))
        }
        Command::Completions { .. } | Command::Man { .. } => {
            bail!("completions and man pages are written before any config is read")
        }
        Command::Attest { item, by, note } => {
            let now = chrono::Utc::now();
            crate::checklist::store::attest(state_dir, &item, &by, note.as_deref(), now)?;
            println!(
                "{item} attested by {by}; it passes until {}",
                (now + config.attestation_period).format("%Y-%m-%d")
            );
            Ok(0)
        }
    }
}

async fn act(
    request: Request,
    opts: ActionOpts,
    force: bool,
    config: &Config,
    journal: Journal,
) -> anyhow::Result<i32> {
    let incident = opts
        .incident
        .clone()
        .unwrap_or_else(|| config.incident_or_adhoc(chrono::Utc::now()));
    runbook::check_incident(&incident)?;
    let region = config
        .regions
        .first()
        .cloned()
        .unwrap_or_else(|| crate::config::DEFAULT_REGION.into());
    if config.regions.len() > 1 {
        bail!(
            "an action works in one region: give one --region (got {})",
            config.regions.join(",")
        );
    }
    let (executor, actor) =
        executor_for(&request, &opts, force, config, journal, &region, &incident).await?;
    let executor = match reach_account(&request, &opts, config, &executor, &actor)? {
        Reach::Refused => return Ok(1),
        Reach::Allowed(account) => executor.allow_account(account),
    };
    // A change that takes minutes (a notebook stopping) says how it goes as it is waited for.
    let executor = executor.with_progress(|what| eprintln!("secdash: {}", show(what)));
    let plan = match executor.plan(&request).await {
        Ok(p) => p,
        Err(ActionError::ReadOnly) => {
            eprintln!("secdash: {}", ActionError::ReadOnly);
            return Ok(1);
        }
        Err(e) => return Err(e.into()),
    };
    // A restore belongs to the incident of what it undoes, unless one was named.
    let journalled_under = executor.incident_of(&plan)?;
    print_plan(&plan, &actor, &journalled_under);
    if opts.dry_run {
        println!("\n--dry-run: nothing was changed.");
        return Ok(0);
    }
    if plan.steps.is_empty() {
        // Nothing to change; a restore still records that the entries it found are settled.
        if plan.action.is_restore() {
            match executor.execute(&plan).await {
                Ok(outcome) => println!("\nNothing to do: {}.", show(&outcome.message)),
                Err(e) => {
                    eprintln!("secdash: {e}");
                    return Ok(1);
                }
            }
        } else {
            println!("\nNothing to do.");
        }
        return Ok(0);
    }
    if let (true, Some(why)) = (opts.yes, &plan.confirm_by_hand) {
        eprintln!(
            "secdash: refused with --yes, nothing was done: {}; run it on a terminal to read and confirm the plan, or name the target",
            show(why)
        );
        return Ok(1);
    }
    if !opts.yes && !confirm(&plan)? {
        println!("Cancelled: nothing was changed.");
        return Ok(1);
    }
    match executor.execute(&plan).await {
        Ok(outcome) => {
            println!("\n{}", show(&outcome.message));
            println!(
                "journal entry {} in {}",
                show(&outcome.entry),
                executor.journal().path().display()
            );
            if !plan.action.is_restore() {
                println!(
                    "undo with: secdash restore {} --region {}",
                    show(&outcome.entry),
                    show(&plan.region)
                );
            }
            Ok(if outcome.verified { 0 } else { 2 })
        }
        Err(e) => {
            eprintln!("secdash: {}", show(&e.to_string()));
            Ok(1)
        }
    }
}

/// Whether a restore may act in the account its entries were made in.
enum Reach {
    /// Said, and refused (or cancelled): nothing was done.
    Refused,
    /// It may: the account the operator typed to go on there, if it had to be typed.
    Allowed(Option<String>),
}

/// A restore of an entry made in an account the session does not reach is named, and asked
/// on a terminal (the account typed); with --yes or without a terminal it is refused.
fn reach_account(
    request: &Request,
    opts: &ActionOpts,
    config: &Config,
    executor: &Executor,
    actor: &Actor,
) -> anyhow::Result<Reach> {
    if let Some(elsewhere) =
        super::responders::unreached(request, executor.journal(), config, actor)?
    {
        eprintln!("secdash: {elsewhere}");
        if opts.yes || !std::io::stdin().is_terminal() {
            eprintln!(
                "secdash: refused, nothing was done: with --yes or without a terminal secdash acts only in the accounts this session reaches"
            );
            return Ok(Reach::Refused);
        }
        let account = elsewhere.account.clone();
        let prompt = format!("Type {account} to restore it there anyway (anything else cancels): ");
        if !super::responders::typed(&prompt, &account)? {
            println!("Cancelled: nothing was changed.");
            return Ok(Reach::Refused);
        }
        return Ok(Reach::Allowed(Some(account)));
    }
    Ok(Reach::Allowed(None))
}

/// Who acts where: the credentials' session in the action's region, or (several accounts
/// configured) the responder role of the account it acts in; its executor, and who it is.
async fn executor_for(
    request: &Request,
    opts: &ActionOpts,
    force: bool,
    config: &Config,
    journal: Journal,
    region: &str,
    incident: &str,
) -> anyhow::Result<(Executor, Actor)> {
    let session = super::responders::connect(config, region).await?;
    let identity = AwsSource::new(&session, &[region.to_string()])
        .identity()
        .await
        .ok()
        .map(|f| f.data);
    let account = super::responders::account_to_act_in(request, config, &session, &journal).await?;
    let (profile, read_only) = (config.profile.clone(), config.read_only);
    let hands = match account {
        Some((account, acting)) => Hands::responder(
            account,
            region,
            &acting,
            identity.as_ref(),
            profile,
            read_only,
        ),
        None => {
            let cloud = Box::new(crate::action::aws::AwsActions::new(&session, region));
            Hands::caller(cloud, identity.as_ref(), profile, read_only)
        }
    };
    let actor = hands.actor().clone();
    let named = opts.incident.is_some() || config.incident.is_some();
    let executor = hands
        .executor(journal, incident, named, config.failpoint.clone())
        .force(force);

    Ok((executor, actor))
}

/// Text from AWS or the journal, as a terminal may show it (the TUI's cleaning).
fn show(s: &str) -> String {
    crate::sanitize::clean(s)
}

fn print_plan(plan: &Plan, actor: &Actor, incident: &str) {
    println!(
        "{} {} in {} · account {} · incident {}",
        plan.action.verb().to_uppercase(),
        show(&plan.target),
        show(&plan.region),
        show(&plan.account_shown(actor.account.as_deref())),
        show(incident)
    );
    match (&actor.caller_arn, &actor.role_arn) {
        (Some(arn), Some(role)) => println!("as {} through {}", show(arn), show(role)),
        (None, Some(role)) | (Some(role), None) => println!("as {}", show(role)),
        (None, None) => {}
    }
    if let Some(subject) = &plan.subject {
        println!("{}", show(subject));
    }
    println!();
    if plan.steps.is_empty() {
        println!("  (no change needed)");
    }
    for (i, line) in plan.steps.iter().flat_map(|s| s.describe()).enumerate() {
        println!("  {:>2}. {line}", i + 1);
    }
    for risk in plan.risks() {
        println!("\nrisk: {risk}");
    }
    for n in &plan.notes {
        println!("\nnote: {}", show(n));
    }
    if let Some(d) = &plan.dry_run {
        println!("{}", show(d));
    }
}

/// No by default; destructive actions want the resource id typed out.
fn confirm(plan: &Plan) -> anyhow::Result<bool> {
    if !std::io::stdin().is_terminal() {
        bail!(
            "refusing to act without confirmation: there is no terminal to ask on; pass --yes to confirm"
        );
    }
    let typed = crate::action::kinds::needs_typed_id(plan);
    let prompt = if typed {
        format!(
            "\nType {} to confirm (anything else cancels): ",
            plan.target
        )
    } else {
        "\nProceed? [y/N] ".to_string()
    };
    print!("{prompt}");
    std::io::stdout().flush()?;
    let mut line = String::new();
    std::io::stdin().lock().read_line(&mut line)?;
    let answer = line.trim();
    Ok(if typed {
        answer == plan.target
    } else {
        matches!(answer, "y" | "Y" | "yes")
    })
}

fn list_journal(
    journal: &Journal,
    incident: Option<&str>,
    format: ListFormat,
    acknowledge: bool,
) -> anyhow::Result<i32> {
    let read = journal.read()?;
    // What was skipped is said first, on stderr, whatever the format.
    for d in &read.damage {
        let seen = if d.acknowledged {
            " (acknowledged)"
        } else {
            ""
        };
        eprintln!(
            "journal {}, line {}: {}{seen}",
            journal.path().display(),
            d.line,
            show(&d.problem)
        );
    }
    let blocking: Vec<usize> = read.blocking().iter().map(|d| d.line).collect();
    if acknowledge {
        if blocking.is_empty() {
            println!("nothing to acknowledge: every line of the journal reads");
        } else {
            let lock = journal.lock()?;
            journal.acknowledge(blocking.clone(), chrono::Utc::now(), &lock)?;
            println!(
                "acknowledged {} damaged line(s); new actions are allowed again",
                blocking.len()
            );
        }
        return Ok(0);
    }
    if !blocking.is_empty() {
        eprintln!(
            "{} damaged line(s) hold new actions back until you acknowledge them: secdash journal --acknowledge",
            blocking.len()
        );
    }
    let all = read.entries();
    let shown: Vec<&Entry> = all
        .iter()
        .filter(|e| incident.is_none_or(|i| e.incident == i))
        .collect();
    match format {
        ListFormat::Json => {
            println!(
                "{}",
                crate::sanitize::escape_json(&serde_json::to_string_pretty(&shown)?)
            );
        }
        ListFormat::Text => {
            if shown.is_empty() {
                println!("no actions in {}", journal.path().display());
            }
            for line in journal_table(&shown) {
                println!("{line}");
            }
        }
    }
    Ok(0)
}

/// The journal as a table: a header, then an action a line, each column as wide as its widest
/// cell so every line stays aligned, whatever the verb or the target.
fn journal_table(shown: &[&Entry]) -> Vec<String> {
    let status_of = |e: &Entry| {
        let mut status = match e.status {
            EntryStatus::Done if e.verified == Some(true) => "done, verified".to_string(),
            EntryStatus::Done => "done, NOT verified".to_string(),
            EntryStatus::Failed => "FAILED".to_string(),
            EntryStatus::Incomplete if e.undone_by.is_some() => {
                format!("stopped at {}/{} steps", e.steps_done, e.steps)
            }
            EntryStatus::Incomplete => format!(
                "INCOMPLETE {}/{} steps: `secdash restore {}`",
                e.steps_done, e.steps, e.entry
            ),
        };
        if let Some(by) = &e.undone_by {
            status.push_str(&format!(", restored ({by})"));
        }
        if !e.trusted {
            status.push_str(", ALTERED in the journal: not restorable");
        }
        status
    };
    let rows: Vec<[String; 8]> = std::iter::once(
        [
            "ENTRY", "TIME", "ACTION", "TARGET", "REGION", "ACCOUNT", "INCIDENT", "STATUS",
        ]
        .map(str::to_string),
    )
    .chain(shown.iter().map(|e| {
        [
            show(&e.entry),
            e.time.format("%Y-%m-%d %H:%M:%S").to_string(),
            e.action.verb().to_string(),
            show(&e.target),
            show(&e.region),
            e.account()
                .map(|a| show(&format!("{} ({})", a.name, a.id)))
                .unwrap_or_else(|| "own".into()),
            show(&e.incident),
            show(&status_of(e)),
        ]
    }))
    .collect();
    let widths: Vec<usize> = (0..8)
        .map(|c| rows.iter().map(|r| r[c].chars().count()).max().unwrap_or(0))
        .collect();
    rows.iter()
        .map(|r| {
            let cells: Vec<String> = r
                .iter()
                .zip(&widths)
                .enumerate()
                .map(|(i, (cell, w))| {
                    if i == 7 {
                        cell.clone()
                    } else {
                        format!("{cell:<w$}")
                    }
                })
                .collect();
            cells.join("  ").trim_end().to_string()
        })
        .collect()
}

fn run_runbook(
    command: RunbookCommand,
    journal: &Journal,
    state_dir: &Path,
) -> anyhow::Result<i32> {
    let now = chrono::Utc::now();
    match command {
        RunbookCommand::Start { incident } => {
            let saved = runbook::update(
                state_dir,
                &incident,
                now,
                Opening::StartIfAbsent,
                &crate::files::to_stderr,
                |_| Ok(()),
            )?;
            match (&saved.kept_aside, saved.started) {
                (Some(aside), _) => println!(
                    "the runbook of {incident} was not valid: kept as {}; a new runbook is started",
                    aside.display()
                ),
                (None, true) => println!("runbook of {incident} started"),
                (None, false) => println!("runbook of {incident} already started"),
            }
            print_runbook(&saved.runbook);
        }
        RunbookCommand::Status { incident } => print_runbook(&runbook::load(state_dir, &incident)?),
        RunbookCommand::Note {
            incident,
            step,
            done,
            skip,
            text,
        } => {
            let status = match (&step, skip, done) {
                (Some(_), true, _) => Some(StepStatus::Skipped),
                (Some(_), false, true) => Some(StepStatus::Done),
                (Some(step), false, false) => bail!("say --done or --skip for step {step}"),
                (None, ..) => None,
            };
            if step.is_none() && text.is_none() {
                bail!("give the note's text, or --step with --done/--skip");
            }
            let saved = runbook::update(
                state_dir,
                &incident,
                now,
                Opening::Existing,
                &crate::files::to_stderr,
                |rb| match (&step, status) {
                    (Some(step), Some(status)) => rb.mark(step, status, text, now),
                    _ => {
                        let text = text.unwrap_or_default();
                        rb.notes.push((now, crate::sanitize::clean(&text)));
                        Ok(())
                    }
                },
            )?;
            print_runbook(&saved.runbook);
        }
        RunbookCommand::Report { incident, format } => {
            let all = journal.read()?.entries();
            let rb = runbook::for_report(state_dir, &incident, &all)?;
            let readings = crate::trail::record::load(state_dir, &incident);
            match format {
                ReportFormat::Markdown => {
                    print!("{}", runbook::report_markdown(&rb, &all, &readings, now))
                }
                ReportFormat::Json => {
                    let mine: Vec<Entry> =
                        all.into_iter().filter(|e| e.incident == incident).collect();
                    let live: Vec<String> = runbook::still_in_effect(&mine)
                        .iter()
                        .map(|e| e.entry.clone())
                        .collect();
                    let undo: serde_json::Map<String, serde_json::Value> = mine
                        .iter()
                        .filter(|e| e.in_effect())
                        .map(|e| {
                            (
                                e.entry.clone(),
                                serde_json::json!({
                                    "command": runbook::undo_command(e),
                                    "not_before": runbook::release_not_before(e),
                                }),
                            )
                        })
                        .collect();
                    println!(
                        "{}",
                        crate::sanitize::escape_json(&serde_json::to_string_pretty(
                            &serde_json::json!({
                                "runbook": rb,
                                "timeline": mine,
                                "still_in_effect": live,
                                "undo": undo,
                                "cloudtrail": readings,
                            })
                        )?)
                    );
                }
            }
        }
    }
    Ok(0)
}

fn print_runbook(rb: &Runbook) {
    println!(
        "incident {} (started {})",
        show(&rb.incident),
        rb.started.format("%Y-%m-%d %H:%M UTC")
    );
    let mut phase = None;
    for s in &rb.steps {
        if phase != Some(s.phase) {
            println!("\n{}", s.phase.title());
            phase = Some(s.phase);
        }
        let mark = match s.status {
            StepStatus::Pending => "[ ]",
            StepStatus::Done => "[x]",
            StepStatus::Skipped => "[-]",
        };
        let when =
            s.at.map(|t| format!(" {}", t.format("%H:%M")))
                .unwrap_or_default();
        let note = s
            .note
            .as_deref()
            .map(|n| format!(" — {n}"))
            .unwrap_or_default();
        println!("  {mark} {:<16} {}{when}{}", s.id, s.title, show(&note));
        if s.status == StepStatus::Pending {
            println!("      {}", runbook::with_default_keys(&s.how));
        }
    }
}
