//! Helpers shared by several test crates. Each crate uses a different part of them.
#![allow(dead_code)]

pub mod by_hand;
pub mod datasets;
pub mod gradient;
pub mod horizon;
pub mod horizon_models;
pub mod mediation_world;
pub mod multiplicative;
