//! Impact indicators: a strategy's success measures, defined by
//! administrators, with values recorded by the owning organisation and the
//! figures derived from them.

pub mod definitions;
pub mod figures;
pub mod values;

pub use definitions::{
    CreateIndicator, IndicatorView, UpdateIndicator, create, delete, get, list, update, views,
};
pub use figures::{Figures, IndicatorSummary, LatestValue, sort_summaries, summaries};
pub use values::{
    CorrectValue, IndicatorValueView, RecordValue, ValueVersionView, correct, get_value,
    list_values, record,
};
