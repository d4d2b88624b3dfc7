//! Incident-response actions: plan, confirm, journal, act, verify, journal.
//!
//! `Executor` is the only path to a change in AWS. It checks read-only mode in one place
//! (`guard`), writes the plan with the full before-state to the journal and syncs it before the
//! first mutating call, records each step, re-reads the resource to verify, and can undo any
//! journalled action from its before-state, whatever step it stopped at.

pub mod aws;
pub mod chain;
pub mod cloud;
pub mod credentials;
pub mod documents;
mod error;
pub mod executor;
mod failure;
pub mod journal;
pub mod kinds;
pub mod plan;
pub mod platform;
pub mod rehearsal;
mod request;
pub mod restore;
pub mod runbook;
pub mod steps;

pub use executor::{ActionError, Executor, Outcome, Request};
pub use failure::{ActionFailure, FailureKind};
