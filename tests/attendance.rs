//! Attendance at the door, slot by slot: a morning or an afternoon of each
//! session day (Paris time). Checked in once per slot, undone on a wrong
//! tap, found by name without accents, and shown in every export.

mod common;

use common::{TestApp, organizer_token, page, person, post, signed_in, spawn_app};
use serde_json::{Value, json};
use uuid::Uuid;

on_both_backends! {
    #[tokio::test] the_api_checks_people_in_once_per_slot_and_undoes_it,
    #[tokio::test] exports_have_a_column_per_slot_with_the_check_in_time,
    #[tokio::test] the_check_in_page_picks_a_slot_finds_ines_and_says_already,
    #[tokio::test] a_walk_in_is_confirmed_and_checked_in_even_when_full,
    #[tokio::test] a_check_in_from_before_slots_counts_for_the_slot_of_its_time,
}

struct Fixture {
    app: TestApp,
    token: String,
    /// Confirmed: Inès (0) and person 1; person 2 is waiting.
    people: Vec<Uuid>,
}

/// "Les 13 et 20 juin": the morning of the 13th, the afternoon of the 20th;
/// two seats.
async fn fixture(organizer: &str) -> Fixture {
    let app = spawn_app().await;
    let token = organizer_token(&app, organizer).await;
    let body = json!({
        "kind": "masterclass", "title": "Masterclass Novasep : purification", "slug": "novasep",
        "sessions": [
            { "starts_at": "2099-06-13T09:00:00+02:00", "ends_at": "2099-06-13T12:30:00+02:00" },
            { "starts_at": "2099-06-20T13:30:00+02:00", "ends_at": "2099-06-20T17:00:00+02:00" },
        ],
        "location": "Novasep", "host": "Novasep", "capacity": 2, "status": "published"
    });
    let created = app.client.post(app.url("/api/v1/events")).bearer_auth(&token).json(&body).send().await;
    assert_eq!(created.expect("sent").status(), 201);
    let mut ines = person(0);
    ines["name"] = json!("Inès Lefèvre");
    ines["institution"] = json!("IUT d'Angers — BUT Génie biologique");
    let mut people = Vec::new();
    for body in [ines, person(1), person(2)] {
        let (status, created) = app.sign_up("novasep", body).await;
        assert_eq!(status, 201);
        people.push(created["id"].as_str().expect("id").parse().expect("uuid"));
    }
    Fixture { app, token, people }
}

impl Fixture {
    async fn check_in(&self, body: Value) -> (u16, Value) {
        let url = self.app.url("/api/v1/events/novasep/attendance");
        let response = self.app.client.post(url).bearer_auth(&self.token).json(&body).send().await.expect("sent");
        let status = response.status().as_u16();
        (status, response.json().await.unwrap_or(Value::Null))
    }

    fn code(&self, n: usize) -> String {
        self.app.state.keys.check_in_code(self.people[n])
    }
}

