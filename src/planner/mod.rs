//! Planner logic in plain Rust (no DOM), so it is tested natively: the budget being edited
//! and what the page shows about it.

pub mod budget;
pub mod scenario;
pub mod validity;
