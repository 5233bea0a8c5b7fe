//! The chair's review of a strategy: the dashboard, the trend across closed
//! periods, and the board report, each now, as at a past date, or for a
//! closed period (from its snapshot, so it reads exactly as it did); and
//! the six-monthly report to the young people's council; and the annual
//! report to committee with its six-monthly Local Offer update.

pub mod annual;
pub mod dashboard;
pub mod half_year;
pub mod moment;
pub mod report;
pub mod state;
pub mod trend;

pub use annual::{
    Annual, AnnualQuery, LocalOfferQuery, MilestoneMove, Paper, SlippedMilestone, annual,
    local_offer,
};
pub use dashboard::{Dashboard, DashboardQuery, dashboard};
pub use half_year::{HalfYear, HalfYearQuery, half_year};
pub use moment::{MomentQuery, PeriodBrief, Source};
pub use report::{AmbitionSection, PledgeText, Report, ReportAction, report};
pub use state::IndicatorGroup;
pub use trend::{ActionTrend, PeriodCounts, Trend, trend};
