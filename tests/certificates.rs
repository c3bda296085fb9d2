//! After the door: the trainer signs each slot, the attendance sheet says
//! it all, and each person present gets a certificate of attendance
//! (attestation de présence) that anyone can verify, emailed once when the
//! event ends. The clock is moved, not waited.

mod common;

use atelier::clock::Clock;
use chrono::{DateTime, Utc};
use common::smtp::SmtpSink;
use common::{TestApp, organizer_token, page, person, post, spawn_with_clock};
use mail_parser::MimeHeaders;
use serde_json::{Value, json};

on_both_backends! {
    #[tokio::test] the_trainer_signs_each_slot_and_the_sheet_says_it_all,
    #[tokio::test] attendees_get_a_certificate_that_anyone_can_verify,
    #[tokio::test] certificates_are_emailed_once_after_the_last_session_and_again_on_request,
    #[tokio::test] the_check_in_qr_code_opens_a_one_tap_confirmation,
}

const ORGANIZER: &str = "attestations@example.org";
const LONG_INSTITUTION: &str =
    "Institut national de recherche pour l'agriculture, l'alimentation et l'environnement, unité de bioproduction";

fn at(text: &str) -> DateTime<Utc> {
    DateTime::parse_from_rfc3339(text).expect("time").with_timezone(&Utc)
}

/// Text of a PDF, with non-breaking spaces as spaces.
fn pdf_text(pdf: &[u8]) -> String {
    assert!(pdf.starts_with(b"%PDF"), "a PDF");
    pdf_extract::extract_text_from_mem(pdf).expect("text").replace('\u{a0}', " ")
}

struct Fixture {
    app: TestApp,
    clock: Clock,
    sink: SmtpSink,
    token: String,
    event_id: String,
    /// People 1 to 3: their links' tokens and registration ids.
    links: Vec<String>,
    ids: Vec<String>,
}

/// "Les 13 et 20 juin" (3 h 30 each), three seats, three sign-ups on
/// 1 June: person 2 in English, person 3 from a long-named institution.
async fn fixture() -> Fixture {
    let clock = Clock::manual(at("2099-06-01T10:00:00+02:00"));
    let sink = SmtpSink::start().await;
    let url = sink.url();
    let app = spawn_with_clock(clock.clone(), |c| c.smtp_url = Some(url)).await;
    let token = organizer_token(&app, ORGANIZER).await;
    let body = json!({
        "kind": "masterclass", "title": "Masterclass Novasep : purification", "slug": "novasep",
        "sessions": [
            { "starts_at": "2099-06-13T09:00:00+02:00", "ends_at": "2099-06-13T12:30:00+02:00" },
            { "starts_at": "2099-06-20T13:30:00+02:00", "ends_at": "2099-06-20T17:00:00+02:00" },
        ],
        "location": "Novasep", "address": "Pompey", "host": "Novasep", "capacity": 3, "status": "published"
    });
    let created = app.client.post(app.url("/api/v1/events")).bearer_auth(&token).json(&body).send().await;
    let created: Value = created.expect("sent").json().await.expect("json");
    let event_id = created["id"].as_str().expect("id").to_owned();
    let (mut links, mut ids) = (Vec::new(), Vec::new());
    for n in 1..=3 {
        let mut someone = person(n);
        if n == 2 {
            someone["language"] = json!("en");
        }
        if n == 3 {
            someone["institution"] = json!(LONG_INSTITUTION);
        }
        let (status, created) = app.sign_up("novasep", someone).await;
        assert_eq!(status, 201, "{created}");
        links.push(created["cancel_url"].as_str().expect("link").rsplit('/').next().expect("token").to_owned());
        ids.push(created["id"].as_str().expect("id").to_owned());
    }
    sink.wait_for(3, common::WAIT).await;
    Fixture { app, clock, sink, token, event_id, links, ids }
}

impl Fixture {
    fn move_to(&self, time: &str) {
        self.clock.advance(at(time) - self.clock.now());
    }

    async fn api(&self, method: reqwest::Method, path: &str, body: Value) -> (u16, Value) {
        let request = self.app.client.request(method, self.app.url(path)).bearer_auth(&self.token).json(&body);
        let response = request.send().await.expect("sent");
        let status = response.status().as_u16();
        (status, response.json().await.unwrap_or(Value::Null))
    }

    async fn check_in(&self, person: usize, slot: &str) {
        let body = json!({ "slot": slot, "registration_id": self.ids[person] });
        let (status, _) = self.api(reqwest::Method::POST, "/api/v1/events/novasep/attendance", body).await;
        assert_eq!(status, 201);
    }