async fn the_api_checks_people_in_once_per_slot_and_undoes_it() {
    let f = fixture("door@example.org").await;
    let code = f.code(0).to_lowercase().replace('-', " ");
    let (status, first) = f.check_in(json!({ "slot": "2099-06-13-am", "code": code })).await;
    assert_eq!(status, 201, "{first}");
    assert_eq!(first["name"], "Inès Lefèvre");
    assert_eq!(first["slot"], "2099-06-13-am");
    let (status, again) = f.check_in(json!({ "slot": "2099-06-13-am", "code": f.code(0) })).await;
    assert_eq!(status, 200, "already checked in: nothing recorded twice");
    assert_eq!(again["checked_in_at"], first["checked_in_at"], "the first time stands");
    let (status, _) = f.check_in(json!({ "slot": "2099-06-20-pm", "registration_id": f.people[0] })).await;
    assert_eq!(status, 201, "another slot is another check-in");
    let (status, _) = f.check_in(json!({ "slot": "2099-06-20-pm", "code": f.code(1) })).await;
    assert_eq!(status, 201);

    let (status, body) = f.check_in(json!({ "slot": "2099-06-14-am", "code": f.code(1) })).await;
    assert_eq!((status, body["error"]["fields"]["slot"]["code"].as_str()), (422, Some("unknown_choice")));
    let (status, body) = f.check_in(json!({ "slot": "2099-06-13-am" })).await;
    assert_eq!((status, body["error"]["fields"]["code"]["code"].as_str()), (422, Some("required")));
    let (status, _) = f.check_in(json!({ "slot": "2099-06-13-am", "code": "ZZZZ-ZZZZ" })).await;
    assert_eq!(status, 404, "an unknown code");
    let (status, _) = f.check_in(json!({ "slot": "2099-06-13-am", "code": f.code(2) })).await;
    assert_eq!(status, 404, "the waiting person has no seat to check in to");

    let list = |app: &TestApp, token: &str| {
        app.client.get(app.url("/api/v1/events/novasep/attendance")).bearer_auth(token.to_owned()).send()
    };
    let attendance: Value = list(&f.app, &f.token).await.expect("sent").json().await.expect("json");
    let labels: Vec<&str> =
        attendance["slots"].as_array().expect("slots").iter().map(|s| s["label"].as_str().unwrap_or("")).collect();
    assert_eq!(labels, ["13/06 matin", "20/06 après-midi"]);
    let ines = &attendance["attendees"].as_array().expect("attendees")[0];
    assert_eq!(ines["name"], "Inès Lefèvre");
    let slots: Vec<&String> = ines["checked_in"].as_object().expect("by slot").keys().collect();
    assert_eq!(slots, ["2099-06-13-am", "2099-06-20-pm"]);
    assert_eq!(attendance["attendees"].as_array().map(Vec::len), Some(2), "confirmed people only");

    let undo = f.app.url(&format!("/api/v1/events/novasep/attendance/2099-06-13-am/{}", f.people[0]));
    let response = f.app.client.delete(&undo).bearer_auth(&f.token).send().await.expect("sent");
    assert_eq!(response.status(), 200);
    let undone: Value = response.json().await.expect("json");
    assert!(undone["checked_in_at"].is_null(), "{undone}");
    let attendance: Value = list(&f.app, &f.token).await.expect("sent").json().await.expect("json");
    let slots: Vec<&String> = attendance["attendees"][0]["checked_in"].as_object().expect("by slot").keys().collect();
    assert_eq!(slots, ["2099-06-20-pm"], "the morning undone, the afternoon kept");
    let (_, registrations) = {
        let url = f.app.url("/api/v1/events/novasep/registrations");
        let response = f.app.client.get(url).bearer_auth(&f.token).send().await.expect("sent");
        (response.status(), response.json::<Value>().await.expect("json"))
    };
    let first = registrations.as_array().expect("list").iter().find(|r| r["name"] == "Inès Lefèvre").expect("Inès");
    assert_eq!(first["attendance"].as_object().map(|m| m.len()), Some(1));
    assert!(first["checked_in_at"].as_str().is_some(), "the first check-in left is the one shown");

    let other = organizer_token(&f.app, "someone-else@example.org").await;
    assert_eq!(list(&f.app, &other).await.expect("sent").status(), 403, "another organizer's event");
    let response = f.app.client.delete(f.app.url("/api/v1/events/novasep/attendance/2099-06-13-am/not-a-uuid"));
    assert_eq!(response.bearer_auth(&f.token).send().await.expect("sent").status(), 404);
}

async fn exports_have_a_column_per_slot_with_the_check_in_time() {
    let f = fixture("exports-slots@example.org").await;
    assert_eq!(f.check_in(json!({ "slot": "2099-06-20-pm", "code": f.code(1) })).await.0, 201);
    let url = f.app.url("/api/v1/events/novasep/attendees.csv");
    let csv = f.app.client.get(url).bearer_auth(&f.token).send().await.expect("sent").text().await.expect("body");
    let mut reader = csv::ReaderBuilder::new().from_reader(csv.trim_start_matches('\u{feff}').as_bytes());
    let headers = reader.headers().expect("headers").clone();
    let column = |name: &str| headers.iter().position(|h| h == name).unwrap_or_else(|| panic!("{name} in {headers:?}"));
    let (morning, afternoon) = (column("Présence 13/06 matin"), column("Présence 20/06 après-midi"));
    let rows: Vec<csv::StringRecord> = reader.records().map(|r| r.expect("row")).collect();
    let row = rows.iter().find(|r| r.get(0) == Some("Étudiant·e 1")).expect("person 1");
    assert_eq!(row.get(morning), Some(""), "absent in the morning");
    assert!(row.get(afternoon).is_some_and(|t| t.contains(':')), "a time in the afternoon: {row:?}");

    let url = f.app.url("/api/v1/events/novasep/attendance-sheet.pdf");
    let pdf = f.app.client.get(url).bearer_auth(&f.token).send().await.expect("sent").bytes().await.expect("body");
    let text = pdf_extract::extract_text_from_mem(&pdf).expect("text");
    assert_eq!(text.matches("pointé").count(), 1, "the one check-in on the sheet: {text}");
}

