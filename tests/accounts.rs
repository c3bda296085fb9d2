//! Accounts after they are made: API tokens listed, revoked and expiring;
//! organizers disabled, enabled, given another role or password, reset
//! through one-time links, taken off events; and every organizer route
//! refusing whoever may not use it.

mod common;

use chrono::{Duration, Utc};
use common::{PASSWORD, TestApp, atelier, csrf_field, organizer_token, page, post, signed_in, spawn_with_clock};
use serde_json::{Value, json};

on_both_backends! {
    #[tokio::test] tokens_are_listed_revoked_and_expire,
    #[tokio::test] disabling_an_account_ends_its_sessions_and_tokens_at_once,
    #[tokio::test] the_last_active_admin_stays,
    #[tokio::test] organizers_change_their_password_and_admins_hand_out_reset_links,
    #[tokio::test] co_organizers_can_be_taken_off_an_event,
    #[tokio::test] every_organizer_route_refuses_whoever_may_not_use_it,
}

fn clock() -> atelier::clock::Clock {
    atelier::clock::Clock::manual(Utc::now())
}

async fn spawn() -> TestApp {
    spawn_with_clock(clock(), |_| {}).await
}

/// Runs the command line and returns what it printed; panics if it failed.
async fn cli(app: &TestApp, args: &[&str]) -> String {
    let output = atelier(app, args, Some(PASSWORD)).await;
    assert!(output.status.success(), "{args:?}: {}", String::from_utf8_lossy(&output.stderr));
    String::from_utf8(output.stdout).expect("utf-8")
}

async fn api(app: &TestApp, method: reqwest::Method, path: &str, token: &str, body: Option<Value>) -> (u16, Value) {
    let mut request = app.client.request(method, app.url(path)).header("authorization", format!("Bearer {token}"));
    if let Some(body) = body {
        request = request.json(&body);
    }
    let response = request.send().await.expect("sent");
    let status = response.status().as_u16();
    (status, response.json().await.unwrap_or(Value::Null))
}

async fn get(app: &TestApp, path: &str, token: &str) -> (u16, Value) {
    api(app, reqwest::Method::GET, path, token, None).await
}

/// The token labelled so in a list of tokens.
fn labelled<'a>(tokens: &'a Value, label: &str) -> &'a Value {
    let found = tokens.as_array().and_then(|tokens| tokens.iter().find(|token| token["label"] == label));
    found.unwrap_or_else(|| panic!("no token {label:?} in {tokens}"))
}

/// The path of a reset link, from the page or answer that shows it.
fn reset_path(text: &str) -> String {
    let start = text.find("/admin/password-reset/").expect("a reset link");
    text[start..].split(['<', '"']).next().expect("path").to_owned()
}

fn event_body(title: &str) -> Value {
    json!({
        "kind": "masterclass", "title": title, "description": "Une journée sur un site de bioproduction.",
        "starts_at": "2099-06-15T09:00:00+02:00", "ends_at": "2099-06-15T17:00:00+02:00",
        "location": "Naobios", "host": "Naobios", "levels": ["master"], "capacity": 12, "status": "published"
    })
}

