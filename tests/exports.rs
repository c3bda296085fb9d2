//! Attendee exports parse back with the right rows.

mod common;

use std::io::Cursor;

use calamine::{Data, Reader, Xlsx};
use common::{organizer_token, spawn_app};
use futures::StreamExt;
use serde_json::json;

on_both_backends! {
    #[tokio::test] csv_has_every_registration_with_formulas_defused,
    #[tokio::test] xlsx_has_a_header_row_and_real_dates,
    #[tokio::test] the_attendance_sheet_lists_confirmed_attendees_by_name_with_half_days,
    #[tokio::test] a_long_list_spans_numbered_pages,
    #[tokio::test] exports_refuse_anonymous_and_other_organizers,
    #[tokio::test(flavor = "multi_thread", worker_threads = 2)] ten_thousand_registrations_export,
}

struct Fixture {
    app: common::TestApp,
    token: String,
    slug: String,
}

/// A published one-day masterclass with 3 seats and 5 people: two of them
/// with text a spreadsheet would run as a formula.
async fn fixture() -> Fixture {
    let app = spawn_app().await;
    let token = organizer_token(&app, "exports@example.org").await;
    let body = json!({
        "kind": "masterclass",
        "title": "Masterclass GenSensor : une journée en laboratoire",
        "starts_at": "2099-03-02T09:00:00+01:00",
        "ends_at": "2099-03-02T17:00:00+01:00",
        "location": "GenSensor",
        "address": "Nantes",
        "host": "GenSensor",
        "capacity": 3,
        "status": "published"
    });
    let response = app.client.post(app.url("/api/v1/events")).bearer_auth(&token).json(&body).send().await;
    let created: serde_json::Value = response.expect("sent").json().await.expect("json");
    let slug = created["slug"].as_str().expect("slug").to_owned();
    let people = [
        ("Zoé Martin", "IUT de Nantes", "bts_but"),
        ("=HYPERLINK(\"http://evil.example\",\"clic\")", "Lycée", "licence"),
        ("Émile Bernard", "@SUM(1+1)", "master"),
        ("Alice Durand", "Oniris", "ingenieur"),
        ("Bruno Petit", "-2+3", "reconversion"),
    ];
    for (i, (name, institution, level)) in people.iter().enumerate() {
        let (status, _) = app
            .sign_up(
                &slug,
                json!({"name": name, "email": format!("p{i}@example.org"), "institution": institution, "level": level, "consent": true}),
            )
            .await;
        assert_eq!(status, 201);
    }
    Fixture { app, token, slug }
}

impl Fixture {
    async fn download(&self, path: &str) -> reqwest::Response {
        let url = self.app.url(&format!("/api/v1/events/{}/{path}", self.slug));
        let response = self.app.client.get(url).bearer_auth(&self.token).send().await.expect("sent");
        assert_eq!(response.status(), 200, "{path}");
        response
    }
}

async fn csv_has_every_registration_with_formulas_defused() {
    let f = fixture().await;
    let response = f.download("attendees.csv").await;
    assert!(response.headers()["content-type"].to_str().expect("type").starts_with("text/csv"));
    assert!(response.headers()["content-disposition"].to_str().expect("disposition").contains(".csv"));
    let bytes = response.bytes().await.expect("body");
    assert!(bytes.starts_with("\u{feff}".as_bytes()), "UTF-8 byte-order mark for Excel");

    let mut reader = csv::Reader::from_reader(&bytes[3..]);
    let headers = reader.headers().expect("headers").clone();
    assert_eq!(&headers[0], "Nom");
    assert_eq!(&headers[2], "Établissement");
    let rows: Vec<csv::StringRecord> = reader.records().map(|r| r.expect("row")).collect();
    assert_eq!(rows.len(), 5);
    assert_eq!(&rows[0][0], "Zoé Martin");
    assert_eq!(&rows[0][4], "confirmé");
    assert_eq!(&rows[3][4], "liste d'attente");
    assert_eq!(&rows[3][5], "1");
    assert_eq!(&rows[1][0], "'=HYPERLINK(\"http://evil.example\",\"clic\")");
    assert_eq!(&rows[2][2], "'@SUM(1+1)");
    assert_eq!(&rows[4][2], "'-2+3");
    for row in &rows {
        for cell in row {
            assert!(!cell.starts_with(['=', '+', '-', '@']), "no cell starts a formula: {cell}");
        }
    }

    let semicolons = f.download("attendees.csv?delimiter=semicolon&lang=en").await.bytes().await.expect("body");
    let mut reader = csv::ReaderBuilder::new().delimiter(b';').from_reader(&semicolons[3..]);
    assert_eq!(&reader.headers().expect("headers")[0], "Name");
    assert_eq!(reader.records().count(), 5);
}

