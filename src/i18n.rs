//! The one message catalogue: every string a person reads, in French (the
//! default) and English. A `Texts` value holds one language; a missing
//! translation is a compile error, not a blank on a page.

use chrono::{DateTime, Datelike, Timelike, Utc};
use chrono_tz::Europe::Paris;
use serde::{Deserialize, Serialize};

use crate::domain::{EventKind, FieldErrorKind, Level, Refusal};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Lang {
    #[default]
    Fr,
    En,
}

impl Lang {
    pub fn code(self) -> &'static str {
        match self {
            Lang::Fr => "fr",
            Lang::En => "en",
        }
    }

    pub fn from_code(code: &str) -> Option<Self> {
        match code.trim().to_ascii_lowercase().as_str() {
            "fr" => Some(Lang::Fr),
            "en" => Some(Lang::En),
            _ => None,
        }
    }

    /// Picks the preferred language we speak from an Accept-Language header.
    pub fn from_accept_language(header: &str) -> Option<Self> {
        // Browsers send regional tags ("en-US"): match on the primary subtag.
        accept_language::parse(header).iter().find_map(|tag| Lang::from_code(tag.split('-').next().unwrap_or_default()))
    }

    pub fn other(self) -> Self {
        match self {
            Lang::Fr => Lang::En,
            Lang::En => Lang::Fr,
        }
    }

    pub fn texts(self) -> &'static Texts {
        match self {
            Lang::Fr => &FR,
            Lang::En => &EN,
        }
    }
}

pub struct Texts {
    pub site_name: &'static str,
    pub tagline: &'static str,
    pub skip_to_content: &'static str,
    pub switch_language: &'static str,
    pub footer: &'static str,

    pub catalogue_title: &'static str,
    pub filter_kind: &'static str,
    pub filter_level: &'static str,
    pub filter_all: &'static str,
    pub filter_submit: &'static str,
    pub no_events: &'static str,
    pub when: &'static str,
    pub place: &'static str,
    pub host: &'static str,
    pub audience: &'static str,
    pub full_waitlist_open: &'static str,
    pub seats_left: fn(i64) -> String,
    pub waitlist_length: fn(i64) -> String,

    pub what_to_bring: &'static str,
    pub sign_up_title: &'static str,
    pub full_notice: &'static str,
    pub name_label: &'static str,
    pub email_label: &'static str,
    pub email_hint: &'static str,
    pub institution_label: &'static str,
    pub level_label: &'static str,
    pub level_choose: &'static str,
    pub consent_label: &'static str,
    pub submit_sign_up: &'static str,
    pub submit_join_waitlist: &'static str,
    pub form_has_errors: &'static str,
    pub already_registered: &'static str,
    pub optional: &'static str,
    pub back_to_events: &'static str,

    pub registration_title: &'static str,
    pub just_signed_up: &'static str,
    pub status_confirmed: &'static str,
    pub status_waitlisted: fn(i64) -> String,
    pub status_cancelled: &'static str,
    pub keep_this_link: &'static str,
    pub cancel_explanation: &'static str,
    pub cancel_button: &'static str,
    pub registered_as: &'static str,

    pub not_found_title: &'static str,
    pub not_found: &'static str,
    pub event_not_found: &'static str,
    pub registration_not_found: &'static str,
    pub error_title: &'static str,
    pub internal_error: &'static str,
    pub bad_request: &'static str,
    pub unsupported_media_type: &'static str,
    pub payload_too_large: &'static str,
    pub invalid_input: &'static str,
    pub form_expired: &'static str,
    pub unauthorized: &'static str,
    pub forbidden: &'static str,
    pub unavailable: &'static str,

