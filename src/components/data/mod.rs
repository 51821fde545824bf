//! "Your data": loading the user's file, the mapping step, and the data in use. One
//! component per file; the state and its actions are in [`session`].

pub mod column_role_row;
pub mod data_in_use;
pub mod data_panel;
pub mod data_quality;
pub mod load_bar;
pub mod mapping_step;
pub mod read_questions;
pub mod session;