    async fn get(&self, path: &str) -> reqwest::Response {
        self.app.client.get(self.app.url(path)).bearer_auth(&self.token).send().await.expect("sent")
    }
}

async fn the_trainer_signs_each_slot_and_the_sheet_says_it_all() {
    let f = fixture().await;
    f.move_to("2099-06-13T12:00:00+02:00");
    let f = &f;
    let sign = |slot: &str, name: &str| {
        let path = format!("/api/v1/events/novasep/slots/{slot}/trainer-signature");
        let body = json!({ "name": name });
        async move { f.api(reqwest::Method::POST, &path, body).await }
    };
    let (status, body) = sign("2099-06-13-am", "  ").await;
    assert_eq!((status, body["error"]["fields"]["name"]["code"].as_str()), (422, Some("required")), "{body}");
    let (status, body) = sign("2099-06-14-am", "Claire Formatrice").await;
    assert_eq!((status, body["error"]["fields"]["slot"].is_object()), (422, true), "not a slot of the event");
    let (status, signed) = sign("2099-06-13-am", "Claire Formatrice").await;
    assert_eq!(status, 201, "{signed}");
    assert_eq!(
        (signed["name"].as_str(), signed["signed_at"].as_str(), signed["signed_by"].as_str()),
        (Some("Claire Formatrice"), Some("2099-06-13T10:00:00Z"), Some("Équipe Atlanpole"))
    );
    let (status, again) = sign("2099-06-13-am", "Quelqu'un d'autre").await;
    assert_eq!((status, again["name"].as_str()), (200, Some("Claire Formatrice")), "the first signature stands");
    let (_, attendance) = f.api(reqwest::Method::GET, "/api/v1/events/novasep/attendance", Value::Null).await;
    assert_eq!(attendance["trainers"][0]["slot"], "2099-06-13-am");

    f.check_in(0, "2099-06-13-am").await;
    let sheet = f.get("/api/v1/events/novasep/attendance-sheet.pdf").await.bytes().await.expect("pdf");
    let text = pdf_text(&sheet);
    for expected in [
        "Claire Formatrice",
        "signé 12:00",
        "pointé 12:00",
        "13/06 matin 9 h 00–12 h 30",
        "Durée totale :",
        "7 h 00",
        "Je soussigné·e, Équipe Atlanpole, pour l'organisation",
        "Date et signature :",
        "l'environnement, unité de", // the long institution, wrapped, not cut
        "bioproduction",
    ] {
        assert!(text.contains(expected), "{expected:?} in {text}");
    }
    assert!(!text.contains('…'), "nothing cut: {text}");
    // Three attendees, then five numbered blank rows for people on paper.
    let numbers: Vec<&str> = text.lines().map(str::trim).filter(|l| l.parse::<u32>().is_ok()).collect();
    assert!(numbers.contains(&"8") && !numbers.contains(&"9"), "rows 1 to 8: {numbers:?}");
    assert!(!text.contains("ANNULÉ"));

    let (status, _) = f.api(reqwest::Method::POST, "/api/v1/events/novasep/cancel", json!({})).await;
    assert_eq!(status, 200);
    let sheet = f.get("/api/v1/events/novasep/attendance-sheet.pdf").await.bytes().await.expect("pdf");
    assert!(pdf_text(&sheet).contains("ANNULÉ"), "a cancelled event's sheet says so");
}

