//! The OpenAPI 3 document, generated from the handlers' annotations.

use utoipa::OpenApi;

use super::Json;

#[derive(OpenApi)]
#[openapi(
    info(title = "Atelier", description = "Registrations for round tables and masterclasses"),
    paths(super::events::list, super::events::one, super::registrations::create, super::registrations::cancel),
    components(schemas(crate::error::ErrorBody))
)]
struct ApiDoc;

pub async fn document() -> Json<utoipa::openapi::OpenApi> {
    Json(ApiDoc::openapi())
}
