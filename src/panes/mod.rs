//! The pane registry: what each pane is, apart from where its data comes from and how the
//! terminal draws it. A pane is one module here implementing [`Pane`] over its part of
//! [`PaneData`]: its rows, how the filter matches them, the counts in its title, the details of
//! a row, and its columns as data (header, width, cell), which both the screen and the `--once`
//! text report read.
//!
//! # Adding a pane
//!
//! A credentials pane, say, needs:
//! 1. a `PaneId::Credentials` variant (its key names it in JSON, the config and the themes);
//! 2. a `PaneData::Credentials(..)` variant holding its data;
//! 3. `panes/credentials.rs` with a unit struct implementing [`Pane`];
//! 4. one line in [`REGISTRY`], in `PaneId` order;
//! 5. where its data comes from: a `Source` method and a branch of `fetch::prepare`.
//!
//! The app state, the generic pane drawing, the status bar, the detail view, the filter and the
//! text report then work for it unchanged; `tests::the_registry_follows_pane_ids` checks the
//! order.

pub mod checklist;
pub mod endpoints;
pub mod findings;
pub mod sagemaker;
pub mod security_groups;

use crate::model::{
    CheckItem, CheckStatus, Endpoint, FindingsData, PaneId, PlatformItem, Risk, SecurityGroupsData,
    SeverityLabel,
};
use chrono::{DateTime, Utc};

/// One pane's data, as the fetch step prepares it and the app state holds it.
#[derive(Debug, Clone, PartialEq)]
pub enum PaneData {
    Endpoints(Vec<Endpoint>),
    SecurityGroups(SecurityGroupsData),
    Findings(FindingsData),
    Checklist(Vec<CheckItem>),
    Sagemaker(Vec<PlatformItem>),
}

impl PaneData {
    pub fn pane(&self) -> PaneId {
        match self {
            PaneData::Endpoints(_) => PaneId::Endpoints,
            PaneData::SecurityGroups(_) => PaneId::SecurityGroups,
            PaneData::Findings(_) => PaneId::Findings,
            PaneData::Checklist(_) => PaneId::Checklist,
            PaneData::Sagemaker(_) => PaneId::Sagemaker,
        }
    }

    pub fn endpoints(&self) -> Option<&[Endpoint]> {
        match self {
            PaneData::Endpoints(d) => Some(d),
            _ => None,
        }
    }

    pub fn security_groups(&self) -> Option<&SecurityGroupsData> {
        match self {
            PaneData::SecurityGroups(d) => Some(d),
            _ => None,
        }
    }

    pub fn findings(&self) -> Option<&FindingsData> {
        match self {
            PaneData::Findings(d) => Some(d),
            _ => None,
        }
    }

    pub fn checklist(&self) -> Option<&[CheckItem]> {
        match self {
            PaneData::Checklist(d) => Some(d),
            _ => None,
        }
    }

    pub fn sagemaker(&self) -> Option<&[PlatformItem]> {
        match self {
            PaneData::Sagemaker(d) => Some(d),
            _ => None,
        }
    }
}

/// An item of a pane's data, and for security groups the rule within the group. Only indexes
/// are kept, so a filter over 100,000 rules costs no copies of them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RowRef {
    pub item: u32,
    /// The rule's index in its group plus one; `None` for a group without rules. Kept so, a
    /// row is 8 bytes instead of 12, and the groups pane holds 100,000.
    rule: Option<std::num::NonZeroU32>,
}

impl RowRef {
    pub fn item(i: usize) -> RowRef {
        RowRef {
            item: i as u32,
            rule: None,
        }
    }

    /// The row of rule `rule` of group `item`.
    pub fn rule_of(item: u32, rule: u32) -> RowRef {
        RowRef {
            item,
            rule: std::num::NonZeroU32::new(rule.wrapping_add(1)),
        }
    }

    /// The rule's index in its group; `None` for a group without rules.
    pub fn rule(&self) -> Option<u32> {
        self.rule.map(|r| r.get() - 1)
    }
}

/// A count shown in a pane's title.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Badge {
    Alert,
    Risk(Risk),
    Severity(SeverityLabel),
    Check(CheckStatus),
    /// Rows listed but not active (archived findings, shown with `A`): counted apart.
    Archived,
}

/// A pane's totals, counted once when its data arrives rather than on every frame.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Totals {
    pub rows: usize,
    pub badges: Vec<(Badge, usize)>,
    /// When rows are parts of items (a group's rules): how many items, and what items and rows
    /// are called ("13 groups · 33 rules").
    pub items: Option<(usize, &'static str, &'static str)>,
}

