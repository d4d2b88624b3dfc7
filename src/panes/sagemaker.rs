//! The SageMaker pane: the platform's notebook instances, model package versions and recent
//! jobs, with their state, so the actions on them have rows (stop and harden a notebook,
//! reject a version, unshare its group, stop a job).

use super::{
    CellContext, Column, DetailLine, Matcher, Pane, PaneData, RowRef, SortKey, Styled, Target,
    Tier, Tone, Totals, Width, column, line,
};
use crate::model::{PaneId, PlatformItem, PlatformKind};

pub struct SagemakerPane;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[repr(u8)]
enum Col {
    Kind,
    Name,
    Status,
    Detail,
    Region,
    Account,
}

impl Col {
    const ALL: [Col; 6] = [
        Col::Kind,
        Col::Name,
        Col::Status,
        Col::Detail,
        Col::Region,
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

fn spec(c: Col, target: Target) -> Column {
    let on_screen = |w| match target {
        Target::Screen => w,
        Target::Report => Width::Cap(0),
    };
    match c {
        Col::Kind => column(c, "KIND", on_screen(Width::Len(10))),
        Col::Name => column(
            c,
            "NAME",
            match target {
                Target::Screen => Width::Fill(2),
                Target::Report => Width::Cap(50),
            },
        ),
        Col::Status => column(c, "STATUS", on_screen(Width::Len(11))),
        Col::Detail => column(
            c,
            "DETAIL",
            match target {
                Target::Screen => Width::Fill(1),
                Target::Report => Width::Cap(60),
            },
        ),
        Col::Region => column(c, "REGION", on_screen(Width::Len(14))),
        Col::Account => super::account_column(c.into(), target),
    }
}

fn items(data: &PaneData) -> &[PlatformItem] {
    data.sagemaker().unwrap_or(&[])
}

/// How a state reads: running is what an incident stops, rejected and stopped are done.
fn tone(status: &str) -> Tone {
    match status {
        "InService" | "InProgress" => Tone::Busy,
        "Approved" | "Completed" => Tone::Good,
        "Failed" | "Rejected" => Tone::Bad,
        "Stopping" | "Pending" | "Updating" | "PendingManualApproval" => Tone::Busy,
        _ => Tone::Muted,
    }
}

impl Pane for SagemakerPane {
    fn id(&self) -> PaneId {
        PaneId::Sagemaker
    }

    fn title(&self) -> &'static str {
        "SageMaker"
    }

    fn short_name(&self) -> &'static str {
        "sagemaker"
    }

    fn rows(&self, data: &PaneData) -> Vec<RowRef> {
        (0..items(data).len()).map(RowRef::item).collect()
    }

    fn item_key(&self, data: &PaneData, item: u32) -> Option<String> {
        let i = items(data).get(item as usize)?;
        Some(format!("{}/{}/{}", i.region, i.kind.label(), i.id))
    }

    fn account(&self, data: &PaneData, item: u32) -> crate::model::RowAccount {
        items(data).get(item as usize)?.account.clone()
    }

    fn matches(&self, data: &PaneData, row: RowRef, m: &Matcher) -> bool {
        items(data).get(row.item as usize).is_some_and(|i| {
            m.matches(&[
                i.kind.label(),
                &i.name,
                &i.id,
                &i.status,
                &i.detail,
                &i.region,
                super::account_name(&i.account),
            ])
        })
    }

    fn totals(&self, data: &PaneData) -> Totals {
        Totals::new(items(data).len(), vec![])
    }

    fn detail_title(&self, data: &PaneData, row: RowRef) -> Option<String> {
        let i = items(data).get(row.item as usize)?;
        Some(format!("{} {}", i.kind.label(), i.name))
    }

    fn detail(&self, data: &PaneData, row: RowRef, ctx: &CellContext) -> Vec<DetailLine> {
        let Some(i) = items(data).get(row.item as usize) else {
            return vec![];
        };
        let mut out = Vec::new();
        if let Some(badge) = ctx.changed(&i.id) {
            out.push(line("⚑ secdash", badge));
        }
        out.extend([
            line("kind", i.kind.label()),
            line("name", &i.name),
            line("id", &i.id),
            line("status", &i.status),
            line("region", &i.region),
        ]);
        out.extend(super::account_line(&i.account));
        out.extend(i.facts.iter().map(|(k, v)| line(k, v)));
        out
    }