    pub weekdays: [&'static str; 7],
    pub months: [&'static str; 12],
}

impl Texts {
    pub fn kind(&self, kind: EventKind) -> &'static str {
        match (self.is_fr(), kind) {
            (true, EventKind::RoundTable) => "Table ronde",
            (true, EventKind::Masterclass) => "Masterclass",
            (false, EventKind::RoundTable) => "Round table",
            (false, EventKind::Masterclass) => "Masterclass",
        }
    }

    pub fn level(&self, level: Level) -> &'static str {
        match (self.is_fr(), level) {
            (_, Level::BtsBut) => "BTS/BUT",
            (_, Level::Licence) => "Licence",
            (_, Level::Master) => "Master",
            (true, Level::Doctorat) => "Doctorat",
            (false, Level::Doctorat) => "Doctorate (PhD)",
            (true, Level::Ingenieur) => "École d'ingénieur",
            (false, Level::Ingenieur) => "Engineering school",
            (true, Level::Reconversion) => "Reconversion / demandeur d'emploi",
            (false, Level::Reconversion) => "Retraining / job seeker",
            (true, Level::Autre) => "Autre",
            (false, Level::Autre) => "Other",
        }
    }

    pub fn field_error(&self, kind: FieldErrorKind) -> String {
        let fr = self.is_fr();
        match kind {
            FieldErrorKind::Required if fr => "Ce champ est obligatoire.".into(),
            FieldErrorKind::Required => "This field is required.".into(),
            FieldErrorKind::TooLong { max } if fr => format!("{max} caractères au maximum."),
            FieldErrorKind::TooLong { max } => format!("At most {max} characters."),
            FieldErrorKind::InvalidEmail if fr => {
                "Saisissez une adresse e-mail valide, par exemple prenom.nom@exemple.fr.".into()
            }
            FieldErrorKind::InvalidEmail => "Enter a valid email address, for example first.last@example.org.".into(),
            FieldErrorKind::UnknownLevel if fr => "Choisissez un niveau dans la liste.".into(),
            FieldErrorKind::UnknownLevel => "Choose a level from the list.".into(),
            FieldErrorKind::UnknownChoice if fr => "Choisissez une valeur dans la liste.".into(),
            FieldErrorKind::UnknownChoice => "Choose a value from the list.".into(),
            FieldErrorKind::ConsentRequired if fr => {
                "Votre accord est nécessaire pour traiter votre inscription.".into()
            }
            FieldErrorKind::ConsentRequired => "We need your consent to process your registration.".into(),
            FieldErrorKind::ControlCharacters if fr => "Ce texte contient des caractères invalides.".into(),
            FieldErrorKind::ControlCharacters => "This text contains invalid characters.".into(),
            FieldErrorKind::InvalidDateTime if fr => {
                "Date et heure invalides : format RFC 3339 attendu, par exemple 2027-03-02T09:00:00+01:00.".into()
            }
            FieldErrorKind::InvalidDateTime => {
                "Invalid date and time: expected RFC 3339, for example 2027-03-02T09:00:00+01:00.".into()
            }
            FieldErrorKind::EndBeforeStart if fr => "La fin doit être après le début.".into(),
            FieldErrorKind::EndBeforeStart => "The end must be after the start.".into(),
            FieldErrorKind::CloseBeforeOpen if fr => {
                "La clôture des inscriptions doit être après leur ouverture.".into()
            }
            FieldErrorKind::CloseBeforeOpen => "Registration must close after it opens.".into(),
            FieldErrorKind::TooSmall { min } if fr => format!("Au moins {min}."),
            FieldErrorKind::TooSmall { min } => format!("At least {min}."),
            FieldErrorKind::TooLarge { max } if fr => format!("Au plus {max}."),
            FieldErrorKind::TooLarge { max } => format!("At most {max}."),
            FieldErrorKind::InvalidSlug if fr => {
                "Lettres minuscules sans accents, chiffres et tirets uniquement.".into()
            }
            FieldErrorKind::InvalidSlug => "Lower-case letters, digits and dashes only.".into(),
            FieldErrorKind::Taken if fr => "Cette valeur est déjà utilisée.".into(),
            FieldErrorKind::Taken => "This value is already taken.".into(),
        }
    }

