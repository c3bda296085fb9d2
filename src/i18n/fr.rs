//! French, the default: what people read, and the back-office.

use super::{AdminTexts, Texts};
use crate::domain::{AuditEntry, AuditLine, EventKind, FieldErrorKind, Lang, Level, Refusal, RegistrationStatus};

pub static TEXTS: Texts = Texts {
    lang: Lang::Fr,
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
    subscribe_calendar: "S'abonner à ces événements dans votre agenda (.ics)",
    calendar_name: "Atelier — tables rondes et masterclasses en bioproduction",
    no_events: "Aucun événement à venir pour ces critères.",
    filter_from: "À partir du",
    filter_to: "Jusqu'au",
    later_events: "Événements suivants",
    first_events: "Revenir aux premiers événements",
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
    consent_short: "Consentement",
    labelled: |label, message| format!("{label}\u{a0}: {message}"),
    submit_sign_up: "S'inscrire",
    submit_join_waitlist: "Rejoindre la liste d'attente",
    form_has_errors: "Le formulaire contient des erreurs : corrigez les champs indiqués.",
    optional: "facultatif",
    already_registered: "Vous êtes déjà inscrit·e à cet événement avec cette adresse e-mail. Retrouvez le lien de gestion dans l'e-mail de confirmation.",
    back_to_events: "Tous les événements",

    registration_title: "Votre inscription",
    just_signed_up: |email| {
        format!("Merci, votre inscription est enregistrée. Un e-mail de confirmation part à {email}.")
    },
    check_in_code: |code| {
        format!("Votre code d'accueil : {code} (à montrer à l'entrée, comme le QR code de l'e-mail).")
    },
    add_to_calendar: "Ajouter à mon agenda",
    send_link_again: "Recevoir à nouveau le lien de mon inscription",
    see_on_map: "Voir le lieu sur une carte",
    status_confirmed: "Votre place est confirmée.",
    status_waitlisted: |n| {
        format!(
            "Vous êtes sur la liste d'attente, en position {n}. Si une place se libère, elle vous est attribuée automatiquement et vous êtes prévenu par e-mail."
        )
    },
    status_cancelled: "Cette inscription est annulée.",
    keep_this_link: "Conservez cette page : son adresse permet de consulter ou d'annuler votre inscription.",
    cancel_button: "Annuler mon inscription",
    cancel_title: "Annuler votre inscription ?",
    cancel_confirm: "Oui, annuler mon inscription",
    cancel_keep: "Non, garder mon inscription",
    cancel_gives_seat_to_waitlist: "Si vous annulez, votre place ira aussitôt à la première personne en liste d'attente. Cela ne peut pas être défait.",
    cancel_frees_seat: "Si vous annulez, votre place sera de nouveau proposée. Cela ne peut pas être défait.",
    cancel_leaves_waitlist: |n| {
        format!(
            "Si vous annulez, vous quitterez la liste d'attente, où vous êtes en position {n}. Cela ne peut pas être défait."
        )
    },
    registered_as: "Inscription au nom de",
    status_offered: |deadline| {
        format!(
            "Une place s'est libérée : elle vous est réservée jusqu'au {deadline}. Acceptez-la avant, sinon elle ira à la personne suivante."
        )
    },
    status_expired: "L'offre de place a expiré : vous ne figurez plus sur la liste d'attente.",
    event_cancelled_banner: "Événement annulé",
    registration_event_cancelled: "Cet événement est annulé : il n'aura pas lieu.",
    accept_title: "Une place vous est proposée",
    accept_explanation: |deadline| {
        format!(
            "La place vous est réservée jusqu'au {deadline}. Acceptez-la pour la confirmer ; si vous ne pouvez pas venir, déclinez-la pour la laisser à la personne suivante."
        )
    },
    accept_button: "Accepter la place",
    decline_hint: "Vous ne pouvez pas venir ? Déclinez : la place ira à la personne suivante.",
    just_accepted: "C'est confirmé : la place est à vous.",
    attendance_title: "Confirmer votre venue",
    attendance_explanation: "Un clic suffit : les organisateurs sauront que vous viendrez.",
    attendance_button: "Je viendrai",
    attendance_recorded: "Merci : votre venue est confirmée.",
    just_signed: "C'est signé : votre présence est enregistrée.",
    sign_title: |slot| format!("Signer la feuille de présence — {slot}"),
    sign_code_label: "Code affiché dans la salle (6 chiffres)",
    sign_button: "Signer",
    signed_at: |slot, time| format!("{slot} : signé à {time}"),
    release_title: "Libérer votre place",
    release_explanation: "Vous ne pouvez plus venir ? Libérez votre place : elle ira aussitôt à la première personne en liste d'attente.",
    release_button: "Je ne peux plus venir — libérer ma place",
    cancelled_mark: "Annulé",

    not_found_title: "Page introuvable",
    not_found: "Cette page n'existe pas ou n'est plus disponible.",
    event_not_found: "Événement introuvable.",
    registration_not_found: "Inscription introuvable : vérifiez le lien reçu par e-mail.",
    error_title: "Erreur",
    error_prefix: "Erreur : ",
    paris_time: "(heure de Paris)",
    sign_ups_open: |at| format!("Inscriptions à partir du {at}"),
    sign_ups_close: |at| format!("Inscriptions jusqu'au {at}."),
    internal_error: "Une erreur inattendue est survenue. Réessayez dans un instant.",
    bad_request: "La requête est invalide.",
    unsupported_media_type: "Type de contenu non pris en charge : envoyez du JSON (Content-Type: application/json).",
    payload_too_large: "La requête est trop volumineuse.",
    invalid_input: "Certaines informations sont invalides.",
    form_expired: "Le formulaire a expiré. Rechargez la page et réessayez.",
    unauthorized: "Identification requise : envoyez un jeton d'API valide (Authorization: Bearer …).",
    forbidden: "Vous n'avez pas accès à cet événement.",
    unavailable: "Le service est momentanément indisponible. Réessayez dans un instant.",
    edit_conflict: "Cet événement a été modifié par ailleurs depuis que vous l'avez ouvert. Relisez-le tel qu'il est maintenant, puis refaites votre modification.",
    event_started: "L'événement a commencé : l'inscription ne peut plus être annulée en ligne. Prévenez les organisateurs.",
    offer_expired: "Le délai pour accepter cette place est passé : elle est allée à la personne suivante.",
    no_offer: "Aucune place ne vous est proposée pour cet événement.",
    not_confirmed: "Seule une place confirmée peut être confirmée.",
    outside_slot: "La signature est ouverte pendant chaque demi-journée de l'événement, à partir d'un quart d'heure avant son début.",

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
    clock: |hour, minute| format!("{hour}\u{a0}h\u{a0}{minute:02}"),
    list_separator: " ; ",
    kinds,
    levels,
    field_errors,
    refusals,
    status_word: |status| match status {
        RegistrationStatus::Confirmed => "confirmé",
        RegistrationStatus::Waitlisted => "liste d'attente",
        RegistrationStatus::Offered => "place proposée",
        RegistrationStatus::Cancelled => "annulé",
        RegistrationStatus::Expired => "offre expirée",
    },
    export_headers: [
        "Nom",
        "E-mail",
        "Établissement",
        "Niveau",
        "Statut",
        "Position en liste d'attente",
        "Inscrit le",
        "Annulé le",
        "Présent (pointé le)",
        "Langue",
        "Dernier e-mail",
        "Offre jusqu'au",
        "Venue confirmée le",
    ],
    admin: &ADMIN,
};

