//! The browser side of saved scenarios: read and write them in `localStorage` under
//! [`STORAGE_KEY`]. The format and its checks live in [`crate::planner::scenario_store`].

use crate::planner::scenario_store::{Loaded, STORAGE_KEY, SavedScenario, load, to_text};

/// What the page says when the browser does not keep the scenarios.
pub const NOT_KEPT: &str = "This browser does not let the page keep data (storage is disabled or full): the scenarios last until you leave the page.";

fn local_storage() -> Option<web_sys::Storage> {
    web_sys::window()?.local_storage().ok().flatten()
}

/// Reads the saved scenarios (none, with a note, when storage is unavailable or damaged).
/// Damaged text is replaced by what could be read, so the note shows only once.
pub fn read_scenarios() -> Loaded {
    let Some(storage) = local_storage() else {
        return Loaded {
            scenarios: Vec::new(),
            note: Some(NOT_KEPT.to_string()),
        };
    };
    let text = storage.get_item(STORAGE_KEY).ok().flatten();
    let loaded = load(text.as_deref());
    if loaded.note.is_some() {
        let _ = storage.set_item(STORAGE_KEY, &to_text(&loaded.scenarios));
    }
    loaded
}

/// Writes the scenarios.
///
/// # Errors
/// [`NOT_KEPT`] when the browser refuses (storage disabled, or full).
pub fn write_scenarios(scenarios: &[SavedScenario]) -> Result<(), &'static str> {
    local_storage()
        .ok_or(NOT_KEPT)?
        .set_item(STORAGE_KEY, &to_text(scenarios))
        .map_err(|_| NOT_KEPT)
}