async fn xlsx_has_a_header_row_and_real_dates() {
    let f = fixture().await;
    let bytes = f.download("attendees.xlsx").await.bytes().await.expect("body");
    let mut workbook: Xlsx<_> = calamine::open_workbook_from_rs(Cursor::new(bytes.to_vec())).expect("a valid workbook");
    let sheet = workbook.worksheet_range_at(0).expect("a sheet").expect("readable");
    let rows: Vec<_> = sheet.rows().collect();
    assert_eq!(rows.len(), 6, "header and five registrations");
    assert_eq!(rows[0][0], Data::String("Nom".into()));
    assert_eq!(rows[1][0], Data::String("Zoé Martin".into()));
    assert!(matches!(rows[1][6], Data::DateTime(_)), "registration time is a date: {:?}", rows[1][6]);
    assert_eq!(rows[4][5], Data::Float(1.0), "waiting-list position as a number");
}

async fn the_attendance_sheet_lists_confirmed_attendees_by_name_with_half_days() {
    let f = fixture().await;
    let response = f.download("attendance-sheet.pdf").await;
    assert_eq!(response.headers()["content-type"], "application/pdf");
    let bytes = response.bytes().await.expect("body");
    let text = pdf_extract::extract_text_from_mem(&bytes).expect("text extracted from the PDF");
    assert!(text.contains("FEUILLE D'ÉMARGEMENT"), "{text}");
    assert!(text.contains("Masterclass GenSensor"));
    assert!(text.contains("GenSensor, Nantes"));
    assert!(text.contains("exports@example.org") || text.contains("Équipe Atlanpole"), "organizer named");
    assert!(text.contains("02/03 matin") && text.contains("02/03 après-midi"), "a column per half-day");
    assert!(text.contains("Formateur / intervenant"));
    assert!(text.contains("Page 1 / 1"));
    // Confirmed: the first three, sorted by name; the two waiting are absent.
    let zoe = text.find("Zoé Martin").expect("Zoé listed");
    let emile = text.find("Émile Bernard").expect("Émile listed");
    let formula = text.find("=HYPERLINK").expect("third confirmed listed");
    assert!(emile < formula && formula < zoe, "sorted by name, accents ignored:\n{text}");
    assert!(!text.contains("Alice Durand") && !text.contains("Bruno Petit"), "waiting list not on the sheet");
}

async fn a_long_list_spans_numbered_pages() {
    let app = spawn_app().await;
    let token = organizer_token(&app, "long@example.org").await;
    let body = json!({
        "kind": "round_table", "title": "Les forces vives du Grand Ouest", "starts_at": "2099-07-04T14:00:00+02:00",
        "ends_at": "2099-07-04T16:30:00+02:00", "location": "Oniris", "host": "Atlanpole Biotherapies",
        "capacity": 150, "status": "published"
    });
    let response = app.client.post(app.url("/api/v1/events")).bearer_auth(&token).json(&body).send().await;
    let created: serde_json::Value = response.expect("sent").json().await.expect("json");
    let slug = created["slug"].as_str().expect("slug").to_owned();
    for n in 0..60 {
        assert_eq!(app.sign_up(&slug, common::person(n)).await.0, 201);
    }
    let url = app.url(&format!("/api/v1/events/{slug}/attendance-sheet.pdf"));
    let bytes = app.client.get(url).bearer_auth(&token).send().await.expect("sent").bytes().await.expect("body");
    let text = pdf_extract::extract_text_from_mem(&bytes).expect("text");
    // 60 rows and 5 blank ones for people added on paper: 18 on the first
    // page (under the header), 23 on the next ones, the last with the
    // trainer's row and the attestation.
    assert!(text.contains("Page 1 / 4") && text.contains("Page 4 / 4"), "{text}");
    assert!(text.contains("04/07 après-midi") && !text.contains("04/07 matin"), "an afternoon only");
    assert_eq!(text.matches("Étudiant·e").count(), 60);
}

