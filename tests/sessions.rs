//! An event held over several sittings: "les 13 et 20 juin" is one event
//! with two sessions. Its page, emails, calendar file and attendance sheet
//! list the sessions, and attendance is counted in half-day slots.

mod common;

use common::smtp::SmtpSink;
use common::{Mail, TestApp, organizer_token, parse_mail, person, spawn_with};
use serde_json::{Value, json};

on_both_backends! {
    #[tokio::test] an_event_on_two_days_lists_its_sessions_and_half_day_slots,
    #[tokio::test] sessions_that_overlap_or_disagree_are_refused_by_field,
    #[tokio::test] moving_a_session_tells_people_which_sessions_changed,
}

const TWO_SITTINGS: [(&str, &str); 2] = [
    // Given out of order: they are sorted.
    ("2099-06-20T13:30:00+02:00", "2099-06-20T17:00:00+02:00"),
    ("2099-06-13T09:00:00+02:00", "2099-06-13T12:30:00+02:00"),
];

fn sessions(list: &[(&str, &str)]) -> Value {
    list.iter().map(|(from, to)| json!({ "starts_at": from, "ends_at": to })).collect()
}

async fn with_event() -> (TestApp, SmtpSink, String) {
    let sink = SmtpSink::start().await;
    let url = sink.url();
    let app = spawn_with(|c| c.smtp_url = Some(url)).await;
    let token = organizer_token(&app, "orga-sessions@example.org").await;
    let body = json!({
        "kind": "masterclass", "title": "Masterclass Yposkesi : thérapie génique", "slug": "yposkesi",
        "sessions": sessions(&TWO_SITTINGS),
        "location": "Yposkesi", "address": "Corbeil-Essonnes", "host": "Yposkesi", "capacity": 10,
        "status": "published"
    });
    let created = app.client.post(app.url("/api/v1/events")).bearer_auth(&token).json(&body).send().await;
    let created = created.expect("sent");
    assert_eq!(created.status(), 201, "{}", created.text().await.unwrap_or_default());
    (app, sink, token)
}

async fn mails(sink: &SmtpSink, count: usize) -> Vec<Mail> {
    sink.wait_for(count, common::WAIT).await.iter().map(|r| parse_mail(&r.data)).collect()
}

/// Each field in error and its code, by field name.
fn field_errors(body: &Value) -> Vec<(String, String)> {
    let fields = body["error"]["fields"].as_object().cloned().unwrap_or_default();
    fields.iter().map(|(name, f)| (name.clone(), f["code"].as_str().unwrap_or("").into())).collect()
}

async fn an_event_on_two_days_lists_its_sessions_and_half_day_slots() {
    let (app, sink, token) = with_event().await;
    let (status, event) = app.get_json("/api/v1/events/yposkesi").await;
    assert_eq!(status, 200);
    assert_eq!(event["starts_at"], "2099-06-13T07:00:00Z", "the first session's start");
    assert_eq!(event["ends_at"], "2099-06-20T15:00:00Z", "the last session's end");
    let starts: Vec<&str> =
        event["sessions"].as_array().expect("sessions").iter().map(|s| s["starts_at"].as_str().unwrap_or("")).collect();
    assert_eq!(starts, ["2099-06-13T07:00:00Z", "2099-06-20T11:30:00Z"], "in order");
    let slots = event["slots"].as_array().expect("slots");
    let labels: Vec<&str> = slots.iter().map(|s| s["label"].as_str().unwrap_or("")).collect();
    assert_eq!(labels, ["13/06 matin", "20/06 après-midi"], "one slot per half-day covered, none in between");
    assert_eq!(slots[0]["id"], "2099-06-13-am");
    assert_eq!(slots[1]["starts_at"], "2099-06-20T11:30:00Z");

    let (status, page) = app.get_page("/events/yposkesi").await;
    assert_eq!(status, 200);
    assert!(page.contains("samedi 13 juin 2099, 9\u{a0}h\u{a0}00 – 12\u{a0}h\u{a0}30"), "{page}");
    assert!(page.contains("samedi 20 juin 2099, 13\u{a0}h\u{a0}30 – 17\u{a0}h\u{a0}00"), "{page}");

    assert_eq!(app.sign_up("yposkesi", person(1)).await.0, 201);
    let confirmation = mails(&sink, 1).await.remove(0);
    assert!(
        confirmation.text.contains("9\u{a0}h\u{a0}00 – 12\u{a0}h\u{a0}30 ; samedi 20 juin 2099, 13\u{a0}h\u{a0}30"),
        "{}",
        confirmation.text
    );
    let calendar = confirmation.calendar.expect("a calendar file");
    assert_eq!(calendar.matches("BEGIN:VEVENT").count(), 2, "one entry per session, not one through the week");
    // The entries' UIDs (their alarms have their own).
    let uids: Vec<&str> = calendar.lines().filter(|l| l.starts_with("UID:") && l.ends_with("@atelier")).collect();
    assert_eq!(uids.len(), 2, "{calendar}");
    assert_ne!(uids[0], uids[1]);
    assert!(calendar.contains("DTSTART:20990613T070000Z") && calendar.contains("DTEND:20990613T103000Z"), "{calendar}");
    assert!(calendar.contains("DTSTART:20990620T113000Z") && calendar.contains("DTEND:20990620T150000Z"), "{calendar}");

    let url = app.url("/api/v1/events/yposkesi/attendance-sheet.pdf");
    let pdf = app.client.get(url).bearer_auth(&token).send().await.expect("sent").bytes().await.expect("body");
    let text = pdf_extract::extract_text_from_mem(&pdf).expect("text of the sheet");
    assert!(text.contains("13/06 matin") && text.contains("20/06 après-midi"), "a column per slot: {text}");
    assert!(!text.contains("14/06") && !text.contains("13/06 après-midi"), "no column between sessions: {text}");
    // The title in the document's metadata, in UTF-16 with its byte-order
    // mark, so that readers show the accent.
    let title: String = "FEUILLE D'ÉMARGEMENT".encode_utf16().map(|unit| format!("{unit:04x}")).collect();
    let raw = String::from_utf8_lossy(&pdf).to_lowercase();
    let at = raw.find("/title").map(|i| &raw[i..(i + 60).min(raw.len())]);
    assert!(raw.contains(&format!("/title<feff{title}")), "the metadata's title is UTF-16: {at:?}");
}