async fn the_check_in_page_picks_a_slot_finds_ines_and_says_already() {
    let f = fixture("accueil-slots@example.org").await;
    let client = signed_in(&f.app, "accueil-slots@example.org").await;
    let event: Value = f.app.get_json("/api/v1/events/novasep").await.1;
    let check_in = format!("/admin/events/{}/check-in", event["id"].as_str().expect("id"));

    let (status, html) = page(&client, f.app.url(&check_in)).await;
    assert_eq!(status, 200);
    assert!(html.contains("Accueil et pointage — 13/06 matin"), "the next slot by default");
    let (_, html) = page(&client, f.app.url(&format!("{check_in}?q=ines"))).await;
    assert!(html.contains("Inès Lefèvre") && !html.contains("Étudiant·e 1"), "ines finds Inès");
    let (_, html) = page(&client, f.app.url(&format!("{check_in}?q=angers"))).await;
    assert!(html.contains("Inès Lefèvre"), "found by institution");

    let afternoon = format!("{check_in}?slot=2099-06-20-pm");
    let fields = [("code", f.code(0)), ("slot", "2099-06-20-pm".to_owned())];
    let fields: Vec<(&str, &str)> = fields.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let response = post(&client, &f.app, &afternoon, &check_in, &fields).await;
    assert_eq!(response.status(), 303);
    let shown = response.headers()["location"].to_str().expect("location").to_owned();
    let (_, html) = page(&client, f.app.url(&shown)).await;
    assert!(html.contains("Accueil et pointage — 20/06 après-midi"), "stays on the slot");
    assert!(html.contains("✓ Inès Lefèvre — "), "the arrival, large");
    let response = post(&client, &f.app, &afternoon, &check_in, &fields).await;
    let shown = response.headers()["location"].to_str().expect("location").to_owned();
    let (_, html) = page(&client, f.app.url(&shown)).await;
    assert!(html.contains("Inès Lefèvre — déjà pointé·e à "), "a second check-in says so");

    let (_, present) = page(&client, f.app.url(&format!("{afternoon}&show=present"))).await;
    assert!(present.contains("Inès Lefèvre") && !present.contains("Étudiant·e 1"), "present only");
    let (_, absent) = page(&client, f.app.url(&format!("{afternoon}&show=absent"))).await;
    assert!(!absent.contains("Inès Lefèvre") && absent.contains("Étudiant·e 1"), "absent only");
    let (_, morning) = page(&client, f.app.url(&check_in)).await;
    assert!(morning.contains("0 présent sur 2 confirmés"), "the morning is another slot");

    // Someone without a seat, added at the door: full, yet confirmed and here.
    let walk_ins = check_in.replace("/check-in", "/walk-ins");
    let person = [("name", "Maëlle Rivière"), ("email", "maelle@example.org"), ("level", "bts_but")];
    let response = post(&client, &f.app, &check_in, &walk_ins, &person).await;
    assert_eq!(response.status(), 422, "consent is asked");
    assert!(response.text().await.expect("page").contains("Votre accord est nécessaire"));
    let with_consent: Vec<(&str, &str)> = person.iter().copied().chain([("consent", "yes")]).collect();
    let response = post(&client, &f.app, &check_in, &walk_ins, &with_consent).await;
    assert_eq!(response.status(), 303);
    let shown = response.headers()["location"].to_str().expect("location").to_owned();
    let (_, html) = page(&client, f.app.url(&shown)).await;
    assert!(html.contains("✓ Maëlle Rivière — "), "added and checked in");
    assert!(html.contains("1 présent sur 3 confirmés"), "{html}");
}