impl Totals {
    /// Totals that show only the badges with something to count.
    pub fn new(rows: usize, badges: Vec<(Badge, usize)>) -> Totals {
        Totals {
            rows,
            badges: badges.into_iter().filter(|(_, n)| *n > 0).collect(),
            items: None,
        }
    }

    /// Rows that are parts of `count` items: the title names both.
    pub fn of_items(mut self, count: usize, items: &'static str, rows: &'static str) -> Totals {
        self.items = Some((count, items, rows));
        self
    }
}

/// A detail line: a label (empty for continuation and section lines) and its value.
pub type DetailLine = (String, String);

/// The row's account, when several are watched: "prod (333333333333)".
pub fn account_line(a: &crate::model::RowAccount) -> Option<DetailLine> {
    a.as_deref()
        .map(|a| line("in account", format!("{} ({})", a.name, a.id)))
}

pub fn line(label: &str, value: impl Into<String>) -> DetailLine {
    (label.to_string(), value.into())
}

pub fn section(title: &str) -> DetailLine {
    (String::new(), format!("── {title} ──"))
}

/// Case-insensitive match of every word of the filter against a row's fields.
pub struct Matcher {
    /// At most 64 words (a filter is 64 characters at most), so a `u64` marks which were found.
    words: Vec<String>,
    /// A searcher per word, set up once for all the rows (`str::contains` sets one up per call).
    finders: Vec<memchr::memmem::Finder<'static>>,
    /// The row's fields, lower-cased, reused from row to row so matching allocates nothing.
    buf: std::cell::RefCell<String>,
    /// The words found in the last item's own fields: the rows of one item (a group's rules)
    /// follow each other, and its fields are looked at once for all of them.
    item: std::cell::Cell<Option<(u32, u64)>>,
}

impl Matcher {
    /// `None` for a filter with no words: everything matches.
    pub fn new(filter: &str) -> Option<Matcher> {
        let words: Vec<String> = filter
            .split_whitespace()
            .map(str::to_lowercase)
            .take(64)
            .collect();
        let finders = words
            .iter()
            .map(|w| memchr::memmem::Finder::new(w.as_bytes()).into_owned())
            .collect();
        (!words.is_empty()).then_some(Matcher {
            words,
            finders,
            buf: std::cell::RefCell::new(String::with_capacity(512)),
            item: std::cell::Cell::new(None),
        })
    }

    pub fn matches(&self, fields: &[&str]) -> bool {
        self.found_in(fields) == self.all()
    }

    /// Every word, as a mask.
    pub fn all(&self) -> u64 {
        u64::MAX >> (64 - self.words.len())
    }

    /// The words of `fields` found in an item's own fields, worked out once while the rows of
    /// one item follow each other.
    pub fn found_in_item(&self, item: u32, fields: impl FnOnce() -> u64) -> u64 {
        match self.item.get() {
            Some((i, mask)) if i == item => mask,
            _ => {
                let mask = fields();
                self.item.set(Some((item, mask)));
                mask
            }
        }
    }

    /// Which words a lower-cased text contains (fields apart by U+001F).
    pub fn found_in_lower(&self, text: &str) -> u64 {
        self.finders
            .iter()
            .enumerate()
            .filter(|(_, f)| f.find(text.as_bytes()).is_some())
            .fold(0, |mask, (i, _)| mask | 1 << i)
    }

    /// Which words the fields contain: bit `i` for word `i`.
    pub fn found_in(&self, fields: &[&str]) -> u64 {
        let mut buf = self.buf.borrow_mut();
        buf.clear();
        for f in fields {
            buf.push_str(f);
            // A separator no word contains, so no match spans two fields.
            buf.push('\u{1f}');
        }
        if buf.is_ascii() {
            buf.make_ascii_lowercase();
        } else {
            *buf = buf.to_lowercase();
        }
        self.found_in_lower(&buf)
    }
}

/// Who a table is for: the screen is narrow and coloured by the theme; the text report shows
/// whole ids and colours only what it flags.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Target {
    Screen,
    Report,
}

