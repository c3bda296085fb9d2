//! Atelier: registrations for round tables and masterclasses.
//!
//! Data flows one way: HTTP (`web`, `admin`, `api`) → handler → operation
//! (`operations`) → store (`store`) → outbox → mail worker (`mail`) → SMTP.
//! The scheduler (`scheduler`) is another caller of operations, like a
//! handler with no HTTP.

pub mod admin;
pub mod api;
pub mod app;
pub mod cache;
pub mod calendar;
pub mod client;
pub mod clock;
pub mod config;
pub mod demo;
pub mod domain;
pub mod error;
pub mod export;
pub mod guards;
pub mod i18n;
pub mod limits;
pub mod logs;
pub mod mail;
pub mod metrics;
pub mod negotiate;
pub mod operations;
pub mod qr;
pub mod scheduler;
pub mod serve;
pub mod state;
pub mod store;
pub mod token;
pub mod web;
pub mod webhooks;
