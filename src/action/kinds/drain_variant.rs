//! `drain-variant`: send none of an endpoint's traffic to one variant (weight 0); restore puts
//! back the weights it had. Refused for the only variant that has weight.

use super::settle::{self, Change};
use super::{ActionSpec, Intent, Row, Target, arg, value};
use crate::action::executor::{ActionError, Executor};
use crate::action::journal::JournalRead;
use crate::action::plan::Plan;
use crate::action::platform::{Resource, Setting, VariantWeight};
use crate::model::PaneId;
use futures::future::BoxFuture;

pub struct DrainVariant;

fn weights_line(weights: &[VariantWeight]) -> String {
    weights
        .iter()
        .map(|w| format!("{} {}", w.variant, w.weight))
        .collect::<Vec<_>>()
        .join(", ")
}

/// Weight 0 for `variant`, the others' kept; or why not.
pub fn change(
    endpoint: &str,
    variant: &str,
    weights: &[VariantWeight],
) -> Result<Change, ActionError> {
    let Some(drained) = weights.iter().find(|w| w.variant == variant) else {
        return Err(ActionError::NotFound(format!(
            "endpoint {endpoint} has no variant {variant} (it has {})",
            weights
                .iter()
                .map(|w| w.variant.as_str())
                .collect::<Vec<_>>()
                .join(", ")
        )));
    };
    if drained.weight == 0.0 {
        return Err(ActionError::Refused(format!(
            "variant {variant} of endpoint {endpoint} already has weight 0: nothing to do"
        )));
    }
    if !weights
        .iter()
        .any(|w| w.variant != variant && w.weight > 0.0)
    {
        return Err(ActionError::Refused(format!(
            "variant {variant} is the only variant of endpoint {endpoint} with weight: draining it would leave no variant to answer (roll the endpoint back instead)"
        )));
    }
    let after: Vec<VariantWeight> = weights
        .iter()
        .map(|w| VariantWeight {
            variant: w.variant.clone(),
            weight: if w.variant == variant { 0.0 } else { w.weight },
        })
        .collect();
    Ok(Change {
        resource: Resource::Endpoint {
            name: endpoint.to_string(),
        },
        before: Setting::Weights {
            weights: weights.to_vec(),
        },
        after: Setting::Weights {
            weights: after.clone(),
        },
        subject: format!(
            "endpoint {endpoint}: variant weights {}",
            weights_line(weights)
        ),
        notes: vec![
            format!(
                "Traffic goes to the other variants by their weights: {}.",
                weights_line(&after)
            ),
            format!(
                "Variant {variant}'s instances keep running (and costing) with no traffic; its model can still be invoked by TargetVariant."
            ),
        ],
        evidence: None,
        confirm_by_hand: None,
    })
}

pub static KEY: Intent = Intent {
    name: "drain_variant",
    keys: &["V"],
    help: "drain a variant of the endpoint",
};

impl ActionSpec for DrainVariant {
    fn verb(&self) -> &'static str {
        "drain-variant"
    }
    fn about(&self) -> &'static str {
        "Send none of an endpoint's traffic to one variant (restore puts the weights back)."
    }
    fn badge(&self) -> Option<&'static str> {
        Some("drained")
    }
    fn intent(&self) -> Option<&'static Intent> {
        Some(&KEY)
    }
    fn rows(&self) -> &'static [PaneId] {
        &[PaneId::Endpoints]
    }
    fn target_of_row(&self, row: Row<'_>) -> Option<Result<Target, String>> {
        let Row::Endpoint(e) = row else {
            return None;
        };
        match e.variants.as_slice() {
            [_] | [] => Some(Err(format!(
                "endpoint {} has one variant: draining it would leave none (B rolls it back)",
                e.name
            ))),
            several => Some(Err(format!(
                "which variant of {}? type :drain-variant {} VARIANT ({})",
                e.name,
                e.name,
                several
                    .iter()
                    .map(|v| v.name.as_str())
                    .collect::<Vec<_>>()
                    .join(", ")
            ))),
        }
    }
    fn destructive(&self) -> bool {
        true
    }
    fn pane(&self) -> PaneId {
        PaneId::Endpoints
    }
    fn refresh(&self) -> &'static [PaneId] {
        &[PaneId::Endpoints]
    }
    fn args(&self, cmd: clap::Command) -> clap::Command {
        cmd.arg(arg("endpoint", "ENDPOINT", "The endpoint's name."))
            .arg(arg(
                "variant",
                "VARIANT",
                "The production variant to drain.",
            ))
    }
    fn target_from_args(&self, args: &clap::ArgMatches) -> Target {
        Target::Platform(super::PlatformTarget {
            name: value(args, "endpoint"),
            detail: Some(value(args, "variant")),
            allow: vec![],
        })
    }
    fn plan<'a>(
        &'a self,
        ex: &'a Executor,
        _journal: &'a JournalRead,
        target: &'a Target,
    ) -> BoxFuture<'a, Result<Plan, ActionError>> {
        Box::pin(async move {
            let t = settle::platform_target(target)?;
            let name = &t.name;
            let e = settle::endpoint_in_service(ex, name, "its variants can be drained").await?;
            let variant = t.detail.as_deref().unwrap_or_default();
            Ok(change(name, variant, &e.weights)?.plan(self.kind(), ex))
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn w(v: &str, weight: f32) -> VariantWeight {
        VariantWeight {
            variant: v.into(),
            weight,
        }
    }

    #[test]
    fn the_only_variant_with_weight_is_never_drained() {
        let e = change("ep", "blue", &[w("blue", 1.0), w("green", 0.0)])
            .err()
            .unwrap();
        assert!(e.to_string().contains("only variant"), "{e}");
        let c = change("ep", "green", &[w("blue", 1.0), w("green", 1.0)]).unwrap();
        assert_eq!(
            c.after,
            Setting::Weights {
                weights: vec![w("blue", 1.0), w("green", 0.0)]
            }
        );
        assert!(change("ep", "red", &[w("blue", 1.0)]).is_err());
    }
}
