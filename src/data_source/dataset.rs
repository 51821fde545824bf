//! The user's data once mapped: the weekly matrix that is fitted, with what the page says
//! about it (its name, the target's kind, the aggregation notes).

use mixplan_core::data::{ColumnMapping, Table, WeeklyData, build_weekly};
use serde::{Deserialize, Serialize};

use super::choices::TargetKind;
use super::error::UserDataError;
use crate::planner::scenario::ChannelInfo;

/// A weekly dataset from the user's file, ready to fit.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct UserDataset {
    /// The file's name.
    pub name: String,
    /// The weekly matrix.
    pub data: WeeklyData,
    /// The mapping it was built with.
    pub mapping: ColumnMapping,
    /// What the target measures.
    pub target_kind: TargetKind,
    /// How the rows became weeks, in sentences.
    pub notes: Vec<String>,
}

impl UserDataset {
    /// Aggregates `table` to weeks as `mapping` says (the core's `build_weekly`).
    ///
    /// # Errors
    /// The core's first problem with the mapping or the weeks, naming the file.
    pub fn build(
        name: &str,
        table: &Table,
        mapping: ColumnMapping,
        target_kind: TargetKind,
    ) -> Result<Self, UserDataError> {
        let built = build_weekly(table, &mapping).map_err(|e| UserDataError::data(name, e))?;
        Ok(Self {
            name: name.to_string(),
            notes: built.report.notes(),
            data: built.data,
            mapping,
            target_kind,
        })
    }

    /// The channels as the planner names them: id and name are the spend column's name,
    /// shown as text everywhere.
    pub fn channels(&self) -> Vec<ChannelInfo> {
        self.data
            .channel_names()
            .into_iter()
            .map(|name| ChannelInfo {
                id: name.to_string(),
                name: name.to_string(),
            })
            .collect()
    }

    /// One line naming the metrics carried (never fitted) for the views, e.g.
    /// `Figures carried, not fitted: search_clicks (search's clicks), orders (orders).`;
    /// `None` when the data carry none.
    pub fn metrics_note(&self) -> Option<String> {
        let metrics = self.data.metrics();
        if metrics.is_empty() {
            return None;
        }
        let list: Vec<String> = metrics
            .iter()
            .map(|m| match &m.channel {
                Some(channel) => format!("{} ({channel}'s {})", m.name, m.kind),
                None => format!("{} ({})", m.name, m.kind),
            })
            .collect();
        Some(format!("Figures carried, not fitted: {}.", list.join(", ")))
    }

    /// One line for the page: name, weeks, channels, target.
    pub fn summary(&self) -> String {
        let weeks = self.data.weeks();
        let span = match (weeks.first(), weeks.last()) {
            (Some(first), Some(last)) => format!(", {first} … {last}"),
            _ => String::new(),
        };
        format!(
            "{}: {} weeks{span}, {} channels, target \"{}\"{}",
            self.name,
            self.data.len(),
            self.data.channels().len(),
            self.data.target_name(),
            match self.target_kind {
                TargetKind::Revenue => " (revenue)",
                TargetKind::CountKpi => " (a count KPI: returns read as cost per KPI)",
            }
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::data_source::choices::MappingChoices;
    use crate::data_source::file::SourceFile;

    #[test]
    fn daily_rows_become_weeks_with_notes_and_channels_named_by_column() {
        let mut csv = String::from("day,tv <b>spend</b>,revenue\n");
        // 2024-01-03 is a Wednesday: the first and last weeks are partial.
        for d in 0..200u64 {
            let date = chrono::NaiveDate::from_ymd_opt(2024, 1, 3).unwrap() + chrono::Days::new(d);
            csv += &format!("{date},{}.5,{}\n", d % 13, 1000 + d);
        }
        let file = SourceFile::text("daily.csv", &csv);
        let (table, found) = file.read(None, None).unwrap();
        let mapping = MappingChoices::default().mapping(&found).unwrap();
        let built = UserDataset::build(&file.name, &table, mapping, TargetKind::Revenue).unwrap();
        assert_eq!(built.data.len(), 27);
        assert!(
            built.notes.iter().any(|n| n.contains("partial week")),
            "{:?}",
            built.notes
        );
        assert_eq!(built.channels()[0].id, "tv <b>spend</b>");
        assert!(
            built.summary().starts_with("daily.csv: 27 weeks"),
            "{}",
            built.summary()
        );
    }

    #[test]
    fn a_clicks_column_is_carried_as_a_metric_not_a_channel() {
        let mut csv = String::from("week,search_spend,search_clicks,orders,revenue\n");
        for w in 0..30u64 {
            let date =
                chrono::NaiveDate::from_ymd_opt(2024, 1, 1).unwrap() + chrono::Days::new(7 * w);
            csv += &format!("{date},{}.5,{},{},{}\n", w % 7, 40 + w, 9 + w % 4, 1000 + w);
        }
        let file = SourceFile::text("shop.csv", &csv);
        let (table, found) = file.read(None, None).unwrap();
        let mapping = MappingChoices::default().mapping(&found).unwrap();
        assert_eq!(mapping.metrics, ["search_clicks", "orders"]);
        let built = UserDataset::build(&file.name, &table, mapping, TargetKind::Revenue).unwrap();
        assert_eq!(built.data.channel_names(), ["search_spend"]);
        assert_eq!(
            built.metrics_note().as_deref(),
            Some("Figures carried, not fitted: search_clicks (search's clicks), orders (orders).")
        );
        // The user may still make it a channel.
        let mut choices = MappingChoices::default();
        choices.roles.insert(
            "search_clicks".into(),
            mixplan_core::data::MappedRole::Spend,
        );
        let mapping = choices.mapping(&found).unwrap();
        assert_eq!(mapping.channels, ["search_spend", "search_clicks"]);
        assert_eq!(mapping.metrics, ["orders"]);
    }

    #[test]
    fn too_few_weeks_is_refused_naming_the_file() {
        let mut csv = String::from("week,tv_spend,revenue\n");
        for w in 0..5u64 {
            let date =
                chrono::NaiveDate::from_ymd_opt(2024, 1, 1).unwrap() + chrono::Days::new(7 * w);
            csv += &format!("{date},{w}.5,100\n");
        }
        let file = SourceFile::text("short.csv", &csv);
        let (table, found) = file.read(None, None).unwrap();
        let mapping = MappingChoices::default().mapping(&found).unwrap();
        let error =
            UserDataset::build(&file.name, &table, mapping, TargetKind::Revenue).unwrap_err();
        assert!(error.to_string().starts_with("short.csv: "), "{error}");
    }
}