    pub fn refusal(&self, refusal: Refusal) -> &'static str {
        let fr = self.is_fr();
        match refusal {
            Refusal::NotPublished if fr => "Cet événement n'est pas ouvert aux inscriptions.",
            Refusal::NotPublished => "This event is not open for registration.",
            Refusal::EventCancelled if fr => "Cet événement est annulé.",
            Refusal::EventCancelled => "This event has been cancelled.",
            Refusal::EventPast if fr => "Cet événement a déjà eu lieu ou a commencé.",
            Refusal::EventPast => "This event has already started or taken place.",
            Refusal::NotYetOpen if fr => "Les inscriptions ne sont pas encore ouvertes.",
            Refusal::NotYetOpen => "Registration has not opened yet.",
            Refusal::Closed if fr => "Les inscriptions sont closes.",
            Refusal::Closed => "Registration is closed.",
            Refusal::LevelNotAdmitted if fr => "Cet événement n'est pas ouvert à votre niveau d'études.",
            Refusal::LevelNotAdmitted => "This event is not open to your level of study.",
        }
    }

    /// "mardi 9 décembre 2026, 14 h 00" / "Tuesday 9 December 2026, 14:00",
    /// in Paris time whatever the server's zone.
    pub fn date_time(&self, at: DateTime<Utc>) -> String {
        let local = at.with_timezone(&Paris);
        let weekday = self.weekdays[local.weekday().num_days_from_monday() as usize];
        let month = self.months[local.month0() as usize];
        let time = self.time(at);
        format!("{weekday} {} {month} {}, {time}", local.day(), local.year())
    }

    pub fn time(&self, at: DateTime<Utc>) -> String {
        let local = at.with_timezone(&Paris);
        if self.is_fr() {
            format!("{} h {:02}", local.hour(), local.minute())
        } else {
            format!("{:02}:{:02}", local.hour(), local.minute())
        }
    }

    /// Start and end, with the end's date left out when it is the same day.
    pub fn period(&self, starts: DateTime<Utc>, ends: DateTime<Utc>) -> String {
        let same_day = starts.with_timezone(&Paris).date_naive() == ends.with_timezone(&Paris).date_naive();
        if same_day {
            format!("{} – {}", self.date_time(starts), self.time(ends))
        } else {
            format!("{} – {}", self.date_time(starts), self.date_time(ends))
        }
    }

    fn is_fr(&self) -> bool {
        std::ptr::eq(self, &FR)
    }
}

