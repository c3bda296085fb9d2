//! The back-office through its real forms: sign-in with CSRF, rate limit,
//! event management, registrations, exports, and who may see what.

mod common;

use common::{PASSWORD, atelier, csrf_field, page, person, post, signed_in, spawn_app};
use serde_json::json;

on_both_backends! {
    #[tokio::test] wrong_passwords_are_refused_and_then_rate_limited,
    #[tokio::test] an_organizer_runs_an_event_from_the_back_office,
    #[tokio::test] check_in_by_name_or_by_the_code_from_the_email,
    #[tokio::test] organizers_write_to_confirmed_attendees,
    #[tokio::test] organizers_who_ask_are_told_of_cancellations_and_full_events,
    #[tokio::test] admins_add_organizers_and_owners_share_their_events,
    #[tokio::test] questions_are_written_in_the_event_form,
    #[tokio::test] cookies_are_secure_behind_https,
    #[tokio::test] actions_stay_within_their_event_and_its_life,
    #[tokio::test] answers_survive_an_edit_that_fixes_a_question,
    #[tokio::test] the_back_office_and_its_exports_speak_the_readers_language,
    #[tokio::test] removing_someone_or_cancelling_carries_the_organizers_note,
}

async fn add_organizer(app: &common::TestApp, email: &str) {
    let added = atelier(app, &["organizer", "add", email, "--name", "Atlanpole Biotherapies"], Some(PASSWORD)).await;
    assert!(added.status.success(), "{}", String::from_utf8_lossy(&added.stderr));
}

/// Creates a published one-day masterclass through the form; returns its
/// back-office page.
async fn new_masterclass(client: &reqwest::Client, app: &common::TestApp, title: &str, capacity: &str) -> String {
    let fields = [
        ("kind", "masterclass"),
        ("title", title),
        ("starts_at", "2099-03-02T09:00"),
        ("ends_at", "2099-03-02T17:00"),
        ("location", "Naobios"),
        ("host", "Naobios"),
        ("levels", "master"),
        ("capacity", capacity),
        ("publish", "yes"),
    ];
    let response = post(client, app, "/admin/events/new", "/admin/events/new", &fields).await;
    assert_eq!(response.status(), 303, "event created");
    response.headers()["location"].to_str().expect("location").to_owned()
}

async fn wrong_passwords_are_refused_and_then_rate_limited() {
    let app = spawn_app().await;
    add_organizer(&app, "orga@example.org").await;
    let client = reqwest::Client::builder().cookie_store(true).build().expect("client");
    for attempt in 0..6 {
        let html = client.get(app.url("/admin/login")).send().await.expect("sent").text().await.expect("page");
        let csrf = csrf_field(&html);
        let response = client
            .post(app.url("/admin/login"))
            .form(&[("csrf", csrf.as_str()), ("email", "orga@example.org"), ("password", "not the password")])
            .send()
            .await
            .expect("sent");
        if attempt < 5 {
            assert_eq!(response.status(), 401);
            assert!(response.text().await.expect("page").contains("mot de passe incorrect"));
        } else {
            assert_eq!(response.status(), 429);
            assert!(response.text().await.expect("page").contains("Trop de tentatives"));
        }
    }
    // Without the CSRF token, nothing is even checked.
    let response = client
        .post(app.url("/admin/login"))
        .form(&[("email", "orga@example.org"), ("password", PASSWORD)])
        .send()
        .await
        .expect("sent");
    assert_eq!(response.status(), 403);
}