static ADMIN: AdminTexts = AdminTexts {
    back_office: "Espace organisateurs",
    sign_in_title: "Connexion organisateur",
    password_label: "Mot de passe",
    sign_in_button: "Se connecter",
    sign_out: "Se déconnecter",
    bad_credentials: "Adresse e-mail ou mot de passe incorrect.",
    too_many_attempts: "Trop de tentatives de connexion. Réessayez dans 15 minutes.",
    sign_in_required: "Connectez-vous pour accéder à l'espace organisateurs.",
    my_events: "Mes événements",
    cancel_event_title: "Annuler l'événement ?",
    cancel_event_consequence: |n| match n {
        0 => "Personne n'est inscrit. L'annulation est définitive.".into(),
        1 => "La personne inscrite sera prévenue par e-mail. L'annulation est définitive.".into(),
        n => format!(
            "Les {n} personnes inscrites (confirmées et en liste d'attente) seront prévenues par e-mail. L'annulation est définitive."
        ),
    },
    cancel_event_confirm: "Oui, annuler l'événement",
    event_cancelled_notice: "L'événement est annulé ; les personnes inscrites sont prévenues par e-mail.",
    remove_title: |name| format!("Retirer {name} ?"),
    remove_consequence: "La personne sera prévenue par e-mail, et sa place ira à la première personne en liste d'attente s'il y en a une. Cela ne peut pas être défait.",
    remove_confirm: "Oui, retirer",
    removed_notice: "Inscription retirée ; la personne est prévenue par e-mail.",
    co_organizer_added: "Co-organisateur ajouté : il ou elle gère maintenant cet événement avec vous.",
    note_label: "Message aux personnes concernées (facultatif)",
    note_hint: "Ajouté à l'e-mail qu'elles reçoivent, par exemple la raison ou une autre date.",
    published_notice: "L'événement est publié : il apparaît au catalogue et prend des inscriptions aux dates prévues.",
    unpublished_notice: "L'événement est repassé en brouillon : il n'apparaît plus au catalogue.",
    resent_notice: "Le message a été renvoyé à la personne.",
    confirmed_out_of_turn_notice: "Inscription confirmée hors tour : une place a été ajoutée, et la personne est prévenue par e-mail.",
    duplicated_notice: "Copie créée en brouillon, quatre semaines plus tard : vérifiez les dates puis enregistrez.",
    co_organizer_unknown: "Aucun compte organisateur n'a cette adresse. Demandez à un administrateur de le créer (page Organisateurs), puis ajoutez-le ici.",
    keep_as_is: "Non, revenir à l'événement",
    coming_events: "À venir",
    past_events: "Passés",
    copy_mark: "copie",
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
    filter_status: "Statut",
    any_status: "Tous les statuts",
    status_names: [
        (RegistrationStatus::Confirmed, "Confirmé"),
        (RegistrationStatus::Waitlisted, "Liste d'attente"),
        (RegistrationStatus::Offered, "Place proposée"),
        (RegistrationStatus::Cancelled, "Annulé"),
        (RegistrationStatus::Expired, "Offre expirée"),
    ],
    rows_shown: |shown, total| match shown {
        1 => format!("1 inscription affichée sur {total}"),
        _ => format!("{shown} inscriptions affichées sur {total}"),
    },
    next_page: "Page suivante",
    first_page: "Première page",
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
    form_sessions: "Séances",
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
    // French puts 0 and 1 in the singular: "1 présent sur 1 confirmé".
    present_count: |present, total| {
        let s = |n: i64| if n > 1 { "s" } else { "" };
        format!("{present} présent{} sur {total} confirmé{}", s(present), s(total))
    },
    already_checked_in: |name, time| format!("{name} — déjà pointé·e à {time}"),
    slot_choice: "Demi-journée",
    walk_in_title: "Ajouter une personne sur place",
    signature_code_title: "Code de signature",
    signature_code_link: "Afficher le code de signature (à projeter)",
    signature_code_hint: "Chaque participant signe depuis sa page d'inscription en saisissant ce code. Il change chaque minute ; la page se met à jour seule.",
    signature_code_until: |time| format!("Valable jusqu'à {time}"),
    walk_in_hint: "Confirmée et pointée tout de suite, même si c'est complet (une place est ajoutée) ; elle reçoit les e-mails habituels.",
    walk_in_consent: "La personne accepte que ses données soient traitées pour cet événement.",
    walk_in_button: "Ajouter et pointer",
    attendance_at: |slot| format!("Présence {slot}"),
    show_label: "Afficher",
    show_everyone: "Tout le monde",
    show_present: "Présents",
    show_absent: "Absents",
    resend: "Renvoyer l'e-mail",
    confirm_out_of_turn: "Confirmer (ajoute une place)",
    message_attendees: "Écrire aux participants confirmés",
    message_subject: "Objet",
    message_body: "Message",
    message_send: "Envoyer",
    message_sent: |n| format!("Message envoyé à {n} participants confirmés."),
    settings: "Mon compte",
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
    email_pending: "en attente d'envoi",
    email_sent: "envoyé",
    email_failed: "échec de l'envoi",
    role_admin: "administrateur",
    role_organizer: "organisateur",
    your_changes: "Ce que vous aviez saisi, là où c'est différent :",
    by_command_line: "ligne de commande",
    by_scheduler: "tâche planifiée",
    status_offered: |deadline| format!("Place proposée (jusqu'au {deadline})"),
    status_expired: "Offre expirée",
    column_attendance: "Venue confirmée",
    form_reminders: "Rappels (heures avant le début)",
    form_reminders_hint: "Séparées par des virgules, par exemple « 48, 2 » ; vide : aucun rappel.",
    form_offer_window: "Places proposées (heures avant le début)",
    form_offer_window_hint: "Une place libérée moins longtemps que cela avant le début est proposée à la première personne en attente, qui a un délai pour l'accepter ; 0 : donnée directement.",
    form_offer_response: "Délai pour accepter une place (heures)",
    form_cutoff: "Plus aucune promotion (heures avant le début)",
    form_cutoff_hint: "À partir de là, une place libérée reste libre.",
    form_retention: "Conservation des données (jours après la dernière séance)",
    form_retention_hint: "Vide : la durée du service. Ensuite, noms, adresses, établissements et réponses sont effacés ; les effectifs restent.",
    form_seats_section: "Rappels et places libérées",
    audit,
};

