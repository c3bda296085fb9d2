//! Atelier: registrations for round tables and masterclasses.

pub mod accounts;
pub mod admin;
pub mod api;
pub mod app;
pub mod cache;
pub mod config;
pub mod demo;
pub mod domain;
pub mod error;
pub mod export;
pub mod i18n;
pub mod mail;
pub mod negotiate;
pub mod organizing;
pub mod registrations;
pub mod serve;
pub mod store;
pub mod token;
pub mod web;
