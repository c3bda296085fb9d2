//! What every message's template is given, links to the person's page
//! aside: shared by the mail worker and by a person's data export, which
//! shows each email's subject as they read it.

use super::changes;
use super::templates::{EventContext, MailContext, Templates};
use crate::domain::{Announcement, MessageKind};

/// What a message is worded from, besides its event and person.
pub(super) struct Worded<'a> {
    pub(super) kind: MessageKind,
    pub(super) waitlist_position: Option<i64>,
    pub(super) announcement: Option<&'a Announcement>,
    pub(super) details: Option<&'a str>,
}

/// The context every message shares, links to the person's page left out.
pub(super) fn base_context(
    public_url: &str,
    lang: crate::domain::Lang,
    event: &crate::domain::Event,
    registration: &crate::domain::Registration,
    worded: &Worded<'_>,
    event_url: &str,
) -> MailContext {
    let t = lang.texts();
    MailContext {
        lang: lang.code(),
        name: registration.name.clone(),
        event: EventContext {
            title: event.title.clone(),
            kind: t.kind(event.kind).to_lowercase(),
            when: t.sessions(&event.sessions),
            location: event.location.clone(),
            address: event.address.clone(),
            host: event.host.clone(),
            what_to_bring: event.what_to_bring.clone(),
            url: event_url.to_owned(),
        },
        attendance_url: String::new(),
        release_url: String::new(),
        accept_url: String::new(),
        cancel_url: String::new(),
        waitlist_position: worded.waitlist_position,
        check_in_code: String::new(),
        admin_url: String::new(),
        announcement: worded
            .announcement
            .cloned()
            .unwrap_or_else(|| Announcement { subject: String::new(), body: String::new() }),
        offer_deadline: registration.offer_expires_at.map(|at| t.date_time(at)).unwrap_or_default(),
        changes: changes(worded.details, t),
        has_calendar: false,
        has_qr: false,
        certificate_url: String::new(),
        verify_url: String::new(),
        privacy_url: format!("{public_url}/privacy"),
    }
}

/// The subject of an email a person was sent, as they read it (for their
/// data export); empty if its template cannot render.
pub fn subject_of(
    templates: &Templates,
    public_url: &str,
    data: &crate::domain::PersonalData,
    email: &crate::domain::SentEmail,
) -> String {
    let worded = Worded {
        kind: email.kind,
        waitlist_position: email.waitlist_position,
        announcement: email.announcement.as_ref(),
        details: email.details.as_deref(),
    };
    let lang = data.registration.language;
    let event_url = format!("{public_url}/events/{}", data.event.slug);
    let context = base_context(public_url, lang, &data.event, &data.registration, &worded, &event_url);
    templates.render(worded.kind, lang, &context).map(|r| r.subject).unwrap_or_default()
}
