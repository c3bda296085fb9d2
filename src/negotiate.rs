//! Which language a request is answered in: an explicit `?lang=` first, then
//! the `lang` cookie set by the language switch, then Accept-Language, then
//! the default (French for pages, English for the API).

use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use axum::http::{HeaderMap, Uri, header};
use axum_extra::extract::CookieJar;

use crate::domain::Lang;

pub const LANG_COOKIE: &str = "lang";

pub fn negotiate(uri: &Uri, headers: &HeaderMap) -> Lang {
    let default = if uri.path().starts_with("/api") { Lang::En } else { Lang::Fr };
    query_lang(uri)
        .or_else(|| CookieJar::from_headers(headers).get(LANG_COOKIE).and_then(|c| Lang::from_code(c.value())))
        .or_else(|| {
            headers.get(header::ACCEPT_LANGUAGE).and_then(|v| v.to_str().ok()).and_then(Lang::from_accept_language)
        })
        .unwrap_or(default)
}

/// The language asked for in the query string (`?lang=en`), if any.
pub fn query_lang(uri: &Uri) -> Option<Lang> {
    uri.query()?.split('&').find_map(|pair| pair.strip_prefix("lang=")).and_then(Lang::from_code)
}

impl<S: Send + Sync> FromRequestParts<S> for Lang {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        Ok(negotiate(&parts.uri, &parts.headers))
    }
}