/// What cells and details need besides the data.
#[derive(Debug, Clone, Copy)]
pub struct CellContext<'a> {
    pub now: DateTime<Utc>,
    pub window: chrono::Duration,
    /// More than one region is watched: a region column is worth its room.
    pub multi_region: bool,
    /// More than one account is watched: every table leads with the row's account.
    pub multi_account: bool,
    pub target: Target,
    /// What secdash changed and is still in effect, by resource id, as a badge.
    pub changes: &'a std::collections::BTreeMap<String, String>,
    /// Group names more than one group shown has (every VPC's `default`): their rows add the
    /// id, so they can be told apart.
    pub ambiguous_groups: &'a std::collections::HashSet<String>,
    /// The longest endpoint name, in characters (a changed endpoint's badge included): the
    /// name column takes what its names need and leaves the rest to the numbers.
    pub endpoint_name_width: u16,
}

/// The account column every pane leads with when several accounts are watched.
pub fn account_column(id: u8, target: Target) -> Column {
    column(
        id,
        "ACCOUNT",
        match target {
            Target::Screen => Width::Len(10),
            Target::Report => Width::Cap(20),
        },
    )
}

/// The name of a row's account, or nothing.
pub fn account_name(a: &crate::model::RowAccount) -> &str {
    a.as_deref().map_or("", |a| a.name.as_str())
}

impl CellContext<'_> {
    /// The badge of a resource secdash changed, if it did.
    pub fn changed(&self, id: &str) -> Option<&str> {
        self.changes.get(id).map(String::as_str)
    }

    /// `⚑ text` for a resource secdash changed, `text` otherwise.
    pub fn flagged(&self, id: &str, text: &str) -> String {
        match self.changed(id) {
            Some(_) => format!("⚑ {text}"),
            None => text.to_string(),
        }
    }
}

/// What a cell means, for the theme (on screen) or an ANSI colour (in the text report).
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Tone {
    /// No style of its own: the row's.
    Plain,
    /// The theme's base text.
    Base,
    Muted,
    /// An endpoint over its alarm thresholds.
    Alert,
    Good,
    Bad,
    Busy,
    Sparkline,
    Risk(Risk),
    Check(CheckStatus),
}

/// A cell's text and what it means.
#[derive(Debug, Clone, PartialEq)]
pub struct Styled {
    pub text: String,
    pub tone: Tone,
    /// An identifier: cut in the middle when its column is narrow, so its tail still tells it
    /// apart from ids that share its start. Other text is cut at the end.
    pub id: bool,
    /// Words that carry ids (a rule's peer, evidence naming resources): cut between words,
    /// an id that must be cut cut in its middle, never at its end.
    pub words: bool,
}

impl Styled {
    pub fn new(text: impl Into<String>, tone: Tone) -> Styled {
        Styled {
            text: text.into(),
            tone,
            id: false,
            words: false,
        }
    }

    /// Words that carry ids: cut between words, an id cut in its middle.
    pub fn words(text: impl Into<String>, tone: Tone) -> Styled {
        Styled {
            words: true,
            ..Styled::new(text, tone)
        }
    }

    pub fn plain(text: impl Into<String>) -> Styled {
        Styled::new(text, Tone::Plain)
    }

    /// An identifier (an instance, a group, a finding type): cut in the middle.
    pub fn id(text: impl Into<String>, tone: Tone) -> Styled {
        Styled {
            id: true,
            ..Styled::new(text, tone)
        }
    }
}

/// How a column takes its width: on screen a fixed length or a share of what is left; in the
/// text report as wide as its widest cell, up to a cap (0: no cap).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Width {
    Len(u16),
    Fill(u16),
    Cap(u16),
}

/// One column of a pane's table, as data: `id` is the pane's own column (its `Col` enum).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Column {
    pub id: u8,
    pub header: &'static str,
    pub width: Width,
}

/// How much a pane can show: a pane of an 80-column grid, of a 200-column grid, or zoomed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Tier {
    Narrow,
    Medium,
    Wide,
}

impl Tier {
    /// The tier of a pane `width` columns wide whose medium layout needs `medium_from`.
    pub fn of(width: u16, medium_from: u16) -> Tier {
        match width {
            w if w < medium_from => Tier::Narrow,
            w if w < 130 => Tier::Medium,
            _ => Tier::Wide,
        }
    }
}