static FR: Texts = Texts {
    site_name: "Atelier",
    tagline: "Tables rondes et masterclasses de la bioproduction",
    skip_to_content: "Aller au contenu",
    switch_language: "English",
    footer: "Atelier — inscriptions aux événements du réseau de formation en bioproduction.",

    catalogue_title: "Événements à venir",
    filter_kind: "Type d'événement",
    filter_level: "Niveau d'études",
    filter_all: "Tous",
    filter_submit: "Filtrer",
    no_events: "Aucun événement à venir pour ces critères.",
    when: "Date",
    place: "Lieu",
    host: "Accueil",
    audience: "Public",
    full_waitlist_open: "Complet — liste d'attente ouverte",
    seats_left: |n| match n {
        1 => "1 place restante".into(),
        n => format!("{n} places restantes"),
    },
    waitlist_length: |n| match n {
        0 => "Personne en liste d'attente".into(),
        1 => "1 personne en liste d'attente".into(),
        n => format!("{n} personnes en liste d'attente"),
    },

    what_to_bring: "À apporter",
    sign_up_title: "S'inscrire",
    full_notice: "Toutes les places sont prises : en vous inscrivant, vous rejoignez la liste d'attente. Si une place se libère, elle est attribuée dans l'ordre d'inscription et vous êtes prévenu par e-mail.",
    name_label: "Prénom et nom",
    email_label: "Adresse e-mail",
    email_hint: "La confirmation et le lien d'annulation y seront envoyés.",
    institution_label: "Établissement ou organisme (facultatif)",
    level_label: "Niveau d'études",
    level_choose: "Choisissez…",
    consent_label: "J'accepte que ces informations servent uniquement à gérer mon inscription à cet événement (liste des participants, feuille d'émargement, e-mails liés à l'événement). Je peux annuler à tout moment.",
    submit_sign_up: "S'inscrire",
    submit_join_waitlist: "Rejoindre la liste d'attente",
    form_has_errors: "Le formulaire contient des erreurs : corrigez les champs indiqués.",
    optional: "facultatif",
    already_registered: "Vous êtes déjà inscrit à cet événement avec cette adresse e-mail. Retrouvez le lien de gestion dans l'e-mail de confirmation.",
    back_to_events: "Tous les événements",

    registration_title: "Votre inscription",
    just_signed_up: "Merci, votre inscription est enregistrée.",
    status_confirmed: "Votre place est confirmée.",
    status_waitlisted: |n| {
        format!(
            "Vous êtes sur la liste d'attente, en position {n}. Si une place se libère, elle vous est attribuée automatiquement et vous êtes prévenu par e-mail."
        )
    },
    status_cancelled: "Cette inscription est annulée.",
    keep_this_link: "Conservez cette page : son adresse permet de consulter ou d'annuler votre inscription.",
    cancel_explanation: "Vous ne pourrez pas venir ? Annulez : votre place ira à la première personne en liste d'attente.",
    cancel_button: "Annuler mon inscription",
    registered_as: "Inscrit au nom de",

    not_found_title: "Page introuvable",
    not_found: "Cette page n'existe pas ou n'est plus disponible.",
    event_not_found: "Événement introuvable.",
    registration_not_found: "Inscription introuvable : vérifiez le lien reçu par e-mail.",
    error_title: "Erreur",
    internal_error: "Une erreur inattendue est survenue. Réessayez dans un instant.",
    bad_request: "La requête est invalide.",
    unsupported_media_type: "Type de contenu non pris en charge : envoyez du JSON (Content-Type: application/json).",
    payload_too_large: "La requête est trop volumineuse.",
    invalid_input: "Certaines informations sont invalides.",
    form_expired: "Le formulaire a expiré. Rechargez la page et réessayez.",
    unauthorized: "Identification requise : envoyez un jeton d'API valide (Authorization: Bearer …).",
    forbidden: "Vous n'avez pas accès à cet événement.",
    unavailable: "Le service est momentanément indisponible. Réessayez dans un instant.",

    weekdays: ["lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi", "dimanche"],
    months: [
        "janvier",
        "février",
        "mars",
        "avril",
        "mai",
        "juin",
        "juillet",
        "août",
        "septembre",
        "octobre",
        "novembre",
        "décembre",
    ],
};

static EN: Texts = Texts {
    site_name: "Atelier",
    tagline: "Bioproduction round tables and masterclasses",
    skip_to_content: "Skip to content",
    switch_language: "Français",
    footer: "Atelier — registrations for the bioproduction training network's events.",

    catalogue_title: "Upcoming events",
    filter_kind: "Kind of event",
    filter_level: "Level of study",
    filter_all: "All",
    filter_submit: "Filter",
    no_events: "No upcoming events match these filters.",
    when: "When",
    place: "Place",
    host: "Host",
    audience: "Audience",
    full_waitlist_open: "Full — waiting list open",
    seats_left: |n| match n {
        1 => "1 seat left".into(),
        n => format!("{n} seats left"),
    },
    waitlist_length: |n| match n {
        0 => "Nobody on the waiting list".into(),
        1 => "1 person on the waiting list".into(),
        n => format!("{n} people on the waiting list"),
    },

    what_to_bring: "What to bring",
    sign_up_title: "Sign up",
    full_notice: "All seats are taken: signing up puts you on the waiting list. Freed seats go to people in the order they signed up, and you are told by email.",
    name_label: "First and last name",
    email_label: "Email address",
    email_hint: "Your confirmation and cancellation link are sent there.",
    institution_label: "School, university or organisation (optional)",
    level_label: "Level of study",
    level_choose: "Choose…",
    consent_label: "I agree that this information is used only to manage my registration for this event (attendee list, attendance sheet, emails about the event). I can cancel at any time.",
    submit_sign_up: "Sign up",
    submit_join_waitlist: "Join the waiting list",
    form_has_errors: "The form has errors: please correct the fields shown.",
    optional: "optional",
    already_registered: "You are already registered for this event with this email address. The link to manage it is in your confirmation email.",
    back_to_events: "All events",

    registration_title: "Your registration",
    just_signed_up: "Thank you, your registration is recorded.",
    status_confirmed: "Your seat is confirmed.",
    status_waitlisted: |n| {
        format!(
            "You are on the waiting list, in position {n}. If a seat frees up it is given to you automatically and you are told by email."
        )
    },
    status_cancelled: "This registration is cancelled.",
    keep_this_link: "Keep this page: its address lets you check or cancel your registration.",
    cancel_explanation: "Can't come? Cancel, and your seat goes to the first person on the waiting list.",
    cancel_button: "Cancel my registration",
    registered_as: "Registered as",

    not_found_title: "Page not found",
    not_found: "This page does not exist or is no longer available.",
    event_not_found: "Event not found.",
    registration_not_found: "Registration not found: check the link in your email.",
    error_title: "Error",
    internal_error: "Something went wrong on our side. Please try again in a moment.",
    bad_request: "The request is invalid.",
    unsupported_media_type: "Unsupported content type: send JSON (Content-Type: application/json).",
    payload_too_large: "The request is too large.",
    invalid_input: "Some information is invalid.",
    form_expired: "The form has expired. Reload the page and try again.",
    unauthorized: "Authentication required: send a valid API token (Authorization: Bearer …).",
    forbidden: "You do not have access to this event.",
    unavailable: "The service is briefly unavailable. Please try again in a moment.",

    weekdays: ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"],
    months: [
        "January",
        "February",
        "March",
        "April",
        "May",
        "June",
        "July",
        "August",
        "September",
        "October",
        "November",
        "December",
    ],
};

