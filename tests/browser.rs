//! The pages in a real browser (headless Chromium through chromedriver), as
//! a student on a phone and an organizer on a desktop: axe-core finds no
//! WCAG 2.1 A/AA violation on any page, in French and English, at 390 and
//! 1280 px; no page scrolls sideways at 320 px; a sign-up is done with the
//! keyboard alone.
//!
//! On SQLite only: what a page shows does not depend on the backend (the
//! other tests cover both), and a browser session costs seconds. Without
//! CHROMEDRIVER and AXE_JS at build time these tests are reported ignored
//! (see build.rs); `.ci/run` installs both.

#[path = "common/browser.rs"]
mod browser;
mod common;

use browser::{Browser, DESKTOP, PHONE};
use common::{PASSWORD, TestApp, organizer_token, person, spawn_app};
use fantoccini::Locator;
use serde_json::{Value, json};

const ORGANIZER: &str = "equipe@atlanpole.example";

/// An event of the organizer's with one person signed up: its id, slug and
/// that person's page.
async fn an_event_with_someone(app: &TestApp, token: &str, capacity: i64) -> (String, String, String) {
    let body = json!({
        "kind": "masterclass", "title": "Masterclass Naobios : production de vaccins",
        "description": "Une journée sur le site de production de Saint-Herblain.",
        "starts_at": "2099-06-15T09:30:00+02:00", "ends_at": "2099-06-15T17:00:00+02:00",
        "location": "Naobios", "address": "Saint-Herblain", "host": "Naobios",
        "levels": ["bts_but", "licence", "master"], "capacity": capacity, "status": "published"
    });
    let response = app.client.post(app.url("/api/v1/events")).bearer_auth(token).json(&body).send().await;
    let event: Value = response.expect("sent").json().await.expect("json");
    let slug = event["slug"].as_str().expect("slug").to_owned();
    let (_, signed) = app.sign_up(&slug, person(1)).await;
    let page = signed["cancel_url"].as_str().expect("link").replace(&app.url(""), "");
    (event["id"].as_str().expect("id").to_owned(), slug, page)
}

/// Signs the browser in through the form.
async fn sign_in(browser: &Browser, app: &TestApp) {
    browser.open(&app.url("/admin/login")).await;
    let form = browser.client.form(Locator::Css("form")).await.expect("the sign-in form");
    form.set_by_name("email", ORGANIZER).await.expect("email");
    form.set_by_name("password", PASSWORD).await.expect("password");
    form.submit().await.expect("sent");
    // The account's address heads every back-office page, in either language.
    browser.wait_for_text(ORGANIZER).await;
    let at = browser.client.current_url().await.expect("url");
    assert_eq!(at.path(), "/admin", "signed in");
}

/// axe-core at a phone's and a desktop's width, sideways scrolling at
/// 320 px: what is wrong with `path`, one line each.
async fn problems_of(browser: &Browser, app: &TestApp, path: &str) -> Vec<String> {
    let mut problems = Vec::new();
    for (width, height) in [PHONE, DESKTOP] {
        browser.size((width, height)).await;
        browser.open(&app.url(path)).await;
        for violation in browser.accessibility_violations().await {
            problems.push(format!("{path} at {width} px: {violation}"));
        }
    }
    // 640 px is a 1280 px screen at 200% zoom; 320 px, at 400% (WCAG 1.4.10).
    for width in [320, 640] {
        browser.size((width, 640)).await;
        browser.open(&app.url(path)).await;
        if let Some(wide) = browser.wider_than_window().await {
            problems.push(format!("{path} scrolls sideways at {width} px: {}", wide.join(", ")));
        }
    }
    problems
}

