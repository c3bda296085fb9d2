//! Long lists, filtered and a page at a time: events in the API and the
//! catalogue, an event's registrations in the API and the back-office.

mod common;

use chrono::{DateTime, Duration, Utc};
use common::{masterclass, organizer_token, page, person, signed_in, spawn_app};
use serde_json::{Value, json};

on_both_backends! {
    #[tokio::test] events_are_found_by_day_in_paris_and_by_text,
    #[tokio::test] events_come_a_page_at_a_time_without_repeat_or_gap,
    #[tokio::test] bad_list_parameters_get_field_errors,
    #[tokio::test] registrations_come_a_page_at_a_time_filtered_by_status_and_text,
    #[tokio::test] the_back_office_shows_a_hundred_registrations_a_page,
    #[tokio::test] the_catalogue_filters_by_date_and_shows_pages,
}

/// A masterclass starting at `starts_at`, titled `title`, hosted by `host`.
fn event_at(slug: &str, starts_at: DateTime<Utc>, title: &str, host: &str) -> atelier::domain::NewEvent {
    let mut event = masterclass(slug, 10);
    event.title = title.into();
    event.host = host.into();
    event.location = host.into();
    event.starts_at = starts_at;
    event.ends_at = starts_at + Duration::hours(3);
    event.sessions[0].starts_at = event.starts_at;
    event.sessions[0].ends_at = event.ends_at;
    event.registration_closes_at = starts_at;
    event
}

fn slugs(list: &Value) -> Vec<&str> {
    list.as_array().expect("array").iter().map(|e| e["slug"].as_str().unwrap_or_default()).collect()
}

/// Every page of an API list from `path`: the items, in order, and the
/// `X-Total-Count` of each page.
async fn all_pages(client: &reqwest::Client, base: &str, path: &str, token: Option<&str>) -> (Vec<Value>, Vec<u64>) {
    let (mut items, mut totals) = (Vec::new(), Vec::new());
    let mut next = Some(path.to_owned());
    while let Some(path) = next.take() {
        let mut request = client.get(format!("{base}{path}"));
        if let Some(token) = token {
            request = request.bearer_auth(token);
        }
        let response = request.send().await.expect("sent");
        assert_eq!(response.status(), 200, "{path}");
        totals.push(response.headers()["x-total-count"].to_str().expect("text").parse().expect("number"));
        next = response.headers().get("link").map(|link| {
            let link = link.to_str().expect("text");
            let target = link.strip_prefix('<').and_then(|l| l.split_once(">; rel=\"next\"")).expect("rel=next");
            target.0.to_owned()
        });
        let page: Value = response.json().await.expect("json");
        assert!(!page.as_array().expect("array").is_empty(), "no empty page before the end: {path}");
        items.extend(page.as_array().expect("array").iter().cloned());
    }
    (items, totals)
}

async fn events_are_found_by_day_in_paris_and_by_text() {
    let app = spawn_app().await;
    // 23:30 UTC on 1 March 2099 is already 2 March in Paris.
    let late = "2099-03-01T23:30:00Z".parse().expect("date");
    app.create_event(event_at("nuit", late, "Table ronde : la bioproduction en Pays de la Loire", "Atlanpole")).await;
    let morning = "2099-03-01T08:00:00Z".parse().expect("date");
    app.create_event(event_at("matin", morning, "Masterclass thérapie génique", "Sanofi Pasteur")).await;
    let april = "2099-04-10T08:00:00Z".parse().expect("date");
    app.create_event(event_at("avril", april, "Masterclass contrôle qualité", "Naobios")).await;

    let (_, list) = app.get_json("/api/v1/events?from=2099-03-02&to=2099-03-02").await;
    assert_eq!(slugs(&list), ["nuit"], "the day is Paris's");
    let (_, list) = app.get_json("/api/v1/events?to=2099-03-01").await;
    assert_eq!(slugs(&list), ["matin"]);
    let (_, list) = app.get_json("/api/v1/events?from=2099-03-02").await;
    assert_eq!(slugs(&list), ["nuit", "avril"]);
    // Case and accents aside, in the title, the host or the place.
    let (_, list) = app.get_json("/api/v1/events?q=THERAPIE").await;
    assert_eq!(slugs(&list), ["matin"]);
    let (_, list) = app.get_json("/api/v1/events?q=sanofi").await;
    assert_eq!(slugs(&list), ["matin"]);
    let (_, list) = app.get_json("/api/v1/events?q=Masterclass&from=2099-04-01").await;
    assert_eq!(slugs(&list), ["avril"], "filters add up");
    let (status, list) = app.get_json("/api/v1/events?q=vaccins").await;
    assert_eq!((status, list), (200, json!([])));
}