/// What every pane is. Implementations are unit structs, one per module, listed in
/// [`REGISTRY`].
pub trait Pane: Sync {
    fn id(&self) -> PaneId;
    /// The title of its frame: "Endpoints".
    fn title(&self) -> &'static str;
    /// Its name in the status bar: "endpoints".
    fn short_name(&self) -> &'static str;
    /// Every row of the data, in display order.
    fn rows(&self, data: &PaneData) -> Vec<RowRef>;
    /// What names an item across refreshes (its id), so the cursor can stay on it.
    fn item_key(&self, data: &PaneData, item: u32) -> Option<String>;
    /// The account an item is in, when several are watched (an action on it runs there).
    fn account(&self, data: &PaneData, item: u32) -> crate::model::RowAccount;
    /// Whether a row matches the filter.
    fn matches(&self, data: &PaneData, row: RowRef, m: &Matcher) -> bool;
    fn totals(&self, data: &PaneData) -> Totals;
    /// The detail view's title and lines for a row.
    fn detail_title(&self, data: &PaneData, row: RowRef) -> Option<String>;
    fn detail(&self, data: &PaneData, row: RowRef, ctx: &CellContext) -> Vec<DetailLine>;
    /// The columns shown in a pane `width` columns wide (or in the text report).
    fn columns(&self, width: u16, ctx: &CellContext) -> Vec<Column>;
    /// A row's cells, one per column; `continuation` when the row above shows the same item.
    fn cells(
        &self,
        data: &PaneData,
        row: RowRef,
        columns: &[Column],
        continuation: bool,
        ctx: &CellContext,
    ) -> Vec<Styled>;
    /// What the pane says when it has data but no row.
    fn empty_message(&self, data: Option<&PaneData>) -> String;
    /// The text report's heading: "ENDPOINTS (6)".
    fn report_heading(&self, data: Option<&PaneData>) -> String;
    /// What its rows can be ordered by, by name (`s` steps through them, `:sort NAME` picks
    /// one). The data's own order is the default and is not listed.
    fn sort_fields(&self) -> &'static [&'static str];
    /// A row's value of `sort_fields()[field]`.
    fn sort_key(&self, data: &PaneData, row: RowRef, field: usize) -> SortKey;
    /// What `y` copies: the row's id, or its ARN where the account is known.
    fn copy_text(&self, data: &PaneData, row: RowRef, account: Option<&str>) -> Option<String>;
    /// The AWS console page of the row's resource (`o`).
    fn console_url(&self, data: &PaneData, row: RowRef) -> Option<String>;
    /// What `t` reads the CloudTrail timeline of: a title, the lookups, and since when (`None`:
    /// this pane's rows have none).
    fn timeline(
        &self,
        _data: &PaneData,
        _row: RowRef,
        _now: DateTime<Utc>,
    ) -> Option<TrailRequest> {
        None
    }
}

/// The CloudTrail timeline a row asks for.
pub struct TrailRequest {
    pub title: String,
    pub subjects: Vec<crate::trail::Subject>,
    pub since: DateTime<Utc>,
}

impl TrailRequest {
    /// Of one resource, over the last day.
    pub fn of_resource(title: String, id: &str, now: DateTime<Utc>) -> TrailRequest {
        TrailRequest {
            title,
            subjects: vec![crate::trail::Subject::Resource(id.to_string())],
            since: now - chrono::Duration::hours(24),
        }
    }
}

/// The console's address for a service in a region.
pub fn console(region: &str, service_path: &str) -> String {
    format!("https://{region}.console.aws.amazon.com/{service_path}")
}

/// A value rows are ordered by: numbers largest first (the busiest endpoint, the worst
/// finding), text from A to Z.
#[derive(Debug, Clone, PartialEq)]
pub enum SortKey {
    Num(f64),
    Text(String),
}

impl SortKey {
    pub fn text(s: &str) -> SortKey {
        SortKey::Text(s.to_lowercase())
    }

    /// The natural order: numbers descending, text ascending; a missing number (NaN) last.
    fn order(&self, other: &SortKey) -> std::cmp::Ordering {
        use std::cmp::Ordering;
        match (self, other) {
            (SortKey::Num(a), SortKey::Num(b)) => match (a.is_nan(), b.is_nan()) {
                (true, true) => Ordering::Equal,
                (true, false) => Ordering::Greater,
                (false, true) => Ordering::Less,
                (false, false) => b.total_cmp(a),
            },
            (SortKey::Text(a), SortKey::Text(b)) => a.cmp(b),
            (SortKey::Num(_), SortKey::Text(_)) => Ordering::Less,
            (SortKey::Text(_), SortKey::Num(_)) => Ordering::Greater,
        }
    }
}

/// How a pane's rows are ordered: by one of its sort fields, in its natural order or reversed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Sort {
    pub field: usize,
    pub reversed: bool,
}

