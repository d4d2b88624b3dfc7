//! The GuardDuty findings pane: highest severity first.

use super::{
    Badge, CellContext, Column, DetailLine, Matcher, Pane, PaneData, RowRef, SortKey, Styled,
    Target, Tier, Tone, Totals, Width, column, line, section,
};
use crate::format::age;
use crate::model::{Finding, FindingsData, PaneId, SeverityLabel};

pub struct FindingsPane;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[repr(u8)]
enum Col {
    /// GuardDuty's score and band: ` 8.0 HIGH`.
    Severity,
    /// The score alone (a narrow pane).
    Score,
    /// The score and a short band: ` 8.0 HIGH`, ` 5.0 MED` (a medium pane).
    SeverityShort,
    /// The region (more than one watched).
    Region,
    Type,
    Resource,
    Count,
    FirstSeen,
    LastSeen,
    Title,
    /// The row's account (several watched).
    Account,
}

impl Col {
    /// In declaration order, so `ALL[c as usize] == c`.
    const ALL: [Col; 11] = [
        Col::Severity,
        Col::Score,
        Col::SeverityShort,
        Col::Region,
        Col::Type,
        Col::Resource,
        Col::Count,
        Col::FirstSeen,
        Col::LastSeen,
        Col::Title,
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

fn findings(data: &PaneData) -> &[Finding] {
    data.findings().map_or(&[], |d| d.findings.as_slice())
}

impl Pane for FindingsPane {
    fn id(&self) -> PaneId {
        PaneId::Findings
    }

    fn title(&self) -> &'static str {
        "GuardDuty findings"
    }

    fn short_name(&self) -> &'static str {
        "findings"
    }

    fn rows(&self, data: &PaneData) -> Vec<RowRef> {
        (0..findings(data).len()).map(RowRef::item).collect()
    }

    fn account(&self, data: &PaneData, item: u32) -> crate::model::RowAccount {
        findings(data).get(item as usize)?.account.clone()
    }

    fn item_key(&self, data: &PaneData, item: u32) -> Option<String> {
        findings(data).get(item as usize).map(|f| f.id.clone())
    }

    fn matches(&self, data: &PaneData, row: RowRef, m: &Matcher) -> bool {
        findings(data).get(row.item as usize).is_some_and(|f| {
            m.matches(&[
                f.severity_label().label(),
                &f.finding_type,
                &f.title,
                &f.resource,
                &f.id,
                &f.region,
                super::account_name(&f.account),
            ])
        })
    }

    fn totals(&self, data: &PaneData) -> Totals {
        let counts = data.findings().map(|d| &d.counts);
        let list = findings(data);
        let badges = [
            SeverityLabel::Critical,
            SeverityLabel::High,
            SeverityLabel::Medium,
            SeverityLabel::Low,
        ]
        .into_iter()
        .map(|level| {
            // GuardDuty's own counts (of active findings) when it gave them, else counted
            // here: the active ones only, archived ones listed with `A` are counted apart.
            let n = match counts.and_then(|c| c.get(&level)) {
                Some(n) => *n as usize,
                None => list
                    .iter()
                    .filter(|f| !f.archived && f.severity_label() == level)
                    .count(),
            };
            (Badge::Severity(level), n)
        })
        .chain(std::iter::once((
            Badge::Archived,
            list.iter().filter(|f| f.archived).count(),
        )))
        .collect();
        Totals::new(list.len(), badges)
    }

    fn detail_title(&self, data: &PaneData, row: RowRef) -> Option<String> {
        let f = findings(data).get(row.item as usize)?;
        Some(format!("Finding {}", f.finding_type))
    }

    fn detail(&self, data: &PaneData, row: RowRef, ctx: &CellContext) -> Vec<DetailLine> {
        let Some(f) = findings(data).get(row.item as usize) else {
            return vec![];
        };
        // What secdash did to it, first: the operator reads this before anything else.
        let changed = ctx.changed(&f.id).or_else(|| ctx.changed(&f.resource));
        let mut out: Vec<DetailLine> = changed.map(|c| line("changed", c)).into_iter().collect();
        out.extend([
            line("type", &*f.finding_type),
            line(
                "severity",
                format!("{:.1} ({})", f.severity, f.severity_label().label()),
            ),
            line("title", &*f.title),
            line("resource", format!("{} {}", f.resource_type, f.resource)),
            line("count", f.count.to_string()),
            line(
                "first seen",
                f.first_seen.format("%Y-%m-%d %H:%M:%S UTC").to_string(),
            ),
            line(
                "last seen",
                f.last_seen.format("%Y-%m-%d %H:%M:%S UTC").to_string(),
            ),
            line("region", f.region.as_str()),
            line("account", f.account_id.as_str()),
        ]);
        out.extend(super::account_line(&f.account));
        out.extend([
            line("id", &f.id),
            line("archived", if f.archived { "yes" } else { "no" }),
        ]);
        // What it names, each with what secdash did to it: `e` opens and acts on them.
        let subjects = f.named_subjects();
        if !subjects.is_empty() {
            out.push(section(
                "subjects (e: open, timeline, contain · t: timeline)",
            ));
            for s in &subjects {
                let done = ctx
                    .changed(&s.id)
                    .map(|c| format!("  [{c}]"))
                    .unwrap_or_default();
                out.push(line(s.kind.label(), format!("{}{done}", s.id)));
            }
        }
        out.push(section("description"));
        for l in f.description.lines() {
            out.push(line("", l));
        }
        out.push(section("details"));
        for (k, v) in f.details.iter() {
            out.push(line(k, &**v));
        }
        out
    }

