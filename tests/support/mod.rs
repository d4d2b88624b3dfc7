//! Shared by several test crates; each uses a part of it.
#![allow(dead_code)]

pub mod moto;
