//! secdash: a terminal security dashboard for AWS SageMaker ML infrastructure.
//!
//! Pure state and logic (`app`, `panes`, `checklist`, `risk`, `metrics`, `report`, the plans
//! of `action`) are apart from the three I/O edges in `run`: the terminal's event loop, the
//! fetches (`fetch` through `source`), and the action executor (`action::executor`, the only
//! code that changes anything in AWS). README's "How it is built" draws the layers.

pub mod action;
pub mod app;
pub mod aws;
pub mod checklist;
pub mod cli;
pub mod config;
pub mod fetch;
pub mod files;
/// States and data for tests and benchmarks: not in a release build.
#[cfg(any(test, feature = "test-support"))]
#[doc(hidden)]
pub mod fixtures;
pub mod format;
pub mod metrics;
pub mod model;
pub mod panes;
pub mod provenance;
pub mod report;
pub mod risk;
pub mod run;
pub mod sanitize;
pub mod source;
pub mod theme;
pub mod trail;
pub mod ui;