#[tokio::test]
#[cfg_attr(not(browser_tests), ignore = "runs when CHROMEDRIVER and AXE_JS were set at build time")]
async fn every_page_passes_axe_and_fits_a_small_screen() {
    // A webhook to a closed local port, so that its page lists a delivery
    // that failed.
    let app = common::spawn_with(|c| {
        c.webhook_allow_http = true;
        c.webhook_allow_private = true;
    })
    .await;
    let token = organizer_token(&app, ORGANIZER).await;
    let hook = json!({ "url": "http://127.0.0.1:9/hooks", "events": ["registration.created"] });
    let created = app.client.post(app.url("/api/v1/webhooks")).bearer_auth(&token).json(&hook).send().await;
    assert_eq!(created.expect("sent").status(), 201);
    let (id, slug, registration) = an_event_with_someone(&app, &token, 12).await;
    for n in 2..=3 {
        app.sign_up(&slug, person(n)).await;
    }
    let browser = Browser::start().await;
    // The check can fail: axe finds an image without a text alternative.
    browser.open("data:text/html,<html lang=fr><title>t</title><main><img src=x.png></main></html>").await;
    let found = browser.accessibility_violations().await;
    assert!(found.iter().any(|v| v.starts_with("image-alt")), "{found:?}");
    let public = [
        "/".to_owned(),
        format!("/events/{slug}"),
        registration.clone(),
        format!("{registration}/cancel"),
        "/privacy".into(),
        "/nope".into(),
    ];
    let back_office = [
        "/admin".to_owned(),
        "/admin/events/new".into(),
        format!("/admin/events/{id}"),
        format!("/admin/events/{id}/edit"),
        format!("/admin/events/{id}/check-in"),
        format!("/admin/events/{id}/cancel"),
        "/admin/settings".into(),
        "/admin/webhooks".into(),
    ];
    let mut problems = Vec::new();
    for lang in ["fr", "en"] {
        for path in public.iter().chain(["/admin/login".to_owned()].iter()) {
            problems.extend(problems_of(&browser, &app, &format!("{path}?lang={lang}")).await);
        }
    }
    sign_in(&browser, &app).await;
    for lang in ["fr", "en"] {
        for path in &back_office {
            problems.extend(problems_of(&browser, &app, &format!("{path}?lang={lang}")).await);
        }
    }
    // What docs/screens.md shows, made afresh at each run.
    let screens = std::path::Path::new(env!("CARGO_TARGET_TMPDIR")).join("screens");
    std::fs::create_dir_all(&screens).expect("screens folder");
    for (name, size, path) in [
        ("catalogue-phone", PHONE, "/".to_owned()),
        ("event-phone", PHONE, format!("/events/{slug}")),
        ("registration-phone", PHONE, public[2].clone()),
        ("back-office-event-desktop", DESKTOP, format!("/admin/events/{id}")),
        ("registrations-desktop", DESKTOP, format!("/admin/events/{id}#registrations")),
        ("registrations-phone", PHONE, format!("/admin/events/{id}#registrations")),
        ("check-in-desktop", DESKTOP, format!("/admin/events/{id}/check-in")),
    ] {
        browser.size(size).await;
        let (path, anchor) = path.split_once('#').unwrap_or((&path, ""));
        browser.open(&app.url(&format!("{path}?lang=fr"))).await;
        if !anchor.is_empty() {
            browser.eval(&format!("document.getElementById('{anchor}').scrollIntoView()")).await;
        }
        browser.screenshot(&screens.join(format!("{name}.png"))).await;
    }
    browser.close().await;
    assert!(problems.is_empty(), "{} problems:\n{}", problems.len(), problems.join("\n"));
}

#[tokio::test]
#[cfg_attr(not(browser_tests), ignore = "runs when CHROMEDRIVER and AXE_JS were set at build time")]
async fn a_student_signs_up_on_a_phone_with_the_keyboard_alone() {
    let app = spawn_app().await;
    let token = organizer_token(&app, ORGANIZER).await;
    let (_, slug, _) = an_event_with_someone(&app, &token, 12).await;
    let browser = Browser::start().await;
    browser.size(PHONE).await;
    browser.open(&app.url(&format!("/events/{slug}"))).await;

    // An address the browser takes but no mail can reach: the server says
    // so, and the answer opens at the form with the title saying it first.
    assert!(browser.tab_to("input#name[name]", 40).await, "Tab reaches the name field");
    browser.keys("Léa Martin").await;
    browser.keys("\u{e004}lea@gmail").await;
    assert!(browser.tab_to("select#level[level]", 5).await, "then the level");
    browser.keys("Master").await;
    assert!(browser.tab_to("input#consent[consent]", 10).await, "then the consent");
    browser.keys(" ").await;
    browser.keys("\u{e007}").await;
    browser.wait_for_text("Saisissez une adresse e-mail valide").await;
    assert!(browser.title().await.starts_with("Erreur : "), "{}", browser.title().await);
    let url = browser.client.current_url().await.expect("url");
    assert_eq!(url.fragment(), Some("sign-up"), "the answer opens at the form");
    let text = browser.text().await;
    assert!(text.contains("Saisissez une adresse e-mail valide"), "{text}");

    // Corrected, by keyboard again: signed up.
    assert!(browser.tab_to("input#email[email]", 40).await, "Tab reaches the email field");
    browser.eval("document.activeElement.select();").await;
    browser.keys("lea.martin@example.org").await;
    browser.keys("\u{e007}").await;
    browser.wait_for_text("Votre place est confirmée.").await;
    browser.close().await;
    let (_, event) = app.get_json(&format!("/api/v1/events/{slug}")).await;
    assert_eq!(event["seats_left"], 10, "two seats taken: the first sign-up and Léa's");
}