async fn a_walk_in_is_confirmed_and_checked_in_even_when_full() {
    let f = fixture("walk-ins@example.org").await;
    let walk_in = |body: Value| {
        f.app.client.post(f.app.url("/api/v1/events/novasep/walk-ins")).bearer_auth(&f.token).json(&body).send()
    };
    let body = json!({
        "slot": "2099-06-13-am", "name": "Maëlle Rivière", "email": "Maelle.Riviere@example.org",
        "institution": "Lycée Nelson Mandela — BTS Biotechnologies", "level": "bts_but", "consent": true
    });
    let response = walk_in(body.clone()).await.expect("sent");
    assert_eq!(response.status(), 201);
    let added: Value = response.json().await.expect("json");
    assert_eq!((added["status"].as_str(), added["walk_in"].as_bool()), (Some("confirmed"), Some(true)));
    assert!(added["cancel_url"].as_str().is_some_and(|url| url.contains("/r/")), "{added}");

    let (_, event) = f.app.get_json("/api/v1/events/novasep").await;
    assert_eq!((event["capacity"].as_i64(), event["seats_left"].as_i64()), (Some(3), Some(0)), "a seat added for them");
    assert_eq!(event["waitlist_length"], 1, "the person waiting keeps their place");
    let url = f.app.url("/api/v1/events/novasep/registrations");
    let list: Value =
        f.app.client.get(url).bearer_auth(&f.token).send().await.expect("sent").json().await.expect("json");
    let maelle = list.as_array().expect("list").iter().find(|r| r["name"] == "Maëlle Rivière").expect("listed");
    assert_eq!(maelle["walk_in"], true);
    assert_eq!(maelle["email"], "maelle.riviere@example.org");
    assert!(maelle["attendance"]["2099-06-13-am"].is_string(), "checked in: {maelle}");
    let outbox = common::outbox(&f.app.open_database().await).await;
    assert!(outbox.iter().any(|(kind, to, _)| kind == "confirmed" && to == "maelle.riviere@example.org"), "{outbox:?}");

    let again = walk_in(body).await.expect("sent");
    assert_eq!(again.status(), 409, "already registered: check them in instead");
    let response = walk_in(json!({ "name": "Sans accord", "email": "x@example.org", "level": "master" })).await;
    let refused: Value = response.expect("sent").json().await.expect("json");
    assert_eq!(refused["error"]["fields"]["consent"]["code"], "consent_required");
    let (_, event) = f.app.get_json("/api/v1/events/novasep").await;
    assert_eq!(event["capacity"], 3, "nothing changed by a refused walk-in");
}

/// Before attendance was kept by slot, a registration had one check-in
/// time; it shows at the slot of that time, and survives a new check-in.
async fn a_check_in_from_before_slots_counts_for_the_slot_of_its_time() {
    let f = fixture("legacy-check-in@example.org").await;
    let db = f.app.open_database().await;
    let update =
        "UPDATE registrations SET checked_in_at = '2099-06-20T11:40:00+00:00' WHERE email = 'etudiant1@example.org'";
    sqlx::query(update).execute(&db).await.expect("an old check-in");
    let url = f.app.url("/api/v1/events/novasep/attendance");
    let read = || async {
        let response = f.app.client.get(&url).bearer_auth(&f.token).send().await.expect("sent");
        let body: Value = response.json().await.expect("json");
        let person = body["attendees"].as_array().expect("list").iter().find(|a| a["name"] == "Étudiant·e 1").cloned();
        person.expect("person 1")["checked_in"].as_object().expect("by slot").keys().cloned().collect::<Vec<String>>()
    };
    assert_eq!(read().await, ["2099-06-20-pm"], "13:40 in Paris: the afternoon");
    assert_eq!(f.check_in(json!({ "slot": "2099-06-13-am", "code": f.code(1) })).await.0, 201);
    assert_eq!(read().await, ["2099-06-13-am", "2099-06-20-pm"], "kept when checked in at another slot");
}