fn kinds(kind: EventKind) -> &'static str {
    match kind {
        EventKind::RoundTable => "Table ronde",
        EventKind::Masterclass => "Masterclass",
    }
}

fn levels(level: Level) -> &'static str {
    match level {
        Level::BtsBut => "BTS/BUT",
        Level::Licence => "Licence",
        Level::Master => "Master",
        Level::Doctorat => "Doctorat",
        Level::Ingenieur => "École d'ingénieur",
        Level::Reconversion => "Reconversion / demandeur d'emploi",
        Level::Autre => "Autre",
    }
}

fn field_errors(kind: FieldErrorKind) -> String {
    match kind {
        FieldErrorKind::Required => "Ce champ est obligatoire.".into(),
        FieldErrorKind::TooLong { max } => format!("{max} caractères au maximum."),
        FieldErrorKind::InvalidEmail => {
            "Saisissez une adresse e-mail valide, par exemple prenom.nom@exemple.fr.".into()
        }
        FieldErrorKind::UnknownLevel => "Choisissez un niveau dans la liste.".into(),
        FieldErrorKind::UnknownChoice => "Choisissez une valeur dans la liste.".into(),
        FieldErrorKind::ConsentRequired => "Votre accord est nécessaire pour traiter votre inscription.".into(),
        FieldErrorKind::ControlCharacters => "Ce texte contient des caractères invalides.".into(),
        FieldErrorKind::InvalidDateTime => {
            "Date et heure invalides : format RFC 3339 attendu, par exemple 2027-03-02T09:00:00+01:00.".into()
        }
        FieldErrorKind::InvalidDate => "Date invalide : format AAAA-MM-JJ attendu, par exemple 2027-03-02.".into(),
        FieldErrorKind::InvalidCursor => {
            "Curseur inconnu : reprenez le lien de la page suivante (en-tête Link) tel quel.".into()
        }
        FieldErrorKind::EndBeforeStart => "La fin doit être après le début.".into(),
        FieldErrorKind::CloseBeforeOpen => "La clôture des inscriptions doit être après leur ouverture.".into(),
        FieldErrorKind::TooSmall { min } => format!("Au moins {min}."),
        FieldErrorKind::TooLarge { max } => format!("Au plus {max}."),
        FieldErrorKind::InvalidSlug => "Lettres minuscules sans accents, chiffres et tirets uniquement.".into(),
        FieldErrorKind::Taken => "Cette valeur est déjà utilisée.".into(),
        FieldErrorKind::NotANumber => "Saisissez un nombre, par exemple 48 ou 1.5.".into(),
        FieldErrorKind::SessionTooLong => "Une séance dure au plus 7 jours.".into(),
        FieldErrorKind::SessionsOverlap => "Cette séance commence avant la fin de la précédente.".into(),
        FieldErrorKind::WrongCode => "Ce n'est pas le code affiché dans la salle (il change chaque minute).".into(),
        FieldErrorKind::PasswordTooShort => "Au moins 12 caractères.".into(),
        FieldErrorKind::WrongPassword => "Ce n'est pas votre mot de passe actuel.".into(),
        FieldErrorKind::PasswordsDiffer => "Les deux mots de passe diffèrent.".into(),
        FieldErrorKind::InvalidUrl => {
            "Saisissez une adresse complète, par exemple https://example.org/hooks/atelier.".into()
        }
        FieldErrorKind::InsecureUrl => "Seules les adresses https:// sont acceptées.".into(),
        FieldErrorKind::PrivateAddress => "Cette adresse mène à un réseau privé ou local.".into(),
        FieldErrorKind::UnresolvableHost => "Ce nom d'hôte est introuvable (DNS).".into(),
        FieldErrorKind::SessionsDisagree => {
            "Le début et la fin doivent être ceux de la première et de la dernière séance.".into()
        }
    }
}

