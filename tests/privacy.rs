//! The privacy notice (`/privacy`): what it tells people, in their
//! language, from the service's settings; and that every email and the
//! sign-up form lead to it.

mod common;

use common::smtp::SmtpSink;
use common::{WAIT, masterclass, page, parse_mail, person, spawn_app, spawn_with};
use serde_json::json;

on_both_backends! {
    #[tokio::test] the_notice_names_who_processes_the_data_and_for_how_long,
    #[tokio::test] the_notice_is_in_english_by_header_and_by_switch,
    #[tokio::test] without_settings_the_notice_still_says_who_to_ask,
    #[tokio::test] emails_link_to_the_notice_in_both_parts,
    #[tokio::test] the_sign_up_form_links_to_the_notice,
}

/// A controller and contact with characters that HTML must escape.
async fn configured() -> common::TestApp {
    spawn_with(|c| {
        c.privacy_controller = Some("Atlanpole <Biotherapies>".into());
        c.privacy_contact = Some("dpo@atlanpole.example.org\n1 rue de la Noë, Nantes".into());
        c.retention_days = 200;
        c.retention_cancelled_days = 45;
    })
    .await
}

async fn the_notice_names_who_processes_the_data_and_for_how_long() {
    let app = configured().await;
    let (status, notice) = app.get_page("/privacy").await;
    assert_eq!(status, 200);
    assert!(notice.contains(r#"<html lang="fr">"#), "French by default");
    assert!(notice.contains("<h1>Vos données personnelles</h1>"));
    assert!(notice.contains("Le responsable du traitement est <strong>Atlanpole &lt;Biotherapies&gt;</strong>."));
    assert!(!notice.contains("<Biotherapies>"), "the setting is escaped");
    assert!(notice.contains("dpo@atlanpole.example.org"));
    assert!(notice.contains("1 rue de la Noë, Nantes"), "every line of the contact");
    for collected in ["votre adresse e-mail", "votre présence, par demi-journée", "vos signatures"] {
        assert!(notice.contains(collected), "{collected}");
    }
    assert!(notice.contains("vous délivrer une attestation de présence"));
    assert!(notice.contains("statistiques anonymes"));
    assert!(notice.contains("Votre consentement, donné en cochant la case"));
    assert!(notice.contains("conservées 200 jours après la dernière session de l'événement"));
    assert!(notice.contains("sauf si l'événement fixe sa propre durée"));
    assert!(notice.contains("conservées 45 jours après l'annulation"));
    assert!(notice.contains("Le texte des e-mails qui vous sont envoyés est conservé 30 jours"));
    assert!(notice.contains("il ne reste que des comptes anonymes"));
    let rights =
        ["télécharger toutes les données", "corriger votre nom", "transmettre votre place", "effacer vos données"];
    for right in rights {
        assert!(notice.contains(right), "{right}");
    }
    assert!(notice.contains(r#"<a href="/mes-inscriptions">Demandez-le à nouveau</a>"#));
    assert!(notice.contains(r#"<a href="https://www.cnil.fr">www.cnil.fr</a>"#));
    assert!(notice.contains("Version 2026-12"));
    assert!(notice.contains(&format!("Version {}", atelier::domain::NOTICE_VERSION)));

    let (_, french) = page(&app.client, app.url("/privacy")).await;
    let asked = app.client.get(app.url("/privacy")).header("accept-language", "fr-FR,fr;q=0.9").send().await;
    assert_eq!(asked.expect("sent").text().await.expect("page"), french, "Accept-Language: fr reads the same");
}

async fn the_notice_is_in_english_by_header_and_by_switch() {
    let app = configured().await;
    let response = app.client.get(app.url("/privacy")).header("accept-language", "en-GB,en;q=0.8").send().await;
    let notice = response.expect("sent").text().await.expect("page");
    assert!(notice.contains(r#"<html lang="en">"#));
    assert!(notice.contains("<h1>Your personal data</h1>"));
    assert!(notice.contains("The controller of your data is <strong>Atlanpole &lt;Biotherapies&gt;</strong>."));
    assert!(notice.contains("dpo@atlanpole.example.org"));
    assert!(notice.contains("kept for 200 days after the event's last session"));
    assert!(notice.contains("kept for 45 days after the cancellation"));
    assert!(notice.contains("The text of the emails sent to you is kept for 30 days"));
    assert!(notice.contains("give your seat to a colleague"));
    assert!(notice.contains("complain to the CNIL"));
    assert!(notice.contains("Version 2026-12"));
    assert!(notice.contains(r#"href="/privacy?lang=fr""#), "the language switch comes back here");

    // The switch, remembered by the following pages.
    let (_, switched) = app.get_page("/privacy?lang=en").await;
    assert!(switched.contains("<h1>Your personal data</h1>"));
    let (_, again) = app.get_page("/privacy").await;
    assert!(again.contains("<h1>Your personal data</h1>"), "the choice is remembered");
}

async fn without_settings_the_notice_still_says_who_to_ask() {
    let app = spawn_app().await;
    let (status, notice) = app.get_page("/privacy").await;
    assert_eq!(status, 200);
    assert!(notice.contains("Le responsable du traitement est l'organisme qui exploite ce service."));
    assert!(notice.contains("écrivez aux organisateurs de l'événement"));
    assert!(notice.contains("conservées 365 jours après la dernière session"), "the default retention");
    assert!(notice.contains("conservées 30 jours après l'annulation"));
    assert!(notice.contains("Version 2026-12"));

    let (_, english) = app.get_page("/privacy?lang=en").await;
    assert!(english.contains("The controller of your data is the organisation that runs this service."));
    assert!(english.contains("write to the organisers of the event"));
}

async fn emails_link_to_the_notice_in_both_parts() {
    let sink = SmtpSink::start().await;
    let app = spawn_with(|c| {
        c.smtp_url = Some(sink.url());
        c.public_url = Some("https://atelier.example.org/".into());
    })
    .await;
    app.create_event(masterclass("donnees", 10)).await;
    let (status, _) = app.sign_up("donnees", person(1)).await;
    assert_eq!(status, 201);
    let mut english = person(2);
    english["language"] = json!("en");
    let (status, _) = app.sign_up("donnees", english).await;
    assert_eq!(status, 201);

    let received = sink.wait_for(2, WAIT).await;
    let mails: Vec<_> = received.iter().map(|r| parse_mail(&r.data)).collect();
    let to = |address: &str| mails.iter().find(|m| m.to == address).expect("a message to them");
    for (mail, words) in [
        (to("etudiant1@example.org"), ["Vos données personnelles : ", "Vos données personnelles"]),
        (to("etudiant2@example.org"), ["Your personal data: ", "Your personal data"]),
    ] {
        let last = mail.text.trim_end().lines().last().expect("a text part");
        assert_eq!(last, format!("{}https://atelier.example.org/privacy", words[0]), "{}", mail.text);
        // MiniJinja escapes "/" as "&#x2f;", which HTML readers decode.
        let html = mail.html.replace("&#x2f;", "/");
        let link = format!(r#"<a href="https://atelier.example.org/privacy" style="color:#0b5c55;">{}</a>"#, words[1]);
        assert!(html.contains(&link), "{html}");
    }
}

async fn the_sign_up_form_links_to_the_notice() {
    let app = spawn_app().await;
    app.create_event(masterclass("formulaire", 10)).await;
    let (status, form) = app.get_page("/events/formulaire").await;
    assert_eq!(status, 200);
    let consent = form.split(r#"<label for="consent">"#).nth(1).and_then(|s| s.split("</label>").next());
    let consent = consent.expect("the consent box has a label");
    assert!(consent.contains("J'accepte que ces informations servent uniquement"));
    assert!(consent.contains(r#"<a href="/privacy">En savoir plus sur vos données personnelles</a>"#), "{consent}");
    let footer = form.split(r#"<footer class="site">"#).nth(1).expect("a footer");
    assert!(footer.contains(r#"<a href="/privacy">Données personnelles</a>"#), "{footer}");

    let (_, english) = app.get_page("/events/formulaire?lang=en").await;
    assert!(english.contains(r#"<a href="/privacy">Learn more about your personal data</a>"#));
    assert!(english.contains(r#"<a href="/privacy">Personal data</a>"#));

    // Every public page has it, the catalogue included.
    let (_, catalogue) = app.get_page("/").await;
    assert!(catalogue.contains(r#"<a href="/privacy">Personal data</a>"#));
    let (status, _) = app.get_page("/privacy").await;
    assert_eq!(status, 200, "the link leads somewhere");
}
