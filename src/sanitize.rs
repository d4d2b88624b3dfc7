//! Untrusted text (anything that came from AWS or a scenario) is made safe once, where it enters.
//!
//! Escape sequences are removed whole (so `ESC[2J` does not leave `[2J` behind), then every
//! remaining control character and every bidirectional override is dropped, and the result is
//! cut to a length a table cell or report line can carry.

/// Longest text kept from any single untrusted field, in characters.
pub const MAX_FIELD_CHARS: usize = 512;

/// Makes untrusted text safe for a terminal or a report.
pub fn clean(raw: &str) -> String {
    clean_with_limit(raw, MAX_FIELD_CHARS)
}

/// Like [`clean`], for long free text (a finding's description) that keeps its newlines.
pub fn clean_multiline(raw: &str) -> String {
    let stripped = strip_escapes(raw);
    let mut out = String::with_capacity(stripped.len());
    for (i, line) in stripped.split('\n').enumerate() {
        if i > 0 {
            out.push('\n');
        }
        out.extend(line.chars().filter(|c| is_safe(*c)));
    }
    truncate_chars(out, MAX_FIELD_CHARS * 8)
}

pub fn clean_with_limit(raw: &str, limit: usize) -> String {
    let stripped = strip_escapes(raw);
    let text: String = stripped
        .chars()
        .map(|c| {
            if c == '\t' || c == '\n' || c == '\r' {
                ' '
            } else {
                c
            }
        })
        .filter(|c| is_safe(*c))
        .collect();
    truncate_chars(text, limit)
}

fn strip_escapes(raw: &str) -> String {
    // Fast path: most AWS strings hold no ESC, CSI or OSC introducer at all.
    if !raw
        .chars()
        .any(|c| c == '\u{1b}' || c == '\u{9b}' || c == '\u{9d}')
    {
        return raw.to_owned();
    }
    let bytes = strip_ansi_escapes::strip(raw.as_bytes());
    String::from_utf8_lossy(&bytes).into_owned()
}

fn truncate_chars(text: String, limit: usize) -> String {
    match text.char_indices().nth(limit) {
        Some((cut, _)) => {
            let mut short = text[..cut].to_owned();
            short.push('…');
            short
        }
        None => text,
    }
}

/// JSON text with every character that may not reach a terminal written as a `\u` escape:
/// the exact string survives a round trip (a rule's description is restored byte for byte),
/// and `less` or `cat` of the file shows nothing reordered or hidden. Only JSON strings can
/// hold such characters, so escaping them in the text is escaping them in the strings.
pub fn escape_json(json: &str) -> String {
    if json.chars().all(is_safe_or_layout) {
        return json.to_string();
    }
    let mut out = String::with_capacity(json.len() + 16);
    for c in json.chars() {
        if is_safe_or_layout(c) {
            out.push(c);
        } else {
            // JSON escapes a character past U+FFFF as its UTF-16 surrogate pair.
            for unit in c.encode_utf16(&mut [0u16; 2]) {
                out.push_str(&format!("\\u{unit:04x}"));
            }
        }
    }
    out
}

/// Safe, or the newline and indent of pretty-printed JSON.
fn is_safe_or_layout(c: char) -> bool {
    c == '\n' || c == ' ' || is_safe(c)
}

/// Characters that may reach a terminal: no C0/C1 controls, no bidi overrides or isolates
/// (which can reorder what an operator reads), no zero-width joiners or invisible operators
/// used to hide text, and no tag characters (invisible, and read by language models as text).
pub fn is_safe(c: char) -> bool {
    if c.is_control() {
        return false;
    }
    !matches!(
        c,
        '\u{200B}'..='\u{200F}'
            | '\u{202A}'..='\u{202E}'
            | '\u{2060}'..='\u{2064}'
            | '\u{2066}'..='\u{2069}'
            | '\u{061C}'
            | '\u{FEFF}'
            | '\u{E0000}'..='\u{E007F}'
    )
}

/// Cleans every string field of data that came from a source, in place.
pub trait Sanitize {
    fn sanitize(&mut self);
}

/// Almost every string from AWS is clean already (no control character, which takes in every
/// escape introducer, and short): it is kept, not copied twice over.
fn is_clean(s: &str) -> bool {
    s.len() <= MAX_FIELD_CHARS && s.chars().all(is_safe)
}

/// [`is_clean`] for text that keeps its newlines.
fn is_clean_multiline(s: &str) -> bool {
    s.len() <= MAX_FIELD_CHARS * 8 && s.chars().all(|c| c == '\n' || is_safe(c))
}