async fn an_organizer_runs_an_event_from_the_back_office() {
    let app = spawn_app().await;
    add_organizer(&app, "orga@example.org").await;
    let client = signed_in(&app, "orga@example.org").await;

    let response = post(
        &client,
        &app,
        "/admin/events/new",
        "/admin/events/new",
        &[
            ("kind", "masterclass"),
            ("title", "Masterclass EFS : thérapie cellulaire"),
            ("description", "Une journée à l'UTCG."),
            ("starts_at", "2099-06-15T09:00"),
            ("ends_at", "2099-06-15T17:00"),
            ("location", "EFS"),
            ("address", "Nantes"),
            ("host", "Établissement français du sang"),
            ("levels", "bts_but"),
            ("levels", "master"),
            ("capacity", "1"),
            ("language", "fr"),
            ("publish", "yes"),
        ],
    )
    .await;
    assert_eq!(response.status(), 303);
    let detail = response.headers()["location"].to_str().expect("location").to_owned();
    let (_, event) = app.get_json("/api/v1/events/masterclass-efs-therapie-cellulaire").await;
    assert_eq!(event["starts_at"], "2099-06-15T07:00:00Z", "Paris time in the form");
    assert_eq!(event["levels"], json!(["bts_but", "master"]));
    assert_eq!(event["status"], "published");

    let slug = "masterclass-efs-therapie-cellulaire";
    app.sign_up(slug, person(1)).await;
    let mut second = person(2);
    second["name"] = json!("Inès Lefèvre");
    second["institution"] = json!("Oniris VetAgroBio");
    app.sign_up(slug, second).await;

    let (status, html) = page(&client, app.url(&detail)).await;
    assert_eq!(status, 200);
    assert!(html.contains("Étudiant·e 1") && html.contains("Inès Lefèvre"));
    assert!(html.contains("1 / 1 places confirmées, 1 en liste d'attente"));
    let (_, found) = page(&client, app.url(&format!("{detail}?q=oniris"))).await;
    assert!(found.contains("Inès Lefèvre") && !found.contains("Étudiant·e 1"), "search by institution");

    // Removing the confirmed person hands the seat to the one waiting,
    // after a page that asks first, naming them.
    let (_, html) = page(&client, app.url(&detail)).await;
    let remove = html
        .split("href=\"")
        .filter_map(|s| s.split('"').next())
        .find(|a| a.ends_with("/remove") && a.contains("/registrations/"))
        .expect("remove link")
        .to_owned();
    let (_, ask) = page(&client, app.url(&remove)).await;
    assert!(ask.contains("Retirer Étudiant·e 1 ?") && ask.contains("Oui, retirer"), "{ask}");
    let response = post(&client, &app, &remove, &remove, &[]).await;
    assert_eq!(response.status(), 303);
    let done = response.headers()["location"].to_str().expect("location").to_owned();
    let (_, html) = page(&client, app.url(&done)).await;
    assert!(html.contains("Inscription retirée ; la personne est prévenue par e-mail."));
    assert!(html.contains("1 / 1 places confirmées, 0 en liste d'attente"));
    assert!(html.contains("Inscription retirée : Étudiant·e 1"), "the history shows it, in French, with the name");

    // Edit: more seats, new title.
    let response = post(
        &client,
        &app,
        &format!("{detail}/edit"),
        &format!("{detail}/edit"),
        &[
            ("kind", "masterclass"),
            ("title", "Masterclass EFS (nouvelle date)"),
            ("slug", slug),
            ("starts_at", "2099-06-22T09:00"),
            ("ends_at", "2099-06-22T17:00"),
            ("location", "EFS"),
            ("host", "EFS"),
            ("levels", "master"),
            ("capacity", "12"),
            ("registration_opens_at", "2020-01-01T00:00"),
            ("language", "fr"),
        ],
    )
    .await;
    assert_eq!(response.status(), 303);
    let (_, event) = app.get_json(&format!("/api/v1/events/{slug}")).await;
    assert_eq!(
        (event["title"].as_str(), event["capacity"].as_i64()),
        (Some("Masterclass EFS (nouvelle date)"), Some(12))
    );

    // Invalid edits come back with messages next to the fields.
    let response = post(
        &client,
        &app,
        &format!("{detail}/edit"),
        &format!("{detail}/edit"),
        &[
            ("kind", "masterclass"),
            ("title", ""),
            ("starts_at", "2099-06-22T09:00"),
            ("ends_at", "2099-06-21T09:00"),
            ("capacity", "0"),
        ],
    )
    .await;
    assert_eq!(response.status(), 422);
    let html = response.text().await.expect("page");
    assert!(html.contains("La fin doit être après le début.") && html.contains("Au moins 1."));

    // Unpublish hides it; publish shows it again.
    let response = post(&client, &app, &detail, &format!("{detail}/status"), &[("status", "draft")]).await;
    assert_eq!(response.status(), 303);
    let (_, after) = page(&client, app.url(response.headers()["location"].to_str().expect("location"))).await;
    assert!(after.contains("L'événement est repassé en brouillon"), "the page says what was done");
    assert_eq!(app.get_json(&format!("/api/v1/events/{slug}")).await.0, 404);
    let response = post(&client, &app, &detail, &format!("{detail}/status"), &[("status", "published")]).await;
    let (_, after) = page(&client, app.url(response.headers()["location"].to_str().expect("location"))).await;
    assert!(after.contains("L'événement est publié"), "the page says what was done");
    assert_eq!(app.get_json(&format!("/api/v1/events/{slug}")).await.0, 200);

    // Exports from the back-office.
    for (path, kind) in [
        ("attendees.csv", "text/csv"),
        ("attendees.xlsx", "spreadsheetml"),
        ("attendance-sheet.pdf", "application/pdf"),
    ] {
        let response = client.get(app.url(&format!("{detail}/{path}"))).send().await.expect("sent");
        assert_eq!(response.status(), 200, "{path}");
        assert!(response.headers()["content-type"].to_str().expect("type").contains(kind), "{path}");
    }

    // Duplicate: a draft four weeks later, opened for editing, run by the
    // same team, marked as the copy, after the original (soonest first).
    add_organizer(&app, "binome@example.org").await;
    let response =
        post(&client, &app, &detail, &format!("{detail}/organizers"), &[("email", "binome@example.org")]).await;
    assert!(response.status().is_success() || response.status().is_redirection(), "{}", response.status());
    let response = post(&client, &app, &detail, &format!("{detail}/duplicate"), &[]).await;
    assert_eq!(response.status(), 303);
    let copy = response.headers()["location"].to_str().expect("location").to_owned();
    assert!(copy.ends_with("/edit?done=duplicated"), "{copy}");
    let (_, edit) = page(&client, app.url(&copy)).await;
    assert!(edit.contains("Copie créée en brouillon, quatre semaines plus tard"), "the copy says what it is");
    let copy = copy.trim_end_matches("?done=duplicated").to_owned();
    let (_, list) = page(&client, app.url("/admin")).await;
    assert_eq!(list.matches("Masterclass EFS (nouvelle date)").count(), 2);
    assert!(list.contains("Brouillon · copie") && list.matches("· copie").count() == 1, "{list}");
    let original_at = list.find(&format!(r#"href="{detail}""#)).expect("the original");
    let copy_at = list.find(&format!(r#"href="{}""#, copy.trim_end_matches("/edit"))).expect("the copy");
    assert!(original_at < copy_at, "soonest first");
    let (_, copy_page) = page(&client, app.url(copy.trim_end_matches("/edit"))).await;
    assert!(copy_page.contains("binome@example.org"), "the co-organizer runs the copy too");

    // Cancel the event: the event's page links to a page that asks first,
    // saying who will be told; the answer says it is done.
    let (_, detail_page) = page(&client, app.url(&detail)).await;
    assert!(detail_page.contains(&format!(r#"href="{detail}/cancel""#)), "a link, not a form that cancels");
    let (status, ask) = page(&client, app.url(&format!("{detail}/cancel"))).await;
    assert_eq!(status, 200);
    assert!(ask.contains("Annuler l'événement ?") && ask.contains("Oui, annuler l'événement"), "{ask}");
    assert!(ask.contains("Non, revenir à l'événement"));
    let (_, still) = app.get_json(&format!("/api/v1/events/{slug}")).await;
    assert_eq!(still["status"], "published", "asking cancels nothing");
    let response = post(&client, &app, &format!("{detail}/cancel"), &format!("{detail}/cancel"), &[]).await;
    assert_eq!(response.status(), 303);
    let done = response.headers()["location"].to_str().expect("location").to_owned();
    let (_, after) = page(&client, app.url(&done)).await;
    assert!(after.contains("L'événement est annulé ; les personnes inscrites sont prévenues par e-mail."));
    let (_, event) = app.get_json(&format!("/api/v1/events/{slug}")).await;
    assert_eq!(event["status"], "cancelled");

    // Signing out ends the session.
    let response = post(&client, &app, "/admin", "/admin/logout", &[]).await;
    assert_eq!(response.status(), 303);
    let response = client.get(app.url("/admin")).send().await.expect("sent");
    assert_eq!(
        (response.status().as_u16(), response.headers()["location"].to_str().ok()),
        (303, Some("/admin/login?next=%2Fadmin"))
    );
}

async fn check_in_by_name_or_by_the_code_from_the_email() {
    let sink = common::smtp::SmtpSink::start().await;
    let app = common::spawn_with(|c| c.smtp_url = Some(sink.url())).await;
    add_organizer(&app, "accueil@example.org").await;
    let client = signed_in(&app, "accueil@example.org").await;
    let detail = new_masterclass(&client, &app, "Masterclass Naobios", "1").await;
    app.sign_up("masterclass-naobios", person(1)).await;
    app.sign_up("masterclass-naobios", person(2)).await;
    let received = sink.wait_for(2, std::time::Duration::from_secs(10)).await;
    let confirmation =
        common::parse_mail(&received.iter().find(|r| r.to == ["etudiant1@example.org"]).expect("mail").data);
    let code = confirmation
        .text
        .lines()
        .find_map(|l| l.trim().strip_prefix("Code d'accueil : "))
        .and_then(|rest| rest.split(' ').next())
        .expect("a check-in code in the email")
        .to_owned();
    assert!(confirmation.html.contains(&code));

    let check_in = format!("{detail}/check-in");
    let (status, html) = page(&client, app.url(&check_in)).await;
    assert_eq!(status, 200);
    assert!(html.contains("0 présent sur 1 confirmé"));
    assert!(html.contains("Étudiant·e 1") && !html.contains("Étudiant·e 2"), "confirmed people only");

    let response = post(&client, &app, &check_in, &check_in, &[("code", "ZZZZ-ZZZZ")]).await;
    assert_eq!(response.status(), 404);
    assert!(response.text().await.expect("page").contains("Aucun participant confirmé n'a ce code"));

    // Typed on a phone: lower case, no dash.
    let typed = code.replace('-', "").to_lowercase();
    let response = post(&client, &app, &check_in, &check_in, &[("code", typed.as_str())]).await;
    assert_eq!(response.status(), 303);
    let (_, html) = page(&client, app.url(&check_in)).await;
    assert!(html.contains("1 présent sur 1 confirmé") && html.contains("Présent depuis"));
    let response = client.get(app.url("/api/v1/events/masterclass-naobios/registrations")).send().await.expect("sent");
    assert_eq!(response.status(), 401, "the API wants a token, not a session");

    // Resend the confirmation, then confirm the waiting person out of turn.
    let (_, html) = page(&client, app.url(&detail)).await;
    let actions: Vec<String> = html.split("action=\"").filter_map(|s| s.split('"').next()).map(str::to_owned).collect();
    let resend = actions.iter().find(|a| a.ends_with("/resend")).expect("resend").clone();
    let confirm = actions.iter().find(|a| a.ends_with("/confirm")).expect("confirm").clone();
    let resent = post(&client, &app, &detail, &resend, &[]).await;
    assert_eq!(resent.status(), 303);
    let (_, after) = page(&client, app.url(resent.headers()["location"].to_str().expect("location"))).await;
    let notice = after.find("Le message a été renvoyé à la personne.").expect("the page says what was done");
    assert!(notice > after.find(r#"id="registrations""#).expect("the list"), "where the page opens, by the list");
    let confirmed = post(&client, &app, &detail, &confirm, &[]).await;
    assert_eq!(confirmed.status(), 303);
    let (_, after) = page(&client, app.url(confirmed.headers()["location"].to_str().expect("location"))).await;
    assert!(after.contains("une place a été ajoutée"), "the page says what was done, seat included");
    let received = sink.wait_for(4, std::time::Duration::from_secs(10)).await;
    let subjects: Vec<String> = received[2..].iter().map(|r| common::parse_mail(&r.data).subject).collect();
    assert!(subjects.iter().any(|s| s.starts_with("Inscription confirmée")), "{subjects:?}");
    assert!(subjects.iter().any(|s| s.starts_with("Une place s'est libérée")), "{subjects:?}");
    let (_, event) = app.get_json("/api/v1/events/masterclass-naobios").await;
    assert_eq!((event["capacity"].as_i64(), event["waitlist_length"].as_i64()), (Some(2), Some(0)));
}

async fn organizers_write_to_confirmed_attendees() {
    let sink = common::smtp::SmtpSink::start().await;
    let app = common::spawn_with(|c| c.smtp_url = Some(sink.url())).await;
    add_organizer(&app, "messages@example.org").await;
    let client = signed_in(&app, "messages@example.org").await;
    let detail = new_masterclass(&client, &app, "Masterclass GenSensor", "2").await;
    for n in 1..=3 {
        app.sign_up("masterclass-gensensor", person(n)).await;
    }
    sink.wait_for(3, std::time::Duration::from_secs(10)).await;

    let message = format!("{detail}/message");
    let response = post(&client, &app, &detail, &message, &[("subject", " "), ("body", "x")]).await;
    assert_eq!(response.status(), 422);
    assert!(response.text().await.expect("page").contains("Ce champ est obligatoire."));

    let body = "Le badge d'accès <b>vous attend</b> à l'accueil.\nMerci d'arriver à 8 h 45.";
    let response = post(&client, &app, &detail, &message, &[("subject", "Accès au site"), ("body", body)]).await;
    // POST/redirect/GET: back to the event's page, which says so; reloading
    // it sends nothing again.
    assert_eq!(response.status(), 303);
    let location = response.headers()["location"].to_str().expect("text").to_owned();
    assert_eq!(location, format!("{detail}?sent=2"));
    for _ in 0..2 {
        let (status, html) = page(&client, app.url(&location)).await;
        assert_eq!(status, 200);
        assert!(html.contains("Message envoyé à 2 participants confirmés."), "{html}");
    }
    let (status, english) = page(&client, app.url(&format!("{location}&lang=en"))).await;
    assert_eq!(status, 200, "the language switch works there");
    assert!(english.contains("Message sent to 2 confirmed attendees."));

    let outbox = common::outbox(&app.open_database().await).await;
    assert_eq!(outbox.iter().filter(|(kind, _, _)| kind == "announcement").count(), 2, "queued once");
    let received = sink.wait_for(5, std::time::Duration::from_secs(10)).await;
    assert_eq!(received.len(), 5);
    let mut recipients: Vec<String> = received[3..].iter().map(|r| r.to.join(",")).collect();
    recipients.sort();
    assert_eq!(recipients, ["etudiant1@example.org", "etudiant2@example.org"], "confirmed only");
    let mail = common::parse_mail(&received[4].data);
    assert_eq!(mail.subject, "Accès au site — Masterclass GenSensor");
    // "Répondez à ce message" reaches the organizer, not the no-reply sender.
    assert_eq!(mail.reply_to, "messages@example.org");
    assert_eq!(common::parse_mail(&received[0].data).reply_to, "messages@example.org", "the confirmation too");
    assert!(mail.text.contains("Merci d'arriver à 8 h 45."));
    assert!(mail.html.contains("&lt;b&gt;vous attend&lt;") && !mail.html.contains("<b>vous attend"), "escaped");
}

async fn organizers_who_ask_are_told_of_cancellations_and_full_events() {
    let sink = common::smtp::SmtpSink::start().await;
    let app = common::spawn_with(|c| c.smtp_url = Some(sink.url())).await;
    add_organizer(&app, "veille@example.org").await;
    add_organizer(&app, "discret@example.org").await;
    let client = signed_in(&app, "veille@example.org").await;
    let response =
        post(&client, &app, "/admin/settings", "/admin/settings", &[("on_cancel", "yes"), ("when_full", "yes")]).await;
    assert_eq!(response.status(), 200);
    let html = response.text().await.expect("page");
    assert!(html.contains("Préférences enregistrées.") && html.matches("checked").count() == 2);
    new_masterclass(&client, &app, "Masterclass EFS", "2").await;

    let (_, first) = app.sign_up("masterclass-efs", person(1)).await;
    app.sign_up("masterclass-efs", person(2)).await;
    app.cancel(first["cancel_url"].as_str().expect("url")).await;
    // Two confirmations, "full", the cancellation acknowledgement, and the notice.
    let received = sink.wait_for(5, std::time::Duration::from_secs(10)).await;
    let mut to_organizer: Vec<String> = received
        .iter()
        .filter(|r| r.to == ["veille@example.org"])
        .map(|r| common::parse_mail(&r.data).subject)
        .collect();
    to_organizer.sort();
    assert_eq!(to_organizer, ["Complet : Masterclass EFS", "Désinscription : Masterclass EFS"]);
    let notice = received.iter().find(|r| r.to == ["veille@example.org"]).expect("notice");
    let notice = common::parse_mail(&notice.data);
    assert!(notice.text.contains("/admin/events/"), "links to the back-office");
    assert!(!received.iter().any(|r| r.to == ["discret@example.org"]), "nobody else is told");
    for mail in received.iter().filter(|r| r.to == ["veille@example.org"]) {
        assert!(!String::from_utf8_lossy(&mail.data).contains("/r/"), "never a registrant's private link");
    }
}

async fn admins_add_organizers_and_owners_share_their_events() {
    let app = spawn_app().await;
    let added = atelier(&app, &["organizer", "add", "admin@example.org", "--admin"], Some(PASSWORD)).await;
    assert!(added.status.success());
    let admin = signed_in(&app, "admin@example.org").await;
    let response = post(
        &admin,
        &app,
        "/admin/organizers",
        "/admin/organizers",
        &[("email", "Hote@GenSensor.example"), ("name", "GenSensor"), ("password", PASSWORD)],
    )
    .await;
    assert_eq!(response.status(), 200);
    let html = response.text().await.expect("page");
    assert!(html.contains("hote@gensensor.example — GenSensor (organisateur, actif)"), "{html}");
    assert!(
        html.contains("admin@example.org — Compte créé : hote@gensensor.example (organisateur)"),
        "the history shows who added whom"
    );
    let again = post(
        &admin,
        &app,
        "/admin/organizers",
        "/admin/organizers",
        &[("email", "hote@gensensor.example"), ("password", PASSWORD)],
    )
    .await;
    assert_eq!(again.status(), 409);
    let weak = post(
        &admin,
        &app,
        "/admin/organizers",
        "/admin/organizers",
        &[("email", "x@example.org"), ("password", "court")],
    )
    .await;
    assert_eq!(weak.status(), 422);

    add_organizer(&app, "partenaire@example.org").await;
    let host = signed_in(&app, "hote@gensensor.example").await;
    assert_eq!(page(&host, app.url("/admin/organizers")).await.0, 403, "organizers do not manage accounts");
    let response = post(
        &host,
        &app,
        "/admin/events/new",
        "/admin/events/new",
        &[
            ("kind", "masterclass"),
            ("title", "Masterclass partagée"),
            ("starts_at", "2099-03-02T09:00"),
            ("ends_at", "2099-03-02T17:00"),
            ("location", "GenSensor"),
            ("host", "GenSensor"),
            ("levels", "master"),
            ("capacity", "10"),
        ],
    )
    .await;
    let detail = response.headers()["location"].to_str().expect("location").to_owned();
    let partner = signed_in(&app, "partenaire@example.org").await;
    assert_eq!(page(&partner, app.url(&detail)).await.0, 403);

    let unknown = post(&host, &app, &detail, &format!("{detail}/organizers"), &[("email", "nobody@example.org")]).await;
    assert_eq!(unknown.status(), 303, "back to the team, not a dead end");
    let back = unknown.headers()["location"].to_str().expect("location").to_owned();
    assert!(back.ends_with("#team"));
    let (_, html) = page(&host, app.url(&back)).await;
    assert!(html.contains("Aucun compte organisateur n'a cette adresse. Demandez à un administrateur de le créer"));
    let response =
        post(&host, &app, &detail, &format!("{detail}/organizers"), &[("email", "partenaire@example.org")]).await;
    assert_eq!(response.status(), 303);
    let (status, html) = page(&partner, app.url(&detail)).await;
    assert_eq!(status, 200, "a co-organizer manages the event");
    assert!(html.contains("Organisateur ajouté à l'événement : partenaire@example.org"));
    let (_, list) = page(&partner, app.url("/admin")).await;
    assert!(list.contains("Masterclass partagée"));
}

async fn questions_are_written_in_the_event_form() {
    let app = spawn_app().await;
    add_organizer(&app, "formulaire@example.org").await;
    let client = signed_in(&app, "formulaire@example.org").await;
    let response = post(
        &client,
        &app,
        "/admin/events/new",
        "/admin/events/new",
        &[
            ("kind", "masterclass"),
            ("title", "Masterclass questions"),
            ("starts_at", "2099-03-02T09:00"),
            ("ends_at", "2099-03-02T17:00"),
            ("location", "EFS"),
            ("host", "EFS"),
            ("levels", "master"),
            ("capacity", "10"),
            ("publish", "yes"),
            ("q_label", "Déjeuner"),
            ("q_kind", "choice"),
            ("q_choices", "Standard\r\nVégétarien"),
            ("q_required", "yes"),
            ("q_label", ""),
            ("q_kind", "text"),
            ("q_choices", ""),
            ("q_required", "no"),
        ],
    )
    .await;
    assert_eq!(response.status(), 303);
    let detail = response.headers()["location"].to_str().expect("location").to_owned();
    let (_, event) = app.get_json("/api/v1/events/masterclass-questions").await;
    let questions = event["questions"].as_array().expect("questions");
    assert_eq!(questions.len(), 1, "an empty slot asks nothing");
    assert_eq!(questions[0]["label"], "Déjeuner");
    assert_eq!(questions[0]["choices"], json!(["Standard", "Végétarien"]));
    assert_eq!(questions[0]["required"], true);

    let (_, form) = page(&client, app.url(&format!("{detail}/edit"))).await;
    assert!(form.contains(r#"name="q_label" type="text" value="Déjeuner""#), "prefilled for editing");
}

async fn cookies_are_secure_behind_https() {
    let app = common::spawn_with(|c| c.public_url = Some("https://atelier.example.org".into())).await;
    add_organizer(&app, "tls@example.org").await;
    let client = reqwest::Client::builder().redirect(reqwest::redirect::Policy::none()).build().expect("client");
    let response = client.get(app.url("/admin/login")).send().await.expect("sent");
    let csrf_cookie = response.headers()["set-cookie"].to_str().expect("cookie").to_owned();
    assert!(csrf_cookie.contains("Secure") && csrf_cookie.contains("HttpOnly"), "{csrf_cookie}");
    let page = response.text().await.expect("page");
    let csrf = csrf_field(&page);
    let cookie_value = csrf_cookie.split(';').next().expect("pair").to_owned();
    let response = client
        .post(app.url("/admin/login"))
        .header("cookie", cookie_value)
        .form(&[("csrf", csrf.as_str()), ("email", "tls@example.org"), ("password", PASSWORD)])
        .send()
        .await
        .expect("sent");
    assert_eq!(response.status(), 303);
    let session = response.headers()["set-cookie"].to_str().expect("cookie");
    assert!(session.starts_with("atelier_session=") && session.contains("; Secure"), "{session}");
}

async fn actions_stay_within_their_event_and_its_life() {
    let app = spawn_app().await;
    add_organizer(&app, "deux@example.org").await;
    let client = signed_in(&app, "deux@example.org").await;
    let mut details = Vec::new();
    for title in ["Premier atelier", "Second atelier"] {
        details.push(new_masterclass(&client, &app, title, "1").await);
    }
    app.sign_up("premier-atelier", person(1)).await;
    app.sign_up("premier-atelier", person(2)).await;
    let (_, html) = page(&client, app.url(&details[0])).await;
    let registration = html.split("/registrations/").nth(1).and_then(|s| s.split('/').next()).expect("id").to_owned();

    // The other event's URL with this registration: nothing happens.
    for action in ["remove", "resend", "confirm"] {
        let path = format!("{}/registrations/{registration}/{action}", details[1]);
        let response = post(&client, &app, &details[1], &path, &[]).await;
        assert_eq!(response.status(), 404, "{action}");
    }
    let response = post(
        &client,
        &app,
        &details[1],
        &format!("{}/check-in", details[1]),
        &[("registration", registration.as_str())],
    )
    .await;
    assert_eq!(response.status(), 404, "check-in");

    // Once the event is cancelled: no confirmation resent, no seat given.
    post(&client, &app, &details[0], &format!("{}/cancel", details[0]), &[]).await;
    let db = app.open_database().await;
    let before: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM outbox").fetch_one(&db).await.expect("count");
    let (_, html) = page(&client, app.url(&details[0])).await;
    assert!(!html.contains("/resend") && !html.contains("/confirm"), "no such buttons on a cancelled event");
    let waiting =
        html.split("/registrations/").filter_map(|s| s.split('/').next()).nth(1).expect("second id").to_owned();
    for action in ["resend", "confirm"] {
        let path = format!("{}/registrations/{waiting}/{action}", details[0]);
        assert_eq!(post(&client, &app, &details[0], &path, &[]).await.status(), 404, "{action}");
    }
    let after: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM outbox").fetch_one(&db).await.expect("count");
    assert_eq!(before, after, "nothing was queued");
}

async fn answers_survive_an_edit_that_fixes_a_question() {
    let app = spawn_app().await;
    add_organizer(&app, "typo@example.org").await;
    let client = signed_in(&app, "typo@example.org").await;
    let event_fields = |label: &'static str| {
        vec![
            ("kind", "masterclass"),
            ("title", "Masterclass typo"),
            ("slug", "masterclass-typo"),
            ("starts_at", "2099-03-02T09:00"),
            ("ends_at", "2099-03-02T17:00"),
            ("location", "EFS"),
            ("host", "EFS"),
            ("levels", "master"),
            ("capacity", "10"),
            ("language", "fr"),
            ("q_label", label),
            ("q_kind", "text"),
            ("q_choices", ""),
            ("q_required", "no"),
        ]
    };
    let mut create = event_fields("Alergies");
    create.push(("publish", "yes"));
    let response = post(&client, &app, "/admin/events/new", "/admin/events/new", &create).await;
    let detail = response.headers()["location"].to_str().expect("location").to_owned();
    let (_, event) = app.get_json("/api/v1/events/masterclass-typo").await;
    let question = event["questions"][0]["id"].as_str().expect("id").to_owned();
    let mut body = person(1);
    body["answers"] = json!({ question.clone(): "Arachides" });
    assert_eq!(app.sign_up("masterclass-typo", body).await.0, 201);

    for label in ["Alergies", "Allergies"] {
        let response =
            post(&client, &app, &format!("{detail}/edit"), &format!("{detail}/edit"), &event_fields(label)).await;
        assert_eq!(response.status(), 303);
        let (_, html) = page(&client, app.url(&detail)).await;
        let cell = format!(r#"<td data-label="{label}">Arachides</td>"#);
        assert!(html.contains(&cell), "{label}: the answer is still there, in its column");
    }
    let (_, event) = app.get_json("/api/v1/events/masterclass-typo").await;
    assert_eq!(event["questions"][0]["id"], question.as_str(), "same question, fixed label");
}

/// Statuses, email states, yes/no answers, export headers and the history
/// are worded in the reader's language, not shown as stored codes.
async fn the_back_office_and_its_exports_speak_the_readers_language() {
    let app = spawn_app().await;
    let token = common::organizer_token(&app, "langues@example.org").await;
    let body = json!({
        "kind": "masterclass", "title": "Masterclass langues", "slug": "langues",
        "starts_at": "2099-03-02T09:00:00+01:00", "ends_at": "2099-03-02T17:00:00+01:00",
        "location": "Naobios", "host": "Naobios", "capacity": 10, "status": "published",
        "questions": [{ "label": "Photo", "kind": "yes_no" }]
    });
    let created = app.client.post(app.url("/api/v1/events")).bearer_auth(&token).json(&body).send().await;
    let created: serde_json::Value = created.expect("sent").json().await.expect("json");
    let question = created["questions"][0]["id"].as_str().expect("question").to_owned();
    let mut someone = person(1);
    someone["answers"] = json!({ question: "yes" });
    assert_eq!(app.sign_up("langues", someone).await.0, 201);
    common::settled_outbox(&app.open_database().await).await;

    let client = signed_in(&app, "langues@example.org").await;
    let detail = format!("/admin/events/{}", created["id"].as_str().expect("id"));
    let (_, fr) = page(&client, app.url(&detail)).await;
    for words in ["Confirmé", "envoyé", r#"<td data-label="Photo">Oui</td>"#, "Événement créé"] {
        assert!(fr.contains(words), "French page shows {words:?}");
    }
    let (_, en) = page(&client, app.url(&format!("{detail}?lang=en"))).await;
    for words in ["Confirmed", ">sent<", r#"<td data-label="Photo">Yes</td>"#, "Event created"] {
        assert!(en.contains(words), "English page shows {words:?}");
    }
    for (lang, words) in [
        ("fr", ["Nom", "confirmé", "Langue", "Oui", "envoyé"]),
        ("en", ["Name", "confirmed", "Language", "Yes", "sent"]),
    ] {
        let csv = client.get(app.url(&format!("{detail}/attendees.csv?lang={lang}"))).send().await.expect("sent");
        let csv = csv.text().await.expect("csv");
        for word in words {
            assert!(csv.contains(word), "{lang} export has {word:?}: {csv}");
        }
    }
}

async fn removing_someone_or_cancelling_carries_the_organizers_note() {
    let sink = common::smtp::SmtpSink::start().await;
    let app = common::spawn_with(|c| c.smtp_url = Some(sink.url())).await;
    add_organizer(&app, "notes@example.org").await;
    let client = signed_in(&app, "notes@example.org").await;
    let detail = new_masterclass(&client, &app, "Masterclass Naobios : lots cliniques", "5").await;
    let id = detail.trim_start_matches("/admin/events/").to_owned();
    let (_, first) = app.sign_up(&id, person(1)).await;
    app.sign_up(&id, person(2)).await;
    sink.wait_for(2, std::time::Duration::from_secs(10)).await;

    // The page that asks first offers to add a few words.
    let remove = format!("{detail}/registrations/{}/remove", first["id"].as_str().expect("id"));
    let (_, ask) = page(&client, app.url(&remove)).await;
    assert!(ask.contains("Message aux personnes concernées (facultatif)"), "{ask}");
    let note = "Le site n'accueille que les inscrits <b>en master</b> ce jour-là.";
    let response = post(&client, &app, &remove, &remove, &[("message", note)]).await;
    assert_eq!(response.status(), 303);
    let received = sink.wait_for(3, std::time::Duration::from_secs(10)).await;
    let removed = common::parse_mail(&received[2].data);
    assert_eq!(removed.to, "etudiant1@example.org");
    // Mail lines end in CRLF.
    assert!(removed.text.contains(&format!("Leur message :\r\n{note}")), "{}", removed.text);
    assert!(
        removed.html.contains("&lt;b&gt;en master&lt;") && !removed.html.contains("<b>en master"),
        "escaped in HTML: {}",
        removed.html
    );

    let cancel = format!("{detail}/cancel");
    let too_long = "x".repeat(2_001);
    let response = post(&client, &app, &cancel, &cancel, &[("message", too_long.as_str())]).await;
    assert_eq!(response.status(), 422, "a note over 2,000 characters is refused");
    assert_eq!(app.get_json(&format!("/api/v1/events/{id}")).await.1["status"], "published", "and nothing done");
    let response = post(&client, &app, &cancel, &cancel, &[("message", "Reportée au printemps.")]).await;
    assert_eq!(response.status(), 303);
    let received = sink.wait_for(4, std::time::Duration::from_secs(10)).await;
    let cancelled = common::parse_mail(&received[3].data);
    assert_eq!(cancelled.to, "etudiant2@example.org");
    assert!(cancelled.text.contains("Leur message :\r\nReportée au printemps."), "{}", cancelled.text);

    // Without a note, the email has no empty "message" part.
    let detail = new_masterclass(&client, &app, "Masterclass Naobios : sans mot", "5").await;
    let id = detail.trim_start_matches("/admin/events/").to_owned();
    app.sign_up(&id, person(3)).await;
    sink.wait_for(5, std::time::Duration::from_secs(10)).await;
    let cancel = format!("{detail}/cancel");
    assert_eq!(post(&client, &app, &cancel, &cancel, &[("message", "  ")]).await.status(), 303);
    let received = sink.wait_for(6, std::time::Duration::from_secs(10)).await;
    let plain = common::parse_mail(&received[5].data);
    assert!(plain.subject.starts_with("Événement annulé") && !plain.text.contains("Leur message"), "{}", plain.text);
}