async fn events_come_a_page_at_a_time_without_repeat_or_gap() {
    let app = spawn_app().await;
    let start = Utc::now() + Duration::days(20);
    for i in 0..7 {
        // Two share a start: their titles order them.
        let at = start + Duration::days(i.min(5));
        app.create_event(event_at(
            &format!("e{i}"),
            at,
            &format!("Masterclass {}", (b'a' + i as u8) as char),
            "Naobios",
        ))
        .await;
    }
    let (first, _) = all_pages(&app.client, &app.url(""), "/api/v1/events", None).await;
    assert_eq!(slugs(&Value::Array(first.clone())), ["e0", "e1", "e2", "e3", "e4", "e5", "e6"], "one page");

    let (paged, totals) = all_pages(&app.client, &app.url(""), "/api/v1/events?limit=3&kind=masterclass", None).await;
    assert_eq!(paged, first, "the pages together are the whole list, in order");
    assert_eq!(totals, [7, 7, 7]);

    // The next page's address keeps the filters.
    let response = app.client.get(app.url("/api/v1/events?limit=2&q=masterclass")).send().await.expect("sent");
    let link = response.headers()["link"].to_str().expect("text").to_owned();
    assert!(link.starts_with("</api/v1/events?limit=2&q=masterclass&cursor="), "{link}");
    assert!(link.ends_with(">; rel=\"next\""), "{link}");

    // An event published before the cursor does not shift the next page.
    let target = link.trim_start_matches('<').split_once('>').expect("target").0.to_owned();
    app.create_event(event_at("tot", start - Duration::days(1), "Masterclass tôt", "Naobios")).await;
    let (_, second) = app.get_json(&target).await;
    assert_eq!(slugs(&second), ["e2", "e3"]);
    let response = app.client.get(app.url("/api/v1/events?limit=200")).send().await.expect("sent");
    assert!(response.headers().get("link").is_none(), "no next page after the last");
}

async fn bad_list_parameters_get_field_errors() {
    let app = spawn_app().await;
    let (status, body) = app.get_json("/api/v1/events?from=02/03/2099&to=2099-02-30&limit=0&cursor=abc").await;
    assert_eq!(status, 422);
    let fields = &body["error"]["fields"];
    assert_eq!(fields["from"]["code"], "invalid_date");
    assert_eq!(fields["to"]["code"], "invalid_date");
    assert_eq!(fields["limit"]["code"], "too_small");
    assert_eq!(fields["cursor"]["code"], "invalid_cursor");
    let (status, body) = app.get_json("/api/v1/events?from=2099-03-02&to=2099-03-01&limit=201").await;
    assert_eq!(status, 422);
    assert_eq!(body["error"]["fields"]["to"]["code"], "end_before_start");
    assert_eq!(body["error"]["fields"]["limit"]["code"], "too_large");
    let (status, body) = app.get_json(&format!("/api/v1/events?q={}", "a".repeat(201))).await;
    assert_eq!((status, &body["error"]["fields"]["q"]["code"]), (422, &json!("too_long")));
    let (status, body) = app.get_json("/api/v1/events?limit=ten").await;
    assert_eq!((status, &body["error"]["fields"]["limit"]["code"]), (422, &json!("not_a_number")));
}

async fn registrations_come_a_page_at_a_time_filtered_by_status_and_text() {
    let app = spawn_app().await;
    let token = organizer_token(&app, "equipe@atlanpole.example").await;
    let body = json!({
        "kind": "masterclass", "title": "Masterclass Naobios : vaccins", "starts_at": "2099-06-15T09:00:00+02:00",
        "ends_at": "2099-06-15T17:00:00+02:00", "location": "Naobios", "host": "Naobios",
        "levels": ["master"], "capacity": 2, "status": "published"
    });
    let created = app.client.post(app.url("/api/v1/events")).bearer_auth(&token).json(&body).send().await;
    let created: Value = created.expect("sent").json().await.expect("json");
    let slug = created["slug"].as_str().expect("slug").to_owned();
    for n in 0..5 {
        let mut someone = person(n);
        if n == 3 {
            someone["institution"] = json!("Université de Nantes — IUT de Saint-Nazaire");
        }
        assert_eq!(app.sign_up(&slug, someone).await.0, 201);
    }
    let path = format!("/api/v1/events/{slug}/registrations");
    let (everyone, _) = all_pages(&app.client, &app.url(""), &path, Some(&token)).await;
    assert_eq!(everyone.len(), 5);
    let (paged, totals) = all_pages(&app.client, &app.url(""), &format!("{path}?limit=2"), Some(&token)).await;
    let ids = |list: &[Value]| list.iter().map(|r| r["id"].as_str().unwrap_or_default().to_owned()).collect::<Vec<_>>();
    assert_eq!(ids(&paged), ids(&everyone), "oldest first, whole, in pages of two");
    assert_eq!(totals, [5, 5, 5]);

    let (waiting, totals) =
        all_pages(&app.client, &app.url(""), &format!("{path}?status=waitlisted"), Some(&token)).await;
    let positions: Vec<_> = waiting.iter().map(|r| r["waitlist_position"].as_i64().expect("position")).collect();
    assert_eq!((positions, totals), (vec![1, 2, 3], vec![3]));
    let (found, _) = all_pages(&app.client, &app.url(""), &format!("{path}?q=saint%20nazaire"), Some(&token)).await;
    assert_eq!(found.len(), 1);
    assert_eq!(found[0]["email"], everyone[3]["email"]);

    let response = app.client.get(app.url(&format!("{path}?status=present&limit=500"))).bearer_auth(&token).send();
    let refused: Value = response.await.expect("sent").json().await.expect("json");
    assert_eq!(refused["error"]["fields"]["status"]["code"], "unknown_choice");
    assert_eq!(refused["error"]["fields"]["limit"]["code"], "too_large");
    // Still only for its organizers.
    let other = organizer_token(&app, "autre@example.org").await;
    let response = app.client.get(app.url(&format!("{path}?limit=1"))).bearer_auth(&other).send().await;
    assert_eq!(response.expect("sent").status(), 403);
}

