//! Outgoing mail: the worker that drains the outbox, and how a message is
//! written (templates, calendar file) and sent (SMTP or files).
//!
//! Messages are queued in the database by the transaction that changes a
//! registration; the worker claims due ones, sends them, and records the
//! result. A message is marked sent only after the server accepted it, so a
//! crash at worst sends it again after restart, with the same Message-ID.

mod context;
pub mod templates;
mod transport;

use std::sync::Arc;
use std::time::Duration;

use futures::StreamExt;
use lettre::Message;
use lettre::message::header::ContentType;
use lettre::message::{Attachment, Mailbox, MultiPart, SinglePart};
use tokio::sync::{Notify, watch};
use tokio::task::JoinHandle;

use crate::clock::Clock;
use crate::config::{Config, MAX_LEASE_SECS};
use crate::domain::{CalendarMethod, Delivery, EventChanges, MessageKind, PendingMessage, RegistrationStatus};
use crate::operations;
use crate::store::Store;
use crate::token::TokenKey;
pub use context::subject_of;
use context::{Worded, base_context};
pub use templates::Templates;
use templates::{ChangeContext, MailContext};
pub use transport::{SendError, Transport};

/// Messages claimed at once, and sent concurrently, so that a slow server
/// does not hold up the queue.
const CLAIM: i64 = 32;
const IN_FLIGHT: usize = 8;
const MAX_BACKOFF: Duration = Duration::from_secs(60 * 60);

pub struct Mailer {
    store: Arc<dyn Store>,
    clock: Clock,
    transport: Transport,
    templates: Arc<Templates>,
    keys: Arc<TokenKey>,
    public_url: Arc<str>,
    from: Mailbox,
    /// Domain of MAIL_FROM, for Message-IDs.
    domain: String,
    retry_base: Duration,
    max_attempts: i64,
    poll: Duration,
    /// A claimed message is another worker's to retry after this long (its
    /// worker died mid-send).
    lease: chrono::Duration,
}

impl Mailer {
    pub fn new(
        config: &Config,
        store: Arc<dyn Store>,
        keys: Arc<TokenKey>,
        public_url: Arc<str>,
        clock: Clock,
        templates: Arc<Templates>,
    ) -> anyhow::Result<Self> {
        let from: Mailbox =
            config.mail_from.parse().map_err(|e| anyhow::anyhow!("invalid MAIL_FROM {:?}: {e}", config.mail_from))?;
        let transport = match &config.smtp_url {
            Some(url) => Transport::smtp(url)?,
            None => Transport::files(config.mail_dir.clone())?,
        };
        Ok(Self {
            domain: from.email.domain().to_owned(),
            from,
            store,
            clock,
            transport,
            templates,
            keys,
            public_url,
            retry_base: Duration::from_millis(config.mail_retry_base_ms.max(1)),
            max_attempts: i64::from(config.mail_max_attempts.max(1)),
            poll: Duration::from_millis(config.mail_poll_ms.max(10)),
            lease: chrono::Duration::seconds(
                i64::try_from(config.mail_lease_secs).unwrap_or(MAX_LEASE_SECS).clamp(1, MAX_LEASE_SECS),
            ),
        })
    }

    /// Starts the worker; `wake` makes it look at the queue at once.
    pub fn start(self, wake: Arc<Notify>) -> MailWorker {
        let (stop, stopped) = watch::channel(false);
        let task = tokio::spawn(self.run(wake, stopped));
        MailWorker { stop, task }
    }

    async fn run(self, wake: Arc<Notify>, mut stopped: watch::Receiver<bool>) {
        let this = &self;
        while !*stopped.borrow() {
            let now = self.clock.now();
            let lease_until = now + self.lease;
            match self.store.claim_messages(now, lease_until, CLAIM).await {
                Ok(messages) if !messages.is_empty() => {
                    // One claim, one lease: every message carries the same.
                    let lease = messages.first().map_or(lease_until, |message| message.lease);
                    // Sends in progress finish; once stopping, the rest of
                    // the claim is handed back untouched. Results are
                    // recorded as they come, so a crash resends little; on
                    // SQLite the records ride in the sign-up batches' commits.
                    let stopping = &stopped;
                    let mut results = futures::stream::iter(messages)
                        .map(|message| async move {
                            if *stopping.borrow() {
                                (message.id, Delivery::NotAttempted)
                            } else {
                                (message.id, this.deliver(&message).await)
                            }
                        })
                        .buffer_unordered(IN_FLIGHT)
                        .ready_chunks(IN_FLIGHT);
                    while let Some(deliveries) = results.next().await {
                        if let Err(error) = self.store.record_deliveries(deliveries, lease, self.clock.now()).await {
                            tracing::error!(%error, "could not record deliveries; they will be retried after the lease");
                        }
                    }
                    continue;
                }
                Ok(_) => {}
                Err(error) => tracing::error!(%error, "could not claim messages"),
            }
            tokio::select! {
                () = wake.notified() => {}
                () = tokio::time::sleep(self.poll) => {}
                _ = stopped.changed() => {}
            }
        }
    }

