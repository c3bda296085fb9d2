//! The sign-up journey in HTML, as a browser without JavaScript does it.

mod common;

use common::{csrf_field, masterclass, person, spawn_app};

on_both_backends! {
    #[tokio::test] a_student_signs_up_with_the_form_and_cancels_from_the_link,
    #[tokio::test] form_errors_are_shown_next_to_fields_with_values_kept,
    #[tokio::test] already_registered_and_level_refusals_are_explained,
    #[tokio::test] forms_without_the_csrf_token_are_refused_politely,
    #[tokio::test] english_is_available_by_header_and_by_switch,
    #[tokio::test] the_focus_ring_stands_out_from_the_page,
    #[tokio::test] unknown_pages_get_a_friendly_not_found,
    #[tokio::test] cancelled_events_show_why_there_is_no_form,
}

async fn a_student_signs_up_with_the_form_and_cancels_from_the_link() {
    let app = spawn_app().await;
    let event = app.create_event(masterclass("gensensor", 1)).await;

    let (status, page) = app.get_page("/events/gensensor").await;
    assert_eq!(status, 200);
    for label in ["Prénom et nom", "Adresse e-mail", "Établissement ou organisme", "Niveau d'études"] {
        assert!(page.contains(label), "label {label}");
    }
    for id in [r#"for="name""#, r#"for="email""#, r#"for="institution""#, r#"for="level""#, r#"for="consent""#] {
        assert!(page.contains(id), "every field has a label: {id}");
    }
    assert!(page.contains(r#"<option value="reconversion">Reconversion / demandeur d'emploi</option>"#));
    let csrf = csrf_field(&page);

    let response = app
        .client
        .post(app.url("/events/gensensor"))
        .form(&[
            ("csrf", csrf.as_str()),
            ("name", "Camille Moreau"),
            ("email", "Camille.Moreau@Example.org"),
            ("institution", "IUT de Nantes"),
            ("level", "bts_but"),
            ("consent", "yes"),
        ])
        .send()
        .await
        .expect("sent");
    assert_eq!(response.status(), 303);
    let location = response.headers()["location"].to_str().expect("location").to_owned();
    assert!(location.starts_with("/r/"));

    let (status, page) = app.get_page(&location).await;
    assert_eq!(status, 200);
    assert!(page.contains("Merci, votre inscription est enregistrée."));
    assert!(page.contains("Un e-mail de confirmation part à camille.moreau@example.org."), "where the email went");
    assert!(page.contains("Votre place est confirmée."));
    // What to bring to the door, the calendar and the way there.
    let lines = app.store.event_registrations(&event).await.expect("registrations");
    let code = app.state.keys.check_in_code(lines[0].registration.id);
    assert!(page.contains(&format!("Votre code d'accueil : {code} (à montrer à l'entrée")), "{page}");
    assert!(page.contains(r#"href="/events/gensensor/event.ics">Ajouter à mon agenda</a>"#));
    assert!(page.contains(r#"href="https://www.openstreetmap.org/search?query=Naobios%2C+Saint-Herblain""#), "{page}");
    let (status, ics) = app.get_page("/events/gensensor/event.ics").await;
    assert_eq!(status, 200);
    assert!(ics.starts_with("BEGIN:VCALENDAR") && ics.matches("BEGIN:VEVENT").count() == 1, "{ics}");

    // The event is now full: the page says so and the button joins the waiting list.
    let (_, event_page) = app.get_page("/events/gensensor").await;
    assert!(event_page.contains("Rejoindre la liste d'attente"));
    let (_, waiting) = app.sign_up("gensensor", person(2)).await;
    assert_eq!(waiting["waitlist_position"], 1);

    // Cancelling asks first, saying where the seat goes; the page it asks
    // on has the only form that cancels.
    let (_, page) = app.get_page(location.split('?').next().expect("path")).await;
    let cancel_path = format!("{}/cancel", location.split('?').next().expect("path"));
    assert!(page.contains(&format!(r#"href="{cancel_path}""#)) && !page.contains(r#"action="/r/"#), "{page}");
    let (status, ask) = app.get_page(&cancel_path).await;
    assert_eq!(status, 200);
    assert!(ask.contains("Annuler votre inscription ?") && ask.contains("Oui, annuler mon inscription"));
    assert!(ask.contains("votre place ira aussitôt à la première personne en liste d'attente"), "{ask}");
    assert!(ask.contains("Non, garder mon inscription"));
    let (_, still) = app.get_page(location.split('?').next().expect("path")).await;
    assert!(still.contains("Votre place est confirmée."), "asking cancels nothing");
    let csrf = csrf_field(&ask);
    let response = app.client.post(app.url(&cancel_path)).form(&[("csrf", csrf.as_str())]).send().await.expect("sent");
    assert_eq!(response.status(), 303);
    let (_, page) = app.get_page(location.split('?').next().expect("path")).await;
    assert!(page.contains("Cette inscription est annulée."));
    assert!(!page.contains("Annuler mon inscription"), "no cancel button once cancelled");

    // The seat went to the person waiting.
    let waiting_page = waiting["cancel_url"].as_str().expect("url").replace(&app.base, "");
    let (_, page) = app.get_page(&waiting_page).await;
    assert!(page.contains("Votre place est confirmée."));
    // With nobody waiting any more, cancelling promises nobody a seat.
    let (_, ask) = app.get_page(&format!("{waiting_page}/cancel")).await;
    assert!(ask.contains("votre place sera de nouveau proposée") && !ask.contains("liste d'attente"), "{ask}");
    // Someone waiting is told about their place in the list, not a seat.
    let (_, third) = app.sign_up("gensensor", person(3)).await;
    let third_page = third["cancel_url"].as_str().expect("url").replace(&app.base, "");
    let (_, page) = app.get_page(&third_page).await;
    assert!(page.contains("vous quitterez la liste d'attente, où vous êtes en position 1"), "{page}");
}

async fn form_errors_are_shown_next_to_fields_with_values_kept() {
    let app = spawn_app().await;
    app.create_event(masterclass("efs", 10)).await;
    let (_, page) = app.get_page("/events/efs").await;
    let csrf = csrf_field(&page);
    let response = app
        .client
        .post(app.url("/events/efs"))
        .form(&[
            ("csrf", csrf.as_str()),
            ("name", "Inès <script>alert(1)</script>"),
            ("email", "ines@"),
            ("institution", "Nantes Université"),
            ("level", "master"),
        ])
        .send()
        .await
        .expect("sent");
    assert_eq!(response.status(), 422);
    let page = response.text().await.expect("page");
    assert!(page.contains("Le formulaire contient des erreurs"));
    assert!(page.contains("<title>Erreur : Masterclass efs"), "the title says it first");
    assert!(page.contains(r#"action="/events/efs#sign-up""#) && page.contains(r#"id="sign-up""#), "opens at the form");
    assert!(page.contains(r#"id="email-error""#));
    assert!(page.contains("Saisissez une adresse e-mail valide"));
    assert!(page.contains("Votre accord est nécessaire"));
    // The summary names each field, and leads to it.
    assert!(page.contains("<a href=\"#email\">Adresse e-mail\u{a0}: Saisissez une adresse e-mail valide"), "{page}");
    assert!(page.contains("<a href=\"#consent\">Consentement\u{a0}: Votre accord est nécessaire"), "{page}");
    assert!(page.contains(r#"value="ines@""#), "typed values are kept");
    assert!(page.contains(r#"value="Nantes Université""#));
    assert!(page.contains(r#"<option value="master" selected>"#));
    assert!(!page.contains("<script>alert(1)</script>"), "input is escaped");
    assert!(page.contains("&lt;script&gt;"));

    let (_, event) = app.get_json("/api/v1/events/efs").await;
    assert_eq!(event["seats_left"], 10, "nothing was registered");
}

async fn already_registered_and_level_refusals_are_explained() {
    let app = spawn_app().await;
    let mut event = masterclass("naobios", 10);
    event.levels = vec![atelier::domain::Level::Master];
    app.create_event(event).await;
    app.sign_up("naobios", person(1)).await;
    let (_, page) = app.get_page("/events/naobios").await;
    assert!(page.contains(r#"<option value="master">"#), "{page}");
    assert!(!page.contains(r#"<option value="bts_but">"#), "only the levels the event admits are offered");
    assert!(!page.contains("<title>Erreur"));
    let csrf = csrf_field(&page);
    let post = |email: &'static str, level: &'static str| {
        app.client
            .post(app.url("/events/naobios"))
            .form(&[
                ("csrf", csrf.as_str()),
                ("name", "Étudiant"),
                ("email", email),
                ("level", level),
                ("consent", "yes"),
            ])
            .send()
    };
    let response = post("ETUDIANT1@example.org", "master").await.expect("sent");
    assert_eq!(response.status(), 409);
    let page = response.text().await.expect("page");
    assert!(page.contains("Vous êtes déjà inscrit·e"));
    assert!(
        page.contains(r#"<a href="/mes-inscriptions">Recevoir à nouveau le lien de mon inscription</a>"#),
        "{page}"
    );

    let response = post("autre@example.org", "bts_but").await.expect("sent");
    assert_eq!(response.status(), 409);
    let page = response.text().await.expect("page");
    assert!(page.contains(r#"id="level-error""#));
    assert!(page.contains("pas ouvert à votre niveau"));
}

async fn forms_without_the_csrf_token_are_refused_politely() {
    let app = spawn_app().await;
    app.create_event(masterclass("csrf", 10)).await;
    app.get_page("/events/csrf").await; // sets the cookie
    let response = app
        .client
        .post(app.url("/events/csrf"))
        .form(&[("csrf", "forged"), ("name", "X"), ("email", "x@example.org"), ("level", "master"), ("consent", "yes")])
        .send()
        .await
        .expect("sent");
    assert_eq!(response.status(), 403);
    assert!(response.headers()["content-type"].to_str().expect("type").starts_with("text/html"));
    assert!(response.text().await.expect("page").contains("Le formulaire a expiré"));
    let (_, event) = app.get_json("/api/v1/events/csrf").await;
    assert_eq!(event["seats_left"], 10);
}

async fn english_is_available_by_header_and_by_switch() {
    let app = spawn_app().await;
    app.create_event(masterclass("english", 10)).await;
    let response = app.client.get(app.url("/")).header("accept-language", "en-GB,en;q=0.8").send().await.expect("sent");
    let page = response.text().await.expect("page");
    assert!(page.contains(r#"<html lang="en">"#));
    assert!(page.contains("Upcoming events"));
    assert!(page.contains("10 seats left"));

    // The switch sets a cookie that later pages follow.
    let (_, page) = app.get_page("/events/english?lang=en").await;
    assert!(page.contains("First and last name"));
    // The organizers' own words, in French, say so on an English page.
    assert!(page.contains(r#"<h1 lang="fr">Masterclass english</h1>"#), "{page}");
    assert!(page.contains(r#"<div lang="fr"><p>Une journée sur un site de bioproduction.</p></div>"#));
    let (_, page) = app.get_page("/").await;
    assert!(page.contains("Upcoming events"), "the choice is remembered");
    assert!(page.contains(r#"href="/?lang=fr""#), "and can be switched back");
    let (_, page) = app.get_page("/?lang=fr").await;
    assert!(page.contains("Événements à venir"));
}

/// WCAG 2.1 relative luminance of `#rrggbb`.
fn luminance(hex: &str) -> f64 {
    let channel = |i: usize| {
        let c = f64::from(u8::from_str_radix(&hex[i..i + 2], 16).expect("hex")) / 255.0;
        if c <= 0.03928 { c / 12.92 } else { ((c + 0.055) / 1.055).powf(2.4) }
    };
    0.2126 * channel(1) + 0.7152 * channel(3) + 0.0722 * channel(5)
}

async fn the_focus_ring_stands_out_from_the_page() {
    let app = spawn_app().await;
    let (status, css) = app.get_page("/static/style.css").await;
    assert_eq!(status, 200);
    let rule = css.lines().find(|line| line.starts_with("a:focus")).expect("a focus rule");
    assert!(rule.contains("input:focus") && rule.contains("textarea:focus"), "{rule}");
    let color = rule.split("solid ").nth(1).expect("an outline colour").get(..7).expect("#rrggbb");
    for background in ["#ffffff", "#f3f5f7"] {
        let (light, dark) = (luminance(background), luminance(color));
        let contrast = (light.max(dark) + 0.05) / (light.min(dark) + 0.05);
        assert!(contrast >= 3.0, "{color} on {background}: {contrast:.2}:1");
    }
}

async fn unknown_pages_get_a_friendly_not_found() {
    let app = spawn_app().await;
    for path in ["/events/nope", "/r/nope", "/r/AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA", "/nowhere"] {
        let response = app.client.get(app.url(path)).send().await.expect("sent");
        assert_eq!(response.status(), 404, "{path}");
        assert!(response.headers()["content-type"].to_str().expect("type").starts_with("text/html"));
        let page = response.text().await.expect("page");
        assert!(page.contains("Page introuvable"), "{path}: {page}");
    }
}

async fn cancelled_events_show_why_there_is_no_form() {
    let app = spawn_app().await;
    app.create_event(common::with_status(masterclass("annule", 10), atelier::domain::EventStatus::Cancelled)).await;
    let (status, page) = app.get_page("/events/annule").await;
    assert_eq!(status, 200);
    assert!(page.contains("Cet événement est annulé."));
    assert!(!page.contains(r#"name="email""#));
}
