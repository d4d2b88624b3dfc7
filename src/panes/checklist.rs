//! The checklist pane: each item of the seed guide's checklist with its status and evidence.

use super::{
    Badge, CellContext, Column, DetailLine, Matcher, Pane, PaneData, RowRef, SortKey, Styled,
    Target, Tier, Tone, Totals, Width, column, line, section,
};
use crate::model::{CheckItem, CheckStatus, PaneId};

pub struct ChecklistPane;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[repr(u8)]
enum Col {
    Status,
    Category,
    Item,
    Evidence,
    /// The account it was judged in (several watched).
    Account,
}

impl Col {
    /// In declaration order, so `ALL[c as usize] == c`.
    const ALL: [Col; 5] = [
        Col::Status,
        Col::Category,
        Col::Item,
        Col::Evidence,
        Col::Account,
    ];

    fn of(c: &Column) -> Col {
        Col::ALL[usize::from(c.id)]
    }
}

impl From<Col> for u8 {
    fn from(c: Col) -> u8 {
        c as u8
    }
}

fn items(data: &PaneData) -> &[CheckItem] {
    data.checklist().unwrap_or(&[])
}

impl Pane for ChecklistPane {
    fn id(&self) -> PaneId {
        PaneId::Checklist
    }

    fn title(&self) -> &'static str {
        "Checklist"
    }

    fn short_name(&self) -> &'static str {
        "checklist"
    }

    fn rows(&self, data: &PaneData) -> Vec<RowRef> {
        (0..items(data).len()).map(RowRef::item).collect()
    }

    fn account(&self, data: &PaneData, item: u32) -> crate::model::RowAccount {
        items(data).get(item as usize)?.account.clone()
    }

    fn item_key(&self, data: &PaneData, item: u32) -> Option<String> {
        items(data).get(item as usize).map(|c| c.id.clone())
    }

    fn matches(&self, data: &PaneData, row: RowRef, m: &Matcher) -> bool {
        items(data).get(row.item as usize).is_some_and(|c| {
            m.matches(&[
                c.status.label(),
                c.category.label(),
                &c.id,
                &c.title,
                &c.evidence.join("\n"),
                super::account_name(&c.account),
            ])
        })
    }

    fn totals(&self, data: &PaneData) -> Totals {
        let items = items(data);
        let badges = [
            CheckStatus::Fail,
            CheckStatus::Warn,
            CheckStatus::Unknown,
            CheckStatus::Pass,
        ]
        .into_iter()
        .map(|s| {
            (
                Badge::Check(s),
                items.iter().filter(|c| c.status == s).count(),
            )
        })
        .collect();
        Totals::new(items.len(), badges)
    }

    fn detail_title(&self, data: &PaneData, row: RowRef) -> Option<String> {
        let c = items(data).get(row.item as usize)?;
        Some(format!("Check {}", c.id))
    }

    fn detail(&self, data: &PaneData, row: RowRef, _ctx: &CellContext) -> Vec<DetailLine> {
        let Some(c) = items(data).get(row.item as usize) else {
            return vec![];
        };
        let mut out = vec![
            line("id", &c.id),
            line("item", &c.title),
            line("category", c.category.label()),
            line("status", c.status.label()),
            line("importance", format!("{:?}", c.importance).to_lowercase()),
        ];
        out.extend(super::account_line(&c.account));
        out.push(section("evidence"));
        for statement in &c.evidence {
            for l in statement.lines() {
                out.push(line("", l));
            }
        }
        out.push(section("remediation"));
        out.push(line("", &c.remediation));
        out.push(section("reference"));
        out.push(line(
            "guide",
            format!("{} ({})", crate::checklist::seed_title(c.seed), c.seed),
        ));
        if !c.security_hub.is_empty() {
            out.push(line("security hub", c.security_hub.join(", ")));
        }
        if !c.prowler.is_empty() {
            out.push(line("prowler", c.prowler.join(", ")));
        }
        if !c.prowler_note.is_empty() {
            out.push(line("differs", c.prowler_note));
        }
        out
    }

    fn columns(&self, width: u16, ctx: &CellContext) -> Vec<Column> {
        use Col::*;
        let cols: &[(Col, &str, Width)] = match (ctx.target, Tier::of(width, 60)) {
            (Target::Report, _) if (1..120).contains(&width) => &[
                (Status, "STATUS", Width::Cap(0)),
                (Item, "ITEM", Width::Cap(0)),
                (Evidence, "EVIDENCE", Width::Cap(110)),
            ],
            (Target::Report, _) => &[
                (Status, "STATUS", Width::Cap(0)),
                (Category, "CATEGORY", Width::Cap(0)),
                (Item, "ITEM", Width::Cap(0)),
                (Evidence, "EVIDENCE", Width::Cap(110)),
            ],
            (Target::Screen, Tier::Wide) => &[
                (Status, "STATUS", Width::Len(8)),
                (Category, "CATEGORY", Width::Len(16)),
                (Item, "ITEM", Width::Len(40)),
                (Evidence, "EVIDENCE", Width::Fill(1)),
            ],
            // Item titles run to 40 columns: whole when the pane has room for them and for
            // a few words of evidence (half of a 160-column screen).
            (Target::Screen, Tier::Medium) if width >= 76 => &[
                (Status, "STATUS", Width::Len(8)),
                (Item, "ITEM", Width::Len(40)),
                (Evidence, "EVIDENCE", Width::Fill(1)),
            ],
            (Target::Screen, Tier::Medium) => &[
                (Status, "STATUS", Width::Len(8)),
                (Item, "ITEM", Width::Len(32)),
                (Evidence, "EVIDENCE", Width::Fill(1)),
            ],
            (Target::Screen, Tier::Narrow) => &[
                (Status, "STATUS", Width::Len(8)),
                (Item, "ITEM", Width::Fill(1)),
            ],
        };
        let mut out: Vec<Column> = cols.iter().map(|(c, h, w)| column(*c, h, *w)).collect();
        if ctx.multi_account {
            out.insert(0, super::account_column(Account.into(), ctx.target));
        }
        out
    }

    fn cells(
        &self,
        data: &PaneData,
        row: RowRef,
        columns: &[Column],
        _continuation: bool,
        ctx: &CellContext,
    ) -> Vec<Styled> {
        let Some(c) = items(data).get(row.item as usize) else {
            return vec![];
        };
        columns
            .iter()
            .map(|col| match Col::of(col) {
                Col::Status => Styled::new(c.status.label(), Tone::Check(c.status)),
                Col::Category => Styled::plain(c.category.label()),
                Col::Item => Styled::plain(&c.title),
                Col::Account => Styled::plain(super::account_name(&c.account)),
                // Evidence names resources: never cut inside an id.
                Col::Evidence => Styled::words(
                    c.evidence_line().replace('\n', " "),
                    match ctx.target {
                        Target::Screen => Tone::Muted,
                        Target::Report => Tone::Plain,
                    },
                ),
            })
            .collect()
    }

    fn empty_message(&self, _data: Option<&PaneData>) -> String {
        "no checklist items".to_string()
    }

    fn report_heading(&self, data: Option<&PaneData>) -> String {
        format!("CHECKLIST ({})", data.map_or(0, |d| items(d).len()))
    }

    fn sort_fields(&self) -> &'static [&'static str] {
        &["status", "category", "item"]
    }

    fn sort_key(&self, data: &PaneData, row: RowRef, field: usize) -> SortKey {
        let Some(c) = items(data).get(row.item as usize) else {
            return SortKey::Num(f64::NAN);
        };
        match field {
            // Failures first: the status's rank, worst highest.
            0 => SortKey::Num(-(c.status as u8 as f64)),
            1 => SortKey::Num(-(c.category as u8 as f64)),
            _ => SortKey::text(&c.title),
        }
    }

    fn copy_text(&self, data: &PaneData, row: RowRef, _account: Option<&str>) -> Option<String> {
        items(data).get(row.item as usize).map(|c| c.id.clone())
    }

    /// A checklist item is about the account, not one resource: Security Hub's controls.
    fn console_url(&self, data: &PaneData, row: RowRef) -> Option<String> {
        items(data).get(row.item as usize)?;
        Some("https://console.aws.amazon.com/securityhub/home#/controls".to_string())
    }
}
/// The checklist of several accounts as a matrix: items down, accounts across.
#[derive(Debug, Clone, PartialEq)]
pub struct Matrix {
    pub accounts: Vec<String>,
    pub rows: Vec<MatrixRow>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct MatrixRow {
    pub id: String,
    pub title: String,
    /// The item's status in each account, in `accounts` order (`None`: not judged there).
    pub statuses: Vec<Option<CheckStatus>>,
}

impl Matrix {
    /// Each account's column width: its name's, and at least a status's (8).
    pub fn widths(&self) -> Vec<usize> {
        use unicode_width::UnicodeWidthStr;
        self.accounts.iter().map(|a| a.width().max(8)).collect()
    }

