//! The languages people read Atelier in. The words themselves are in
//! `i18n`, which gives each language its `Texts`.

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "lowercase")]
pub enum Lang {
    #[default]
    Fr,
    En,
}

impl Lang {
    pub fn code(self) -> &'static str {
        match self {
            Lang::Fr => "fr",
            Lang::En => "en",
        }
    }

    pub fn from_code(code: &str) -> Option<Self> {
        match code.trim().to_ascii_lowercase().as_str() {
            "fr" => Some(Lang::Fr),
            "en" => Some(Lang::En),
            _ => None,
        }
    }

    /// Picks the preferred language we speak from an Accept-Language header.
    pub fn from_accept_language(header: &str) -> Option<Self> {
        // Browsers send regional tags ("en-US"): match on the primary subtag.
        accept_language::parse(header).iter().find_map(|tag| Lang::from_code(tag.split('-').next().unwrap_or_default()))
    }

    pub fn other(self) -> Self {
        match self {
            Lang::Fr => Lang::En,
            Lang::En => Lang::Fr,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accept_language_picks_a_language_we_speak() {
        assert_eq!(Lang::from_accept_language("en-GB,en;q=0.9,fr;q=0.5"), Some(Lang::En));
        assert_eq!(Lang::from_accept_language("fr-FR,fr;q=0.9"), Some(Lang::Fr));
        assert_eq!(Lang::from_accept_language("en-US"), Some(Lang::En));
        assert_eq!(Lang::from_accept_language("de-DE"), None);
    }
}
