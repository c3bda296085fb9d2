//! Downloads of an event's attendee list from the back-office.

use axum::extract::rejection::QueryRejection;
use axum::extract::{Query, State};
use serde::Deserialize;

use crate::admin::Managed;
use crate::domain::Lang;
use crate::error::AppError;
use crate::export::{Delimiter, Download, Format};
use crate::operations::queries;
use crate::state::AppState;

#[derive(Debug, Default, Deserialize)]
pub struct ExportOptions {
    delimiter: Option<String>,
}

pub async fn export_csv(
    State(state): State<AppState>,
    lang: Lang,
    Managed(managed, _): Managed,
    options: Result<Query<ExportOptions>, QueryRejection>,
) -> Result<Download, AppError> {
    let semicolon = options.is_ok_and(|Query(o)| o.delimiter.as_deref() == Some("semicolon"));
    let delimiter = if semicolon { Delimiter::Semicolon } else { Delimiter::Comma };
    queries::export(&state, &managed, Format::Csv(delimiter), lang).await
}

pub async fn export_xlsx(
    State(state): State<AppState>,
    lang: Lang,
    Managed(managed, _): Managed,
) -> Result<Download, AppError> {
    queries::export(&state, &managed, Format::Xlsx, lang).await
}

pub async fn export_sheet(
    State(state): State<AppState>,
    lang: Lang,
    Managed(managed, _): Managed,
) -> Result<Download, AppError> {
    queries::export(&state, &managed, Format::AttendanceSheet, lang).await
}