#[tokio::test]
#[cfg_attr(not(browser_tests), ignore = "runs when CHROMEDRIVER and AXE_JS were set at build time")]
async fn a_student_joins_the_waiting_list_and_leaves_it_after_being_asked() {
    let app = spawn_app().await;
    let token = organizer_token(&app, ORGANIZER).await;
    let (_, slug, _) = an_event_with_someone(&app, &token, 1).await;
    let browser = Browser::start().await;
    browser.size(PHONE).await;
    browser.open(&app.url(&format!("/events/{slug}"))).await;
    let form = browser.client.form(Locator::Css("form[action$='#sign-up']")).await.expect("the sign-up form");
    form.set_by_name("name", "Noé Bernard").await.expect("name");
    form.set_by_name("email", "noe.bernard@example.org").await.expect("email");
    form.set_by_name("level", "licence").await.expect("level");
    browser.client.find(Locator::Css("#consent")).await.expect("consent").click().await.expect("ticked");
    let join = browser.client.find(Locator::Css("form[action$='#sign-up'] button[type=submit]")).await;
    assert_eq!(join.as_ref().expect("button").text().await.expect("label"), "Rejoindre la liste d'attente");
    join.expect("button").click().await.expect("sent");
    let text = browser.wait_for_text("position 1").await;
    assert!(text.contains("liste d'attente"), "{text}");

    // "Annuler mon inscription" asks first, about the place in the list.
    browser.client.find(Locator::LinkText("Annuler mon inscription")).await.expect("link").click().await.expect("go");
    browser.wait_for_text("vous quitterez la liste d'attente, où vous êtes en position 1").await;
    assert_eq!(browser.title().await, "Annuler votre inscription ? · Atelier");
    browser
        .client
        .find(Locator::LinkText("Non, garder mon inscription"))
        .await
        .expect("way back")
        .click()
        .await
        .expect("go");
    browser.wait_for_text("Conservez cette page").await;
    assert!(browser.text().await.contains("position 1"), "kept");
    browser.client.find(Locator::LinkText("Annuler mon inscription")).await.expect("link").click().await.expect("go");
    browser.wait_for_text("Oui, annuler mon inscription").await;
    let confirm = browser.client.find(Locator::Css("button.danger")).await.expect("the button that cancels");
    confirm.click().await.expect("cancelled");
    browser.wait_for_text("Cette inscription est annulée.").await;
    browser.close().await;
    let (_, event) = app.get_json(&format!("/api/v1/events/{slug}")).await;
    assert_eq!(event["waitlist_length"], 0);
}

#[tokio::test]
#[cfg_attr(not(browser_tests), ignore = "runs when CHROMEDRIVER and AXE_JS were set at build time")]
async fn an_organizer_publishes_an_event_checks_someone_in_and_cancels_it() {
    let app = spawn_app().await;
    organizer_token(&app, ORGANIZER).await;
    let browser = Browser::start().await;
    browser.size(DESKTOP).await;
    sign_in(&browser, &app).await;
    browser.open(&app.url("/admin/events/new")).await;
    let fill = r#"
        const set = (id, value) => { document.getElementById(id).value = value; };
        set('title', 'Table ronde : les métiers de la bioproduction');
        set('description', 'Trois entreprises du Grand Ouest racontent leurs métiers.');
        set('starts_at', '2099-06-15T14:00'); set('ends_at', '2099-06-15T16:00');
        set('location', 'Atlanpole Biotherapies'); set('host', 'Atlanpole'); set('capacity', '30');
        document.querySelector('input[name=levels][value=master]').checked = true;
        document.getElementById('publish').checked = true;
    "#;
    browser.eval(fill).await;
    let create =
        browser.client.find(Locator::Css("form.event-form button[type=submit]")).await.expect("the create button");
    create.click().await.expect("created");
    browser.wait_for_text("Accueil et pointage").await;
    // As shown: the status line is in capitals.
    let text = browser.text().await.to_lowercase();
    assert!(text.contains("table ronde : les métiers de la bioproduction") && text.contains("· publié"), "{text}");
    let event_page = browser.client.current_url().await.expect("url").path().to_owned();

    let (status, _) = app.sign_up("table-ronde-les-metiers-de-la-bioproduction", person(7)).await;
    assert_eq!(status, 201, "published: the public can sign up");
    browser.open(&app.url(&format!("{event_page}/check-in"))).await;
    let present = Locator::Css("button[aria-label='Présent : Étudiant·e 7']");
    browser.client.find(present).await.expect("the person's button").click().await.expect("checked in");
    browser.wait_for_text("Présent depuis").await;

    browser.open(&app.url(&event_page)).await;
    let cancel = Locator::LinkText("Annuler l'événement");
    browser.client.find(cancel).await.expect("the cancel link").click().await.expect("asked");
    browser.wait_for_text("La personne inscrite sera prévenue par e-mail.").await;
    let confirm = Locator::Css("button.danger");
    browser.client.find(confirm).await.expect("the button that cancels").click().await.expect("cancelled");
    browser.wait_for_text("L'événement est annulé").await;
    browser.close().await;
    let (_, page) = app.get_page("/events/table-ronde-les-metiers-de-la-bioproduction").await;
    assert!(page.contains("Événement annulé"), "the public page says so");
}