/// Back-office strings, in the same catalogue.
pub struct AdminTexts {
    pub back_office: &'static str,
    pub sign_in_title: &'static str,
    pub password_label: &'static str,
    pub sign_in_button: &'static str,
    pub sign_out: &'static str,
    pub bad_credentials: &'static str,
    pub too_many_attempts: &'static str,
    pub sign_in_required: &'static str,
    pub my_events: &'static str,
    pub new_event: &'static str,
    pub no_events: &'static str,
    pub draft: &'static str,
    pub published: &'static str,
    pub cancelled: &'static str,
    pub counts: fn(i64, i64, i64) -> String,
    pub edit: &'static str,
    pub publish: &'static str,
    pub unpublish: &'static str,
    pub duplicate: &'static str,
    pub cancel_event: &'static str,
    pub cancel_event_warning: &'static str,
    pub registrations: &'static str,
    pub search_label: &'static str,
    pub search: &'static str,
    pub no_registrations: &'static str,
    pub remove: &'static str,
    pub column_name: &'static str,
    pub column_email: &'static str,
    pub column_institution: &'static str,
    pub column_level: &'static str,
    pub column_status: &'static str,
    pub column_registered: &'static str,
    pub column_delivery: &'static str,
    pub status_confirmed: &'static str,
    pub status_waitlisted: fn(i64) -> String,
    pub status_cancelled: &'static str,
    pub exports: &'static str,
    pub export_csv: &'static str,
    pub export_csv_fr: &'static str,
    pub export_xlsx: &'static str,
    pub export_sheet: &'static str,
    pub history: &'static str,
    pub form_kind: &'static str,
    pub form_title: &'static str,
    pub form_slug: &'static str,
    pub form_slug_hint: &'static str,
    pub form_description: &'static str,
    pub form_starts: &'static str,
    pub form_ends: &'static str,
    pub form_time_hint: &'static str,
    pub form_location: &'static str,
    pub form_address: &'static str,
    pub form_host: &'static str,
    pub form_levels: &'static str,
    pub form_capacity: &'static str,
    pub form_opens: &'static str,
    pub form_closes: &'static str,
    pub form_closes_hint: &'static str,
    pub form_language: &'static str,
    pub form_bring: &'static str,
    pub form_publish_now: &'static str,
    pub save: &'static str,
    pub create: &'static str,
    pub public_page: &'static str,
    pub check_in: &'static str,
    pub check_in_code_label: &'static str,
    pub check_in_button: &'static str,
    pub checked_in: fn(&str) -> String,
    pub undo_check_in: &'static str,
    pub code_unknown: &'static str,
    pub present_count: fn(i64, i64) -> String,
    pub resend: &'static str,
    pub confirm_out_of_turn: &'static str,
    pub message_attendees: &'static str,
    pub message_subject: &'static str,
    pub message_body: &'static str,
    pub message_send: &'static str,
    pub message_sent: fn(i64) -> String,
    pub settings: &'static str,
    pub notify_on_cancel: &'static str,
    pub notify_when_full: &'static str,
    pub settings_saved: &'static str,
    pub organizers: &'static str,
    pub add_organizer: &'static str,
    pub name_label: &'static str,
    pub admin_role: &'static str,
    pub organizer_added: &'static str,
    pub organizer_exists: &'static str,
    pub password_too_short: &'static str,
    pub co_organizers: &'static str,
    pub add_co_organizer: &'static str,
    pub unknown_organizer: &'static str,
    pub form_questions: &'static str,
    pub form_questions_hint: &'static str,
    pub form_questions_short: &'static str,
    pub form_question_label: &'static str,
    pub form_question_kind: &'static str,
    pub form_question_choices: &'static str,
    pub form_question_required: &'static str,
    pub yes: &'static str,
    pub no: &'static str,
    pub kind_text: &'static str,
    pub kind_choice: &'static str,
    pub kind_yes_no: &'static str,
}

