//! The example file behind "download template": the first weeks of the built-in store's
//! weekly data, in the format the loader reads (a date column, one spend column per
//! channel, controls, the target).

use crate::embedded::MMM_DATA_CSV;

/// Weeks in the template: enough to load as it is (the core needs `MIN_WEEKS` = 20).
pub const TEMPLATE_WEEKS: usize = 26;

/// The template's file name.
pub const TEMPLATE_FILE: &str = "mixplan-template.csv";

/// The header and the first [`TEMPLATE_WEEKS`] weeks of the built-in data, as CSV text.
pub fn template_csv() -> String {
    MMM_DATA_CSV
        .lines()
        .take(TEMPLATE_WEEKS + 1)
        .map(|line| format!("{line}\n"))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::data_source::choices::MappingChoices;
    use crate::data_source::dataset::UserDataset;
    use crate::data_source::file::SourceFile;

    #[test]
    fn the_template_loads_through_the_mapping_step_as_it_is() {
        let file = SourceFile::text(TEMPLATE_FILE, &template_csv());
        let (table, found) = file.read(None, None).unwrap();
        let mapping = MappingChoices::default().mapping(&found).unwrap();
        assert_eq!(
            mapping.channels,
            ["paid_search", "email", "display", "social", "affiliate"]
        );
        let built = UserDataset::build(&file.name, &table, mapping, Default::default()).unwrap();
        assert_eq!(built.data.len(), TEMPLATE_WEEKS);
    }
}
