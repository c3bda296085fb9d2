//! Attendee exports for organizers: CSV, XLSX and the PDF attendance sheet.

use axum::extract::rejection::QueryRejection;
use axum::extract::{Path, Query, State};
use axum::http::header;
use axum::response::{IntoResponse, Response};
use serde::Deserialize;
use utoipa::IntoParams;

use super::auth::ApiOrganizer;
use super::manage::managed_event;
use crate::app::AppState;
use crate::error::{AppError, ErrorBody};
use crate::export::{self, Delimiter};
use crate::i18n::Lang;

#[derive(Debug, Default, Deserialize, IntoParams)]
pub struct ExportQuery {
    /// `fr` (default) or `en`: language of headers and labels.
    lang: Option<String>,
    /// CSV only: `comma` (default) or `semicolon` (French Excel).
    delimiter: Option<String>,
}

impl ExportQuery {
    fn lang(&self) -> Lang {
        self.lang.as_deref().and_then(Lang::from_code).unwrap_or(Lang::Fr)
    }
}

fn download(content_type: &'static str, file_name: String, body: Vec<u8>) -> Response {
    let disposition = format!("attachment; filename=\"{file_name}\"");
    ([(header::CONTENT_TYPE, content_type.to_owned()), (header::CONTENT_DISPOSITION, disposition)], body)
        .into_response()
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
) -> Result<Response, AppError> {
    // Unknown options fall back to the defaults.
    let query = query.map(|Query(q)| q).unwrap_or_default();
    let event = managed_event(&state, &organizer, &key).await?;
    let lines = state.store.event_registrations(event.id).await?;
    let delimiter = match query.delimiter.as_deref() {
        Some("semicolon" | ";") => Delimiter::Semicolon,
        _ => Delimiter::Comma,
    };
    let body = export::to_csv(&lines, query.lang(), delimiter).map_err(|e| AppError::Internal(e.into()))?;
    Ok(download("text/csv; charset=utf-8", export::file_name(&event, "inscrits", "csv"), body))
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
) -> Result<Response, AppError> {
    // Unknown options fall back to the defaults.
    let query = query.map(|Query(q)| q).unwrap_or_default();
    let event = managed_event(&state, &organizer, &key).await?;
    let lines = state.store.event_registrations(event.id).await?;
    let lang = query.lang();
    let file_name = export::file_name(&event, "inscrits", "xlsx");
    let body = tokio::task::spawn_blocking(move || export::to_xlsx(&event, &lines, lang))
        .await
        .map_err(|e| AppError::Internal(e.into()))?
        .map_err(|e| AppError::Internal(e.into()))?;
    Ok(download("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", file_name, body))
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
) -> Result<Response, AppError> {
    // Unknown options fall back to the defaults.
    let query = query.map(|Query(q)| q).unwrap_or_default();
    let event = managed_event(&state, &organizer, &key).await?;
    let lines = state.store.event_registrations(event.id).await?;
    let lang = query.lang();
    let organizer_name = if organizer.name.is_empty() { organizer.email.clone() } else { organizer.name.clone() };
    let file_name = export::file_name(&event, "emargement", "pdf");
    let body = tokio::task::spawn_blocking(move || export::attendance_sheet(&event, &lines, &organizer_name, lang))
        .await
        .map_err(|e| AppError::Internal(e.into()))?
        .map_err(|e| AppError::Internal(e.into()))?;
    Ok(download("application/pdf", file_name, body))
}