/// Cleans any kind of text in place: `String`, a shared `ArcStr`, an inline `CompactString`.
fn c<T: AsRef<str> + From<String>>(s: &mut T) {
    if !is_clean(s.as_ref()) {
        *s = clean(s.as_ref()).into();
    }
}

fn co<T: AsRef<str> + From<String>>(s: &mut Option<T>) {
    if let Some(v) = s {
        c(v);
    }
}

use crate::model::{
    Attachment, CheckItem, Endpoint, Finding, FindingsData, Identity, Rule, SecurityGroup,
    SecurityGroupsData,
};

impl Sanitize for Identity {
    fn sanitize(&mut self) {
        co(&mut self.account);
        co(&mut self.caller_arn);
    }
}

impl Sanitize for Endpoint {
    fn sanitize(&mut self) {
        c(&mut self.name);
        c(&mut self.region);
        c(&mut self.status);
        co(&mut self.kms_key_id);
        for v in &mut self.variants {
            c(&mut v.name);
            co(&mut v.instance_type);
        }
        for p in &mut self.provenance {
            c(&mut p.variant);
            c(&mut p.model);
            c(&mut p.image.uri);
            co(&mut p.image.digest);
            c(&mut p.artifact.url);
            co(&mut p.artifact.version_id);
            co(&mut p.artifact.etag);
            co(&mut p.training_job);
            if let Some(pkg) = &mut p.package {
                c(&mut pkg.arn);
                c(&mut pkg.status);
                co(&mut pkg.model_data_etag);
            }
        }
    }
}

impl Sanitize for crate::model::PlatformItem {
    fn sanitize(&mut self) {
        // AWS's names are letters, digits and dashes: a cleaned id that differs is one no action
        // could find anyway, and the screen never shows the raw one.
        c(&mut self.id);
        c(&mut self.name);
        c(&mut self.status);
        c(&mut self.detail);
        c(&mut self.region);
        co(&mut self.group);
        for (k, v) in &mut self.facts {
            c(k);
            c(v);
        }
    }
}

impl Sanitize for crate::model::HubRead {
    fn sanitize(&mut self) {
        c(&mut self.admin);
        for r in &mut self.results {
            c(&mut r.account_id);
            c(&mut r.control_id);
            c(&mut r.resource);
            co(&mut r.reason);
        }
    }
}

impl Sanitize for Rule {
    fn sanitize(&mut self) {
        co(&mut self.id);
        // The grant is shared with other rules: it is copied only when it needs cleaning.
        if ![
            &*self.grant().protocol,
            &*self.grant().description,
            self.grant().peer.as_str(),
        ]
        .into_iter()
        .all(is_clean)
        {
            c(&mut self.grant_mut().protocol);
            c(&mut self.grant_mut().description);
            c(self.grant_mut().peer.text_mut());
        }
    }
}

impl Sanitize for Attachment {
    fn sanitize(&mut self) {
        c(&mut self.interface_id);
        co(&mut self.target);
        c(&mut self.description);
        co(&mut self.private_ip);
    }
}

impl Sanitize for SecurityGroup {
    fn sanitize(&mut self) {
        c(&mut self.id);
        c(&mut self.name);
        c(&mut self.description);
        self.rules.iter_mut().for_each(Sanitize::sanitize);
        self.attachments.iter_mut().for_each(Sanitize::sanitize);
        // The placement and its tags are shared with other groups: copied only when they
        // need cleaning.
        let place = &self.place;
        let clean = is_clean(&place.region)
            && place.vpc_id.as_deref().is_none_or(is_clean)
            && place.tags.iter().all(|(k, v)| is_clean(k) && is_clean(v));
        if !clean {
            let place = self.place_mut();
            if let Some(v) = &mut place.vpc_id {
                c(v);
            }
            c(&mut place.region);
            let mut tags = place.tags.to_vec();
            for (k, v) in &mut tags {
                c(k);
                c(v);
            }
            place.tags = tags.into();
        }
    }
}

impl Sanitize for SecurityGroupsData {
    fn sanitize(&mut self) {
        self.groups.iter_mut().for_each(Sanitize::sanitize);
        for vpc in &mut self.vpcs {
            c(&mut vpc.id);
            vpc.cidrs.iter_mut().for_each(c);
        }
    }
}

