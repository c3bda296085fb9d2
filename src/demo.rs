//! Demo content for `--demo`: events of the bioproduction training network
//! (organisations and titles from its news), with fictional attendees.

use chrono::{DateTime, Days, NaiveTime, TimeZone, Utc};
use chrono_tz::Europe::Paris;

use crate::domain::{EventKind, EventStatus, Lang, Level, NewEvent, SeatSettings, Session, SignUpForm};
use crate::operations::{Actor, events, queries, registrations};
use crate::state::AppState;

/// Loads the demo into an empty database; leaves any other one alone. It
/// goes through the same operations as organizers and people signing up.
pub async fn load_if_empty(state: &AppState) -> anyhow::Result<()> {
    if queries::count_events(state).await? > 0 {
        tracing::info!("database already has events: demo content not loaded");
        return Ok(());
    }
    let now = state.clock.now();
    let mut count = 0;
    for (event, attendees) in events(now) {
        let created = events::create(state, &Actor::CommandLine, event, true).await?;
        // Only the levels the event admits: the others would be refused.
        for (i, attendee) in attendees.iter().enumerate().filter(|(_, attendee)| created.admits(attendee.2)) {
            registrations::sign_up(state, &created, &[], &sign_up_form(i, attendee), Lang::Fr).await?;
        }
        count += 1;
    }
    tracing::info!(events = count, "demo content loaded");
    Ok(())
}

/// A fictional attendee's sign-up, with an address at example.org.
fn sign_up_form(index: usize, &(name, institution, level): &Attendee) -> SignUpForm {
    let email_local: String = name
        .to_lowercase()
        .chars()
        .map(|c| match c {
            'é' | 'è' | 'ë' => 'e',
            'ï' => 'i',
            'ç' => 'c',
            ' ' => '.',
            c => c,
        })
        .collect();
    SignUpForm {
        name: Some(name.into()),
        email: Some(format!("{email_local}.{index}@example.org")),
        institution: Some(institution.into()),
        level: Some(level.code().into()),
        consent: Some(true),
        language: None,
        answers: None,
    }
}

/// `days` from today at `hour:minute`, Paris time.
fn paris(now: DateTime<Utc>, days: u64, hour: u32, minute: u32) -> DateTime<Utc> {
    let day = now.with_timezone(&Paris).date_naive() + Days::new(days);
    let time = NaiveTime::from_hms_opt(hour, minute, 0).unwrap_or_default();
    Paris.from_local_datetime(&day.and_time(time)).earliest().map_or(now, |t| t.with_timezone(&Utc))
}

type Attendee = (&'static str, &'static str, Level);

const STUDENTS: [Attendee; 12] = [
    ("Camille Moreau", "Lycée Jules Verne — BTS Bioanalyses et contrôles", Level::BtsBut),
    ("Yanis Benali", "IUT de Nantes — BUT Génie biologique", Level::BtsBut),
    ("Inès Lefèvre", "Nantes Université — Master Biologie", Level::Master),
    ("Théo Garnier", "Oniris VetAgroBio Nantes", Level::Ingenieur),
    ("Manon Rousseau", "Université d'Angers — Licence Sciences de la vie", Level::Licence),
    ("Lucas Fontaine", "", Level::Reconversion),
    ("Sarah Mercier", "Nantes Université — École doctorale Biologie-Santé", Level::Doctorat),
    ("Hugo Lambert", "IUT de La Roche-sur-Yon — BUT Génie biologique", Level::BtsBut),
    ("Chloé Perrin", "Université de Rennes — Master Biotechnologies", Level::Master),
    ("Nathan Girard", "France Travail", Level::Reconversion),
    ("Léa Chevalier", "Lycée Nelson Mandela — BTS Biotechnologies", Level::BtsBut),
    ("Maël Robin", "Université de Tours — Licence Biologie", Level::Licence),
];