/// Orders rows by a sort field; rows with equal values keep the data's order.
pub fn sort_rows(p: &dyn Pane, data: &PaneData, rows: &mut Vec<RowRef>, sort: Sort) {
    if sort.field >= p.sort_fields().len() {
        return;
    }
    let mut keyed: Vec<(SortKey, RowRef)> = rows
        .iter()
        .map(|r| (p.sort_key(data, *r, sort.field), *r))
        .collect();
    keyed.sort_by(|(a, _), (b, _)| {
        let o = a.order(b);
        if sort.reversed { o.reverse() } else { o }
    });
    *rows = keyed.into_iter().map(|(_, r)| r).collect();
}

/// Every pane, in `PaneId` order.
pub static REGISTRY: [&dyn Pane; PaneId::COUNT] = [
    &endpoints::EndpointsPane,
    &security_groups::SecurityGroupsPane,
    &findings::FindingsPane,
    &checklist::ChecklistPane,
    &sagemaker::SagemakerPane,
];

pub fn pane(id: PaneId) -> &'static dyn Pane {
    REGISTRY[id.index()]
}

/// Every row of `candidates` (of the whole data when `None`) that passes the filter.
pub fn filter_rows(
    p: &dyn Pane,
    data: &PaneData,
    filter: &str,
    candidates: Option<&[RowRef]>,
) -> Vec<RowRef> {
    let m = Matcher::new(filter);
    let keep = |r: &RowRef| m.as_ref().is_none_or(|m| p.matches(data, *r, m));
    match candidates {
        Some(rows) => rows.iter().copied().filter(keep).collect(),
        None => p.rows(data).into_iter().filter(keep).collect(),
    }
}

/// A column of the text report or the screen, by the pane's own column enum.
pub fn column<C: Copy + Into<u8>>(col: C, header: &'static str, width: Width) -> Column {
    Column {
        id: col.into(),
        header,
        width,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The groups pane holds a row for each of 100,000 rules (issue #16).
    #[test]
    fn a_row_is_eight_bytes_and_reads_back_its_rule() {
        assert_eq!(size_of::<RowRef>(), 8);
        assert_eq!(RowRef::rule_of(3, 0).rule(), Some(0));
        assert_eq!(RowRef::rule_of(3, 70_000).rule(), Some(70_000));
        assert_eq!(RowRef::item(3).rule(), None);
    }

    #[test]
    fn the_registry_follows_pane_ids() {
        for id in PaneId::ALL {
            assert_eq!(pane(id).id(), id);
        }
    }

    #[test]
    fn numbers_sort_largest_first_and_text_from_a() {
        let mut keys = [
            SortKey::Num(1.0),
            SortKey::Num(f64::NAN),
            SortKey::Num(9.0),
            SortKey::text("b"),
            SortKey::text("A"),
        ];
        keys.sort_by(|a, b| a.order(b));
        assert_eq!(keys[0], SortKey::Num(9.0));
        assert_eq!(keys[1], SortKey::Num(1.0));
        assert!(matches!(keys[2], SortKey::Num(n) if n.is_nan()));
        assert_eq!(keys[3], SortKey::text("a"));
        assert_eq!(keys[4], SortKey::text("b"));
    }

    #[test]
    fn every_pane_sorts_by_each_of_its_fields_without_panicking() {
        for id in PaneId::ALL {
            let p = pane(id);
            assert!(!p.sort_fields().is_empty(), "{id:?} has sort fields");
        }
    }

    #[test]
    fn an_item_s_words_are_looked_at_once_for_its_rows() {
        let m = Matcher::new("web 443").unwrap();
        assert_eq!(m.all(), 0b11);
        assert_eq!(m.found_in(&["mlops-WEB-sg"]), 0b01);
        let mut calls = 0;
        for _ in 0..3 {
            m.found_in_item(7, || {
                calls += 1;
                0b01
            });
        }
        assert_eq!(calls, 1, "one look for the rows of one item");
        assert_eq!(m.found_in_item(8, || 0b10), 0b10, "a new item is looked at");
    }

    #[test]
    fn matching_needs_every_word_and_ignores_case() {
        let m = Matcher::new("SSH world").unwrap();
        assert!(m.matches(&["admin port ssh 22", "open to the World"]));
        assert!(!m.matches(&["admin port ssh 22"]));
        assert!(Matcher::new("   ").is_none());
    }
}