    /// On a line `inner` cells wide: the items' column width, and the accounts shown with
    /// the chosen account `column` among them (as far right as it may be, the accounts
    /// before it filling the line).
    pub fn columns_showing(&self, inner: usize, column: usize) -> (usize, std::ops::Range<usize>) {
        let widths = self.widths();
        let column = column.min(widths.len().saturating_sub(1));
        let (title_w, _) = self.columns(inner, 0);
        let mut room = inner.saturating_sub(title_w);
        let mut first = column;
        room = room.saturating_sub(widths.get(column).map_or(0, |w| w + 1));
        while first > 0 && room > widths[first - 1] {
            room = room.saturating_sub(widths[first - 1] + 1);
            first -= 1;
        }
        self.columns(inner, first)
    }

    /// On a line `inner` cells wide: the items' column width, and the accounts that fit
    /// beside it from `first` on. Past the end, the last accounts fill the line rather than
    /// leave it half empty.
    pub fn columns(&self, inner: usize, first: usize) -> (usize, std::ops::Range<usize>) {
        let widths = self.widths();
        let cells: usize = widths.iter().map(|w| w + 1).sum();
        // The items keep a third of the line (up to 30) however many accounts there are: the
        // accounts scroll across, an item cut to a word cannot be read.
        let title_w = inner.saturating_sub(cells).clamp((inner / 3).min(30), 46);
        let fits_from = |first: usize| {
            let mut room = inner.saturating_sub(title_w);
            widths[first..]
                .iter()
                .take_while(|w| {
                    let fits = room > **w;
                    room = room.saturating_sub(**w + 1);
                    fits
                })
                .count()
        };
        let last_first = (0..widths.len())
            .find(|&f| f + fits_from(f) >= widths.len())
            .unwrap_or(0);
        let first = first.min(last_first);
        let shown = fits_from(first).max(1).min(widths.len() - first);
        (title_w, first..first + shown)
    }
}

/// Items in the checklist's order, accounts in the order they first appear. Built every
/// frame the matrix is open and on each of its keys: 58 items × 1,000 accounts are walked
/// once, each account's items being together and in the checklist's order, so an account is
/// looked up only where the account changes and an item only where it is not in its place.
pub fn matrix(items: &[crate::model::CheckItem]) -> Matrix {
    use std::collections::HashMap;
    // Each item's column: the account changes between runs of its items.
    let mut columns: HashMap<&str, usize> = HashMap::new();
    let mut accounts: Vec<String> = Vec::new();
    let mut item_column = Vec::with_capacity(items.len());
    let mut last: Option<(&str, usize)> = None;
    for i in items {
        let name = super::account_name(&i.account);
        let column = match last {
            Some((n, c)) if n == name => c,
            _ => *columns.entry(name).or_insert_with(|| {
                accounts.push(name.to_string());
                accounts.len() - 1
            }),
        };
        last = Some((name, column));
        item_column.push(column);
    }
    let mut at_row: HashMap<&str, usize> = HashMap::new();
    let mut rows: Vec<MatrixRow> = Vec::new();
    // Where the run of the current account's items started, to guess each item's row.
    let mut run_start = 0;
    for (n, (i, &column)) in items.iter().zip(&item_column).enumerate() {
        if n > 0 && item_column[n - 1] != column {
            run_start = n;
        }
        let guess = n - run_start;
        let at = match rows.get(guess) {
            Some(r) if r.id == i.id => guess,
            _ => *at_row.entry(i.id.as_str()).or_insert_with(|| {
                rows.push(MatrixRow {
                    id: i.id.clone(),
                    title: i.title.clone(),
                    statuses: vec![None; accounts.len()],
                });
                rows.len() - 1
            }),
        };
        rows[at].statuses[column] = Some(i.status);
    }
    Matrix { accounts, rows }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_matrix_puts_items_down_and_accounts_across() {
        use crate::model::{AccountRef, CheckStatus};
        use std::sync::Arc;
        let items = crate::fixtures::demo_pane(crate::model::PaneId::Checklist, 1);
        let items = items.checklist().unwrap();
        let dev = Some(Arc::new(AccountRef {
            id: "1".into(),
            name: "dev".into(),
        }));
        let prod = Some(Arc::new(AccountRef {
            id: "2".into(),
            name: "prod".into(),
        }));
        let mut both: Vec<_> = items
            .iter()
            .map(|i| crate::model::CheckItem {
                account: dev.clone(),
                ..i.clone()
            })
            .collect();
        both.extend(items.iter().skip(1).map(|i| crate::model::CheckItem {
            account: prod.clone(),
            status: CheckStatus::Pass,
            ..i.clone()
        }));
        let m = matrix(&both);
        assert_eq!(m.accounts, vec!["dev", "prod"]);
        assert_eq!(m.rows.len(), items.len());
        assert_eq!(m.rows[0].statuses, vec![Some(items[0].status), None]);
        assert_eq!(
            m.rows[1].statuses,
            vec![Some(items[1].status), Some(CheckStatus::Pass)]
        );
    }
}