async fn attendees_get_a_certificate_that_anyone_can_verify() {
    let f = fixture().await;
    f.move_to("2099-06-13T09:10:00+02:00");
    f.check_in(0, "2099-06-13-am").await;
    f.check_in(1, "2099-06-13-am").await;
    f.move_to("2099-06-20T13:40:00+02:00");
    f.check_in(0, "2099-06-20-pm").await;

    let response = f.app.client.get(f.app.url(&format!("/r/{}/certificate.pdf", f.links[0]))).send().await;
    let response = response.expect("sent");
    assert_eq!(response.status(), 200);
    assert_eq!(response.headers()["content-type"], "application/pdf");
    let text = pdf_text(&response.bytes().await.expect("pdf"));
    for expected in [
        "ATTESTATION DE PRÉSENCE",
        "Étudiant·e 1",
        "a participé à « Masterclass Novasep : purification »",
        "Novasep, Pompey",
        "13/06 matin (9 h 00–12 h 30),",
        "20/06 après-midi (13 h 30–17 h 00)",
        "7 h 00",
        "Équipe Atlanpole",
        "/verify/",
    ] {
        assert!(text.contains(expected), "{expected:?} in {text}");
    }
    let id: String = text.split("/verify/").nth(1).expect("address").chars().take(24).collect();
    assert!(id.len() == 24 && id.chars().all(|c| c.is_ascii_hexdigit()), "{id}");
    assert!(!id.contains(&f.ids[0].replace('-', "")[..8]), "not the registration id");

    // In the person's language, through the API too.
    let response = f.app.client.get(f.app.url(&format!("/api/v1/registrations/{}/certificate.pdf", f.links[1])));
    let response = response.send().await.expect("sent");
    assert_eq!(response.status(), 200);
    let english = pdf_text(&response.bytes().await.expect("pdf"));
    assert!(english.contains("CERTIFICATE OF ATTENDANCE") && english.contains("3 h 30 min"), "{english}");

    // Nobody recorded person 3 present: no certificate.
    let (status, html) = f.app.get_page(&format!("/r/{}/certificate.pdf", f.links[2])).await;
    assert_eq!(status, 404);
    assert!(html.contains("Aucune attestation de présence"), "{html}");
    let (status, body) = f.app.get_json(&format!("/api/v1/registrations/{}/certificate.pdf", f.links[2])).await;
    assert_eq!((status, body["error"]["code"].as_str()), (404, Some("certificate_not_found")));

    let (status, html) = f.app.get_page(&format!("/verify/{id}")).await;
    assert_eq!(status, 200);
    for expected in ["Attestation de présence vérifiée", "Étudiant·e 1", "Masterclass Novasep", "7\u{a0}h\u{a0}00"]
    {
        assert!(html.contains(expected), "{expected:?} in {html}");
    }
    for unknown in ["000000000000000000000000", "not-an-id", &id.to_uppercase()] {
        let (status, html) = f.app.get_page(&format!("/verify/{unknown}")).await;
        assert_eq!(status, 404, "{unknown}");
        assert!(html.contains("Attestation inconnue"), "{html}");
    }

    let (_, html) = f.app.get_page(&format!("/r/{}", f.links[0])).await;
    assert!(html.contains(&format!("/r/{}/certificate.pdf", f.links[0])), "a link on their page");
    let (_, html) = f.app.get_page(&format!("/r/{}", f.links[2])).await;
    assert!(!html.contains("certificate.pdf"), "none without attendance");
}

/// The certificates among the messages received, by recipient.
fn certificates(sink: &SmtpSink) -> Vec<(String, Vec<u8>)> {
    let mut found = Vec::new();
    for received in sink.received() {
        let message = mail_parser::MessageParser::default().parse(&received.data).expect("a message");
        if !message.subject().unwrap_or_default().contains("attestation") {
            continue;
        }
        let pdf = message.attachments().find(|part| part.attachment_name() == Some("attestation.pdf"));
        let to = message.to().and_then(|a| a.first()).and_then(|a| a.address()).unwrap_or_default().to_owned();
        found.push((to, pdf.expect("the PDF attached").contents().to_vec()));
    }
    found.sort();
    found
}

async fn certificates_are_emailed_once_after_the_last_session_and_again_on_request() {
    let f = fixture().await;
    f.move_to("2099-06-13T09:10:00+02:00");
    f.check_in(0, "2099-06-13-am").await;
    f.check_in(2, "2099-06-13-am").await;
    f.move_to("2099-06-20T16:59:00+02:00");
    f.app.jobs_settled().await;
    assert!(f.app.sent_to("certificate").await.is_empty(), "not before the last session ends");

    f.move_to("2099-06-20T17:00:01+02:00");
    f.app.jobs_settled().await;
    let present = ["etudiant1@example.org", "etudiant3@example.org"];
    assert_eq!(f.app.sent_to("certificate").await, present, "each person present, not person 2");
    f.sink.wait_for(5, common::WAIT).await;
    let mailed = certificates(&f.sink);
    assert_eq!(mailed.iter().map(|(to, _)| to.as_str()).collect::<Vec<_>>(), present);
    let text = pdf_text(&mailed[1].1);
    assert!(text.contains("Étudiant·e 3") && text.contains("3 h 30"), "{text}");
    f.move_to("2099-06-22T10:00:00+02:00");
    f.app.jobs_settled().await;
    assert_eq!(f.app.sent_to("certificate").await.len(), 2, "once");

    let send = |body: Value| f.api(reqwest::Method::POST, "/api/v1/events/novasep/certificates", body);
    let (status, body) = send(json!({})).await;
    assert_eq!((status, body["queued"].as_u64()), (202, Some(2)), "again to everyone present");
    let (_, body) = send(json!({ "registration_id": f.ids[0] })).await;
    assert_eq!(body["queued"], 1, "again to one");
    let (_, body) = send(json!({ "registration_id": f.ids[1] })).await;
    assert_eq!(body["queued"], 0, "none to someone absent");
    let (status, body) = send(json!({ "registration_id": uuid::Uuid::nil() })).await;
    assert_eq!((status, body["error"]["code"].as_str()), (404, Some("registration_not_found")), "{body}");

    let organizer = common::signed_in(&f.app, ORGANIZER).await;
    let event_page = format!("/admin/events/{}", f.event_id);
    let (_, html) = page(&organizer, f.app.url(&event_page)).await;
    assert!(html.contains("Envoyer à nouveau les attestations"), "{html}");
    let response = post(&organizer, &f.app, &event_page, &format!("{event_page}/certificates"), &[]).await;
    assert_eq!(response.status(), 200);
    assert!(response.text().await.expect("page").contains("2 attestations mises en file d'envoi."));
    let one = format!("{event_page}/registrations/{}/certificate", f.ids[2]);
    assert_eq!(post(&organizer, &f.app, &event_page, &one, &[]).await.status(), 303);
    assert_eq!(f.app.sent_to("certificate").await.len(), 2 + 2 + 1 + 2 + 1);
}

