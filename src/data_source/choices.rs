//! The mapping step's state: the user's changes to the suggested roles, dimension filters,
//! week start and kind of target, and the `ColumnMapping` they give with the inspection.
//! Only the changes are stored; each column's role is derived (the user's choice, else the
//! suggestion), so a new inspection never needs syncing.

use std::collections::BTreeMap;

use chrono::Weekday;
use mixplan_core::data::{ColumnMapping, DimensionChoice, Inspection, MappedRole};
use serde::{Deserialize, Serialize};

use super::error::UserDataError;

/// What the target measures, which decides how the page names returns.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub enum TargetKind {
    /// Money: returns are ROI (revenue per dollar).
    #[default]
    Revenue,
    /// A count (conversions, sign-ups): returns are read as cost per KPI.
    CountKpi,
}

/// Words that name a count KPI rather than money.
const KPI_WORDS: &[&str] = &[
    "conversions",
    "conversion",
    "signups",
    "signup",
    "leads",
    "kpi",
    "orders",
    "installs",
    "registrations",
];

impl TargetKind {
    /// The kind a target column's name suggests: a count for `conversions`, `signups`,
    /// `leads`, `kpi`, …; revenue otherwise.
    pub fn suggested_for(column: &str) -> Self {
        let words: Vec<String> = column
            .split(|c: char| !c.is_alphabetic())
            .map(str::to_lowercase)
            .collect();
        if words.iter().any(|w| KPI_WORDS.contains(&w.as_str())) {
            Self::CountKpi
        } else {
            Self::Revenue
        }
    }
}

/// The roles a column may be given in its selector: every role but "dimension", which only
/// a text column with few values (one the inspection found) may have.
pub fn roles_offered(is_dimension: bool) -> Vec<MappedRole> {
    let mut roles = vec![
        MappedRole::Date,
        MappedRole::Target,
        MappedRole::Spend,
        MappedRole::Control,
        MappedRole::Metric,
    ];
    if is_dimension {
        roles.push(MappedRole::Dimension);
    }
    roles.push(MappedRole::Ignore);
    roles
}

/// The role's name in a `<select>` value (the core's `Display`: `date`, `spend`, …).
pub fn role_from_name(name: &str) -> Option<MappedRole> {
    [
        MappedRole::Date,
        MappedRole::Target,
        MappedRole::Spend,
        MappedRole::Control,
        MappedRole::Dimension,
        MappedRole::Metric,
        MappedRole::Ignore,
    ]
    .into_iter()
    .find(|r| r.to_string() == name)
}

/// The user's changes to the suggestions.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct MappingChoices {
    /// Roles chosen, by column name.
    pub roles: BTreeMap<String, MappedRole>,
    /// Dimension filters chosen, by column name (`None`: sum all values).
    pub filters: BTreeMap<String, Option<String>>,
    /// First day of a week (`None`: Monday for daily data, the dates' weekday for weekly).
    pub week_start: Option<Weekday>,
    /// What the target measures (`None`: suggested from its name).
    pub target_kind: Option<TargetKind>,
}

impl MappingChoices {
    /// The role of `column`: the user's choice, else the suggestion.
    pub fn role(&self, found: &Inspection, column: &str) -> MappedRole {
        self.roles.get(column).copied().unwrap_or_else(|| {
            found
                .columns
                .iter()
                .find(|c| c.name == column)
                .map_or(MappedRole::Ignore, |c| c.role)
        })
    }

    /// The target's kind: the user's choice, else the one its name suggests.
    pub fn target_kind(&self, target: &str) -> TargetKind {
        self.target_kind
            .unwrap_or_else(|| TargetKind::suggested_for(target))
    }

    /// The mapping the inspection and these choices describe.
    ///
    /// # Errors
    /// No date, no target, two dates or two targets, or no spend column: each says which
    /// role to choose.
    pub fn mapping(&self, found: &Inspection) -> Result<ColumnMapping, UserDataError> {
        let with = |role: MappedRole| -> Vec<String> {
            found
                .columns
                .iter()
                .filter(|c| self.role(found, &c.name) == role)
                .map(|c| c.name.clone())
                .collect()
        };
        let single = |role: MappedRole, name: &'static str, none: UserDataError| {
            let columns = with(role);
            match columns.as_slice() {
                [] => Err(none),
                [one] => Ok(one.clone()),
                [first, second, ..] => Err(UserDataError::TwoOf {
                    role: name.to_string(),
                    first: first.clone(),
                    second: second.clone(),
                }),
            }
        };
        let date = single(MappedRole::Date, "date", UserDataError::NoDate)?;
        let target = single(MappedRole::Target, "target", UserDataError::NoTarget)?;
        let channels = with(MappedRole::Spend);
        if channels.is_empty() {
            return Err(UserDataError::NoSpend);
        }
        let date_format = found
            .dates
            .as_ref()
            .filter(|d| d.column == date)
            .map(|d| d.format.clone());
        Ok(ColumnMapping {
            date,
            date_format,
            target,
            channels,
            controls: with(MappedRole::Control),
            dimensions: with(MappedRole::Dimension)
                .into_iter()
                .map(|column| DimensionChoice {
                    filter: self.filters.get(&column).cloned().flatten(),
                    column,
                })
                .collect(),
            week_start: self.week_start,
            metrics: with(MappedRole::Metric),
        })
    }
}

