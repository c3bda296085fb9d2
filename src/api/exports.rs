//! Attendee exports for organizers: CSV, XLSX and the PDF attendance sheet.

use axum::extract::rejection::QueryRejection;
use axum::extract::{Query, State};
use serde::Deserialize;
use utoipa::IntoParams;

use super::auth::{ApiManaged, EventRefusals};
use crate::domain::Lang;
use crate::error::AppError;
use crate::export::{Delimiter, Download, Format};
use crate::operations::queries;
use crate::state::AppState;

#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ExportQuery {
    /// Language of headers and labels (`fr` when absent).
    #[param(value_type = Option<Lang>)]
    lang: Option<String>,
    /// CSV only: `comma` (default) or `semicolon` (French Excel).
    delimiter: Option<String>,
}

impl ExportQuery {
    pub fn lang(&self) -> Lang {
        self.lang.as_deref().and_then(Lang::from_code).unwrap_or(Lang::Fr)
    }

    pub fn delimiter(&self) -> Delimiter {
        match self.delimiter.as_deref() {
            Some("semicolon" | ";") => Delimiter::Semicolon,
            _ => Delimiter::Comma,
        }
    }
}

fn options(query: Result<Query<ExportQuery>, QueryRejection>) -> ExportQuery {
    // Unknown options fall back to the defaults.
    query.map(|Query(q)| q).unwrap_or_default()
}

/// Every registration as CSV (UTF-8 with BOM); formulas are defused.
#[utoipa::path(
    get,
    path = "/api/v1/events/{id}/attendees.csv",
    params(("id" = String, Path, description = "Event id (uuid) or slug"), ExportQuery),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "CSV file", content_type = "text/csv"),
        EventRefusals,
    )
)]
pub async fn csv(
    State(state): State<AppState>,
    ApiManaged(managed): ApiManaged,
    query: Result<Query<ExportQuery>, QueryRejection>,
) -> Result<Download, AppError> {
    let query = options(query);
    queries::export(&state, &managed, Format::Csv(query.delimiter()), query.lang()).await
}

/// Every registration as an Excel workbook, with real dates.
#[utoipa::path(
    get,
    path = "/api/v1/events/{id}/attendees.xlsx",
    params(("id" = String, Path, description = "Event id (uuid) or slug"), ExportQuery),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "XLSX file", content_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
        EventRefusals,
    )
)]
pub async fn xlsx(
    State(state): State<AppState>,
    ApiManaged(managed): ApiManaged,
    query: Result<Query<ExportQuery>, QueryRejection>,
) -> Result<Download, AppError> {
    queries::export(&state, &managed, Format::Xlsx, options(query).lang()).await
}

/// The attendance sheet to sign (feuille d'émargement), A4 PDF.
#[utoipa::path(
    get,
    path = "/api/v1/events/{id}/attendance-sheet.pdf",
    params(("id" = String, Path, description = "Event id (uuid) or slug"), ExportQuery),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "PDF file", content_type = "application/pdf"),
        EventRefusals,
    )
)]
pub async fn attendance_sheet(
    State(state): State<AppState>,
    ApiManaged(managed): ApiManaged,
    query: Result<Query<ExportQuery>, QueryRejection>,
) -> Result<Download, AppError> {
    queries::export(&state, &managed, Format::AttendanceSheet, options(query).lang()).await
}
