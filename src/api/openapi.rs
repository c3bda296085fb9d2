//! The OpenAPI 3 document, generated from the handlers' annotations.

use utoipa::OpenApi;

use super::Json;

#[derive(OpenApi)]
#[openapi(
    info(title = "Atelier", description = "Registrations for round tables and masterclasses"),
    paths(
        super::events::list,
        super::events::one,
        super::manage::create,
        super::manage::update,
        super::manage::cancel,
        super::manage::registrations,
        super::attendance::check_in,
        super::attendance::undo,
        super::attendance::list,
        super::attendance::walk_in,
        super::attendance::signature_code,
        super::attendance::sign,
        super::certificates::sign_as_trainer,
        super::certificates::send,
        super::certificates::certificate,
        super::exports::csv,
        super::exports::xlsx,
        super::exports::attendance_sheet,
        super::registrations::create,
        super::registrations::cancel,
        super::registrations::accept,
        super::registrations::confirm_attendance,
        super::people::data,
        super::people::erase,
        super::people::correct,
        super::people::transfer,
        super::people::links,
        super::people::edit,
        super::accounts::list_tokens,
        super::accounts::create_token,
        super::accounts::revoke_token,
        super::accounts::list_organizers,
        super::accounts::update_organizer,
        super::accounts::reset_link,
        super::accounts::remove_organizer,
        super::webhooks::create,
        super::webhooks::list,
        super::webhooks::one,
        super::webhooks::delete
    ),
    components(schemas(crate::error::ErrorBody)),
    modifiers(&BearerAuth)
)]
struct ApiDoc;

/// Declares the `bearer` scheme the organizer endpoints use.
struct BearerAuth;

impl utoipa::Modify for BearerAuth {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme};
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "bearer",
            SecurityScheme::Http(HttpBuilder::new().scheme(HttpAuthScheme::Bearer).build()),
        );
    }
}

pub async fn document() -> Json<utoipa::openapi::OpenApi> {
    Json(ApiDoc::openapi())
}