fn refusals(refusal: Refusal) -> &'static str {
    match refusal {
        Refusal::NotPublished => "Cet événement n'est pas ouvert aux inscriptions.",
        Refusal::EventCancelled => "Cet événement est annulé.",
        Refusal::EventPast => "Cet événement a déjà eu lieu ou a commencé.",
        Refusal::NotYetOpen => "Les inscriptions ne sont pas encore ouvertes.",
        Refusal::Closed => "Les inscriptions sont closes.",
        Refusal::LevelNotAdmitted => "Cet événement n'est pas ouvert à votre niveau d'études.",
    }
}

/// A history entry: what was done, with the names it refers to.
fn audit(line: &AuditLine) -> String {
    let person = line.person.as_deref().unwrap_or("personne anonymisée");
    let organizer = line.organizer.as_deref().unwrap_or("compte supprimé");
    match &line.entry {
        AuditEntry::EventCreated => "Événement créé".into(),
        AuditEntry::EventCopied { from } => format!("Événement créé en copie de « {from} »"),
        AuditEntry::EventEdited { fields } if fields.is_empty() => "Événement enregistré sans changement".into(),
        AuditEntry::EventEdited { fields } => {
            let labels: Vec<&str> = fields.iter().map(|field| ADMIN.field_label(field)).collect();
            format!("Événement modifié : {}", labels.join(", "))
        }
        AuditEntry::EventPublished => "Événement publié".into(),
        AuditEntry::EventUnpublished => "Événement repassé en brouillon".into(),
        AuditEntry::EventCancelled => "Événement annulé".into(),
        AuditEntry::RegistrationRemoved => format!("Inscription retirée : {person}"),
        AuditEntry::EmailResent { message } => match message.as_str() {
            "waitlisted" => format!("E-mail de liste d'attente renvoyé : {person}"),
            _ => format!("E-mail de confirmation renvoyé : {person}"),
        },
        AuditEntry::ConfirmedOutOfTurn => format!("Confirmé·e depuis la liste d'attente (place ajoutée) : {person}"),
        AuditEntry::CheckedIn => format!("Présence pointée : {person}"),
        AuditEntry::CheckInUndone => format!("Pointage annulé : {person}"),
        AuditEntry::WalkInAdded => format!("Ajout sur place : {person}"),
        AuditEntry::TrainerSigned { slot } => format!("Signature du formateur ou de la formatrice : créneau {slot}"),
        AuditEntry::CertificatesSent { recipients } => {
            format!("Attestations de présence envoyées à {recipients} personne(s)")
        }
        AuditEntry::MessageSent { subject, recipients } => {
            format!("Message « {subject} » envoyé à {recipients} participant(s) confirmé(s)")
        }
        AuditEntry::CoOrganizerAdded => format!("Organisateur ajouté à l'événement : {organizer}"),
        AuditEntry::OrganizerAdded { role } => {
            let role = if role == "admin" { ADMIN.role_admin } else { ADMIN.role_organizer };
            format!("Compte créé : {organizer} ({role})")
        }
        AuditEntry::ApiTokenCreated { label } if label.is_empty() => format!("Jeton d'API créé pour {organizer}"),
        AuditEntry::ApiTokenCreated { label } => format!("Jeton d'API « {label} » créé pour {organizer}"),
        AuditEntry::ApiTokenRevoked { label } if label.is_empty() => format!("Jeton d'API révoqué pour {organizer}"),
        AuditEntry::ApiTokenRevoked { label } => format!("Jeton d'API « {label} » révoqué pour {organizer}"),
        AuditEntry::OrganizerDisabled => format!("Compte désactivé : {organizer}"),
        AuditEntry::OrganizerEnabled => format!("Compte réactivé : {organizer}"),
        AuditEntry::RoleChanged { role } => {
            let role = if role == "admin" { ADMIN.role_admin } else { ADMIN.role_organizer };
            format!("Rôle de {organizer} : {role}")
        }
        AuditEntry::PasswordChanged => format!("Mot de passe changé : {organizer}"),
        AuditEntry::PasswordResetLinkCreated => {
            format!("Lien de réinitialisation du mot de passe créé pour {organizer}")
        }
        AuditEntry::PasswordReset => format!("Mot de passe réinitialisé par lien : {organizer}"),
        AuditEntry::CoOrganizerRemoved => format!("Organisateur retiré de l'événement : {organizer}"),
        AuditEntry::RemindersSent { offset_minutes, recipients } => {
            format!("Rappel {} avant le début envoyé à {recipients} personne(s)", delay(*offset_minutes))
        }
        AuditEntry::OfferExpired => format!("Offre de place expirée : {person}"),
        AuditEntry::RegistrationEdited { fields } => {
            let labels: Vec<&str> = fields.iter().map(|field| ADMIN.field_label(field)).collect();
            format!("Inscription modifiée ({}) : {person}", labels.join(", "))
        }
        AuditEntry::DataRetention { anonymised, emails_purged } => format!(
            "Conservation des données : {anonymised} inscription(s) anonymisée(s), texte de {emails_purged} e-mail(s) effacé"
        ),
        AuditEntry::Recorded { action, detail } if detail.is_empty() => action.clone(),
        AuditEntry::Recorded { action, detail } => format!("{action} ({detail})"),
    }
}

/// A delay before the start, as in "2 j", "3 h", "90 min".
fn delay(minutes: i64) -> String {
    match minutes {
        m if m % 1440 == 0 => format!("{} j", m / 1440),
        m if m % 60 == 0 => format!("{} h", m / 60),
        m => format!("{m} min"),
    }
}