impl AdminTexts {
    pub fn question_kind(&self, kind: crate::domain::QuestionKind) -> &'static str {
        match kind {
            crate::domain::QuestionKind::Text => self.kind_text,
            crate::domain::QuestionKind::Choice => self.kind_choice,
            crate::domain::QuestionKind::YesNo => self.kind_yes_no,
        }
    }
}

impl Texts {
    pub fn admin(&self) -> &'static AdminTexts {
        if self.is_fr() { &ADMIN_FR } else { &ADMIN_EN }
    }
}

static ADMIN_FR: AdminTexts = AdminTexts {
    back_office: "Espace organisateurs",
    sign_in_title: "Connexion organisateur",
    password_label: "Mot de passe",
    sign_in_button: "Se connecter",
    sign_out: "Se déconnecter",
    bad_credentials: "Adresse e-mail ou mot de passe incorrect.",
    too_many_attempts: "Trop de tentatives de connexion. Réessayez dans 15 minutes.",
    sign_in_required: "Connectez-vous pour accéder à l'espace organisateurs.",
    my_events: "Mes événements",
    new_event: "Nouvel événement",
    no_events: "Aucun événement pour l'instant.",
    draft: "Brouillon",
    published: "Publié",
    cancelled: "Annulé",
    counts: |confirmed, capacity, waiting| {
        format!("{confirmed} / {capacity} places confirmées, {waiting} en liste d'attente")
    },
    edit: "Modifier",
    publish: "Publier",
    unpublish: "Repasser en brouillon",
    duplicate: "Dupliquer (quatre semaines plus tard)",
    cancel_event: "Annuler l'événement",
    cancel_event_warning: "Annuler l'événement prévient par e-mail toutes les personnes inscrites. C'est définitif.",
    registrations: "Inscriptions",
    search_label: "Nom, e-mail ou établissement",
    search: "Rechercher",
    no_registrations: "Aucune inscription.",
    remove: "Retirer",
    column_name: "Nom",
    column_email: "E-mail",
    column_institution: "Établissement",
    column_level: "Niveau",
    column_status: "Statut",
    column_registered: "Inscrit le",
    column_delivery: "Dernier e-mail",
    status_confirmed: "Confirmé",
    status_waitlisted: |n| format!("Liste d'attente ({n})"),
    status_cancelled: "Annulé",
    exports: "Exporter",
    export_csv: "CSV",
    export_csv_fr: "CSV pour Excel (;)",
    export_xlsx: "Excel (XLSX)",
    export_sheet: "Feuille d'émargement (PDF)",
    history: "Historique",
    form_kind: "Type",
    form_title: "Titre",
    form_slug: "Adresse de la page",
    form_slug_hint: "Lettres minuscules, chiffres et tirets ; laissée vide, elle est tirée du titre.",
    form_description: "Description",
    form_starts: "Début",
    form_ends: "Fin",
    form_time_hint: "Heure de Paris.",
    form_location: "Lieu",
    form_address: "Adresse",
    form_host: "Structure d'accueil",
    form_levels: "Publics admis",
    form_capacity: "Nombre de places",
    form_opens: "Ouverture des inscriptions",
    form_closes: "Clôture des inscriptions",
    form_closes_hint: "Vide : au début de l'événement.",
    form_language: "Langue de l'événement",
    form_bring: "À apporter",
    form_publish_now: "Publier tout de suite",
    save: "Enregistrer",
    create: "Créer l'événement",
    public_page: "Page publique",
    check_in: "Accueil et pointage",
    check_in_code_label: "Code d'accueil (dans l'e-mail de confirmation)",
    check_in_button: "Présent",
    checked_in: |time| format!("Présent depuis {time}"),
    undo_check_in: "Annuler le pointage",
    code_unknown: "Aucun participant confirmé n'a ce code pour cet événement.",
    present_count: |present, total| format!("{present} présents sur {total} confirmés"),
    resend: "Renvoyer l'e-mail",
    confirm_out_of_turn: "Confirmer (ajoute une place)",
    message_attendees: "Écrire aux participants confirmés",
    message_subject: "Objet",
    message_body: "Message",
    message_send: "Envoyer",
    message_sent: |n| format!("Message envoyé à {n} participants confirmés."),
    settings: "Mes notifications",
    notify_on_cancel: "M'écrire quand quelqu'un se désinscrit de mes événements",
    notify_when_full: "M'écrire quand un de mes événements est complet",
    settings_saved: "Préférences enregistrées.",
    organizers: "Organisateurs",
    add_organizer: "Ajouter un organisateur",
    name_label: "Nom ou structure",
    admin_role: "Administrateur (tous les événements, gestion des organisateurs)",
    organizer_added: "Organisateur ajouté.",
    organizer_exists: "Un compte existe déjà pour cette adresse.",
    password_too_short: "Au moins 12 caractères.",
    co_organizers: "Organisateurs de l'événement",
    add_co_organizer: "Ajouter (adresse e-mail d'un organisateur existant)",
    unknown_organizer: "Aucun organisateur n'a cette adresse.",
    form_questions: "Questions posées à l'inscription (facultatif)",
    form_questions_short: "Réponses",
    form_questions_hint: "Un libellé vide ne pose pas de question. Pour un choix, une option par ligne. Supprimer une question efface ses réponses.",
    form_question_label: "Question",
    form_question_kind: "Type de réponse",
    form_question_choices: "Options (choix)",
    form_question_required: "Réponse obligatoire",
    yes: "Oui",
    no: "Non",
    kind_text: "Texte court",
    kind_choice: "Choix dans une liste",
    kind_yes_no: "Oui / non",
};