impl Sanitize for Finding {
    fn sanitize(&mut self) {
        c(&mut self.id);
        c(&mut self.region);
        c(&mut self.account_id);
        c(&mut self.finding_type);
        c(&mut self.title);
        if !is_clean_multiline(&self.description) {
            self.description = clean_multiline(&self.description).into();
        }
        c(&mut self.resource_type);
        c(&mut self.resource);
        // Shared between findings: a list is copied only when it needs cleaning.
        if !self.details.iter().all(|(_, v)| is_clean(v)) {
            let mut details = self.details.to_vec();
            for (_, v) in &mut details {
                c(v);
            }
            self.details = details.into();
        }
        for s in &mut self.subjects {
            c(&mut s.id);
        }
        if !self.severity.is_finite() {
            self.severity = 0.0;
        }
    }
}

impl Sanitize for FindingsData {
    fn sanitize(&mut self) {
        self.findings.iter_mut().for_each(Sanitize::sanitize);
        for (region, _) in &mut self.detectors {
            c(region);
        }
    }
}

impl Sanitize for CheckItem {
    fn sanitize(&mut self) {
        c(&mut self.id);
        c(&mut self.title);
        for statement in &mut self.evidence {
            if !is_clean_multiline(statement) {
                *statement = clean_multiline(statement);
            }
        }
        c(&mut self.remediation);
    }
}

impl<T: Sanitize> Sanitize for Vec<T> {
    fn sanitize(&mut self) {
        self.iter_mut().for_each(Sanitize::sanitize);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn removes_escape_sequences_whole() {
        assert_eq!(clean("\u{1b}[2J\u{1b}[31mPWNED\u{1b}[0m ok"), "PWNED ok");
        assert_eq!(clean("title\u{1b}]0;evil\u{7}x"), "titlex");
    }

    #[test]
    fn removes_control_and_bidi_characters() {
        assert_eq!(clean("a\u{7}b\u{8}c\u{0}d"), "abcd");
        assert_eq!(clean("invoice\u{202E}gpj.exe"), "invoicegpj.exe");
        assert_eq!(clean("x\u{2066}y\u{2069}z\u{200F}"), "xyz");
        assert_eq!(clean("line1\nline2\tend"), "line1 line2 end");
    }

    /// Issue #26: tag characters and the invisible operators passed the cleaner.
    #[test]
    fn removes_tag_characters_and_invisible_operators() {
        assert_eq!(clean("ok\u{E0041}\u{E0062}\u{E007F}!"), "ok!");
        assert_eq!(clean("a\u{2060}b\u{2061}c\u{2064}d"), "abcd");
        // Kept exactly in the journal: escaped as JSON escapes it, and read back whole.
        let json = escape_json("\"x\u{E0001}\"");
        assert_eq!(json, "\"x\\udb40\\udc01\"");
        assert_eq!(serde_json::from_str::<String>(&json).unwrap(), "x\u{E0001}");
    }

    #[test]
    fn keeps_ordinary_unicode() {
        assert_eq!(
            clean("Données — ünïcode ✓ 日本"),
            "Données — ünïcode ✓ 日本"
        );
    }

    #[test]
    fn truncates_very_long_text() {
        let long = "x".repeat(10_000);
        let out = clean(&long);
        assert_eq!(out.chars().count(), MAX_FIELD_CHARS + 1);
        assert!(out.ends_with('…'));
    }

    #[test]
    fn json_keeps_the_exact_string_and_shows_nothing_unsafe() {
        let raw = "ssh\u{202e}gpj.exe \u{1b}[31m\u{7f}x";
        let json = escape_json(&serde_json::to_string(raw).unwrap());
        assert!(
            json.chars().all(|c| c.is_ascii() && !c.is_control()),
            "{json}"
        );
        assert!(json.contains("\\u202e"), "{json}");
        assert_eq!(serde_json::from_str::<String>(&json).unwrap(), raw);
    }

    #[test]
    fn multiline_keeps_newlines_only() {
        assert_eq!(clean_multiline("a\nb\u{1b}[1m\rc"), "a\nbc");
    }

    #[test]
    fn a_findings_description_is_cleaned_when_it_must_be_and_kept_when_it_is_clean() {
        let mut data = crate::source::demo::findings(chrono::Utc::now(), 1);
        let hostile = data
            .findings
            .iter()
            .position(|f| f.description.contains('\u{1b}'));
        let hostile = hostile.expect("the demo has a hostile description");
        let clean = data.findings[0].description.clone();
        data.sanitize();
        let after = &data.findings[hostile].description;
        assert!(
            !after.contains('\u{1b}') && !after.contains('\u{7}'),
            "{after:?}"
        );
        assert!(after.contains('\n'), "newlines stay: {after:?}");
        assert!(arcstr::ArcStr::ptr_eq(
            &clean,
            &data.findings[0].description
        ));
    }
}
