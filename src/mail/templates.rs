//! The message templates in emails/, compiled into the binary and rendered
//! with MiniJinja. Undefined placeholders are errors (strict mode), and
//! every template is rendered once with sample values at start-up, so a typo
//! stops the service from starting instead of sending a blank.

use minijinja::{Environment, UndefinedBehavior};
use serde::Serialize;

use crate::domain::Lang;
use crate::domain::{Announcement, MessageKind};

/// Each message kind has a subject, a text and an HTML template per language.
macro_rules! message_files {
    ($($kind:literal),* $(,)?) => {
        &[$(
            message_files!(@one "fr", $kind, "subject.txt"),
            message_files!(@one "fr", $kind, "txt"),
            message_files!(@one "fr", $kind, "html"),
            message_files!(@one "en", $kind, "subject.txt"),
            message_files!(@one "en", $kind, "txt"),
            message_files!(@one "en", $kind, "html"),
        )*]
    };
    (@one $lang:literal, $kind:literal, $part:literal) => {
        (
            concat!($lang, "/", $kind, ".", $part),
            include_str!(concat!("../../emails/", $lang, "/", $kind, ".", $part)),
        )
    };
}

/// Pieces the messages include or extend.
const SHARED_FILES: &[(&str, &str)] = &[
    ("layout.html", include_str!("../../emails/layout.html")),
    ("fr/details.html", include_str!("../../emails/fr/details.html")),
    ("fr/details.txt", include_str!("../../emails/fr/details.txt")),
    ("en/details.html", include_str!("../../emails/en/details.html")),
    ("en/details.txt", include_str!("../../emails/en/details.txt")),
];

/// One entry per `MessageKind`; `load` checks that none is missing.
const MESSAGE_FILES: &[(&str, &str)] = message_files![
    "confirmed",
    "waitlisted",
    "promoted",
    "cancelled",
    "event_cancelled",
    "removed",
    "announcement",
    "organizer_cancellation",
    "organizer_full",
    "reminder",
    "offered",
    "offer_expired",
    "event_changed",
    "certificate",
    "transferred",
    "link"
];

/// What templates can use; see emails/README.md.
#[derive(Debug, Clone, Serialize)]
pub struct MailContext {
    pub lang: &'static str,
    pub name: String,
    pub event: EventContext,
    pub cancel_url: String,
    pub waitlist_position: Option<i64>,
    /// Code to give at the door (confirmed seats).
    pub check_in_code: String,
    /// The event in the back-office (organizer messages).
    pub admin_url: String,
    /// An organizer's message (announcement), or their note to the people
    /// an event's cancellation or a removal concerns (body only); empty
    /// otherwise.
    pub announcement: Announcement,
    /// Pages with one button: "I will come", "free my seat", "accept the
    /// seat" (links never change anything by themselves).
    pub attendance_url: String,
    pub release_url: String,
    pub accept_url: String,
    /// Until when an offered seat is held, in words; empty otherwise.
    pub offer_deadline: String,
    /// What changed (change notices only).
    pub changes: Vec<ChangeContext>,
    /// A calendar file is attached.
    pub has_calendar: bool,
    /// The check-in QR code is attached, as `cid:check-in-qr`.
    pub has_qr: bool,
    /// The person's certificate of attendance, and the page that verifies
    /// it (certificates only; empty otherwise).
    pub certificate_url: String,
    pub verify_url: String,
    /// The privacy notice, linked from every message.
    pub privacy_url: String,
}

/// One change in a change notice, in the message's language.
#[derive(Debug, Clone, Serialize)]
pub struct ChangeContext {
    pub label: String,
    pub before: String,
    pub after: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct EventContext {
    pub title: String,
    pub kind: String,
    pub when: String,
    pub location: String,
    pub address: Option<String>,
    pub host: String,
    pub what_to_bring: Option<String>,
    pub url: String,
}

/// A message ready to send.
#[derive(Debug, Clone, PartialEq)]
pub struct Rendered {
    pub subject: String,
    pub text: String,
    pub html: String,
}

pub struct Templates {
    env: Environment<'static>,
}

impl Templates {
    /// Loads every template and renders each once with sample values.
    pub fn load() -> Result<Self, minijinja::Error> {
        let mut env = Environment::new();
        env.set_undefined_behavior(UndefinedBehavior::Strict);
        // Keep the final newline of text parts; HTML escaping is chosen by
        // file extension (.html escapes, .txt does not).
        env.set_keep_trailing_newline(true);
        for (name, source) in SHARED_FILES.iter().chain(MESSAGE_FILES) {
            env.add_template(name, source)?;
        }
        let templates = Self { env };
        // With every optional value set, then with none: both branches of
        // each `{% if %}` are checked.
        for lang in [Lang::Fr, Lang::En] {
            let mut bare = sample(lang);
            bare.event.address = None;
            bare.event.what_to_bring = None;
            bare.waitlist_position = None;
            bare.has_calendar = false;
            bare.has_qr = false;
            bare.changes.clear();
            for kind in MessageKind::ALL {
                templates.render(kind, lang, &sample(lang))?;
                templates.render(kind, lang, &bare)?;
            }
        }
        Ok(templates)
    }

