//! Emails through a real SMTP server in the test process.

mod common;

use std::time::Duration;

use common::smtp::SmtpSink;
use common::{Mail, masterclass, outbox, parse_mail, person, settled_outbox, spawn_with};
use icalendar::{Component, DatePerhapsTime};
use serde_json::json;

on_both_backends! {
    #[tokio::test] a_worker_whose_lease_ran_out_cannot_overwrite_the_next_claim,
    #[tokio::test] a_confirmation_carries_both_parts_the_cancel_link_and_a_calendar_file,
    #[tokio::test] waiting_list_and_promotion_messages,
    #[tokio::test(flavor = "multi_thread", worker_threads = 4)] nothing_is_lost_or_duplicated_while_smtp_is_down,
    #[tokio::test] a_refused_recipient_is_marked_failed_and_does_not_block_others,
    #[tokio::test] queued_messages_survive_a_restart,
    #[tokio::test] without_smtp_messages_are_written_as_files,
    #[tokio::test] shutdown_waits_for_a_send_in_progress,
    #[tokio::test] messages_to_one_person_arrive_in_order_after_an_outage,
    #[tokio::test(flavor = "multi_thread", worker_threads = 4)] in_a_rush_each_email_says_what_the_answer_said,
}

const WAIT: Duration = Duration::from_secs(15);

fn mails(sink: &SmtpSink) -> Vec<Mail> {
    sink.received().iter().map(|r| parse_mail(&r.data)).collect()
}

fn utc(value: Option<DatePerhapsTime>) -> chrono::DateTime<chrono::Utc> {
    match value {
        Some(DatePerhapsTime::DateTime(icalendar::CalendarDateTime::Utc(at))) => at,
        other => panic!("expected a date-time, got {other:?}"),
    }
}

