//! Arguments shared by the commands that read a weekly CSV (`fit`, `optimize`, `predict`).
//! Owned by issue #3 (loader); `load` is to call `mixplan_core::data::loader`.
