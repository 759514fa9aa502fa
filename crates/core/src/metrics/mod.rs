//! The numbers of the three levels: a process's week, a system's month and year, a person.
//!
//! Everything here is a pure function of finished history ([`crate::history`]): one pass
//! over the outcomes and readings, a zone lookup per period rather than per task, and
//! allocations only for runs and for the output, so ten million tasks stay cheap.

mod goal;
mod heat;
mod kpi;
mod percentile;
mod period;
mod person;
mod system;
mod tally;
mod week;
mod words;

#[cfg(test)]
mod tests;

pub use goal::{Direction, Goal, GoalSource, GoalStatus, evaluate_goal, figure_value, goal_value};
pub use heat::miss_heatmap;
pub use kpi::{KpiPoint, KpiSeries, KpiStats, kpi_series};
pub use percentile::{median_p90, nearest_rank};
pub use period::Period;
pub use person::{PersonFigures, merge_person_figures, person_figures};
pub use system::{SystemNode, SystemPeriod, SystemRollup, system_periods};
pub use tally::{Figures, figures_of};
pub use week::{ProcessPeriod, ProcessWeek, process_periods, process_weeks};
pub use words::{duration_words, rate_words};
