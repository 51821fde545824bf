//! Planner logic in plain Rust (no DOM), so it is tested natively: the budget being edited
//! and what the page shows about it, with its uncertainty over the posterior draws.

pub mod budget;
pub mod convergence;
pub mod draws;
pub mod frontier;
pub mod goal_seek;
pub mod horizon;
pub mod intervals;
pub mod pricing;
pub mod recommendation;
pub mod scenario;
pub mod scenario_store;
pub mod validity;
pub mod what_if;