fn events(now: DateTime<Utc>) -> Vec<(NewEvent, Vec<Attendee>)> {
    let masterclass_levels = vec![Level::BtsBut, Level::Licence, Level::Master, Level::Ingenieur, Level::Reconversion];
    let event = |slug: &str, kind, title: &str, days, (h, m), (eh, em), location: &str, address: &str, host: &str| {
        let starts_at = paris(now, days, h, m);
        let ends_at = paris(now, days, eh, em);
        NewEvent {
            slug: slug.into(),
            kind,
            title: title.into(),
            description: String::new(),
            starts_at,
            ends_at,
            sessions: vec![Session { starts_at, ends_at }],
            location: location.into(),
            address: Some(address.into()),
            host: host.into(),
            levels: Level::ALL.to_vec(),
            capacity: 10,
            language: "fr".into(),
            status: EventStatus::Published,
            registration_opens_at: now,
            registration_closes_at: starts_at - chrono::Duration::hours(24),
            what_to_bring: None,
            questions: None,
            settings: SeatSettings::default(),
        }
    };
    vec![
        (
            NewEvent {
                description: "Table ronde de la Journée Nationale de la Bioproduction et du Biomédicament, à l'issue \
                    de l'Assemblée générale d'Atlanpole Biotherapies.\n\n\
                    Industriels, établissements de santé et acteurs de la formation échangent sur le rôle de la \
                    filière bioproduction dans la santé de demain, et sur la manière de rapprocher la formation \
                    et l'apprentissage des besoins des entreprises. Présentation du projet de formation \
                    d'excellence TRAIN4BIOPROD."
                    .into(),
                capacity: 150,
                ..event(
                    "forces-vives-grand-ouest-bioproduction",
                    EventKind::RoundTable,
                    "Les forces vives du Grand Ouest sur la bioproduction",
                    21,
                    (14, 0),
                    (16, 30),
                    "Amphithéâtre, Oniris VetAgroBio Nantes",
                    "101 route de Gachet, 44300 Nantes",
                    "Atlanpole Biotherapies",
                )
            },
            STUDENTS[..5].to_vec(),
        ),
        (
            NewEvent {
                description: "Une journée dans les laboratoires de GenSensor : rencontrer les équipes, échanger sur \
                    leurs parcours et découvrir les biomédicaments de demain.\n\n\
                    Une dizaine de places, du BTS au Master, ouvertes aussi aux personnes en reconversion."
                    .into(),
                levels: masterclass_levels.clone(),
                what_to_bring: Some("Une pièce d'identité (accès au site) et des chaussures fermées.".into()),
                ..event(
                    "masterclass-gensensor",
                    EventKind::Masterclass,
                    "Masterclass GenSensor : une journée en laboratoire de bioproduction",
                    10,
                    (9, 0),
                    (17, 0),
                    "GenSensor",
                    "Nantes",
                    "GenSensor",
                )
            },
            // Full, with two people waiting: shows the waiting list at work.
            STUDENTS.to_vec(),
        ),
        (
            NewEvent {
                description: "Découverte de l'Unité de Thérapie Cellulaire et Génique de l'Établissement français \
                    du sang : production de médicaments de thérapie innovante (MTI), contrôle qualité, métiers \
                    de la pharmacie et de la production."
                    .into(),
                levels: masterclass_levels.clone(),
                what_to_bring: Some("Une pièce d'identité.".into()),
                // Two mornings a week apart: one event, two sessions.
                ends_at: paris(now, 24, 12, 30),
                sessions: vec![
                    Session { starts_at: paris(now, 17, 9, 30), ends_at: paris(now, 17, 12, 30) },
                    Session { starts_at: paris(now, 24, 9, 30), ends_at: paris(now, 24, 12, 30) },
                ],
                ..event(
                    "masterclass-efs-therapie-cellulaire",
                    EventKind::Masterclass,
                    "Masterclass EFS : les métiers de la thérapie cellulaire et génique",
                    17,
                    (9, 30),
                    (16, 30),
                    "Établissement français du sang — Unité de Thérapie Cellulaire et Génique",
                    "Nantes",
                    "Établissement français du sang",
                )
            },
            STUDENTS[2..6].to_vec(),
        ),
        (
            NewEvent {
                description: "Naobios, CDMO spécialisée dans les vaccins et les vecteurs viraux, ouvre ses portes : \
                    visite des zones de production, échanges avec les équipes procédés et qualité."
                    .into(),
                levels: vec![Level::BtsBut, Level::Licence, Level::Master, Level::Doctorat, Level::Ingenieur],
                ..event(
                    "masterclass-naobios",
                    EventKind::Masterclass,
                    "Masterclass Naobios : produire un vaccin, de la cellule au lot",
                    31,
                    (9, 0),
                    (17, 0),
                    "Naobios",
                    "Saint-Herblain",
                    "Naobios",
                )
            },
            STUDENTS[6..8].to_vec(),
        ),
        (
            NewEvent {
                description: "Présentation de la plateforme de formation aux métiers de la bioproduction portée par \
                    bioMérieux, Novasep, Sanofi et Servier : jumeaux numériques, réalité virtuelle, formations \
                    initiales et continues."
                    .into(),
                capacity: 80,
                ..event(
                    "campus-biotech-digital-former-la-bioproduction",
                    EventKind::RoundTable,
                    "Campus Biotech Digital : former les talents de la bioproduction",
                    45,
                    (10, 0),
                    (12, 0),
                    "Campus Biotech Digital",
                    "Vitry-sur-Seine",
                    "Campus Biotech Digital",
                )
            },
            vec![],
        ),
        (
            NewEvent {
                description: "Les formations du projet BIOT2@Normandie, de la licence au doctorat, en bioproduction, \
                    biothérapies et Biotesting, et les passerelles pour les personnes en reconversion."
                    .into(),
                capacity: 60,
                ..event(
                    "biot2-normandie-metiers-biotesting",
                    EventKind::RoundTable,
                    "BIOT2@Normandie : les métiers des biothérapies et du Biotesting",
                    38,
                    (14, 0),
                    (16, 0),
                    "Université de Rouen Normandie",
                    "Mont-Saint-Aignan",
                    "Université de Rouen Normandie",
                )
            },
            STUDENTS[8..].to_vec(),
        ),
    ]
}
