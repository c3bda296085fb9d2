//! Signing in and the limits on what one client can do: the way back to the
//! page asked for, CSRF tokens bound to the session, forms from other
//! sites, the client's address behind a proxy, sign-in failures counted per
//! client, and the per-client limits on sign-ups and lost links.

mod common;

use common::{PASSWORD, TestApp, atelier, csrf_field, masterclass, page, person, post, signed_in, spawn_with};
use serde_json::{Value, json};

on_both_backends! {
    #[tokio::test] signing_in_leads_back_to_the_page_asked_for,
    #[tokio::test] form_tokens_are_bound_to_the_session_and_other_sites_are_refused,
    #[tokio::test] a_stranger_guessing_a_password_slows_down_only_the_stranger,
    #[tokio::test] sign_ups_are_limited_per_client,
    #[tokio::test] lost_link_requests_are_limited_per_client,
}

async fn add_organizer(app: &TestApp, email: &str) {
    let added = atelier(app, &["organizer", "add", email], Some(PASSWORD)).await;
    assert!(added.status.success(), "{}", String::from_utf8_lossy(&added.stderr));
}

fn browser() -> reqwest::Client {
    reqwest::Client::builder().cookie_store(true).redirect(reqwest::redirect::Policy::none()).build().expect("client")
}

/// Posts the sign-in form with `next`, as the sign-in page has it.
async fn sign_in(app: &TestApp, client: &reqwest::Client, login_page: &str, password: &str) -> reqwest::Response {
    let (_, html) = page(client, app.url(login_page)).await;
    let next = html.split(r#"name="next" value=""#).nth(1).and_then(|s| s.split('"').next()).unwrap_or_default();
    let next = next.replace("&amp;", "&");
    let form = [
        ("csrf", csrf_field(&html)),
        ("email", "accueil@naobios.example".into()),
        ("password", password.into()),
        ("next", next),
    ];
    client.post(app.url("/admin/login")).form(&form).send().await.expect("sent")
}

async fn signing_in_leads_back_to_the_page_asked_for() {
    let app = common::spawn_app().await;
    add_organizer(&app, "accueil@naobios.example").await;
    let event = app.create_event(masterclass("accueil", 10)).await;

    // The check-in page of an event, opened from a bookmark, signed out.
    let visitor = browser();
    let asked = format!("/admin/events/{}/check-in?q=dupont", event.id);
    let response = visitor.get(app.url(&asked)).send().await.expect("sent");
    assert_eq!(response.status(), 303);
    let login = response.headers()["location"].to_str().expect("text").to_owned();
    assert!(login.starts_with("/admin/login?next="), "{login}");
    let response = sign_in(&app, &visitor, &login, PASSWORD).await;
    assert_eq!(response.status(), 303);
    assert_eq!(response.headers()["location"], asked.as_str(), "back to the page asked for, query included");

    // Another site's address is never where signing in leads, whether the
    // page was asked for it or the form was made up.
    for next in ["//evil.example/admin", "https://evil.example/", "/\\evil.example", "admin"] {
        let other = browser();
        let query = serde_html_form::to_string([("next", next)]).expect("query");
        let (_, html) = page(&other, app.url(&format!("/admin/login?{query}"))).await;
        assert!(!html.contains("evil.example"), "{html}");
        let csrf = csrf_field(&html);
        let form =
            [("csrf", csrf.as_str()), ("email", "accueil@naobios.example"), ("password", PASSWORD), ("next", next)];
        let response = other.post(app.url("/admin/login")).form(&form).send().await.expect("sent");
        assert_eq!(response.headers()["location"], "/admin", "{next}");
    }
    // A POST without a session is refused rather than redirected: the form
    // would be lost on the way.
    let stranger = browser();
    let (_, html) = page(&stranger, app.url("/admin/login")).await;
    let form = [("csrf", csrf_field(&html))];
    let response = stranger.post(app.url(&format!("/admin/events/{}/duplicate", event.id))).form(&form).send().await;
    let response = response.expect("sent");
    assert_eq!(response.status(), 401);
}

async fn form_tokens_are_bound_to_the_session_and_other_sites_are_refused() {
    let app = common::spawn_app().await;
    add_organizer(&app, "accueil@naobios.example").await;
    let first = signed_in(&app, "accueil@naobios.example").await;
    let second = signed_in(&app, "accueil@naobios.example").await;
    let (_, html) = page(&first, app.url("/admin/settings")).await;
    let first_token = csrf_field(&html);
    let (_, html) = page(&second, app.url("/admin/settings")).await;
    assert_ne!(first_token, csrf_field(&html), "each session has its own token");

    // The first session's token, replayed in the second one: refused.
    let form = [("csrf", first_token.as_str()), ("on_cancel", "yes")];
    let response = second.post(app.url("/admin/settings")).form(&form).send().await.expect("sent");
    assert_eq!(response.status(), 403);
    // Signed out, the token is void.
    post(&first, &app, "/admin", "/admin/logout", &[]).await;
    let response = first.post(app.url("/admin/settings")).form(&form).send().await.expect("sent");
    assert!(matches!(response.status().as_u16(), 401 | 403), "{}", response.status());

    // A form from another site, with a valid token (a page of ours opened
    // there cannot give one, but the check does not rely on it).
    let (_, html) = page(&second, app.url("/admin/settings")).await;
    let form = [("csrf", csrf_field(&html)), ("on_cancel", "yes".into())];
    for (header, value) in
        [("origin", "https://evil.example"), ("referer", "https://evil.example/page"), ("origin", "null")]
    {
        let response =
            second.post(app.url("/admin/settings")).header(header, value).form(&form).send().await.expect("sent");
        assert_eq!(response.status(), 403, "{header}: {value}");
        let html = response.text().await.expect("page");
        assert!(html.contains("envoyé depuis un autre site"), "{html}");
    }
    // From our own pages it goes through.
    let response =
        second.post(app.url("/admin/settings")).header("origin", &app.base).form(&form).send().await.expect("sent");
    assert_eq!(response.status(), 200);
    let referer = app.url("/admin/settings");
    let response =
        second.post(app.url("/admin/settings")).header("referer", referer).form(&form).send().await.expect("sent");
    assert_eq!(response.status(), 200);
}

async fn a_stranger_guessing_a_password_slows_down_only_the_stranger() {
    let app = spawn_with(|c| c.trusted_proxies = "127.0.0.1".parse().expect("proxies")).await;
    add_organizer(&app, "accueil@naobios.example").await;
    // Clients behind the trusted proxy, told apart by X-Forwarded-For.
    let from = |address: &'static str| {
        let mut headers = reqwest::header::HeaderMap::new();
        headers.insert("x-forwarded-for", address.parse().expect("value"));
        let builder = reqwest::Client::builder().cookie_store(true).default_headers(headers);
        builder.redirect(reqwest::redirect::Policy::none()).build().expect("client")
    };
    let stranger = from("203.0.113.66");
    for attempt in 1..=5 {
        let response = sign_in(&app, &stranger, "/admin/login", "pas le bon mot de passe").await;
        assert_eq!(response.status(), 401, "attempt {attempt}");
    }
    let response = sign_in(&app, &stranger, "/admin/login", "pas le bon mot de passe").await;
    assert_eq!(response.status(), 429);
    assert!(response.headers().contains_key("retry-after"));
    let response = sign_in(&app, &stranger, "/admin/login", PASSWORD).await;
    assert_eq!(response.status(), 429, "even the right password waits, from that client");

    // The organizer, from elsewhere, signs in at once.
    let organizer = from("198.51.100.7");
    let response = sign_in(&app, &organizer, "/admin/login", PASSWORD).await;
    assert_eq!(response.status(), 303);
    // Which does not give the stranger a fresh count.
    let response = sign_in(&app, &stranger, "/admin/login", "pas le bon mot de passe").await;
    assert_eq!(response.status(), 429);
}

