//! secdash: a terminal security dashboard for AWS SageMaker ML infrastructure.
//!
//! Pure state and logic (`app`, `risk`, `metrics`, `report`) are apart from the three I/O
//! edges: the runtime loop (`runtime`), the fetch tasks (`fetch`, `source`) and, later, the
//! action executor.

pub mod checklist;
pub mod config;
pub mod fetch;
pub mod metrics;
pub mod model;
pub mod risk;
pub mod sanitize;
pub mod source;
pub mod theme;