/// The week-start choices: `None` (as detected) then Monday … Sunday.
pub const WEEK_STARTS: [Option<Weekday>; 8] = [
    None,
    Some(Weekday::Mon),
    Some(Weekday::Tue),
    Some(Weekday::Wed),
    Some(Weekday::Thu),
    Some(Weekday::Fri),
    Some(Weekday::Sat),
    Some(Weekday::Sun),
];

#[cfg(test)]
mod tests {
    use super::*;
    use crate::data_source::file::SourceFile;

    fn daily_regions() -> SourceFile {
        let mut csv = String::from("day,region,search_cost,clicks,price,revenue\n");
        for d in 0..200u64 {
            let date = chrono::NaiveDate::from_ymd_opt(2024, 1, 1).unwrap() + chrono::Days::new(d);
            for region in ["US", "UK"] {
                csv += &format!(
                    "{date},{region},{}.25,{},1.{},{}\n",
                    d % 11,
                    3 * d,
                    d % 7,
                    100 + d
                );
            }
        }
        SourceFile::text("daily.csv", &csv)
    }

    #[test]
    fn the_suggestions_give_a_mapping_and_edits_change_it() {
        let (_, found) = daily_regions().read(None, None).unwrap();
        let mut choices = MappingChoices::default();
        let mapping = choices.mapping(&found).unwrap();
        assert_eq!(mapping.date, "day");
        assert_eq!(mapping.target, "revenue");
        assert_eq!(mapping.channels, ["search_cost"]);
        assert_eq!(mapping.controls, ["price"]);
        assert_eq!(mapping.dimensions[0].filter, None);
        choices.roles.insert("clicks".into(), MappedRole::Spend);
        choices.filters.insert("region".into(), Some("UK".into()));
        choices.week_start = Some(Weekday::Sun);
        let mapping = choices.mapping(&found).unwrap();
        assert_eq!(mapping.channels, ["search_cost", "clicks"]);
        assert_eq!(mapping.dimensions[0].filter.as_deref(), Some("UK"));
        assert_eq!(mapping.week_start, Some(Weekday::Sun));
    }

    #[test]
    fn a_mapping_without_a_role_it_needs_says_which_to_choose() {
        let (_, found) = daily_regions().read(None, None).unwrap();
        let mut choices = MappingChoices::default();
        choices.roles.insert("revenue".into(), MappedRole::Ignore);
        assert_eq!(choices.mapping(&found), Err(UserDataError::NoTarget));
        choices.roles.insert("revenue".into(), MappedRole::Target);
        choices.roles.insert("price".into(), MappedRole::Target);
        let error = choices.mapping(&found).unwrap_err();
        assert!(error.to_string().contains("\"price\""), "{error}");
        choices.roles.insert("price".into(), MappedRole::Ignore);
        choices
            .roles
            .insert("search_cost".into(), MappedRole::Ignore);
        assert_eq!(choices.mapping(&found), Err(UserDataError::NoSpend));
        choices.roles.insert("day".into(), MappedRole::Ignore);
        assert_eq!(choices.mapping(&found), Err(UserDataError::NoDate));
    }

    #[test]
    fn kpi_names_are_counts_and_money_names_revenue() {
        assert_eq!(
            TargetKind::suggested_for("conversions"),
            TargetKind::CountKpi
        );
        assert_eq!(
            TargetKind::suggested_for("new_signups"),
            TargetKind::CountKpi
        );
        assert_eq!(TargetKind::suggested_for("revenue"), TargetKind::Revenue);
        assert_eq!(TargetKind::suggested_for("y"), TargetKind::Revenue);
    }

    #[test]
    fn role_names_round_trip_and_dimension_is_offered_only_for_dimensions() {
        for role in roles_offered(true) {
            assert_eq!(role_from_name(&role.to_string()), Some(role));
        }
        assert!(!roles_offered(false).contains(&MappedRole::Dimension));
        assert_eq!(role_from_name("tv"), None);
    }
}
