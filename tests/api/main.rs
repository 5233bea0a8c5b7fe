//! Tests of the service through its HTTP API, as a client uses it.

mod browser;
mod helpers;
mod tools;

mod actions;
mod admin_pages;
mod architecture;
mod archive;
mod auth;
mod backup;
mod bad_input;
mod board_time;
mod bulk;
mod caching;
mod chair_pages;
mod changes;
mod concurrency;
mod erasure;
mod first_sign_in;
mod half_year_report;
mod health;
mod indicators;
mod jobs;
mod migrations;
mod openapi;
mod organisations;
mod pages;
mod permissions;
mod plan_csv;
mod priorities;
mod priority_pages;
mod review;
mod setup_pages;
mod strategies;
mod tokens;
mod users;
