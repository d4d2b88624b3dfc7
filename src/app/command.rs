//! The `:` command line: the things a person would rather say in words (`:sg`, `:window 6h`,
//! `:region us-west-2`, `:incident INC-2041`, `:theme light`, `:sort latency`), parsed and
//! completed here without I/O.

use super::text_field::{PROMPT_MAX, TextField};
use crate::model::PaneId;

/// The line being typed after `:` (its error line: what went wrong with the last one
/// entered).
#[derive(Debug, Clone, PartialEq)]
pub struct CommandLine {
    pub line: TextField,
    /// What Tab could complete to, when more than one thing.
    pub choices: Vec<String>,
}

impl Default for CommandLine {
    fn default() -> CommandLine {
        CommandLine {
            line: TextField::new(PROMPT_MAX),
            choices: Vec::new(),
        }
    }
}

/// A command, parsed.
#[derive(Debug, Clone, PartialEq)]
pub enum Command {
    Focus(PaneId),
    /// One region, or every watched region (`None`).
    Region(Option<String>),
    Window(chrono::Duration),
    Incident(String),
    Theme(String),
    Sort {
        field: String,
        reversed: bool,
    },
    Help,
    Quit,
    /// An action of the registry, as its command-line verb and arguments say it
    /// (`:rollback-endpoint fraud-ep --to fraud-ep-v7`): planned and confirmed as a key's.
    Act(crate::action::Request),
}

/// The verbs, with the words that name them.
const VERBS: &[(&str, &[&str])] = &[
    ("endpoints", &["ep", "endpoint"]),
    ("sg", &["groups", "security-groups"]),
    ("findings", &["gd", "guardduty"]),
    ("checklist", &["cl", "checks"]),
    ("sagemaker", &["sm", "notebooks", "models", "jobs"]),
    ("region", &[]),
    ("window", &[]),
    ("incident", &["inc"]),
    ("theme", &[]),
    ("sort", &[]),
    ("help", &[]),
    ("quit", &["q"]),
];

/// The windows offered (and stepped through with `w`).
pub const WINDOWS: [&str; 4] = ["15m", "1h", "6h", "1d"];

/// What completion knows of the session.
pub struct Known<'a> {
    pub regions: &'a [String],
    pub incidents: Vec<String>,
    pub themes: Vec<&'static str>,
    pub sort_fields: &'static [&'static str],
}

fn verb_of(word: &str) -> Option<&'static str> {
    VERBS
        .iter()
        .find(|(v, aliases)| *v == word || aliases.contains(&word))
        .map(|(v, _)| *v)
}

/// Parses an entered line.
pub fn parse(text: &str, known: &Known) -> Result<Command, String> {
    let mut words = text.split_whitespace();
    let Some(first) = words.next() else {
        return Err("type a command: :sg, :window 6h, :region us-west-2 … (Tab completes)".into());
    };
    if let Some(spec) = crate::action::kinds::by_verb(&first.to_lowercase()) {
        return action(spec, words.collect());
    }
    let verb = verb_of(&first.to_lowercase())
        .ok_or_else(|| format!("no command `{first}`: Tab lists them"))?;
    let arg = words.next();
    if let Some(extra) = words.next() {
        return Err(format!(
            "`:{verb}` takes one word; `{extra}` is one too many"
        ));
    }
    if let (false, Some(extra)) = (takes_argument(verb), arg) {
        return Err(format!(
            "`:{verb}` takes no word; `{extra}` is one too many"
        ));
    }
    let need = |what: &str| format!("`:{verb}` needs {what}");
    Ok(match verb {
        "endpoints" => Command::Focus(PaneId::Endpoints),
        "sg" => Command::Focus(PaneId::SecurityGroups),
        "findings" => Command::Focus(PaneId::Findings),
        "checklist" => Command::Focus(PaneId::Checklist),
        "sagemaker" => Command::Focus(PaneId::Sagemaker),
        "help" => Command::Help,
        "quit" => Command::Quit,
        "region" => match arg.ok_or_else(|| need("a region, or `all`"))? {
            "all" => Command::Region(None),
            r if crate::config::regions::is_known(r) => Command::Region(Some(r.to_string())),
            r => {
                return Err(match crate::config::regions::nearest(r) {
                    Some(near) => format!("`{r}` is not a region: did you mean {near}?"),
                    None => format!("`{r}` is not a region name (like us-west-2)"),
                });
            }
        },
        "window" => {
            let w = arg.ok_or_else(|| need("a length: 15m, 1h, 6h, 1d"))?;
            let d = humantime::parse_duration(w)
                .map_err(|_| format!("`{w}` is not a length of time (15m, 1h, 6h, 1d)"))?;
            if d < std::time::Duration::from_secs(60)
                || d > std::time::Duration::from_secs(455 * 86_400)
            {
                return Err(format!(
                    "`{w}`: the window is from 1m to 455d (CloudWatch's retention)"
                ));
            }
            Command::Window(chrono::Duration::from_std(d).map_err(|_| "too long".to_string())?)
        }
        "incident" => {
            let id = arg.ok_or_else(|| need("an incident id, like INC-2041"))?;
            if !crate::model::valid_incident_id(id) {
                return Err("an incident id is letters, digits, '-', '_' and '.'".into());
            }
            Command::Incident(id.to_string())
        }
        "theme" => Command::Theme(arg.ok_or_else(|| need("a theme name or file"))?.into()),
        "sort" => {
            let field =
                arg.ok_or_else(|| need(&format!("one of: {}", known.sort_fields.join(", "))))?;
            let (name, reversed) = match field.strip_prefix('-') {
                Some(rest) => (rest, true),
                None => (field, false),
            };
            if !known.sort_fields.contains(&name) {
                return Err(format!(
                    "this pane sorts by {}, not `{name}`",
                    known.sort_fields.join(", ")
                ));
            }
            Command::Sort {
                field: name.to_string(),
                reversed,
            }
        }
        _ => unreachable!("every verb is parsed"),
    })
}