async fn sign_ups_are_limited_per_client() {
    let app = spawn_with(|c| {
        c.signup_rate_per_minute = 3;
        c.trusted_proxies = "127.0.0.0/8".parse().expect("proxies");
    })
    .await;
    app.create_event(masterclass("limite", 100)).await;
    let sign_up = |n: usize, client: &'static str| {
        let request = app.client.post(app.url("/api/v1/events/limite/registrations")).json(&person(n));
        request.header("x-forwarded-for", client).send()
    };
    for n in 0..3 {
        assert_eq!(sign_up(n, "203.0.113.1").await.expect("sent").status(), 201);
    }
    let response = sign_up(3, "203.0.113.1").await.expect("sent");
    assert_eq!(response.status(), 429);
    let wait: u64 = response.headers()["retry-after"].to_str().expect("text").parse().expect("seconds");
    assert!((1..=60).contains(&wait), "{wait}");
    let body: Value = response.json().await.expect("json");
    assert_eq!(body["error"]["code"], "rate_limited");
    // Another client behind the same proxy has its own allowance.
    assert_eq!(sign_up(4, "203.0.113.2").await.expect("sent").status(), 201);

    // The form says so, in the person's language, keeping what was typed.
    let visitor = browser();
    let (_, html) = page(&visitor, app.url("/events/limite")).await;
    let fields = [
        ("csrf", csrf_field(&html)),
        ("name", "Camille Martin".into()),
        ("email", "camille@example.org".into()),
        ("level", "master".into()),
        ("consent", "yes".into()),
    ];
    let send = |lang: &'static str| {
        let url = app.url(&format!("/events/limite?lang={lang}"));
        visitor.post(url).header("x-forwarded-for", "203.0.113.1").form(&fields).send()
    };
    let response = send("fr").await.expect("sent");
    assert_eq!(response.status(), 429);
    let html = response.text().await.expect("page");
    assert!(html.contains("Trop de demandes depuis votre connexion") && html.contains("Camille Martin"), "{html}");
    let html = send("en").await.expect("sent").text().await.expect("page");
    assert!(html.contains("Too many requests from your connection"), "{html}");
    let (_, event) = app.get_json("/api/v1/events/limite").await;
    assert_eq!(event["seats_left"], 96, "four seats taken, no more");
}

async fn lost_link_requests_are_limited_per_client() {
    let app = common::spawn_app().await;
    let ask = |n: usize| {
        let body = json!({"email": format!("perdu{n}@example.org")});
        app.client.post(app.url("/api/v1/registration-links")).json(&body).send()
    };
    for n in 0..20 {
        assert_eq!(ask(n).await.expect("sent").status(), 202, "request {n}");
    }
    let response = ask(20).await.expect("sent");
    assert_eq!(response.status(), 429);
    assert!(response.headers().contains_key("retry-after"));
    let body: Value = response.json().await.expect("json");
    assert_eq!(body["error"]["code"], "rate_limited");
}