async fn the_back_office_shows_a_hundred_registrations_a_page() {
    let app = spawn_app().await;
    let token = organizer_token(&app, "equipe@atlanpole.example").await;
    let body = json!({
        "kind": "round_table", "title": "Table ronde : les métiers de la bioproduction",
        "starts_at": "2099-06-15T09:00:00+02:00", "ends_at": "2099-06-15T11:00:00+02:00",
        "location": "Atlanpole Biotherapies", "host": "Atlanpole", "levels": ["master"], "capacity": 100,
        "status": "published"
    });
    let created = app.client.post(app.url("/api/v1/events")).bearer_auth(&token).json(&body).send().await;
    let created: Value = created.expect("sent").json().await.expect("json");
    let (id, slug) = (created["id"].as_str().expect("id"), created["slug"].as_str().expect("slug"));
    for n in 0..103 {
        assert_eq!(app.sign_up(slug, person(n)).await.0, 201);
    }
    let client = signed_in(&app, "equipe@atlanpole.example").await;
    let (status, first) = page(&client, app.url(&format!("/admin/events/{id}"))).await;
    assert_eq!(status, 200);
    assert!(first.contains("100 inscriptions affichées sur 103"), "{first}");
    assert_eq!(first.matches("/remove\"").count(), 100, "a hundred rows, each with its actions");
    assert!(!first.contains("Première page"));
    let next = first.split("rel=\"next\" href=\"").nth(1).expect("a next page").split('"').next().expect("href");
    let next = next.replace("&amp;", "&");
    let (_, second) = page(&client, app.url(&next)).await;
    assert!(second.contains("3 inscriptions affichées sur 103"), "{second}");
    assert!(second.contains("Première page") && !second.contains("rel=\"next\""));
    assert!(second.contains("Étudiant·e 102") && !second.contains("Étudiant·e 0<"), "the last three");

    let (_, waiting) = page(&client, app.url(&format!("/admin/events/{id}?status=waitlisted"))).await;
    assert!(waiting.contains("3 inscriptions affichées sur 3"), "{waiting}");
    assert!(waiting.contains(r#"<option value="waitlisted" selected>"#), "the filter stays chosen");
    let (_, found) = page(&client, app.url(&format!("/admin/events/{id}?q=etudiant42%40example.org&status="))).await;
    assert!(found.contains("1 inscription affichée sur 1"), "{found}");
    let (status, odd) = page(&client, app.url(&format!("/admin/events/{id}?status=nope&cursor=zz"))).await;
    assert_eq!(status, 200, "an old or mangled link shows the first page of everyone");
    assert!(odd.contains("100 inscriptions affichées sur 103"));
}

async fn the_catalogue_filters_by_date_and_shows_pages() {
    let app = spawn_app().await;
    let start: DateTime<Utc> = "2099-05-01T08:00:00Z".parse().expect("date");
    for i in 0..26 {
        let title = format!("Masterclass numéro {i:02}");
        app.create_event(event_at(&format!("m{i:02}"), start + Duration::days(i), &title, "Naobios")).await;
    }
    let (status, first) = app.get_page("/").await;
    assert_eq!(status, 200);
    assert!(first.contains("Masterclass numéro 23") && !first.contains("Masterclass numéro 24"), "24 a page");
    assert!(!first.contains("Revenir aux premiers événements"));
    let next = first.split("rel=\"next\" href=\"").nth(1).expect("later events").split('"').next().expect("href");
    let (_, second) = app.get_page(&next.replace("&amp;", "&")).await;
    assert!(second.contains("Masterclass numéro 24") && second.contains("Masterclass numéro 25"));
    assert!(!second.contains("Masterclass numéro 23") && !second.contains("rel=\"next\""));
    assert!(second.contains("Revenir aux premiers événements"));

    let (_, may) = app.get_page("/?from=2099-05-10&to=2099-05-11&kind=masterclass").await;
    assert!(may.contains("Masterclass numéro 09") && may.contains("Masterclass numéro 10"), "{may}");
    assert!(!may.contains("Masterclass numéro 08") && !may.contains("Masterclass numéro 11"));
    assert!(may.contains(r#"name="from" type="date" value="2099-05-10""#), "the dates stay in the form");
    let (status, odd) = app.get_page("/?from=demain&cursor=zz").await;
    assert_eq!(status, 200, "a mangled link shows the first page");
    assert!(odd.contains("Masterclass numéro 00"));
}