async fn the_check_in_qr_code_opens_a_one_tap_confirmation() {
    let f = fixture().await;
    // Person 1's (French): the three confirmations may arrive in any order.
    let received = f.sink.received();
    let confirmation = received.into_iter().find(|m| m.to == ["etudiant1@example.org"]).expect("a confirmation");
    let message = mail_parser::MessageParser::default().parse(&confirmation.data).expect("a message");
    let html = message.body_html(0).expect("html").into_owned();
    assert!(html.contains(r#"src="cid:check-in-qr""#), "{html}");
    let image =
        message.parts.iter().find(|part| part.content_id() == Some("check-in-qr")).expect("the QR code, inline");
    let text = message.body_text(0).expect("text").into_owned();
    let code = text.split("Code d'accueil : ").nth(1).expect("the code").chars().take(9).collect::<String>();
    let check_in = format!("/admin/events/{}/check-in?code={code}", f.event_id);
    let expected = atelier::qr::png(&f.app.url(&check_in), 6).expect("png");
    assert_eq!(image.contents(), expected.as_slice(), "the QR code of the check-in link with their code");

    let (_, html) = f.app.get_page(&format!("/r/{}", f.links[0])).await;
    let svg = atelier::qr::svg(&f.app.url(&check_in), 180).expect("svg");
    assert!(html.contains(&svg[svg.find("<svg").expect("svg")..]), "the same code on their page");
    assert!(html.contains(&code), "and the code to read out");

    // The organizer's phone opens the link: one tap checks them in.
    f.move_to("2099-06-13T09:12:00+02:00");
    let organizer = common::signed_in(&f.app, ORGANIZER).await;
    let (status, html) = page(&organizer, f.app.url(&check_in)).await;
    assert_eq!(status, 200);
    assert!(html.contains("Pointer Étudiant·e 1 — 13/06 matin ?"), "{html}");
    let action = format!("/admin/events/{}/check-in", f.event_id);
    let fields = [("code", code.as_str()), ("slot", "2099-06-13-am")];
    let response = post(&organizer, &f.app, &check_in, &action, &fields).await;
    assert_eq!(response.status(), 303);
    let shown = response.headers()["location"].to_str().expect("location").to_owned();
    let (_, html) = page(&organizer, f.app.url(&shown)).await;
    assert!(html.contains("✓ Étudiant·e 1 — 09:12"), "{html}");
    let (_, html) = page(&organizer, f.app.url(&format!("{action}?code=ZZZZ-ZZZZ"))).await;
    assert!(html.contains("Aucun participant confirmé n'a ce code"), "{html}");

    // The trainer signs the slot from the same page.
    let trainer = format!("/admin/events/{}/slots/2099-06-13-am/trainer-signature", f.event_id);
    let response = post(&organizer, &f.app, &shown, &trainer, &[("name", "")]).await;
    let back = response.headers()["location"].to_str().expect("location").to_owned();
    let (_, html) = page(&organizer, f.app.url(&back)).await;
    assert!(html.contains("Indiquez le nom du formateur"), "{html}");
    let response = post(&organizer, &f.app, &shown, &trainer, &[("name", "Claire Formatrice")]).await;
    let back = response.headers()["location"].to_str().expect("location").to_owned();
    let (_, html) = page(&organizer, f.app.url(&back)).await;
    assert!(html.contains("Signé par Claire Formatrice à 09:12 (compte : Équipe Atlanpole)"), "{html}");
}
