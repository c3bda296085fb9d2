//! What a student sees in the list of events, as HTML and as JSON.

mod common;

use atelier::domain::{EventKind, EventStatus, Level};
use chrono::{Duration, Utc};
use common::{masterclass, person, spawn_app, with_status};

on_both_backends! {
    #[tokio::test] upcoming_published_events_are_listed_soonest_first,
    #[tokio::test] dates_are_shown_in_paris_time,
    #[tokio::test] full_events_say_the_waiting_list_is_open,
    #[tokio::test] filters_by_kind_and_level,
    #[tokio::test] an_empty_catalogue_says_so,
    #[tokio::test] health_and_openapi,
    #[tokio::test] each_card_says_when_sign_ups_open_or_leads_to_the_form,
}

async fn upcoming_published_events_are_listed_soonest_first() {
    let app = spawn_app().await;
    let now = Utc::now();
    let mut later = masterclass("later", 10);
    later.starts_at = now + Duration::days(30);
    later.ends_at = later.starts_at + Duration::hours(3);
    app.create_event(later).await;
    let mut round_table = masterclass("table-ronde", 150);
    round_table.kind = EventKind::RoundTable;
    round_table.title = "Les forces vives du Grand Ouest sur la bioproduction".into();
    round_table.starts_at = now + Duration::days(3);
    round_table.ends_at = round_table.starts_at + Duration::hours(2);
    app.create_event(round_table).await;
    app.create_event(with_status(masterclass("brouillon", 10), EventStatus::Draft)).await;
    let mut past = masterclass("passe", 10);
    past.starts_at = now - Duration::days(1);
    app.create_event(past).await;

    let (status, events) = app.get_json("/api/v1/events").await;
    assert_eq!(status, 200);
    let slugs: Vec<_> = events.as_array().expect("array").iter().map(|e| e["slug"].as_str().unwrap_or("")).collect();
    assert_eq!(slugs, ["table-ronde", "later"]);
    let first = &events[0];
    for field in [
        "id",
        "slug",
        "kind",
        "title",
        "starts_at",
        "ends_at",
        "location",
        "host",
        "levels",
        "capacity",
        "seats_left",
        "waitlist_length",
        "registration_opens_at",
        "registration_closes_at",
        "status",
    ] {
        assert!(!first[field].is_null(), "{field} present");
    }
    assert_eq!(first["kind"], "round_table");
    assert_eq!(first["status"], "published");
    assert_eq!(first["capacity"], 150);
    assert!(chrono::DateTime::parse_from_rfc3339(first["starts_at"].as_str().expect("text")).is_ok());

    let (status, page) = app.get_page("/").await;
    assert_eq!(status, 200);
    let round = page.find("Les forces vives du Grand Ouest").expect("round table listed");
    let masterclass = page.find("Masterclass later").expect("masterclass listed");
    assert!(round < masterclass, "soonest first");
    assert!(page.contains("Table ronde"));
    assert!(page.contains("150 places restantes"));
    assert!(!page.contains("brouillon") && !page.contains("passe"), "drafts and past events hidden");

    // One event by id gives the same as by slug.
    let id = first["id"].as_str().expect("id");
    let (status, by_id) = app.get_json(&format!("/api/v1/events/{id}")).await;
    assert_eq!(status, 200);
    assert_eq!(by_id["slug"], "table-ronde");
}

async fn dates_are_shown_in_paris_time() {
    let app = spawn_app().await;
    let mut event = masterclass("horaire", 10);
    // 08:00 UTC on 2 March is 09:00 in Paris (winter time).
    event.starts_at = "2099-03-02T08:00:00Z".parse().expect("date");
    event.ends_at = "2099-03-02T16:00:00Z".parse().expect("date");
    event.registration_closes_at = event.starts_at;
    app.create_event(event).await;
    let (_, page) = app.get_page("/").await;
    assert!(
        page.contains(
            "lundi 2 mars 2099, 9\u{a0}h\u{a0}00 – 17\u{a0}h\u{a0}00 <span class=\"hint\">(heure de Paris)</span>"
        ),
        "{page}"
    );
}

async fn full_events_say_the_waiting_list_is_open() {
    let app = spawn_app().await;
    app.create_event(masterclass("complet", 1)).await;
    app.sign_up("complet", person(1)).await;
    let (_, page) = app.get_page("/").await;
    assert!(page.contains("Complet — liste d'attente ouverte"));
    let (_, event) = app.get_json("/api/v1/events/complet").await;
    assert_eq!(event["seats_left"], 0);
}