/// An action verb's words parsed as `secdash VERB …` parses them (one grammar for both).
fn action(
    spec: &dyn crate::action::kinds::ActionSpec,
    words: Vec<&str>,
) -> Result<Command, String> {
    let cmd = spec.args(
        clap::Command::new(spec.verb())
            .no_binary_name(true)
            .disable_help_flag(true),
    );
    let matches = cmd.try_get_matches_from(&words).map_err(|e| {
        // clap's first line, in plain words: "the following required arguments were not
        // provided: <NAME>".
        let text = e.render().to_string();
        let said: Vec<&str> = text
            .lines()
            .map(str::trim)
            .take_while(|l| !l.starts_with("Usage"))
            .filter(|l| !l.is_empty())
            .collect();
        format!(
            "`:{}`: {}",
            spec.verb(),
            said.join(" ").trim_start_matches("error: ")
        )
    })?;
    Ok(Command::Act(crate::action::Request::new(
        spec.kind(),
        spec.target_from_args(&matches),
    )))
}

/// Every verb the line takes: its own, then the actions'.
fn all_verbs() -> impl Iterator<Item = &'static str> {
    VERBS
        .iter()
        .map(|(v, _)| *v)
        .chain(crate::action::kinds::REGISTRY.iter().map(|s| s.verb()))
}

/// Tab: the line completed as far as it is unambiguous, and the choices left.
pub fn complete(text: &str, known: &Known) -> (String, Vec<String>) {
    let (verb_part, arg_part) = match text.split_once(' ') {
        None => (text, None),
        Some((v, a)) => (v, Some(a.trim_start())),
    };
    let Some(arg) = arg_part else {
        let typed = verb_part.to_lowercase();
        let own: Vec<String> = VERBS
            .iter()
            .map(|(v, _)| v.to_string())
            .filter(|v| v.starts_with(&typed))
            .collect();
        // The line's own verbs first (`f` is still `findings`); the actions' when none fits.
        let choices: Vec<String> = if own.is_empty() {
            all_verbs()
                .map(str::to_string)
                .filter(|v| v.starts_with(&typed))
                .collect()
        } else {
            own
        };
        return finish("", verb_part, choices, true);
    };
    let Some(verb) = verb_of(&verb_part.to_lowercase()) else {
        return (text.to_string(), Vec::new());
    };
    let options: Vec<String> = match verb {
        "region" => std::iter::once("all".to_string())
            .chain(known.regions.iter().cloned())
            .collect(),
        "window" => WINDOWS.iter().map(|w| w.to_string()).collect(),
        "incident" => known.incidents.clone(),
        "theme" => known.themes.iter().map(|t| t.to_string()).collect(),
        "sort" => known.sort_fields.iter().map(|f| f.to_string()).collect(),
        _ => Vec::new(),
    };
    let choices = options.into_iter().filter(|o| o.starts_with(arg)).collect();
    finish(&format!("{verb} "), arg, choices, false)
}

/// The longest common start of the choices after `prefix`; a space after a whole verb.
fn finish(prefix: &str, typed: &str, choices: Vec<String>, verb: bool) -> (String, Vec<String>) {
    match choices.as_slice() {
        [] => (format!("{prefix}{typed}"), choices),
        [one] => {
            let space = if verb && takes_argument(one) { " " } else { "" };
            (format!("{prefix}{one}{space}"), Vec::new())
        }
        [first, rest @ ..] => {
            let mut common = first.clone();
            for c in rest {
                while !c.starts_with(&common) {
                    common.pop();
                }
            }
            let common = if common.len() < typed.len() {
                typed.to_string()
            } else {
                common
            };
            (format!("{prefix}{common}"), choices)
        }
    }
}