    async fn deliver(&self, message: &PendingMessage) -> Delivery {
        let certificate = match message.kind {
            MessageKind::Certificate => match self.certificate(message).await {
                Ok(certificate) => Some(certificate),
                Err(delivery) => return delivery,
            },
            _ => None,
        };
        let email = match self.compose(message, certificate) {
            Ok(email) => email,
            Err(error) => {
                tracing::error!(message = %message.id, %error, "cannot write message");
                return Delivery::Failed { error };
            }
        };
        let delivery = match self.transport.send(message.id, email).await {
            Ok(()) => Delivery::Sent,
            Err(SendError::Permanent(error)) => Delivery::Failed { error },
            Err(SendError::Transient(error)) if message.attempts >= self.max_attempts => {
                Delivery::Failed { error: format!("gave up after {} attempts: {error}", message.attempts) }
            }
            Err(SendError::Transient(error)) => {
                Delivery::Retry { at: self.clock.now() + self.backoff(message.attempts), error }
            }
        };
        match &delivery {
            Delivery::Sent => tracing::info!(message = %message.id, kind = message.kind.code(), "message sent"),
            Delivery::Retry { at, error } => {
                tracing::warn!(message = %message.id, attempts = message.attempts, %at, %error, "send failed, will retry")
            }
            Delivery::Failed { error } => {
                tracing::error!(message = %message.id, attempts = message.attempts, %error, "message failed")
            }
            Delivery::NotAttempted => {}
        }
        delivery
    }

    /// The certificate a message carries, written now: a database that
    /// cannot be read is tried again later; a person with no attended slot
    /// left (a check-in undone since) gets none.
    async fn certificate(&self, message: &PendingMessage) -> Result<Attached, Delivery> {
        let retry = |error: String| Delivery::Retry { at: self.clock.now() + self.backoff(message.attempts), error };
        let found = self.store.certificate(message.registration.id).await.map_err(|e| retry(e.to_string()))?;
        let Some(certificate) = found else {
            return Err(Delivery::Failed { error: "no attended slot: no certificate to send".into() });
        };
        let now = self.clock.now();
        let pdf = operations::certificates::pdf(self.store.as_ref(), &self.public_url, &certificate, now)
            .await
            .map_err(|e| retry(format!("{e:#}")))?;
        Ok(Attached { pdf, verify_url: operations::certificates::verify_url(&self.public_url, &certificate.id) })
    }

    fn backoff(&self, attempts: i64) -> chrono::Duration {
        crate::domain::backoff(self.retry_base, MAX_BACKOFF, attempts)
    }