static ADMIN_EN: AdminTexts = AdminTexts {
    back_office: "Organizers",
    sign_in_title: "Organizer sign-in",
    password_label: "Password",
    sign_in_button: "Sign in",
    sign_out: "Sign out",
    bad_credentials: "Wrong email address or password.",
    too_many_attempts: "Too many sign-in attempts. Try again in 15 minutes.",
    sign_in_required: "Sign in to reach the organizers' area.",
    my_events: "My events",
    new_event: "New event",
    no_events: "No events yet.",
    draft: "Draft",
    published: "Published",
    cancelled: "Cancelled",
    counts: |confirmed, capacity, waiting| format!("{confirmed} / {capacity} seats confirmed, {waiting} waiting"),
    edit: "Edit",
    publish: "Publish",
    unpublish: "Back to draft",
    duplicate: "Duplicate (four weeks later)",
    cancel_event: "Cancel the event",
    cancel_event_warning: "Cancelling the event emails everyone registered. It cannot be undone.",
    registrations: "Registrations",
    search_label: "Name, email or institution",
    search: "Search",
    no_registrations: "No registrations.",
    remove: "Remove",
    column_name: "Name",
    column_email: "Email",
    column_institution: "Institution",
    column_level: "Level",
    column_status: "Status",
    column_registered: "Registered",
    column_delivery: "Latest email",
    status_confirmed: "Confirmed",
    status_waitlisted: |n| format!("Waiting list ({n})"),
    status_cancelled: "Cancelled",
    exports: "Export",
    export_csv: "CSV",
    export_csv_fr: "CSV for French Excel (;)",
    export_xlsx: "Excel (XLSX)",
    export_sheet: "Attendance sheet (PDF)",
    history: "History",
    form_kind: "Kind",
    form_title: "Title",
    form_slug: "Page address",
    form_slug_hint: "Lower-case letters, digits and dashes; left empty, it is made from the title.",
    form_description: "Description",
    form_starts: "Start",
    form_ends: "End",
    form_time_hint: "Paris time.",
    form_location: "Place",
    form_address: "Address",
    form_host: "Host organisation",
    form_levels: "Audience admitted",
    form_capacity: "Seats",
    form_opens: "Registration opens",
    form_closes: "Registration closes",
    form_closes_hint: "Empty: when the event starts.",
    form_language: "Language of the event",
    form_bring: "What to bring",
    form_publish_now: "Publish now",
    save: "Save",
    create: "Create the event",
    public_page: "Public page",
    check_in: "Check-in",
    check_in_code_label: "Check-in code (in the confirmation email)",
    check_in_button: "Present",
    checked_in: |time| format!("Present since {time}"),
    undo_check_in: "Undo check-in",
    code_unknown: "No confirmed attendee of this event has this code.",
    present_count: |present, total| format!("{present} present out of {total} confirmed"),
    resend: "Resend the email",
    confirm_out_of_turn: "Confirm (adds a seat)",
    message_attendees: "Write to confirmed attendees",
    message_subject: "Subject",
    message_body: "Message",
    message_send: "Send",
    message_sent: |n| format!("Message sent to {n} confirmed attendees."),
    settings: "My notifications",
    notify_on_cancel: "Email me when someone cancels a registration to my events",
    notify_when_full: "Email me when one of my events is full",
    settings_saved: "Preferences saved.",
    organizers: "Organizers",
    add_organizer: "Add an organizer",
    name_label: "Name or organisation",
    admin_role: "Administrator (every event, manages organizers)",
    organizer_added: "Organizer added.",
    organizer_exists: "An account already exists for this address.",
    password_too_short: "At least 12 characters.",
    co_organizers: "Organizers of this event",
    add_co_organizer: "Add (email of an existing organizer)",
    unknown_organizer: "No organizer has this address.",
    form_questions: "Questions asked at sign-up (optional)",
    form_questions_short: "Answers",
    form_questions_hint: "An empty label asks nothing. For a choice, one option per line. Removing a question erases its answers.",
    form_question_label: "Question",
    form_question_kind: "Kind of answer",
    form_question_choices: "Options (choice)",
    form_question_required: "Answer required",
    yes: "Yes",
    no: "No",
    kind_text: "Short text",
    kind_choice: "Choice from a list",
    kind_yes_no: "Yes / no",
};

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    #[test]
    fn dates_are_shown_in_paris_time() {
        // 13:00 UTC in December is 14:00 in Paris (winter time).
        let at = Utc.with_ymd_and_hms(2026, 12, 8, 13, 0, 0).single().expect("valid");
        assert_eq!(Lang::Fr.texts().date_time(at), "mardi 8 décembre 2026, 14 h 00");
        assert_eq!(Lang::En.texts().date_time(at), "Tuesday 8 December 2026, 14:00");
        // Summer time: UTC+2.
        let summer = Utc.with_ymd_and_hms(2027, 6, 15, 7, 30, 0).single().expect("valid");
        assert_eq!(Lang::Fr.texts().time(summer), "9 h 30");
    }

    #[test]
    fn accept_language_picks_a_language_we_speak() {
        assert_eq!(Lang::from_accept_language("en-GB,en;q=0.9,fr;q=0.5"), Some(Lang::En));
        assert_eq!(Lang::from_accept_language("fr-FR,fr;q=0.9"), Some(Lang::Fr));
        assert_eq!(Lang::from_accept_language("en-US"), Some(Lang::En));
        assert_eq!(Lang::from_accept_language("de-DE"), None);
    }
}
