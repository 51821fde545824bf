//! Columns that hold what the model makes itself: a **trend** (a time index `0, 1, 2, …`)
//! and **yearly seasonality** terms (`yearly_sin_1`, `cos_2`, `fourier_3`, `dayofyear`, …).
//!
//! The model fits its own linear trend and its own Fourier seasonality, choosing the number
//! of terms by cross-validation ([`crate::model`], `docs/model.md`). A file's own copies of
//! them, taken as controls, force a seasonality order on the fit and bypass that choice: on
//! the real Conjura series the file's `yearly_sin/cos_1…2` columns as controls give a holdout
//! R² of 0.269, against 0.389 without them. So the mapping step ([`super::inspect`]) suggests
//! leaving such columns out, saying why, and the loader's auto-detection
//! ([`super::LoadOptions`] with `controls` or `channels` left to detection) skips them. A
//! user who wants one in says so: the mapping step's role, or the loader's explicit lists.

use super::column_role::name_has;

/// Words that name a yearly seasonality term (whole words of the column name, see
/// [`super::column_role`]): Fourier terms and the day or week of the year they are made from.
pub(crate) const SEASONALITY_WORDS: &[&str] = &[
    "sin",
    "cos",
    "sine",
    "cosine",
    "fourier",
    "dayofyear",
    "weekofyear",
];

/// The seasonality word a column name contains as a whole word (`yearly_sin_1` → `sin`;
/// `business` → none), if any.
pub(crate) fn seasonality_word(name: &str) -> Option<String> {
    name_has(name, SEASONALITY_WORDS)
}

/// True when the values are a time index: integers `0, 1, 2, …` or `1, 2, 3, …` following
/// each row's rank in date order (`rank[row]`; the row order when `None`), every row
/// present, over at least 3 rows.
pub(crate) fn is_time_index(values: &[Option<f64>], rank: Option<&[usize]>) -> bool {
    let rank_of = |row: usize| rank.map_or(Some(row), |r| r.get(row).copied());
    let (Some(Some(first)), Some(first_rank)) = (values.first(), rank_of(0)) else {
        return false;
    };
    let start = *first - first_rank as f64;
    if !(start == 0.0 || start == 1.0) || values.len() < 3 {
        return false;
    }
    let mut distinct = false;
    let follows = values.iter().enumerate().all(|(row, v)| {
        distinct |= *v != values[0];
        matches!((v, rank_of(row)), (Some(v), Some(r)) if *v == start + r as f64)
    });
    follows && distinct
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn seasonality_words_are_whole_words() {
        for name in [
            "yearly_sin_1",
            "yearly_cos_2",
            "Fourier 3",
            "dayofyear",
            "sine_52",
            "weekofyear",
        ] {
            assert!(seasonality_word(name).is_some(), "{name}");
        }
        for name in ["business", "cosmetics_spend", "casino", "season", "trend"] {
            assert!(seasonality_word(name).is_none(), "{name}");
        }
    }

    #[test]
    fn time_index_follows_the_date_rank() {
        let some = |v: &[f64]| v.iter().map(|x| Some(*x)).collect::<Vec<_>>();
        assert!(is_time_index(&some(&[0.0, 1.0, 2.0, 3.0]), None));
        assert!(is_time_index(&some(&[1.0, 2.0, 3.0]), None));
        assert!(!is_time_index(&some(&[2.0, 3.0, 4.0]), None), "starts at 2");
        assert!(!is_time_index(&some(&[0.0, 1.0]), None), "too short");
        assert!(!is_time_index(&some(&[0.0, 1.0, 3.0]), None), "a gap");
        assert!(
            !is_time_index(&some(&[0.5, 1.5, 2.5]), None),
            "not integers"
        );
        let mut missing = some(&[0.0, 1.0, 2.0]);
        missing[1] = None;
        assert!(!is_time_index(&missing, None));
        // Rows out of date order: the index follows the dates, not the rows.
        let rank = [2, 0, 1];
        assert!(is_time_index(&some(&[2.0, 0.0, 1.0]), Some(&rank)));
        assert!(!is_time_index(&some(&[0.0, 1.0, 2.0]), Some(&rank)));
        // Several rows a date (regions): the same index on each.
        let rank = [0, 0, 1, 1, 2, 2];
        assert!(is_time_index(
            &some(&[1.0, 1.0, 2.0, 2.0, 3.0, 3.0]),
            Some(&rank)
        ));
    }
}
