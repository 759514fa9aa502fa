//! Tests of pattern detection: statistics, wording, edge cases, and precision and recall
//! over generated histories.

mod edges;
mod generator;
mod perf;
mod recall;
mod stats;
mod wording;
