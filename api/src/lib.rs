//! Delivery Plan Tracker: a partnership board's strategy, delivery plan and
//! progress reporting, as a REST service.

pub mod auth;
pub mod cli;
pub mod clock;
pub mod concurrency;
pub mod config;
pub mod db;
pub mod demo;
pub mod domain;
pub mod error;
pub mod http;
pub mod openapi;
pub mod paging;
pub mod report;
pub mod routes;
pub mod server;
pub mod services;
pub mod state;
pub mod telemetry;
pub mod web;