    pub fn render(&self, kind: MessageKind, lang: Lang, context: &MailContext) -> Result<Rendered, minijinja::Error> {
        let name = |part: &str| format!("{}/{}.{part}", lang.code(), kind.code());
        let render = |part: &str| self.env.get_template(&name(part))?.render(context);
        Ok(Rendered { subject: one_line(&render("subject.txt")?), text: render("txt")?, html: render("html")? })
    }
}

/// A subject is one line: newlines or control characters from user text
/// could otherwise start a new header.
fn one_line(text: &str) -> String {
    text.split(|c: char| c.is_control() || c.is_whitespace()).filter(|w| !w.is_empty()).collect::<Vec<_>>().join(" ")
}

fn sample(lang: Lang) -> MailContext {
    MailContext {
        lang: lang.code(),
        name: "Camille".into(),
        event: EventContext {
            title: "Masterclass".into(),
            kind: "masterclass".into(),
            when: "lundi 1 mars 2027, 9 h 00 – 17 h 00".into(),
            location: "Naobios".into(),
            address: Some("Saint-Herblain".into()),
            host: "Naobios".into(),
            what_to_bring: Some("Une pièce d'identité".into()),
            url: "http://127.0.0.1:8080/events/masterclass".into(),
        },
        cancel_url: "http://127.0.0.1:8080/r/token".into(),
        waitlist_position: Some(3),
        check_in_code: "K7QM-R2XD".into(),
        admin_url: "http://127.0.0.1:8080/admin/events/1".into(),
        announcement: Announcement { subject: "Accès".into(), body: "Rendez-vous à l'accueil.".into() },
        attendance_url: "http://127.0.0.1:8080/r/token/attendance".into(),
        release_url: "http://127.0.0.1:8080/r/token/release".into(),
        accept_url: "http://127.0.0.1:8080/r/token/accept".into(),
        offer_deadline: "mardi 2 mars 2027, 9 h 00".into(),
        changes: vec![ChangeContext { label: "Lieu".into(), before: "Naobios".into(), after: "Oniris".into() }],
        has_calendar: true,
        has_qr: true,
        certificate_url: "http://127.0.0.1:8080/r/token/certificate.pdf".into(),
        verify_url: "http://127.0.0.1:8080/verify/0123456789abcdef01234567".into(),
        privacy_url: "http://127.0.0.1:8080/privacy".into(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_template_renders() {
        let templates = Templates::load().expect("templates load");
        let rendered = templates.render(MessageKind::Waitlisted, Lang::Fr, &sample(Lang::Fr)).expect("renders");
        assert!(rendered.subject.contains("position 3"));
        assert!(rendered.text.contains("en position 3"));
        assert!(rendered.html.contains("en position 3"));
    }

    #[test]
    fn user_text_is_escaped_in_html_only_and_cannot_break_the_subject() {
        let templates = Templates::load().expect("templates load");
        let mut context = sample(Lang::En);
        context.name = "<b>Léa</b>".into();
        context.event.title = "Title\r\nBcc: victim@example.org".into();
        let rendered = templates.render(MessageKind::Confirmed, Lang::En, &context).expect("renders");
        assert!(rendered.html.contains("&lt;b&gt;Léa") && !rendered.html.contains("<b>Léa"));
        assert!(rendered.text.contains("Hello <b>Léa</b>,"));
        assert!(!rendered.subject.contains('\n') && !rendered.subject.contains('\r'));
    }

    #[test]
    fn every_message_links_to_the_privacy_notice_in_both_parts() {
        let templates = Templates::load().expect("templates load");
        for lang in [Lang::Fr, Lang::En] {
            let context = sample(lang);
            let wording = match lang {
                Lang::Fr => "Vos données personnelles",
                Lang::En => "Your personal data",
            };
            for kind in MessageKind::ALL {
                let rendered = templates.render(kind, lang, &context).expect("renders");
                let last = rendered.text.trim_end().lines().last().unwrap_or_default();
                assert!(last.starts_with(wording) && last.ends_with(&context.privacy_url), "{kind:?} {lang:?}: {last}");
                // MiniJinja escapes "/" in HTML, which readers decode.
                let html = rendered.html.replace("&#x2f;", "/");
                assert!(html.contains(&format!(r#"<a href="{}""#, context.privacy_url)), "{kind:?} {lang:?}");
                assert!(html.contains(wording), "{kind:?} {lang:?}");
            }
        }
    }

    #[test]
    fn a_given_seat_and_a_lost_link_say_what_happened() {
        let templates = Templates::load().expect("templates load");
        let given = templates.render(MessageKind::Transferred, Lang::Fr, &sample(Lang::Fr)).expect("renders");
        assert!(given.text.contains("Vous avez transmis votre place pour la masterclass « Masterclass »"));
        assert!(given.text.contains("Votre inscription est annulée."));
        let link = templates.render(MessageKind::Link, Lang::En, &sample(Lang::En)).expect("renders");
        assert!(link.text.contains("http://127.0.0.1:8080/r/token"));
        assert!(link.text.contains("If you did not ask for anything, ignore this message."));
        let link = templates.render(MessageKind::Link, Lang::Fr, &sample(Lang::Fr)).expect("renders");
        assert!(link.html.contains("Si vous n'avez rien demandé, ignorez ce message."));
    }

    #[test]
    fn an_unknown_placeholder_is_an_error() {
        let mut env = Environment::new();
        env.set_undefined_behavior(UndefinedBehavior::Strict);
        env.add_template("t.txt", "Hello {{ nmae }}").expect("parses");
        let result = env.get_template("t.txt").expect("exists").render(sample(Lang::Fr));
        assert!(result.is_err());
    }
}