fn takes_argument(verb: &str) -> bool {
    matches!(verb, "region" | "window" | "incident" | "theme" | "sort")
        || crate::action::kinds::by_verb(verb).is_some()
}

/// The next window of the `w` key's cycle after `now`.
pub fn next_window(now: chrono::Duration) -> chrono::Duration {
    let windows: Vec<chrono::Duration> = WINDOWS
        .iter()
        .filter_map(|w| humantime::parse_duration(w).ok())
        .filter_map(|d| chrono::Duration::from_std(d).ok())
        .collect();
    windows
        .iter()
        .find(|w| **w > now)
        .copied()
        .unwrap_or(windows[0])
}

#[cfg(test)]
mod tests {
    use super::*;

    fn known() -> Known<'static> {
        static REGIONS: std::sync::LazyLock<Vec<String>> =
            std::sync::LazyLock::new(|| vec!["us-east-1".into(), "us-west-2".into()]);
        Known {
            regions: &REGIONS,
            incidents: vec!["INC-2041".into()],
            themes: vec!["dark", "light", "high-contrast"],
            sort_fields: &["severity", "last-seen", "type"],
        }
    }

    #[test]
    fn the_issue_s_commands_parse() {
        let k = known();
        assert_eq!(parse("sg", &k), Ok(Command::Focus(PaneId::SecurityGroups)));
        assert_eq!(
            parse(" findings ", &k),
            Ok(Command::Focus(PaneId::Findings))
        );
        assert_eq!(
            parse("region us-west-2", &k),
            Ok(Command::Region(Some("us-west-2".into())))
        );
        assert_eq!(parse("region all", &k), Ok(Command::Region(None)));
        assert_eq!(
            parse("window 6h", &k),
            Ok(Command::Window(chrono::Duration::hours(6)))
        );
        assert_eq!(
            parse("incident INC-2041", &k),
            Ok(Command::Incident("INC-2041".into()))
        );
        assert_eq!(parse("theme light", &k), Ok(Command::Theme("light".into())));
        assert_eq!(
            parse("sort -type", &k),
            Ok(Command::Sort {
                field: "type".into(),
                reversed: true
            })
        );
    }

    #[test]
    fn mistakes_say_what_is_wrong() {
        let k = known();
        assert!(
            parse("frobnicate", &k)
                .unwrap_err()
                .contains("no command `frobnicate`")
        );
        assert!(
            parse("window soon", &k)
                .unwrap_err()
                .contains("not a length")
        );
        assert!(parse("window 30s", &k).unwrap_err().contains("1m to 455d"));
        assert!(
            parse("region mars", &k)
                .unwrap_err()
                .contains("not a region")
        );
        assert!(
            parse("incident a/b", &k)
                .unwrap_err()
                .contains("incident id")
        );
        assert!(
            parse("sort colour", &k)
                .unwrap_err()
                .contains("severity, last-seen, type")
        );
        assert!(parse("sg extra", &k).unwrap_err().contains("one too many"));
    }

    #[test]
    fn tab_completes_verbs_and_their_words() {
        let k = known();
        assert_eq!(complete("win", &k), ("window ".to_string(), vec![]));
        assert_eq!(
            complete("f", &k),
            ("findings ".trim_end().to_string(), vec![])
        );
        assert_eq!(
            complete("window 1", &k),
            (
                "window 1".into(),
                vec!["15m".into(), "1h".into(), "1d".into()]
            )
        );
        assert_eq!(
            complete("region us-w", &k),
            ("region us-west-2".into(), vec![])
        );
        assert_eq!(complete("theme l", &k), ("theme light".into(), vec![]));
        let (line, choices) = complete("", &k);
        assert_eq!(line, "");
        assert!(choices.contains(&"incident".to_string()));
    }

    #[test]
    fn an_action_verb_takes_its_command_line_words() {
        let Ok(Command::Act(r)) = parse("rollback-endpoint fraud-ep --to fraud-ep-v7", &known())
        else {
            panic!()
        };
        assert_eq!(r.kind.verb(), "rollback-endpoint");
        assert_eq!(
            r.target,
            crate::action::kinds::Target::Platform(crate::action::kinds::PlatformTarget {
                name: "fraud-ep".into(),
                detail: Some("fraud-ep-v7".into()),
                allow: vec![],
            })
        );
        let e = parse("fence-bucket", &known()).unwrap_err();
        assert!(
            e.contains("`:fence-bucket`") && e.contains("<BUCKET>"),
            "{e}"
        );
        assert_eq!(
            complete("stop-n", &known()).0,
            "stop-notebook ",
            "Tab completes action verbs"
        );
    }

    #[test]
    fn the_window_key_cycles_through_four_windows() {
        let mut w = chrono::Duration::hours(1);
        let mut seen = vec![];
        for _ in 0..4 {
            w = next_window(w);
            seen.push(crate::format::format_window(w));
        }
        assert_eq!(seen, ["6h", "1d", "15m", "1h"]);
    }
}