async fn tokens_are_listed_revoked_and_expire() {
    let app = spawn().await;
    let first = organizer_token(&app, "jetons@atlanpole.example").await;

    // The scheme's name is case-insensitive.
    let lower = app.client.get(app.url("/api/v1/tokens")).header("authorization", format!("bearer {first}"));
    assert_eq!(lower.send().await.expect("sent").status(), 200);

    // A second one through the API, for a day.
    let body = json!({"label": "export nocturne", "expires_in_days": 1});
    let (status, created) = api(&app, reqwest::Method::POST, "/api/v1/tokens", &first, Some(body)).await;
    assert_eq!(status, 201, "{created}");
    let second = created["token"].as_str().expect("the secret, once").to_owned();
    assert_eq!(get(&app, "/api/v1/tokens", &second).await.0, 200);

    let (_, listed) = get(&app, "/api/v1/tokens", &first).await;
    let text = listed.to_string();
    assert!(!text.contains(&first) && !text.contains(&second), "secrets are never listed: {text}");
    assert_eq!(listed.as_array().map(Vec::len), Some(2), "{listed}");
    let (made, tests) = (labelled(&listed, "export nocturne"), labelled(&listed, "tests"));
    assert_eq!(made["status"], "active");
    assert_eq!(made["prefix"].as_str(), Some(&second[..8]));
    assert!(made["expires_at"].is_string() && tests["expires_at"].is_null());
    assert!(tests["last_used_at"].is_string(), "the first token's use is written down: {listed}");

    // The command line lists them too, by id and prefix.
    let out = cli(&app, &["token", "list", "--organizer", "jetons@atlanpole.example"]).await;
    assert!(out.contains(&second[..8]) && out.contains("export nocturne") && !out.contains(&second), "{out}");

    // A day later the second one is expired: 401 on the next request.
    app.state.clock.advance(Duration::days(1) + Duration::minutes(1));
    let (status, body) = get(&app, "/api/v1/tokens", &second).await;
    assert_eq!((status, body["error"]["code"].as_str()), (401, Some("unauthorized")));
    let (_, listed) = get(&app, "/api/v1/tokens", &first).await;
    assert_eq!(labelled(&listed, "export nocturne")["status"], "expired");

    // Revoked through the API, the first one stops at once.
    let id = labelled(&listed, "tests")["id"].as_str().expect("id").to_owned();
    let (status, revoked) = api(&app, reqwest::Method::DELETE, &format!("/api/v1/tokens/{id}"), &first, None).await;
    assert_eq!((status, revoked["status"].as_str()), (200, Some("revoked")));
    assert_eq!(get(&app, "/api/v1/tokens", &first).await.0, 401);

    // And from the command line, by id.
    let third = cli(&app, &["token", "create", "--organizer", "jetons@atlanpole.example"]).await;
    let third = third.trim();
    assert_eq!(get(&app, "/api/v1/tokens", third).await.0, 200);
    let out = cli(&app, &["token", "list", "--organizer", "jetons@atlanpole.example"]).await;
    let line = out.lines().find(|line| line.contains(&third[..8])).expect("listed");
    let id = line.split('\t').next().expect("id");
    cli(&app, &["token", "revoke", id]).await;
    assert_eq!(get(&app, "/api/v1/tokens", third).await.0, 401);

    // In the back-office: listed with a revoke button.
    let client = signed_in(&app, "jetons@atlanpole.example").await;
    let (_, settings) = page(&client, app.url("/admin/settings")).await;
    assert!(settings.contains("export nocturne") && settings.contains("expiré") && settings.contains("révoqué"));
    let response = post(&client, &app, "/admin/settings", "/admin/tokens", &[("label", "tableur")]).await;
    assert_eq!(response.status(), 201);
    let html = response.text().await.expect("page");
    let shown = html.split(r#"<code id="new-token">"#).nth(1).and_then(|s| s.split('<').next()).expect("shown once");
    assert_eq!(get(&app, "/api/v1/tokens", shown).await.0, 200);
    let (_, listed) = get(&app, "/api/v1/tokens", shown).await;
    let id = labelled(&listed, "tableur")["id"].as_str().expect("id");
    let response = post(&client, &app, "/admin/settings", &format!("/admin/tokens/{id}/revoke"), &[]).await;
    assert_eq!(response.status(), 200);
    assert!(response.text().await.expect("page").contains("Jeton révoqué"));
    assert_eq!(get(&app, "/api/v1/tokens", shown).await.0, 401);

    // Each of these is in the history.
    cli(&app, &["organizer", "add", "chef@atlanpole.example", "--admin"]).await;
    let chef = signed_in(&app, "chef@atlanpole.example").await;
    let (_, history) = page(&chef, app.url("/admin/organizers")).await;
    assert!(history.contains("Jeton d'API « export nocturne » créé pour jetons@atlanpole.example"), "{history}");
    assert!(history.contains("Jeton d'API « tableur » révoqué pour jetons@atlanpole.example"));
}

async fn disabling_an_account_ends_its_sessions_and_tokens_at_once() {
    let app = spawn().await;
    cli(&app, &["organizer", "add", "admin@atlanpole.example", "--admin"]).await;
    let token = organizer_token(&app, "partie@gensensor.example").await;
    let session = signed_in(&app, "partie@gensensor.example").await;
    let admin = signed_in(&app, "admin@atlanpole.example").await;
    let admin_token = cli(&app, &["token", "create", "--organizer", "admin@atlanpole.example"]).await;
    let (_, organizers) = get(&app, "/api/v1/organizers", admin_token.trim()).await;
    let id = organizers.as_array().expect("list").iter().find(|o| o["email"] == "partie@gensensor.example");
    let id = id.and_then(|o| o["id"].as_str()).expect("listed").to_owned();

    let response = post(&admin, &app, "/admin/organizers", &format!("/admin/organizers/{id}/disable"), &[]).await;
    assert_eq!(response.status(), 200);
    let html = response.text().await.expect("page");
    assert!(html.contains("partie@gensensor.example — Équipe Atlanpole (organisateur, désactivé)"), "{html}");
    assert!(html.contains("Compte désactivé : partie@gensensor.example"), "in the history");

    // At once: the session leads to the sign-in page, the token gets 401.
    let response = session.get(app.url("/admin")).send().await.expect("sent");
    assert_eq!(response.status(), 303);
    assert_eq!(get(&app, "/api/v1/tokens", &token).await.0, 401);
    // And the right password no longer signs in.
    let (_, login) = page(&session, app.url("/admin/login")).await;
    let form =
        [("csrf", csrf_field(&login)), ("email", "partie@gensensor.example".into()), ("password", PASSWORD.into())];
    let response = session.post(app.url("/admin/login")).form(&form).send().await.expect("sent");
    assert_eq!(response.status(), 401);

    // Enabled again (here from the command line): signing in works, the
    // old token stays revoked.
    cli(&app, &["organizer", "enable", "partie@gensensor.example"]).await;
    signed_in(&app, "partie@gensensor.example").await;
    assert_eq!(get(&app, "/api/v1/tokens", &token).await.0, 401);

    // Through the API, an admin changes the role; an organizer may not.
    let body = json!({"role": "admin"});
    let path = format!("/api/v1/organizers/{id}");
    let (status, changed) = api(&app, reqwest::Method::PATCH, &path, admin_token.trim(), Some(body.clone())).await;
    assert_eq!((status, changed["role"].as_str()), (200, Some("admin")), "{changed}");
    let fresh = cli(&app, &["token", "create", "--organizer", "partie@gensensor.example"]).await;
    // Enabling an account that is enabled changes nothing: its token and
    // session stay.
    let session = signed_in(&app, "partie@gensensor.example").await;
    let (status, _) = api(&app, reqwest::Method::PATCH, &path, fresh.trim(), Some(json!({"disabled": false}))).await;
    assert_eq!(status, 200);
    assert_eq!(get(&app, "/api/v1/tokens", fresh.trim()).await.0, 200, "the token still works");
    assert_eq!(session.get(app.url("/admin")).send().await.expect("sent").status(), 200, "still signed in");
    cli(&app, &["organizer", "add", "simple@gensensor.example"]).await;
    let simple = cli(&app, &["token", "create", "--organizer", "simple@gensensor.example"]).await;
    let (status, _) = api(&app, reqwest::Method::PATCH, &path, simple.trim(), Some(json!({"disabled": true}))).await;
    assert_eq!(status, 403, "organizers do not manage accounts");
    let (status, body) =
        api(&app, reqwest::Method::PATCH, &path, admin_token.trim(), Some(json!({"role": "chef"}))).await;
    assert_eq!((status, body["error"]["fields"]["role"]["code"].as_str()), (422, Some("unknown_choice")));
    // Disabled from the command line: its fresh token stops too.
    cli(&app, &["organizer", "disable", "partie@gensensor.example"]).await;
    assert_eq!(get(&app, "/api/v1/tokens", fresh.trim()).await.0, 401);
}

async fn the_last_active_admin_stays() {
    let app = spawn().await;
    cli(&app, &["organizer", "add", "seule@atlanpole.example", "--admin"]).await;
    let token = cli(&app, &["token", "create", "--organizer", "seule@atlanpole.example"]).await;
    let admin = signed_in(&app, "seule@atlanpole.example").await;
    let (_, organizers) = get(&app, "/api/v1/organizers", token.trim()).await;
    let id = organizers[0]["id"].as_str().expect("id").to_owned();

    let response = post(&admin, &app, "/admin/organizers", &format!("/admin/organizers/{id}/disable"), &[]).await;
    assert_eq!(response.status(), 409);
    assert!(response.text().await.expect("page").contains("dernier compte administrateur actif"));
    let response =
        post(&admin, &app, "/admin/organizers", &format!("/admin/organizers/{id}/make-organizer"), &[]).await;
    assert_eq!(response.status(), 409);
    let path = format!("/api/v1/organizers/{id}");
    let (status, body) =
        api(&app, reqwest::Method::PATCH, &path, token.trim(), Some(json!({"role": "organizer"}))).await;
    assert_eq!((status, body["error"]["code"].as_str()), (409, Some("last_admin")));
    let output = atelier(&app, &["organizer", "disable", "seule@atlanpole.example"], None).await;
    assert!(!output.status.success());
    assert!(String::from_utf8_lossy(&output.stderr).contains("last active admin"));

    // With a second admin, the first may step down.
    cli(&app, &["organizer", "add", "seconde@atlanpole.example", "--admin"]).await;
    let (status, body) =
        api(&app, reqwest::Method::PATCH, &path, token.trim(), Some(json!({"role": "organizer"}))).await;
    assert_eq!((status, body["role"].as_str()), (200, Some("organizer")));
    let (_, html) = page(&admin, app.url("/admin")).await;
    assert!(!html.contains(r#"href="/admin/organizers""#), "no longer an admin: {html}");
}

async fn organizers_change_their_password_and_admins_hand_out_reset_links() {
    let app = spawn().await;
    cli(&app, &["organizer", "add", "admin@atlanpole.example", "--admin"]).await;
    cli(&app, &["organizer", "add", "oubli@naobios.example"]).await;
    let here = signed_in(&app, "oubli@naobios.example").await;
    let elsewhere = signed_in(&app, "oubli@naobios.example").await;

    let change = |current: &'static str, new: &'static str, again: &'static str| {
        [("current_password", current), ("new_password", new), ("new_password_again", again)]
    };
    let response =
        post(&here, &app, "/admin/settings", "/admin/password", &change("faux", "nouveau passe sûr", "x")).await;
    assert_eq!(response.status(), 422);
    let html = response.text().await.expect("page");
    assert!(html.contains("Ce n'est pas votre mot de passe actuel."), "{html}");
    let response = post(&here, &app, "/admin/settings", "/admin/password", &change(PASSWORD, "court", "court")).await;
    assert_eq!(response.status(), 422);
    assert!(response.text().await.expect("page").contains("Au moins 12 caractères."));
    let fields = change(PASSWORD, "nouveau passe sûr", "nouveau passe sûr");
    let response = post(&here, &app, "/admin/settings", "/admin/password", &fields).await;
    assert_eq!(response.status(), 200);
    assert!(response.text().await.expect("page").contains("Mot de passe changé"));
    assert_eq!(page(&here, app.url("/admin")).await.0, 200, "this session stays");
    assert_eq!(elsewhere.get(app.url("/admin")).send().await.expect("sent").status(), 303, "the others end");

    // The admin hands out a reset link; it works once, for an hour.
    let admin = signed_in(&app, "admin@atlanpole.example").await;
    let token = cli(&app, &["token", "create", "--organizer", "admin@atlanpole.example"]).await;
    let (_, organizers) = get(&app, "/api/v1/organizers", token.trim()).await;
    let id = organizers.as_array().expect("list").iter().find(|o| o["email"] == "oubli@naobios.example");
    let id = id.and_then(|o| o["id"].as_str()).expect("listed").to_owned();
    let response = post(&admin, &app, "/admin/organizers", &format!("/admin/organizers/{id}/reset-link"), &[]).await;
    let html = response.text().await.expect("page");
    assert!(html.contains("une seule fois, pendant une heure"), "{html}");
    let path = reset_path(&html);

    let stranger = reqwest::Client::builder().cookie_store(true).build().expect("client");
    let reset = [("new_password", "encore un autre passe"), ("new_password_again", "encore un autre passe")];
    let csrf = csrf_field(&page(&stranger, app.url(&path)).await.1);
    let response = post(&stranger, &app, &path, &path, &reset).await;
    assert_eq!(response.status(), 200);
    assert!(response.text().await.expect("page").contains("Mot de passe enregistré"));
    assert_eq!(here.get(app.url("/admin")).send().await.expect("sent").status(), 303, "every session ended");
    // Used once: the page says so, and the form sent again is refused.
    let (status, html) = page(&stranger, app.url(&path)).await;
    assert_eq!(status, 410, "used once");
    assert!(html.contains("n'est plus valable"), "{html}");
    let again: Vec<(&str, &str)> = [("csrf", csrf.as_str())].into_iter().chain(reset).collect();
    let response = stranger.post(app.url(&path)).form(&again).send().await.expect("sent");
    assert_eq!(response.status(), 410);

    // A newer link voids an older one (given to the wrong person, say).
    let reset_api = format!("/api/v1/organizers/{id}/password-reset");
    let make = || api(&app, reqwest::Method::POST, &reset_api, token.trim(), None);
    let older = reset_path(make().await.1["url"].as_str().expect("link"));
    let newer = reset_path(make().await.1["url"].as_str().expect("link"));
    assert_eq!(page(&stranger, app.url(&older)).await.0, 410, "the older link");
    assert_eq!(page(&stranger, app.url(&newer)).await.0, 200, "the newer link");

    // Another link, an hour and a minute later: expired.
    let (status, created) =
        api(&app, reqwest::Method::POST, &format!("/api/v1/organizers/{id}/password-reset"), token.trim(), None).await;
    assert_eq!(status, 201);
    let path = reset_path(created["url"].as_str().expect("link"));
    let (_, html) = page(&stranger, app.url(&path)).await;
    let form = [
        ("csrf", csrf_field(&html)),
        ("new_password", "encore un autre passe".into()),
        ("new_password_again", "encore un autre passe".into()),
    ];
    app.state.clock.advance(Duration::minutes(61));
    let response = stranger.post(app.url(&path)).form(&form).send().await.expect("sent");
    assert_eq!(response.status(), 410, "the form opened in time, sent too late");
    assert!(response.text().await.expect("page").contains("n'est plus valable"));
    assert_eq!(page(&stranger, app.url(&path)).await.0, 410);

    // The command line sets a password too; the history has it all.
    let output =
        atelier(&app, &["organizer", "set-password", "oubli@naobios.example"], Some("celui de la console")).await;
    assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
    let (_, history) = page(&admin, app.url("/admin/organizers")).await;
    for line in [
        "Mot de passe changé : oubli@naobios.example",
        "Lien de réinitialisation du mot de passe créé pour oubli@naobios.example",
        "Mot de passe réinitialisé par lien : oubli@naobios.example",
    ] {
        assert!(history.contains(line), "{line}: {history}");
    }
}

async fn co_organizers_can_be_taken_off_an_event() {
    let app = spawn().await;
    let owner = organizer_token(&app, "hote@naobios.example").await;
    cli(&app, &["organizer", "add", "aide@naobios.example"]).await;
    let helper = cli(&app, &["token", "create", "--organizer", "aide@naobios.example"]).await;
    let (_, event) =
        api(&app, reqwest::Method::POST, "/api/v1/events", &owner, Some(event_body("Visite Naobios"))).await;
    let id = event["id"].as_str().expect("id").to_owned();
    let client = signed_in(&app, "hote@naobios.example").await;
    let detail = format!("/admin/events/{id}");
    let response =
        post(&client, &app, &detail, &format!("{detail}/organizers"), &[("email", "aide@naobios.example")]).await;
    assert_eq!(response.status(), 303);
    assert_eq!(get(&app, &format!("/api/v1/events/{id}/registrations"), helper.trim()).await.0, 200);

    // The owner sees a button to leave, none to take the helper off: that
    // is an admin's to do, so that nobody takes an event over.
    let (_, html) = page(&client, app.url(&detail)).await;
    let item = |html: &str, email: &str| {
        html.split("<li>")
            .find(|item| item.starts_with(email))
            .expect("listed")
            .split("</li>")
            .next()
            .unwrap_or_default()
            .to_owned()
    };
    assert!(item(&html, "hote@naobios.example").contains("/remove"), "{html}");
    assert!(!item(&html, "aide@naobios.example").contains("/remove"), "{html}");
    cli(&app, &["organizer", "add", "admin@atlanpole.example", "--admin"]).await;
    let admin = signed_in(&app, "admin@atlanpole.example").await;
    let (_, html) = page(&admin, app.url(&detail)).await;
    let id_of = |email: &str| {
        let item = item(&html, email);
        let after = item.split(&format!("{detail}/organizers/")).nth(1).expect("a remove button");
        after.split('/').next().expect("id").to_owned()
    };
    let (owner_id, helper_id) = (id_of("hote@naobios.example"), id_of("aide@naobios.example"));

    // The helper cannot take the owner off, through the API or the form.
    let path = format!("/api/v1/events/{id}/organizers/{owner_id}");
    assert_eq!(api(&app, reqwest::Method::DELETE, &path, helper.trim(), None).await.0, 403);

    let response = post(&admin, &app, &detail, &format!("{detail}/organizers/{helper_id}/remove"), &[]).await;
    assert_eq!(response.status(), 303);
    assert_eq!(get(&app, &format!("/api/v1/events/{id}/registrations"), helper.trim()).await.0, 403);
    let (_, html) = page(&client, app.url(&detail)).await;
    assert!(html.contains("Organisateur retiré de l'événement : aide@naobios.example"), "{html}");

    // The last organizer stays.
    let (status, body) = api(&app, reqwest::Method::DELETE, &path, &owner, None).await;
    assert_eq!((status, body["error"]["code"].as_str()), (409, Some("last_organizer")));
}

/// How a caller should be refused.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Caller {
    Anonymous,
    OtherOrganizer,
    Disabled,
    Revoked,
    Expired,
}

async fn every_organizer_route_refuses_whoever_may_not_use_it() {
    let app = spawn().await;
    let owner = organizer_token(&app, "proprietaire@atlanpole.example").await;
    let (_, event) =
        api(&app, reqwest::Method::POST, "/api/v1/events", &owner, Some(event_body("Table ronde privée"))).await;
    let id = event["id"].as_str().expect("id").to_owned();
    let (_, registration) = app.sign_up(&id, common::person(1)).await;
    let registration = registration["id"].as_str().expect("registration").to_owned();
    let other = organizer_token(&app, "autre@atlanpole.example").await;
    let disabled = organizer_token(&app, "partie@atlanpole.example").await;
    let (_, made) =
        api(&app, reqwest::Method::POST, "/api/v1/tokens", &owner, Some(json!({"expires_in_days": 1}))).await;
    let expired = made["token"].as_str().expect("token").to_owned();
    let (_, made) = api(&app, reqwest::Method::POST, "/api/v1/tokens", &owner, Some(json!({"label": "fuite"}))).await;
    let revoked = made["token"].as_str().expect("token").to_owned();
    let (_, tokens) = get(&app, "/api/v1/tokens", &owner).await;
    let revoked_id = labelled(&tokens, "fuite")["id"].as_str().expect("id").to_owned();
    api(&app, reqwest::Method::DELETE, &format!("/api/v1/tokens/{revoked_id}"), &owner, None).await;
    // Two days on, the first token is expired; sessions open after that.
    app.state.clock.advance(Duration::days(2));
    let disabled_session = signed_in(&app, "partie@atlanpole.example").await;
    cli(&app, &["organizer", "disable", "partie@atlanpole.example"]).await;
    let other_session = signed_in(&app, "autre@atlanpole.example").await;
    let owner_id = {
        cli(&app, &["organizer", "add", "admin@atlanpole.example", "--admin"]).await;
        let admin = cli(&app, &["token", "create", "--organizer", "admin@atlanpole.example"]).await;
        let (_, all) = get(&app, "/api/v1/organizers", admin.trim()).await;
        let found = all.as_array().expect("list").iter().find(|o| o["email"] == "proprietaire@atlanpole.example");
        found.and_then(|o| o["id"].as_str()).expect("owner").to_owned()
    };

    use reqwest::Method as M;
    let slot = "2099-06-15-am";
    let event = format!("/api/v1/events/{id}");
    // (method, path, whether another organizer is refused: event routes and admin routes)
    let api_routes: Vec<(M, String, bool)> = vec![
        (M::POST, "/api/v1/events".into(), false),
        (M::PATCH, event.clone(), true),
        (M::POST, format!("{event}/cancel"), true),
        (M::GET, format!("{event}/attendees.csv"), true),
        (M::GET, format!("{event}/attendees.xlsx"), true),
        (M::GET, format!("{event}/attendance-sheet.pdf"), true),
        (M::GET, format!("{event}/registrations"), true),
        (M::GET, format!("{event}/attendance"), true),
        (M::POST, format!("{event}/attendance"), true),
        (M::DELETE, format!("{event}/attendance/{slot}/{registration}"), true),
        (M::POST, format!("{event}/walk-ins"), true),
        (M::GET, format!("{event}/slots/{slot}/code"), true),
        (M::POST, format!("{event}/slots/{slot}/trainer-signature"), true),
        (M::POST, format!("{event}/certificates"), true),
        (M::PATCH, format!("{event}/registrations/{registration}"), true),
        (M::DELETE, format!("{event}/organizers/{owner_id}"), true),
        (M::GET, "/api/v1/tokens".into(), false),
        (M::POST, "/api/v1/tokens".into(), false),
        (M::DELETE, format!("/api/v1/tokens/{revoked_id}"), true),
        (M::GET, "/api/v1/organizers".into(), true),
        (M::PATCH, format!("/api/v1/organizers/{owner_id}"), true),
        (M::POST, format!("/api/v1/organizers/{owner_id}/password-reset"), true),
    ];
    let callers = [
        (Caller::Anonymous, ""),
        (Caller::OtherOrganizer, other.as_str()),
        (Caller::Disabled, disabled.as_str()),
        (Caller::Revoked, revoked.as_str()),
        (Caller::Expired, expired.as_str()),
    ];
    for (method, path, others_refused) in &api_routes {
        for (caller, token) in callers {
            let expected = match caller {
                Caller::OtherOrganizer if !others_refused => continue,
                // Another organizer's token, named as unknown.
                Caller::OtherOrganizer if path.starts_with("/api/v1/tokens/") => 404,
                Caller::OtherOrganizer => 403,
                _ => 401,
            };
            let mut request = app.client.request(method.clone(), app.url(path)).json(&json!({}));
            if caller != Caller::Anonymous {
                request = request.bearer_auth(token);
            }
            let response = request.send().await.expect("sent");
            let status = response.status().as_u16();
            let body: Value = response.json().await.unwrap_or(Value::Null);
            assert_eq!(status, expected, "{method} {path} as {caller:?}: {body}");
            assert!(body["error"]["code"].is_string(), "{method} {path} as {caller:?}: the API's error format");
            assert!(!body.to_string().contains("etudiant1"), "no attendee data");
        }
    }

    let detail = format!("/admin/events/{id}");
    let back_office_gets = [
        "/admin".to_owned(),
        "/admin/settings".to_owned(),
        "/admin/webhooks".to_owned(),
        "/admin/organizers".to_owned(),
        "/admin/events/new".to_owned(),
        detail.clone(),
        format!("{detail}/edit"),
        format!("{detail}/attendees.csv"),
        format!("{detail}/attendees.xlsx"),
        format!("{detail}/attendance-sheet.pdf"),
        format!("{detail}/check-in"),
        format!("{detail}/registrations/{registration}/edit"),
        format!("{detail}/slots/{slot}/code"),
    ];
    let anonymous = reqwest::Client::builder().redirect(reqwest::redirect::Policy::none()).build().expect("client");
    for path in &back_office_gets {
        for (who, client) in [("anonymous", &anonymous), ("disabled", &disabled_session)] {
            let response = client.get(app.url(path)).send().await.expect("sent");
            assert_eq!(response.status(), 303, "GET {path} as {who}");
            let location = response.headers()["location"].to_str().expect("text").to_owned();
            assert!(location.starts_with("/admin/login?next="), "GET {path} as {who}: {location}");
        }
        // Another organizer: the pages about the event, and the admins' page.
        if path.starts_with(&detail) || path == "/admin/organizers" {
            let (status, html) = page(&other_session, app.url(path)).await;
            assert_eq!(status, 403, "GET {path} as another organizer");
            assert!(!html.contains("etudiant1"), "no attendee data");
        }
    }
    let back_office_posts = [
        format!("{detail}/edit"),
        format!("{detail}/status"),
        format!("{detail}/duplicate"),
        format!("{detail}/cancel"),
        format!("{detail}/registrations/{registration}/remove"),
        format!("{detail}/registrations/{registration}/edit"),
        format!("{detail}/registrations/{registration}/resend"),
        format!("{detail}/registrations/{registration}/confirm"),
        format!("{detail}/registrations/{registration}/certificate"),
        format!("{detail}/check-in"),
        format!("{detail}/walk-ins"),
        format!("{detail}/message"),
        format!("{detail}/certificates"),
        format!("{detail}/organizers"),
        format!("{detail}/organizers/{owner_id}/remove"),
        format!("{detail}/slots/{slot}/trainer-signature"),
        format!("/admin/organizers/{owner_id}/disable"),
        format!("/admin/organizers/{owner_id}/reset-link"),
    ];
    for path in &back_office_posts {
        // With a valid CSRF pair, so that only the caller can be refused.
        let status = post(&disabled_session, &app, "/admin/login", path, &[("status", "draft")]).await.status();
        assert_eq!(status, 401, "POST {path} as a disabled organizer");
        let status = post(&other_session, &app, "/admin", path, &[("status", "draft")]).await.status();
        assert_eq!(status, 403, "POST {path} as another organizer");
    }
    let (_, list) = page(&other_session, app.url("/admin")).await;
    assert!(!list.contains("Table ronde privée"), "another organizer's events are not listed");
    let (_, event) = app.get_json(&event).await;
    assert_eq!((event["status"].as_str(), event["capacity"].as_i64()), (Some("published"), Some(12)), "untouched");
}