    fn columns(&self, width: u16, ctx: &CellContext) -> Vec<Column> {
        use Col::*;
        let cols: &[(Col, &str, Width)] = match (ctx.target, Tier::of(width, 60)) {
            (Target::Report, _) if (1..120).contains(&width) => &[
                (Severity, "SEVERITY", Width::Cap(0)),
                (Type, "TYPE", Width::Cap(60)),
                (Resource, "RESOURCE", Width::Cap(32)),
                (Title, "TITLE", Width::Cap(90)),
            ],
            (Target::Report, _) => &[
                (Severity, "SEVERITY", Width::Cap(0)),
                (Type, "TYPE", Width::Cap(60)),
                (Resource, "RESOURCE", Width::Cap(32)),
                (Count, "COUNT", Width::Cap(0)),
                (LastSeen, "LAST", Width::Cap(0)),
                (Title, "TITLE", Width::Cap(90)),
            ],
            (Target::Screen, Tier::Wide) => &[
                (Severity, "SEV", Width::Len(13)),
                (Type, "TYPE", Width::Len(40)),
                (Resource, "RESOURCE", Width::Len(22)),
                (Count, "COUNT", Width::Len(6)),
                (FirstSeen, "FIRST", Width::Len(5)),
                (LastSeen, "LAST", Width::Len(5)),
                (Title, "TITLE", Width::Fill(1)),
            ],
            // Half of a 120-column screen: the score alone (its colour says the band), the
            // resource's id cut to a fixed room, the type gets the rest.
            (Target::Screen, Tier::Medium) if width < 70 => &[
                (Score, "SEV", Width::Len(4)),
                (Type, "TYPE", Width::Fill(1)),
                (Resource, "RESOURCE", Width::Len(14)),
                (Count, "COUNT", Width::Len(5)),
                (LastSeen, "LAST", Width::Len(4)),
            ],
            // The type and the resource are what tell findings apart: they get the room, cut in
            // their middle when they must be.
            (Target::Screen, Tier::Medium) => &[
                (SeverityShort, "SEV", Width::Len(9)),
                (Type, "TYPE", Width::Fill(3)),
                (Resource, "RESOURCE", Width::Fill(2)),
                (Count, "COUNT", Width::Len(5)),
                (LastSeen, "LAST", Width::Len(4)),
            ],
            (Target::Screen, Tier::Narrow) => &[
                (Score, "SEV", Width::Len(4)),
                (Type, "TYPE", Width::Fill(1)),
                (LastSeen, "LAST", Width::Len(4)),
            ],
        };
        let mut out: Vec<Column> = cols.iter().map(|(c, h, w)| column(*c, h, *w)).collect();
        if ctx.multi_region && ctx.target == Target::Screen && width >= 90 {
            out.insert(1, column(Region, "REGION", Width::Len(14)));
        }
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
        let Some(f) = findings(data).get(row.item as usize) else {
            return vec![];
        };
        let label = f.severity_label();
        // Archived findings (listed on request) are muted: no longer GuardDuty's active list.
        let tone = if f.archived && ctx.target == Target::Screen {
            Tone::Muted
        } else {
            Tone::Risk(label.as_risk())
        };
        let badge = ctx
            .changed(&f.id)
            .or_else(|| ctx.changed(&f.resource))
            .map(str::to_string)
            .or_else(|| f.archived.then(|| "archived".to_string()));
        columns
            .iter()
            .map(|c| match Col::of(c) {
                Col::Severity if ctx.target == Target::Report => {
                    Styled::new(format!("{:.1} {}", f.severity, label.label()), tone)
                }
                Col::Severity => Styled::new(
                    format!("{:>4.1} {}", f.severity, label.label().to_uppercase()),
                    tone,
                ),
                Col::Score => Styled::new(format!("{:>4.1}", f.severity), tone),
                Col::SeverityShort => {
                    Styled::new(format!("{:>4.1} {}", f.severity, label.short()), tone)
                }
                Col::Region => Styled::plain(f.region.as_str()),
                Col::Account => Styled::plain(super::account_name(&f.account)),
                Col::Type if ctx.target == Target::Screen => {
                    Styled::id(ctx.flagged(&f.id, &f.finding_type), Tone::Plain)
                }
                // In a report, ids are never cut (`Styled::id` keeps them whole there).
                Col::Type => Styled::id(&*f.finding_type, Tone::Plain),
                Col::Resource if ctx.target == Target::Screen => {
                    Styled::id(ctx.flagged(&f.resource, &f.resource), Tone::Plain)
                }
                Col::Resource => Styled::id(f.resource.as_str(), Tone::Plain),
                Col::Count => Styled::plain(f.count.to_string()),
                Col::FirstSeen => Styled::plain(age(ctx.now, f.first_seen)),
                Col::LastSeen => Styled::plain(age(ctx.now, f.last_seen)),
                Col::Title => match (&badge, ctx.target) {
                    (Some(b), Target::Screen) => {
                        Styled::words(format!("[{b}] {}", f.title), Tone::Plain)
                    }
                    // A title names the instance or the key: cut between words.
                    _ => Styled::words(&*f.title, Tone::Plain),
                },
            })
            .collect()
    }

