//! The page frame shared by every public page, and small components.

use maud::{DOCTYPE, Markup, html};

use chrono::{DateTime, Utc};

use crate::domain::{Event, Refusal};
use crate::i18n::{Lang, Texts};

/// Full page: head, header with the language switch, main content, footer.
/// `path` is the current path, for the switch to link back to it.
pub fn base(lang: Lang, path: &str, title: &str, content: Markup) -> Markup {
    frame(lang, path, title, None, content)
}

/// A page people share (an event's): `base`, with the preview that chat
/// and social apps show for its link (OpenGraph), `summary` under the title.
pub fn shared(lang: Lang, path: &str, title: &str, summary: &str, content: Markup) -> Markup {
    frame(lang, path, title, Some(summary), content)
}

fn frame(lang: Lang, path: &str, title: &str, summary: Option<&str>, content: Markup) -> Markup {
    let t = lang.texts();
    let other = lang.other();
    html! {
        (DOCTYPE)
        html lang=(lang.code()) {
            head {
                meta charset="utf-8";
                meta name="viewport" content="width=device-width, initial-scale=1";
                title { (title) " · " (t.site_name) }
                @if let Some(summary) = summary {
                    meta name="description" content=(summary);
                    meta property="og:type" content="website";
                    meta property="og:site_name" content=(t.site_name);
                    meta property="og:title" content=(title);
                    meta property="og:description" content=(summary);
                }
                link rel="icon" href="/static/favicon.svg" type="image/svg+xml";
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

/// Whether one can sign up now, and the way to: the seats left and a link
/// to the form (`form`), or when sign-ups open, or that they are closed.
/// A seat count means nothing before sign-ups open.
pub fn availability(t: &Texts, event: &Event, now: DateTime<Utc>, form: &str) -> Markup {
    let full = event.seats_left() == 0;
    let action = if full { t.submit_join_waitlist } else { t.submit_sign_up };
    html! {
        @match event.sign_up_state(now) {
            Ok(()) => {
                p.availability {
                    (seats(t, event)) " "
                    // Named with the event: a list of events has one per card.
                    a.button href=(form) aria-label={ (action) " : " (event.title) } { (action) }
                }
                p.hint { ((t.sign_ups_close)(&t.date_time(event.registration_closes_at))) }
            }
            Err(Refusal::NotYetOpen) => {
                p.availability { span.seats { ((t.sign_ups_open)(&t.date_time(event.registration_opens_at))) } }
            }
            Err(refusal) => { p.availability { span.seats.full { (t.refusal(refusal)) } } }
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
                    (t.period(session.starts_at, session.ends_at)) " " span.hint { (t.paris_time) }
                } @else {
                    ul.sessions { @for s in &event.sessions { li { (t.period(s.starts_at, s.ends_at)) } } }
                    span.hint { (t.paris_time) }
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
