//! The page frame shared by every public page, and small components.

use maud::{DOCTYPE, Markup, html};

use crate::domain::Event;
use crate::i18n::{Lang, Texts};

/// Full page: head, header with the language switch, main content, footer.
/// `path` is the current path, for the switch to link back to it.
pub fn base(lang: Lang, path: &str, title: &str, content: Markup) -> Markup {
    let t = lang.texts();
    let other = lang.other();
    html! {
        (DOCTYPE)
        html lang=(lang.code()) {
            head {
                meta charset="utf-8";
                meta name="viewport" content="width=device-width, initial-scale=1";
                title { (title) " · " (t.site_name) }
                link rel="stylesheet" href="/static/style.css";
            }
            body {
                a.skip href="#main" { (t.skip_to_content) }
                header.site {
                    a.brand href="/" { (t.site_name) }
                    span.tagline { (t.tagline) }
                    a.lang href={ (path) "?lang=" (other.code()) } lang=(other.code()) hreflang=(other.code()) {
                        (t.switch_language)
                    }
                }
                main #main { (content) }
                footer.site {
                    p { (t.footer) }
                    p { a href="/privacy" { (lang.privacy().footer_link) } }
                }
            }
        }
    }
}

/// "12 places restantes" or "Complet — liste d'attente ouverte".
pub fn seats(t: &Texts, event: &Event) -> Markup {
    let left = event.seats_left();
    html! {
        @if left > 0 {
            span.seats.open { ((t.seats_left)(left)) }
        } @else {
            span.seats.full { (t.full_waitlist_open) }
        }
    }
}

/// Key facts of an event as a description list.
pub fn event_facts(t: &Texts, event: &Event) -> Markup {
    html! {
        dl.facts {
            dt { (t.when) }
            dd {
                @if let [session] = &event.sessions[..] {
                    (t.period(session.starts_at, session.ends_at))
                } @else {
                    ul.sessions { @for s in &event.sessions { li { (t.period(s.starts_at, s.ends_at)) } } }
                }
            }
            dt { (t.place) }
            dd {
                (event.location)
                @if let Some(address) = &event.address { br; span.address { (address) } }
            }
            dt { (t.host) } dd { (event.host) }
            dt { (t.audience) }
            dd { (event.levels.iter().map(|l| t.level(*l)).collect::<Vec<_>>().join(", ")) }
        }
    }
}

/// Plain text with blank lines as paragraph breaks, escaped.
pub fn paragraphs(text: &str) -> Markup {
    html! {
        @for paragraph in text.split("\n\n").map(str::trim).filter(|p| !p.is_empty()) {
            p {
                @for (i, line) in paragraph.lines().enumerate() {
                    @if i > 0 { br; }
                    (line)
                }
            }
        }
    }
}