    /// No rows: GuardDuty found nothing, or is not switched on where we look.
    fn empty_message(&self, data: Option<&PaneData>) -> String {
        let off: Vec<&str> = data
            .and_then(PaneData::findings)
            .map(|d: &FindingsData| {
                d.detectors
                    .iter()
                    .filter(|(_, on)| !on)
                    .map(|(r, _)| r.as_str())
                    .collect()
            })
            .unwrap_or_default();
        if off.is_empty() {
            "no active findings: GuardDuty has nothing to report".to_string()
        } else {
            format!(
                "GuardDuty is not enabled in {} (no detector)",
                off.join(", ")
            )
        }
    }

    fn report_heading(&self, data: Option<&PaneData>) -> String {
        format!(
            "GUARDDUTY FINDINGS ({})",
            data.map_or(0, |d| findings(d).len())
        )
    }

    fn sort_fields(&self) -> &'static [&'static str] {
        &[
            "severity",
            "last-seen",
            "first-seen",
            "count",
            "type",
            "resource",
            "region",
        ]
    }

    fn sort_key(&self, data: &PaneData, row: RowRef, field: usize) -> SortKey {
        let Some(f) = findings(data).get(row.item as usize) else {
            return SortKey::Num(f64::NAN);
        };
        match field {
            0 => SortKey::Num(f.severity),
            // The newest first: a later time is a larger number.
            1 => SortKey::Num(f.last_seen.timestamp() as f64),
            2 => SortKey::Num(f.first_seen.timestamp() as f64),
            3 => SortKey::Num(f.count as f64),
            4 => SortKey::text(&f.finding_type),
            5 => SortKey::text(&f.resource),
            _ => SortKey::text(&f.region),
        }
    }

    fn copy_text(&self, data: &PaneData, row: RowRef, _account: Option<&str>) -> Option<String> {
        findings(data).get(row.item as usize).map(|f| f.id.clone())
    }

    /// Its subjects' events, from an hour before its first sighting (a day at least).
    fn timeline(
        &self,
        data: &PaneData,
        row: RowRef,
        now: chrono::DateTime<chrono::Utc>,
    ) -> Option<super::TrailRequest> {
        let f = findings(data).get(row.item as usize)?;
        let mut subjects: Vec<crate::trail::Subject> = f
            .named_subjects()
            .iter()
            .map(crate::trail::Subject::of)
            .collect();
        if subjects.is_empty() {
            subjects.push(crate::trail::Subject::Resource(f.resource.to_string()));
        }
        Some(super::TrailRequest {
            title: f.finding_type.to_string(),
            subjects,
            since: crate::trail::since_for(f.first_seen, now),
        })
    }

    fn console_url(&self, data: &PaneData, row: RowRef) -> Option<String> {
        let f = findings(data).get(row.item as usize)?;
        Some(super::console(
            &f.region,
            &format!(
                "guardduty/home?region={}#/findings?macros=current&fId={}",
                f.region, f.id
            ),
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Issue #26: with `A`, archived findings were counted as active in the title.
    #[test]
    fn archived_findings_are_counted_apart() {
        let mut data = crate::source::demo::findings(crate::fixtures::t0(), 1);
        data.counts.clear();
        let active = |data: &FindingsData, level| {
            data.findings
                .iter()
                .filter(|f| !f.archived && f.severity_label() == level)
                .count()
        };
        let high = active(&data, SeverityLabel::High);
        let mut archived = 0;
        for f in data
            .findings
            .iter_mut()
            .filter(|f| f.severity_label() == SeverityLabel::High)
        {
            f.archived = true;
            archived += 1;
            if archived == 2 {
                break;
            }
        }
        let totals = FindingsPane.totals(&PaneData::Findings(data));
        assert!(
            totals.badges.contains(&(Badge::Archived, 2)),
            "{:?}",
            totals.badges
        );
        assert!(
            totals
                .badges
                .contains(&(Badge::Severity(SeverityLabel::High), high - 2)),
            "{:?}",
            totals.badges
        );
    }
}