async fn exports_refuse_anonymous_and_other_organizers() {
    let f = fixture().await;
    let other = organizer_token(&f.app, "other-exports@example.org").await;
    for path in ["attendees.csv", "attendees.xlsx", "attendance-sheet.pdf"] {
        let url = f.app.url(&format!("/api/v1/events/{}/{path}", f.slug));
        assert_eq!(f.app.client.get(&url).send().await.expect("sent").status(), 401, "{path}");
        let response = f.app.client.get(&url).bearer_auth(&other).send().await.expect("sent");
        assert_eq!(response.status(), 403, "{path}");
    }
}

/// Ten thousand registrations (a national round table's list) export whole.
async fn ten_thousand_registrations_export() {
    use atelier::domain::RegisterOutcome;

    let app = spawn_app().await;
    let token = organizer_token(&app, "national@example.org").await;
    let body = json!({
        "kind": "round_table", "title": "Journée nationale de la bioproduction", "starts_at": "2099-04-07T09:00:00+02:00",
        "ends_at": "2099-04-08T17:00:00+02:00", "location": "Paris", "host": "France BioLead", "capacity": 10000,
        "status": "published"
    });
    let response = app.client.post(app.url("/api/v1/events")).bearer_auth(&token).json(&body).send().await;
    let created: serde_json::Value = response.expect("sent").json().await.expect("json");
    let event_id: uuid::Uuid = created["id"].as_str().expect("id").parse().expect("uuid");

    // Straight to the store, 64 at a time: SQLite's batch writer groups
    // them; on PostgreSQL they queue on the event's row lock.
    let registrations = (0..10_000).map(|n| common::new_registration(event_id, n));
    let store = app.store.clone();
    let outcomes: Vec<_> = futures::stream::iter(registrations)
        .map(|r| {
            let store = store.clone();
            async move { store.register(r, chrono::Utc::now()).await }
        })
        .buffer_unordered(64)
        .collect()
        .await;
    let refused = outcomes.iter().find(|o| !matches!(o, Ok(RegisterOutcome::Registered(_))));
    assert!(refused.is_none(), "every registration is taken: {refused:?}");

    let get = |path: &'static str| {
        let url = app.url(&format!("/api/v1/events/{event_id}/{path}"));
        let request = app.client.get(url).bearer_auth(&token);
        async move {
            let response = request.send().await.expect("sent");
            assert_eq!(response.status(), 200, "{path}");
            response.bytes().await.expect("body")
        }
    };
    let csv = get("attendees.csv").await;
    assert_eq!(csv::Reader::from_reader(&csv[3..]).records().count(), 10_000);
    let xlsx = get("attendees.xlsx").await;
    let mut workbook: Xlsx<_> = calamine::open_workbook_from_rs(Cursor::new(xlsx.to_vec())).expect("workbook");
    assert_eq!(workbook.worksheet_range_at(0).expect("sheet").expect("readable").rows().count(), 10_001);
    let pdf = get("attendance-sheet.pdf").await;
    let text = pdf_extract::extract_text_from_mem(&pdf).expect("text");
    assert!(text.contains("Participant 09999"));
    assert!(text.contains("07/04 matin") && text.contains("08/04 après-midi"), "four half-days over two days");
}