async fn sessions_that_overlap_or_disagree_are_refused_by_field() {
    let (app, _sink, token) = with_event().await;
    let post = |body: Value| app.client.post(app.url("/api/v1/events")).bearer_auth(&token).json(&body).send();
    let base = json!({
        "kind": "masterclass", "title": "Masterclass Sanofi", "location": "Sanofi", "host": "Sanofi", "capacity": 10
    });
    let with = |extra: Value| {
        let mut body = base.clone();
        body.as_object_mut().expect("object").extend(extra.as_object().expect("object").clone());
        body
    };
    let overlapping = with(json!({ "sessions": sessions(&[
        ("2099-06-13T09:00:00+02:00", "2099-06-13T12:30:00+02:00"),
        ("2099-06-13T12:00:00+02:00", "2099-06-13T17:00:00+02:00"),
        ("2099-06-14T09:00:00+02:00", "2099-06-14T08:00:00+02:00"),
    ]) }));
    let response = post(overlapping).await.expect("sent");
    assert_eq!(response.status(), 422);
    let errors = field_errors(&response.json().await.expect("json"));
    assert!(errors.contains(&("sessions[1].starts_at".into(), "sessions_overlap".into())), "{errors:?}");
    assert!(errors.contains(&("sessions[2].ends_at".into(), "end_before_start".into())), "{errors:?}");

    let disagreeing = with(json!({
        "starts_at": "2099-06-12T09:00:00+02:00",
        "sessions": sessions(&TWO_SITTINGS),
    }));
    let response = post(disagreeing).await.expect("sent");
    assert_eq!(response.status(), 422);
    let errors = field_errors(&response.json().await.expect("json"));
    assert_eq!(errors, [("starts_at".to_owned(), "sessions_disagree".to_owned())]);
    let response = post(with(json!({ "sessions": [] }))).await.expect("sent");
    assert_eq!(field_errors(&response.json().await.expect("json")), [("sessions".to_owned(), "required".to_owned())]);

    // Moving the start alone of an event with two sessions is ambiguous.
    let patch =
        |body: Value| app.client.patch(app.url("/api/v1/events/yposkesi")).bearer_auth(&token).json(&body).send();
    let response = patch(json!({ "starts_at": "2099-06-13T10:00:00+02:00" })).await.expect("sent");
    assert_eq!(response.status(), 422);
    assert_eq!(
        field_errors(&response.json().await.expect("json")),
        [("starts_at".to_owned(), "sessions_disagree".to_owned())]
    );
    let (_, unchanged) = app.get_json("/api/v1/events/yposkesi").await;
    assert_eq!(unchanged["starts_at"], "2099-06-13T07:00:00Z", "nothing changed");
    assert_eq!(unchanged["sessions"].as_array().map(Vec::len), Some(2));

    // Back to one session: the event is that session again.
    let one = patch(json!({ "sessions": sessions(&[("2099-06-13T09:00:00+02:00", "2099-06-13T17:00:00+02:00")]) }));
    assert_eq!(one.await.expect("sent").status(), 200);
    let (_, single) = app.get_json("/api/v1/events/yposkesi").await;
    assert_eq!(single["ends_at"], "2099-06-13T15:00:00Z");
    assert_eq!(single["sessions"].as_array().map(Vec::len), Some(1));
    let moved = patch(json!({ "starts_at": "2099-06-13T10:00:00+02:00" })).await.expect("sent");
    assert_eq!(moved.status(), 200, "one session moves with the start");
    let (_, single) = app.get_json("/api/v1/events/yposkesi").await;
    assert_eq!(single["sessions"][0]["starts_at"], "2099-06-13T08:00:00Z");
}

async fn moving_a_session_tells_people_which_sessions_changed() {
    let (app, sink, token) = with_event().await;
    assert_eq!(app.sign_up("yposkesi", person(1)).await.0, 201);
    mails(&sink, 1).await;
    let later = sessions(&[
        ("2099-06-13T09:00:00+02:00", "2099-06-13T12:30:00+02:00"),
        ("2099-06-27T13:30:00+02:00", "2099-06-27T17:00:00+02:00"),
    ]);
    let patch =
        app.client.patch(app.url("/api/v1/events/yposkesi")).bearer_auth(&token).json(&json!({ "sessions": later }));
    assert_eq!(patch.send().await.expect("sent").status(), 200);
    let notice = mails(&sink, 2).await.into_iter().find(|m| m.subject.starts_with("Changement")).expect("a notice");
    assert!(notice.text.contains("Séances"), "{}", notice.text);
    assert!(
        notice.text.contains("20 juin 2099, 13\u{a0}h\u{a0}30 – 17\u{a0}h\u{a0}00 → samedi 13 juin"),
        "{}",
        notice.text
    );
    assert!(notice.text.contains("27 juin 2099, 13\u{a0}h\u{a0}30 – 17\u{a0}h\u{a0}00"), "{}", notice.text);
    let calendar = notice.calendar.expect("an updated calendar");
    assert!(calendar.contains("DTSTART:20990627T113000Z"), "{calendar}");
    assert!(calendar.contains("SEQUENCE:1"));
}