async fn filters_by_kind_and_level() {
    let app = spawn_app().await;
    let mut round_table = masterclass("table", 100);
    round_table.kind = EventKind::RoundTable;
    app.create_event(round_table).await;
    let mut phd = masterclass("doctorants", 10);
    phd.levels = vec![Level::Doctorat];
    app.create_event(phd).await;
    let mut bts = masterclass("bts", 10);
    bts.levels = vec![Level::BtsBut, Level::Licence];
    app.create_event(bts).await;

    let slugs = |events: serde_json::Value| -> Vec<String> {
        let mut s: Vec<_> =
            events.as_array().expect("array").iter().map(|e| e["slug"].as_str().unwrap_or("").to_owned()).collect();
        s.sort();
        s
    };
    let (_, events) = app.get_json("/api/v1/events?kind=masterclass").await;
    assert_eq!(slugs(events), ["bts", "doctorants"]);
    let (_, events) = app.get_json("/api/v1/events?level=doctorat").await;
    assert_eq!(slugs(events), ["doctorants", "table"]);
    let (_, events) = app.get_json("/api/v1/events?kind=masterclass&level=licence").await;
    assert_eq!(slugs(events), ["bts"]);
    let (status, body) = app.get_json("/api/v1/events?level=postdoc").await;
    assert_eq!(status, 422);
    assert_eq!(body["error"]["fields"]["level"]["code"], "unknown_level");

    let (_, page) = app.get_page("/?kind=round_table").await;
    assert!(page.contains("Masterclass table") && !page.contains("Masterclass bts"));
    let (_, page) = app.get_page("/?level=doctorat").await;
    assert!(page.contains("Masterclass doctorants") && !page.contains("Masterclass bts"));
    assert!(page.contains(r#"<option value="doctorat" selected>"#), "the chosen filter stays selected");
    let (status, page) = app.get_page("/?kind=whatever").await;
    assert_eq!(status, 200, "an unknown filter shows everything");
    assert!(page.contains("Masterclass bts"));
}

async fn an_empty_catalogue_says_so() {
    let app = spawn_app().await;
    let (status, page) = app.get_page("/").await;
    assert_eq!(status, 200);
    assert!(page.contains("Aucun événement à venir"));
    let (_, events) = app.get_json("/api/v1/events").await;
    assert_eq!(events, serde_json::json!([]));
}

async fn health_and_openapi() {
    let app = spawn_app().await;
    let response = app.client.get(app.url("/healthz")).send().await.expect("sent");
    assert_eq!(response.status(), 200);

    let (status, doc) = app.get_json("/api/openapi.json").await;
    assert_eq!(status, 200);
    assert!(doc["openapi"].as_str().expect("version").starts_with("3."));
    for path in [
        "/api/v1/events",
        "/api/v1/events/{id}",
        "/api/v1/events/{id}/registrations",
        "/api/v1/registrations/{token}/cancel",
    ] {
        assert!(doc["paths"][path].is_object(), "{path} documented");
    }
    assert!(doc["paths"]["/api/v1/events/{id}/registrations"]["post"]["responses"]["201"].is_object());
    assert!(doc["components"]["schemas"]["EventJson"]["properties"]["seats_left"].is_object());
    assert!(doc["components"]["schemas"]["EventJson"]["properties"]["version"].is_object());
    // Every endpoint on an organizer's event says how it refuses.
    for (path, method) in [("/api/v1/events/{id}", "patch"), ("/api/v1/events/{id}/attendees.csv", "get")] {
        let responses = &doc["paths"][path][method]["responses"];
        for status in ["401", "403", "404"] {
            assert!(responses[status]["description"].is_string(), "{method} {path} documents {status}: {responses}");
        }
    }
    assert!(doc["paths"]["/api/v1/events/{id}"]["patch"]["responses"]["409"].is_object(), "edit_conflict documented");
}

async fn each_card_says_when_sign_ups_open_or_leads_to_the_form() {
    let app = spawn_app().await;
    let mut later = masterclass("bientot", 40);
    // 08:00 UTC on 2 March is 09:00 in Paris.
    later.registration_opens_at = "2099-03-02T08:00:00Z".parse().expect("date");
    later.starts_at = "2099-04-02T08:00:00Z".parse().expect("date");
    later.ends_at = "2099-04-02T12:00:00Z".parse().expect("date");
    later.sessions[0].starts_at = later.starts_at;
    later.sessions[0].ends_at = later.ends_at;
    later.registration_closes_at = later.starts_at;
    app.create_event(later).await;
    app.create_event(masterclass("ouverte", 3)).await;
    app.create_event(masterclass("pleine", 1)).await;
    app.sign_up("pleine", person(1)).await;

    let (_, page) = app.get_page("/").await;
    let card = |slug: &str| {
        let start = page.find(&format!(r#"href="/events/{slug}""#)).expect("a card");
        page[start..].split("</article>").next().expect("the card").to_owned()
    };
    let soon = card("bientot");
    assert!(soon.contains("Inscriptions à partir du lundi 2 mars 2099, 9\u{a0}h\u{a0}00"), "{soon}");
    assert!(!soon.contains("places restantes") && !soon.contains("#sign-up"), "no seat count before sign-ups open");
    let open = card("ouverte");
    assert!(open.contains("3 places restantes"), "{open}");
    assert!(
        open.contains(
            r##"href="/events/ouverte#sign-up" aria-label="S'inscrire : Masterclass ouverte">S'inscrire</a>"##
        ),
        "{open}"
    );
    assert!(card("pleine").contains(">Rejoindre la liste d'attente</a>"));

    let (_, event) = app.get_page("/events/bientot").await;
    assert!(event.contains("Inscriptions à partir du lundi 2 mars 2099, 9\u{a0}h\u{a0}00"));
    let (_, event) = app.get_page("/events/ouverte").await;
    assert!(
        event.contains(r##"href="#sign-up""##) && event.contains(r#"id="sign-up""#),
        "the button leads to the form"
    );
    assert!(event.contains("Inscriptions jusqu'au"), "the closing date is shown");
    // Shared, the link shows the event, when and where.
    assert!(event.contains(r#"<meta property="og:title" content="Masterclass ouverte">"#), "{event}");
    assert!(
        event.contains(r#"<meta property="og:description" content=""#) && event.contains(" · Naobios · Naobios\">")
    );
    assert!(event.contains(r#"<link rel="icon" href="/static/favicon.svg""#));
    let old = app.client.get(app.url("/favicon.ico")).send().await.expect("sent");
    assert_eq!(
        (old.status().as_u16(), &old.headers()["location"]),
        (308, &"/static/favicon.svg".parse().expect("value"))
    );
    let icon = app.client.get(app.url("/static/favicon.svg")).send().await.expect("sent");
    assert_eq!(icon.headers()["content-type"], "image/svg+xml");
    assert!(icon.text().await.expect("svg").starts_with("<svg"));
}
