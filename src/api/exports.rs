//! Attendee exports for organizers: CSV, XLSX and the PDF attendance sheet.

use axum::extract::rejection::QueryRejection;
use axum::extract::{Path, Query, State};
use serde::Deserialize;
use utoipa::IntoParams;

use super::auth::ApiOrganizer;
use crate::app::AppState;
use crate::domain::Organizer;
use crate::error::{AppError, ErrorBody};
use crate::export::{self, Delimiter, Download, Format};
use crate::i18n::Lang;
use crate::organizing::managed_event;

#[derive(Debug, Default, Deserialize, IntoParams)]
pub struct ExportQuery {
    /// `fr` (default) or `en`: language of headers and labels.
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

/// Checks access, reads the registrations and writes the file; shared with
/// the back-office's download links.
pub async fn export_for(
    state: &AppState,
    organizer: &Organizer,
    key: &str,
    format: Format,
    lang: Lang,
) -> Result<Download, AppError> {
    let event = managed_event(state, organizer, key).await?;
    let lines = state.store.event_registrations(event.id).await?;
    let questions = state.store.event_questions(event.id).await?;
    let name = if organizer.name.is_empty() { organizer.email.clone() } else { organizer.name.clone() };
    export::render(format, event, questions, lines, name, lang).await.map_err(AppError::Internal)
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
        (status = 401, description = "Missing or unknown API token", body = ErrorBody),
        (status = 403, description = "Another organizer's event", body = ErrorBody),
        (status = 404, description = "No such event", body = ErrorBody),
    )
)]
pub async fn csv(
    State(state): State<AppState>,
    ApiOrganizer(organizer): ApiOrganizer,
    Path(key): Path<String>,
    query: Result<Query<ExportQuery>, QueryRejection>,
) -> Result<Download, AppError> {
    let query = options(query);
    export_for(&state, &organizer, &key, Format::Csv(query.delimiter()), query.lang()).await
}

/// Every registration as an Excel workbook, with real dates.
#[utoipa::path(
    get,
    path = "/api/v1/events/{id}/attendees.xlsx",
    params(("id" = String, Path, description = "Event id (uuid) or slug"), ExportQuery),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "XLSX file", content_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
        (status = 401, description = "Missing or unknown API token", body = ErrorBody),
        (status = 403, description = "Another organizer's event", body = ErrorBody),
        (status = 404, description = "No such event", body = ErrorBody),
    )
)]
pub async fn xlsx(
    State(state): State<AppState>,
    ApiOrganizer(organizer): ApiOrganizer,
    Path(key): Path<String>,
    query: Result<Query<ExportQuery>, QueryRejection>,
) -> Result<Download, AppError> {
    export_for(&state, &organizer, &key, Format::Xlsx, options(query).lang()).await
}

/// The attendance sheet to sign (feuille d'émargement), A4 PDF.
#[utoipa::path(
    get,
    path = "/api/v1/events/{id}/attendance-sheet.pdf",
    params(("id" = String, Path, description = "Event id (uuid) or slug"), ExportQuery),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "PDF file", content_type = "application/pdf"),
        (status = 401, description = "Missing or unknown API token", body = ErrorBody),
        (status = 403, description = "Another organizer's event", body = ErrorBody),
        (status = 404, description = "No such event", body = ErrorBody),
    )
)]
pub async fn attendance_sheet(
    State(state): State<AppState>,
    ApiOrganizer(organizer): ApiOrganizer,
    Path(key): Path<String>,
    query: Result<Query<ExportQuery>, QueryRejection>,
) -> Result<Download, AppError> {
    export_for(&state, &organizer, &key, Format::AttendanceSheet, options(query).lang()).await
}