async fn a_confirmation_carries_both_parts_the_cancel_link_and_a_calendar_file() {
    let sink = SmtpSink::start().await;
    let app = spawn_with(|c| {
        c.smtp_url = Some(sink.url());
        c.mail_from = "Atelier Bioproduction <inscriptions@atelier.example.org>".into();
    })
    .await;
    let mut event = masterclass("naobios", 10);
    event.title = "Masterclass Naobios : produire un vaccin".into();
    event.what_to_bring = Some("Une pièce d'identité".into());
    let event = app.create_event(event).await;
    let mut body = person(1);
    body["name"] = json!("Léa <Dupont>");
    let (status, created) = app.sign_up("naobios", body).await;
    assert_eq!(status, 201);

    let received = sink.wait_for(1, WAIT).await;
    assert_eq!(received.len(), 1);
    assert_eq!(received[0].to, ["etudiant1@example.org"]);
    let mail = parse_mail(&received[0].data);
    assert_eq!(mail.to, "etudiant1@example.org");
    assert_eq!(mail.from, "inscriptions@atelier.example.org");
    assert_eq!(mail.reply_to, "", "an event made from the command line has no organizer to reply to");
    assert_eq!(mail.subject, "Inscription confirmée : Masterclass Naobios : produire un vaccin");
    let cancel_url = created["cancel_url"].as_str().expect("url");
    assert!(mail.text.contains(cancel_url), "text part has the cancel link:\n{}", mail.text);
    // MiniJinja escapes "/" as "&#x2f;", which HTML readers decode.
    assert!(mail.html.replace("&#x2f;", "/").contains(&format!(r#"href="{cancel_url}""#)), "HTML part links to it");
    assert!(mail.text.contains("Léa <Dupont>"), "text is not HTML-escaped");
    assert!(mail.html.contains("Léa &lt;Dupont&gt;") && !mail.html.contains("<Dupont>"), "HTML is escaped");
    assert!(mail.text.contains("À apporter : Une pièce d'identité"));
    assert!(mail.message_id.ends_with("@atelier.example.org"), "{}", mail.message_id);

    let ics = mail.calendar.as_deref().expect("an .ics attachment");
    let calendar: icalendar::Calendar = ics.parse().expect("the .ics parses");
    assert_eq!(calendar.property_value("METHOD"), Some("REQUEST"), "later notices update the same entry");
    let entry = calendar.events().next().expect("one event");
    assert_eq!(utc(entry.get_start()), event.starts_at);
    assert_eq!(utc(entry.get_end()), event.ends_at);
    assert_eq!(entry.get_summary(), Some("Masterclass Naobios : produire un vaccin"));
    let uid = entry.get_uid().expect("uid").to_owned();
    assert!(uid.starts_with(created["id"].as_str().expect("id")), "stable UID per registration: {uid}");

    // Following the link from the email shows the registration and cancels it.
    let link = mail.text.lines().find(|l| l.contains("/r/")).expect("link line").trim().to_owned();
    let page = app.client.get(&link).send().await.expect("sent").text().await.expect("page");
    assert!(page.contains("Votre place est confirmée."));
    let (status, _) = app.cancel(&link).await;
    assert_eq!(status, 200);
    let received = sink.wait_for(2, WAIT).await;
    let ack = parse_mail(&received[1].data);
    assert_eq!(ack.subject, "Inscription annulée : Masterclass Naobios : produire un vaccin");
    assert!(ack.calendar.is_none());
}

async fn waiting_list_and_promotion_messages() {
    let sink = SmtpSink::start().await;
    let app = spawn_with(|c| c.smtp_url = Some(sink.url())).await;
    app.create_event(masterclass("efs", 1)).await;
    let (_, first) = app.sign_up("efs", person(1)).await;
    let response = app
        .client
        .post(app.url("/api/v1/events/efs/registrations"))
        .header("accept-language", "en-GB")
        .json(&person(2))
        .send()
        .await
        .expect("sent");
    assert_eq!(response.status(), 201);
    let waiting: serde_json::Value = response.json().await.expect("json");
    assert_eq!(waiting["waitlist_position"], 1);

    let received = mails_after(&sink, 2).await;
    let waitlisted = received.iter().find(|m| m.to == "etudiant2@example.org").expect("waiting-list message");
    assert_eq!(waitlisted.subject, "Waiting list (position 1): Masterclass efs");
    assert!(waitlisted.text.contains("in position 1"));
    assert!(waitlisted.text.contains("What next?"));
    assert!(waitlisted.calendar.is_none(), "no calendar file without a seat");

    app.cancel(first["cancel_url"].as_str().expect("url")).await;
    let received = mails_after(&sink, 4).await;
    let promoted = received.iter().rev().find(|m| m.to == "etudiant2@example.org").expect("promotion");
    assert_eq!(promoted.subject, "A seat freed up for you: Masterclass efs");
    assert!(promoted.text.contains(waiting["cancel_url"].as_str().expect("url")), "same link as before");
    assert!(promoted.calendar.is_some(), "a promotion carries the calendar file");
    let cancelled = received.iter().rev().find(|m| m.to == "etudiant1@example.org").expect("ack");
    assert!(cancelled.subject.starts_with("Inscription annulée"));

    let db = app.open_database().await;
    let rows = settled_outbox(&db).await;
    let kinds: Vec<_> = rows.iter().map(|(kind, _, status)| (kind.as_str(), status.as_str())).collect();
    assert_eq!(kinds, [("confirmed", "sent"), ("waitlisted", "sent"), ("cancelled", "sent"), ("promoted", "sent")]);
}

/// Sign-ups stored together (one SQLite batch) each get their own email,
/// with the seat or the waiting-list position their answer gave.
async fn in_a_rush_each_email_says_what_the_answer_said() {
    let sink = SmtpSink::start().await;
    let app = spawn_with(|c| c.smtp_url = Some(sink.url())).await;
    app.create_event(masterclass("rush-mail", 5)).await;
    let answers = futures::future::join_all((0..60).map(|n| {
        let app = &app;
        async move { (n, app.sign_up("rush-mail", person(n)).await) }
    }))
    .await;

    let received = mails_after(&sink, 60).await;
    assert_eq!(received.len(), 60);
    let mut confirmed = 0;
    for (n, (status, answer)) in &answers {
        assert_eq!(*status, 201, "{answer}");
        let to = format!("etudiant{n}@example.org");
        let mine: Vec<&Mail> = received.iter().filter(|m| m.to == to).collect();
        assert_eq!(mine.len(), 1, "one email for {to}");
        let expected = match answer["status"].as_str() {
            Some("confirmed") => {
                confirmed += 1;
                "Inscription confirmée : Masterclass rush-mail".to_owned()
            }
            _ => {
                let position = answer["waitlist_position"].as_i64().expect("a position");
                format!("Liste d'attente (position {position}) : Masterclass rush-mail")
            }
        };
        assert_eq!(mine[0].subject, expected, "{to}");
    }
    assert_eq!(confirmed, 5);
}

async fn mails_after(sink: &SmtpSink, count: usize) -> Vec<Mail> {
    sink.wait_for(count, WAIT).await;
    let all = mails(sink);
    assert_eq!(all.len(), count);
    all
}

async fn nothing_is_lost_or_duplicated_while_smtp_is_down() {
    let sink = SmtpSink::start().await;
    let app = spawn_with(|c| c.smtp_url = Some(sink.url())).await;
    app.create_event(masterclass("panne", 100)).await;
    sink.stop().await;

    let app_ref = &app;
    let answers =
        futures::future::join_all((0..50).map(|n| async move { app_ref.sign_up("panne", person(n)).await.0 })).await;
    assert!(answers.iter().all(|status| *status == 201), "sign-ups keep working: {answers:?}");

    // Let the worker fail a few times, then bring the server back.
    tokio::time::sleep(Duration::from_millis(1500)).await;
    assert!(sink.received().is_empty());
    let db = app.open_database().await;
    let failed_attempts: i64 =
        sqlx::query_scalar("SELECT COUNT(*) FROM outbox WHERE attempts > 0 AND last_error IS NOT NULL")
            .fetch_one(&db)
            .await
            .expect("count");
    assert!(failed_attempts > 0, "attempts were made and recorded");
    sink.restart().await;

    let received = sink.wait_for(50, Duration::from_secs(30)).await;
    // Give duplicates, if any, time to show up.
    tokio::time::sleep(Duration::from_millis(1500)).await;
    let received_again = sink.received();
    assert_eq!(received.len(), 50);
    assert_eq!(received_again.len(), 50, "exactly fifty, none twice");
    let mut recipients: Vec<_> = received_again.iter().map(|r| r.to.join(",")).collect();
    recipients.sort();
    recipients.dedup();
    assert_eq!(recipients.len(), 50, "one message per person");

    let sent: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM outbox WHERE status = 'sent' AND sent_at IS NOT NULL")
        .fetch_one(&db)
        .await
        .expect("count");
    assert_eq!(sent, 50);

    // Retries kept their Message-ID: it is the outbox id.
    let ids = app.outbox_ids().await;
    for mail in mails(&sink) {
        let id = mail.message_id.split('@').next().expect("local part");
        assert!(ids.iter().any(|known| known.to_string() == id), "{}", mail.message_id);
    }
}

async fn a_refused_recipient_is_marked_failed_and_does_not_block_others() {
    let sink = SmtpSink::start().await;
    sink.refuse("etudiant2@example.org");
    let app = spawn_with(|c| c.smtp_url = Some(sink.url())).await;
    app.create_event(masterclass("refus", 10)).await;
    for n in 1..=3 {
        assert_eq!(app.sign_up("refus", person(n)).await.0, 201);
    }
    let received = sink.wait_for(2, WAIT).await;
    let mut to: Vec<_> = received.iter().map(|r| r.to.join(",")).collect();
    to.sort();
    assert_eq!(to, ["etudiant1@example.org", "etudiant3@example.org"]);

    let db = app.open_database().await;
    let deadline = tokio::time::Instant::now() + WAIT;
    let (status, error, attempts) = loop {
        let row: (String, Option<String>, i64) =
            sqlx::query_as("SELECT status, last_error, attempts FROM outbox WHERE recipient = 'etudiant2@example.org'")
                .fetch_one(&db)
                .await
                .expect("row");
        if row.0 != "pending" || tokio::time::Instant::now() > deadline {
            break row;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    };
    assert_eq!(status, "failed");
    assert!(error.unwrap_or_default().contains("550"));
    assert_eq!(attempts, 1, "a permanent refusal is not retried");
}

async fn queued_messages_survive_a_restart() {
    let sink = SmtpSink::start().await;
    sink.stop().await;
    let app = spawn_with(|c| c.smtp_url = Some(sink.url())).await;
    app.create_event(masterclass("redemarrage", 10)).await;
    for n in 0..5 {
        assert_eq!(app.sign_up("redemarrage", person(n)).await.0, 201);
    }
    // Graceful shutdown while the server is still down, then start again
    // once it is back: everything queued goes out.
    let app = app.restart(|_| {}).await;
    sink.restart().await;
    let received = sink.wait_for(5, WAIT).await;
    assert_eq!(received.len(), 5);
    let db = app.open_database().await;
    assert!(settled_outbox(&db).await.iter().all(|(_, _, status)| status == "sent"));
}

async fn without_smtp_messages_are_written_as_files() {
    let app = spawn_with(|_| {}).await;
    app.create_event(masterclass("fichiers", 10)).await;
    app.sign_up("fichiers", person(1)).await;
    let deadline = tokio::time::Instant::now() + WAIT;
    let files = loop {
        // The .eml files (a message is written beside its file, then renamed).
        let files: Vec<_> = std::fs::read_dir(&app.mail_dir)
            .map(|d| {
                d.filter_map(Result::ok)
                    .map(|e| e.path())
                    .filter(|p| !p.to_string_lossy().ends_with(".partial"))
                    .collect()
            })
            .unwrap_or_default();
        if !files.is_empty() || tokio::time::Instant::now() > deadline {
            break files;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    };
    assert_eq!(files.len(), 1);
    assert_eq!(files[0].extension().and_then(|e| e.to_str()), Some("eml"));
    let mail = parse_mail(&std::fs::read(&files[0]).expect("file"));
    assert_eq!(mail.to, "etudiant1@example.org");
    assert!(mail.subject.starts_with("Inscription confirmée"));
}

async fn shutdown_waits_for_a_send_in_progress() {
    let sink = SmtpSink::start().await;
    sink.slow_down(Duration::from_millis(800));
    let mut app = spawn_with(|c| c.smtp_url = Some(sink.url())).await;
    app.create_event(masterclass("arret", 10)).await;
    assert_eq!(app.sign_up("arret", person(1)).await.0, 201);
    // The worker is now in the middle of DATA; stop the service.
    tokio::time::sleep(Duration::from_millis(300)).await;
    app.shut_down().await;

    assert_eq!(sink.received().len(), 1, "the send in progress was finished before exit");
    let db = app.open_database().await;
    assert_eq!(outbox(&db).await[0].2, "sent", "and recorded as sent before exit: it will not go out twice");
}

async fn messages_to_one_person_arrive_in_order_after_an_outage() {
    let sink = SmtpSink::start().await;
    sink.stop().await;
    let app = spawn_with(|c| c.smtp_url = Some(sink.url())).await;
    app.create_event(masterclass("ordre", 1)).await;
    let (_, first) = app.sign_up("ordre", person(1)).await;
    let (_, second) = app.sign_up("ordre", person(2)).await;
    assert_eq!(second["status"], "waitlisted");
    app.cancel(first["cancel_url"].as_str().expect("url")).await;
    // Let a few retries with jitter go by, then bring the server back.
    tokio::time::sleep(Duration::from_millis(1200)).await;
    sink.restart().await;
    sink.wait_for(4, WAIT).await;
    let to_second: Vec<String> =
        mails(&sink).into_iter().filter(|m| m.to == "etudiant2@example.org").map(|m| m.subject).collect();
    assert_eq!(to_second.len(), 2);
    assert!(to_second[0].starts_with("Liste d'attente"), "{to_second:?}");
    assert!(to_second[1].starts_with("Une place s'est libérée"), "{to_second:?}");
}

/// Worker A's lease runs out mid-send and worker B claims the message: what
/// A then records (sent, or handed back) changes nothing; B's record counts.
async fn a_worker_whose_lease_ran_out_cannot_overwrite_the_next_claim() {
    use atelier::domain::Delivery;
    // The app's own worker stays asleep (it looks once at start, then waits
    // an hour): the test plays both workers.
    let app = spawn_with(|c| c.mail_poll_ms = 3_600_000).await;
    let event = app.create_event(masterclass("bail", 10)).await;
    tokio::time::sleep(Duration::from_millis(300)).await;
    app.store.register(common::new_registration(event.id, 1), chrono::Utc::now()).await.expect("registered");

    let now = chrono::Utc::now();
    let first = app.store.claim_messages(now, now + chrono::Duration::seconds(1), 10).await.expect("claim");
    assert_eq!(first.len(), 1);
    let later = now + chrono::Duration::seconds(5);
    let second = app.store.claim_messages(later, later + chrono::Duration::seconds(300), 10).await.expect("claim");
    assert_eq!(second.len(), 1, "the lease ran out: another worker takes the message");
    assert_ne!(first[0].lease, second[0].lease);

    let id = first[0].id;
    let db = app.open_database().await;
    let state = || async {
        let row: (String, i64) =
            sqlx::query_as("SELECT status, attempts FROM outbox").fetch_one(&db).await.expect("row");
        row
    };
    for stale in [Delivery::NotAttempted, Delivery::Sent] {
        app.store.record_deliveries(vec![(id, stale)], first[0].lease, later).await.expect("recorded");
        assert_eq!(state().await, ("pending".to_owned(), 2), "the first worker's record changes nothing");
    }
    app.store.record_deliveries(vec![(id, Delivery::Sent)], second[0].lease, later).await.expect("recorded");
    assert_eq!(state().await, ("sent".to_owned(), 2));
}
