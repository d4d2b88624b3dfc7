//! secdash: a terminal security dashboard for AWS SageMaker ML infrastructure.
//!
//! Pure state and logic (`app`, `risk`, `metrics`, `report`) are apart from the three I/O
//! edges: the runtime loop (`runtime`), the fetch tasks (`fetch`, `source`) and, later, the
//! action executor.

pub mod action;
pub mod app;
pub mod aws;
pub mod checklist;
pub mod cli;
pub mod config;
pub mod fetch;
pub mod files;
#[doc(hidden)]
pub mod fixtures;
pub mod format;
pub mod metrics;
pub mod model;
pub mod panes;
pub mod report;
pub mod risk;
pub mod run;
pub mod sanitize;
pub mod source;
pub mod theme;
pub mod trail;
pub mod ui;