    fn columns(&self, width: u16, ctx: &CellContext) -> Vec<Column> {
        use Col::*;
        let mut cols: Vec<Col> = if ctx.multi_account {
            vec![Account]
        } else {
            vec![]
        };
        let narrow = ctx.target == Target::Screen && Tier::of(width, 70) == Tier::Narrow;
        // Narrow, the name is worth more than its kind (the status says it: InService is a
        // notebook's, Approved a version's, InProgress a job's).
        if !narrow {
            cols.push(Kind);
        }
        cols.extend([Name, Status]);
        if !narrow {
            cols.push(Detail);
        }
        if ctx.multi_region && (ctx.target == Target::Report || Tier::of(width, 70) == Tier::Wide) {
            cols.push(Region);
        }
        cols.into_iter().map(|c| spec(c, ctx.target)).collect()
    }

    fn cells(
        &self,
        data: &PaneData,
        row: RowRef,
        columns: &[Column],
        _continuation: bool,
        ctx: &CellContext,
    ) -> Vec<Styled> {
        let Some(i) = items(data).get(row.item as usize) else {
            return vec![];
        };
        let screen = ctx.target == Target::Screen;
        columns
            .iter()
            .map(|c| match Col::of(c) {
                Col::Kind => Styled::new(i.kind.label(), Tone::Muted),
                Col::Name => Styled::id(ctx.flagged(&i.id, &i.name), Tone::Base),
                Col::Status => Styled::new(
                    &i.status,
                    if screen { tone(&i.status) } else { Tone::Plain },
                ),
                Col::Detail => Styled::new(&i.detail, Tone::Muted),
                Col::Region => Styled::new(&i.region, Tone::Muted),
                Col::Account => Styled::new(super::account_name(&i.account), Tone::Muted),
            })
            .collect()
    }

    fn empty_message(&self, _data: Option<&PaneData>) -> String {
        "no notebooks, model versions or recent jobs in the regions watched".to_string()
    }

    fn report_heading(&self, data: Option<&PaneData>) -> String {
        format!("SAGEMAKER ({})", data.map_or(0, |d| items(d).len()))
    }

    fn sort_fields(&self) -> &'static [&'static str] {
        &["name", "status", "kind", "region"]
    }

    fn sort_key(&self, data: &PaneData, row: RowRef, field: usize) -> SortKey {
        let Some(i) = items(data).get(row.item as usize) else {
            return SortKey::Num(f64::NAN);
        };
        match field {
            0 => SortKey::text(&i.name),
            1 => SortKey::text(&i.status),
            2 => SortKey::text(i.kind.label()),
            _ => SortKey::text(&i.region),
        }
    }

    fn copy_text(&self, data: &PaneData, row: RowRef, _account: Option<&str>) -> Option<String> {
        Some(items(data).get(row.item as usize)?.id.clone())
    }

    fn console_url(&self, data: &PaneData, row: RowRef) -> Option<String> {
        let i = items(data).get(row.item as usize)?;
        let path = match i.kind {
            PlatformKind::Notebook => format!("notebook-instances/{}", i.id),
            PlatformKind::ModelVersion => {
                format!("model-registry/{}", i.group.as_deref().unwrap_or_default())
            }
            PlatformKind::TrainingJob => format!("jobs/{}", i.id),
            PlatformKind::ProcessingJob => format!("processing-jobs/{}", i.id),
            PlatformKind::TransformJob => format!("transform-jobs/{}", i.id),
        };
        Some(super::console(
            &i.region,
            &format!("sagemaker/home?region={}#/{path}", i.region),
        ))
    }

    fn timeline(
        &self,
        data: &PaneData,
        row: RowRef,
        now: chrono::DateTime<chrono::Utc>,
    ) -> Option<super::TrailRequest> {
        let i = items(data).get(row.item as usize)?;
        Some(super::TrailRequest::of_resource(
            format!("{} {}", i.kind.label(), i.name),
            &i.name,
            now,
        ))
    }
}