    /// Writes the message: both parts in the person's language, the
    /// calendar file for a seat, a Message-ID derived from the outbox id so
    /// that retries carry the same one.
    fn compose(&self, message: &PendingMessage, certificate: Option<Attached>) -> Result<Message, String> {
        let (event, registration) = (&message.event, &message.registration);
        let event_url = format!("{}/events/{}", self.public_url, event.slug);
        let seated = registration.status == RegistrationStatus::Confirmed;
        let calendar = message.kind.calendar(seated);
        // The check-in link as a QR code, for the organizer's phone at the
        // door: in what a seat holder shows there.
        let qr = match message.kind {
            MessageKind::Confirmed | MessageKind::Promoted | MessageKind::Reminder if seated => {
                let code = self.keys.check_in_code(registration.id);
                crate::qr::png(&check_in_url(&self.public_url, event.id, &code), 6)
            }
            _ => None,
        };
        let mut context = self.context(message, &event_url, calendar.is_some());
        context.has_qr = qr.is_some();
        if let Some(attached) = &certificate {
            context.certificate_url = format!("{}/certificate.pdf", context.cancel_url);
            context.verify_url = attached.verify_url.clone();
        }
        let rendered = self.templates.render(message.kind, message.language, &context).map_err(|e| format!("{e:#}"))?;
        // The person's name goes with their own address only (organizer
        // notifications are about someone, sent to someone else).
        let display = (message.recipient == registration.email).then(|| registration.name.clone());
        let to =
            Mailbox::new(display, message.recipient.parse().map_err(|e| format!("invalid recipient address: {e}"))?);
        let body = match qr {
            Some(png) => {
                let png_type = ContentType::parse("image/png").map_err(|e| format!("image content type: {e}"))?;
                let html = MultiPart::related()
                    .singlepart(SinglePart::html(rendered.html))
                    .singlepart(Attachment::new_inline("check-in-qr".into()).body(png, png_type));
                MultiPart::alternative().singlepart(SinglePart::plain(rendered.text)).multipart(html)
            }
            None => MultiPart::alternative_plain_html(rendered.text, rendered.html),
        };
        let body = match certificate {
            Some(attached) => {
                let pdf_type = ContentType::parse("application/pdf").map_err(|e| format!("pdf content type: {e}"))?;
                MultiPart::mixed()
                    .multipart(body)
                    .singlepart(Attachment::new("attestation.pdf".into()).body(attached.pdf, pdf_type))
            }
            None => body,
        };
        let body = match calendar {
            Some(method) => {
                let organizer = self.from.email.to_string();
                let ics =
                    crate::calendar::invitation(event, registration, &event_url, &organizer, method, self.clock.now());
                let (name, method_name) = match method {
                    CalendarMethod::Request => ("invitation.ics", "REQUEST"),
                    CalendarMethod::Cancel => ("cancellation.ics", "CANCEL"),
                };
                let content_type = ContentType::parse(&format!("text/calendar; charset=utf-8; method={method_name}"))
                    .map_err(|e| format!("calendar content type: {e}"))?;
                MultiPart::mixed().multipart(body).singlepart(Attachment::new(name.into()).body(ics, content_type))
            }
            None => body,
        };
        let mut builder = Message::builder()
            .message_id(Some(format!("<{}@{}>", message.id, self.domain)))
            .from(self.from.clone())
            .to(to)
            .subject(rendered.subject);
        // An organizer's address that no longer parses sends no Reply-To
        // rather than no email.
        if let Some(contact) = message.reply_to.as_deref().and_then(|address| address.parse::<Mailbox>().ok()) {
            builder = builder.reply_to(contact);
        }
        builder.multipart(body).map_err(|e| format!("cannot build message: {e}"))
    }

    /// What the templates can use for `message`.
    fn context(&self, message: &PendingMessage, event_url: &str, has_calendar: bool) -> MailContext {
        let registration = &message.registration;
        let token = self.keys.cancel_token(registration.id, &message.token_salt);
        let page = format!("{}/r/{}", self.public_url, token.as_str());
        let worded = Worded {
            kind: message.kind,
            waitlist_position: message.waitlist_position,
            announcement: message.announcement.as_ref(),
            details: message.details.as_deref(),
        };
        MailContext {
            attendance_url: format!("{page}/attendance"),
            release_url: format!("{page}/release"),
            accept_url: format!("{page}/accept"),
            cancel_url: page,
            check_in_code: self.keys.check_in_code(registration.id),
            admin_url: format!("{}/admin/events/{}", self.public_url, message.event.id),
            has_calendar,
            ..base_context(&self.public_url, message.language, &message.event, registration, &worded, event_url)
        }
    }
}

/// A certificate attached to its message.
struct Attached {
    pdf: Vec<u8>,
    verify_url: String,
}

/// The check-in page that a scanned QR code opens, on the organizer's
/// phone: the person's code filled in, one tap to confirm.
pub fn check_in_url(public_url: &str, event: uuid::Uuid, code: &str) -> String {
    format!("{public_url}/admin/events/{event}/check-in?code={code}")
}

/// A change notice's changes, worded: times in Paris time, a dash for
/// nothing.
fn changes(details: Option<&str>, t: &crate::i18n::Texts) -> Vec<ChangeContext> {
    let Some(changes) = details.and_then(|details| serde_json::from_str::<EventChanges>(details).ok()) else {
        return Vec::new();
    };
    let word = |value: &Option<String>| {
        let text = value.as_deref().unwrap_or_default();
        if let Ok(at) = chrono::DateTime::parse_from_rfc3339(text) {
            return t.date_time(at.with_timezone(&chrono::Utc));
        }
        if let Ok(sessions) = serde_json::from_str::<Vec<crate::domain::Session>>(text) {
            return t.sessions(&sessions);
        }
        value.clone().unwrap_or_else(|| "—".into())
    };
    changes
        .changes
        .iter()
        .map(|change| ChangeContext {
            label: t.admin().field_label(&change.field).to_owned(),
            before: word(&change.before),
            after: word(&change.after),
        })
        .collect()
}

/// The running worker.
pub struct MailWorker {
    stop: watch::Sender<bool>,
    task: JoinHandle<()>,
}

impl MailWorker {
    /// Lets sends in progress finish and their results be recorded, then
    /// stops. Messages not yet claimed stay queued for the next start.
    pub async fn shutdown(self) {
        let _ = self.stop.send(true);
        if let Err(error) = self.task.await {
            tracing::error!(%error, "mail worker ended abnormally");
        }
    }
}
