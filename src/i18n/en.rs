//! English.

use super::{AdminTexts, Texts};
use crate::domain::{AuditEntry, AuditLine, EventKind, FieldErrorKind, Lang, Level, Refusal, RegistrationStatus};

pub static TEXTS: Texts = Texts {
    lang: Lang::En,
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
    subscribe_calendar: "Subscribe to these events in your calendar (.ics)",
    calendar_name: "Atelier — bioproduction round tables and masterclasses",
    no_events: "No upcoming events match these filters.",
    filter_from: "From",
    filter_to: "Until",
    later_events: "Later events",
    first_events: "Back to the first events",
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
    consent_short: "Consent",
    labelled: |label, message| format!("{label}: {message}"),
    submit_sign_up: "Sign up",
    submit_join_waitlist: "Join the waiting list",
    form_has_errors: "The form has errors: please correct the fields shown.",
    optional: "optional",
    already_registered: "You are already registered for this event with this email address. The link to manage it is in your confirmation email.",
    back_to_events: "All events",

    registration_title: "Your registration",
    just_signed_up: |email| {
        format!("Thank you, your registration is recorded. A confirmation email is on its way to {email}.")
    },
    check_in_code: |code| format!("Your check-in code: {code} (show it at the door, like the QR code in the email)."),
    add_to_calendar: "Add to my calendar",
    send_link_again: "Get the link to my registration again",
    see_on_map: "See the place on a map",
    status_confirmed: "Your seat is confirmed.",
    status_waitlisted: |n| {
        format!(
            "You are on the waiting list, in position {n}. If a seat frees up it is given to you automatically and you are told by email."
        )
    },
    status_cancelled: "This registration is cancelled.",
    keep_this_link: "Keep this page: its address lets you check or cancel your registration.",
    cancel_button: "Cancel my registration",
    cancel_title: "Cancel your registration?",
    cancel_confirm: "Yes, cancel my registration",
    cancel_keep: "No, keep my registration",
    cancel_gives_seat_to_waitlist: "If you cancel, your seat goes at once to the first person on the waiting list. This cannot be undone.",
    cancel_frees_seat: "If you cancel, your seat is offered again. This cannot be undone.",
    cancel_leaves_waitlist: |n| {
        format!("If you cancel, you leave the waiting list, where you are number {n}. This cannot be undone.")
    },
    registered_as: "Registered as",
    status_offered: |deadline| {
        format!(
            "A seat has freed up: it is held for you until {deadline}. Accept it by then, or it goes to the next person."
        )
    },
    status_expired: "The seat offer has expired: you are no longer on the waiting list.",
    event_cancelled_banner: "Event cancelled",
    registration_event_cancelled: "This event has been cancelled: it will not take place.",
    accept_title: "A seat is offered to you",
    accept_explanation: |deadline| {
        format!(
            "The seat is held for you until {deadline}. Accept it to confirm it; if you cannot come, decline it so that it goes to the next person."
        )
    },
    accept_button: "Accept the seat",
    decline_hint: "Can't come? Decline, and the seat goes to the next person.",
    just_accepted: "Confirmed: the seat is yours.",
    attendance_title: "Confirm you are coming",
    attendance_explanation: "One click: the organizers will know you are coming.",
    attendance_button: "I will come",
    just_signed: "Signed: your attendance is recorded.",
    sign_title: |slot| format!("Sign the attendance sheet — {slot}"),
    sign_code_label: "Code shown in the room (6 digits)",
    sign_button: "Sign",
    signed_at: |slot, time| format!("{slot}: signed at {time}"),
    attendance_recorded: "Thank you: your attendance is confirmed.",
    release_title: "Free your seat",
    release_explanation: "Can't come any more? Free your seat: it goes at once to the first person on the waiting list.",
    release_button: "I can no longer come — free my seat",
    cancelled_mark: "Cancelled",

    not_found_title: "Page not found",
    not_found: "This page does not exist or is no longer available.",
    event_not_found: "Event not found.",
    registration_not_found: "Registration not found: check the link in your email.",
    error_title: "Error",
    error_prefix: "Error: ",
    paris_time: "(Paris time)",
    sign_ups_open: |at| format!("Sign-ups open on {at}"),
    sign_ups_close: |at| format!("Sign-ups close on {at}."),
    internal_error: "Something went wrong on our side. Please try again in a moment.",
    bad_request: "The request is invalid.",
    unsupported_media_type: "Unsupported content type: send JSON (Content-Type: application/json).",
    payload_too_large: "The request is too large.",
    invalid_input: "Some information is invalid.",
    form_expired: "The form has expired. Reload the page and try again.",
    unauthorized: "Authentication required: send a valid API token (Authorization: Bearer …).",
    forbidden: "You do not have access to this event.",
    unavailable: "The service is briefly unavailable. Please try again in a moment.",
    edit_conflict: "This event was changed elsewhere since you opened it. Read it as it now stands, then make your change again.",
    event_started: "The event has started: the registration can no longer be cancelled online. Please tell the organizers.",
    offer_expired: "The time to accept this seat has passed: it went to the next person.",
    no_offer: "No seat is offered to you for this event.",
    not_confirmed: "Only a confirmed seat can be confirmed.",
    outside_slot: "Signing is open during each half-day of the event, from a quarter of an hour before it starts.",

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
    clock: |hour, minute| format!("{hour:02}:{minute:02}"),
    list_separator: "; ",
    kinds,
    levels,
    field_errors,
    refusals,
    status_word: |status| match status {
        RegistrationStatus::Confirmed => "confirmed",
        RegistrationStatus::Waitlisted => "waiting list",
        RegistrationStatus::Offered => "seat offered",
        RegistrationStatus::Cancelled => "cancelled",
        RegistrationStatus::Expired => "offer expired",
    },
    export_headers: [
        "Name",
        "Email",
        "Institution",
        "Level",
        "Status",
        "Waiting-list position",
        "Registered at",
        "Cancelled at",
        "Checked in at",
        "Language",
        "Latest email",
        "Offer until",
        "Attendance confirmed at",
    ],
    admin: &ADMIN,
};

static ADMIN: AdminTexts = AdminTexts {
    back_office: "Organizers",
    sign_in_title: "Organizer sign-in",
    password_label: "Password",
    sign_in_button: "Sign in",
    sign_out: "Sign out",
    bad_credentials: "Wrong email address or password.",
    too_many_attempts: "Too many sign-in attempts. Try again in 15 minutes.",
    sign_in_required: "Sign in to reach the organizers' area.",
    my_events: "My events",
    cancel_event_title: "Cancel the event?",
    cancel_event_consequence: |n| match n {
        0 => "Nobody is registered. Cancelling cannot be undone.".into(),
        1 => "The person registered will be told by email. Cancelling cannot be undone.".into(),
        n => format!(
            "The {n} people registered (confirmed and waiting) will be told by email. Cancelling cannot be undone."
        ),
    },
    cancel_event_confirm: "Yes, cancel the event",
    event_cancelled_notice: "The event is cancelled; the people registered are told by email.",
    remove_title: |name| format!("Remove {name}?"),
    remove_consequence: "They will be told by email, and their seat goes to the first person waiting, if anyone is. This cannot be undone.",
    remove_confirm: "Yes, remove",
    removed_notice: "Registration removed; the person is told by email.",
    co_organizer_added: "Co-organizer added: they now run this event with you.",
    note_label: "Message to the people concerned (optional)",
    note_hint: "Added to the email they get, for example the reason or another date.",
    published_notice: "The event is published: it is in the catalogue and takes registrations on the dates set.",
    unpublished_notice: "The event is back to draft: it is no longer in the catalogue.",
    resent_notice: "The message was sent to the person again.",
    confirmed_out_of_turn_notice: "Confirmed out of turn: a seat was added, and the person is told by email.",
    duplicated_notice: "Copy created as a draft, four weeks later: check the dates, then save.",
    co_organizer_unknown: "No organizer account has this address. Ask an admin to create it (Organizers page), then add it here.",
    keep_as_is: "No, back to the event",
    coming_events: "Coming",
    past_events: "Past",
    copy_mark: "copy",
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
    filter_status: "Status",
    any_status: "All statuses",
    status_names: [
        (RegistrationStatus::Confirmed, "Confirmed"),
        (RegistrationStatus::Waitlisted, "Waiting list"),
        (RegistrationStatus::Offered, "Seat offered"),
        (RegistrationStatus::Cancelled, "Cancelled"),
        (RegistrationStatus::Expired, "Offer expired"),
    ],
    rows_shown: |shown, total| format!("Showing {shown} of {total} registrations"),
    next_page: "Next page",
    first_page: "First page",
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
    form_sessions: "Sessions",
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
    already_checked_in: |name, time| format!("{name} — already checked in at {time}"),
    slot_choice: "Half-day",
    walk_in_title: "Add someone on the spot",
    signature_code_title: "Signature code",
    signature_code_link: "Show the signature code (for a projector)",
    signature_code_hint: "Each attendee signs from their registration page by typing this code. It changes every minute; this page updates itself.",
    signature_code_until: |time| format!("Valid until {time}"),
    walk_in_hint: "Confirmed and checked in at once, even when full (a seat is added); they get the usual emails.",
    walk_in_consent: "The person agrees to their data being processed for this event.",
    walk_in_button: "Add and check in",
    attendance_at: |slot| format!("Attendance {slot}"),
    show_label: "Show",
    show_everyone: "Everyone",
    show_present: "Present",
    show_absent: "Absent",
    resend: "Resend the email",
    confirm_out_of_turn: "Confirm (adds a seat)",
    message_attendees: "Write to confirmed attendees",
    message_subject: "Subject",
    message_body: "Message",
    message_send: "Send",
    message_sent: |n| format!("Message sent to {n} confirmed attendees."),
    settings: "My account",
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
    email_pending: "waiting to be sent",
    email_sent: "sent",
    email_failed: "could not be sent",
    role_admin: "administrator",
    role_organizer: "organizer",
    your_changes: "What you had typed, where it differs:",
    by_command_line: "command line",
    by_scheduler: "scheduled task",
    status_offered: |deadline| format!("Seat offered (until {deadline})"),
    status_expired: "Offer expired",
    column_attendance: "Coming",
    form_reminders: "Reminders (hours before the start)",
    form_reminders_hint: "Separated by commas, for example “48, 2”; empty: no reminder.",
    form_offer_window: "Seats offered (hours before the start)",
    form_offer_window_hint: "A seat freed less than this before the start is offered to the first person waiting, who has a while to accept it; 0: given at once.",
    form_offer_response: "Time to accept a seat (hours)",
    form_cutoff: "No more promotions (hours before the start)",
    form_cutoff_hint: "From then on, a freed seat stays free.",
    form_retention: "Data kept for (days after the last session)",
    form_retention_hint: "Empty: the service's period. Then names, addresses, institutions and answers are erased; the counts stay.",
    form_seats_section: "Reminders and freed seats",
    audit,
};

fn kinds(kind: EventKind) -> &'static str {
    match kind {
        EventKind::RoundTable => "Round table",
        EventKind::Masterclass => "Masterclass",
    }
}

fn levels(level: Level) -> &'static str {
    match level {
        Level::BtsBut => "BTS/BUT",
        Level::Licence => "Licence",
        Level::Master => "Master",
        Level::Doctorat => "Doctorate (PhD)",
        Level::Ingenieur => "Engineering school",
        Level::Reconversion => "Retraining / job seeker",
        Level::Autre => "Other",
    }
}

fn field_errors(kind: FieldErrorKind) -> String {
    match kind {
        FieldErrorKind::Required => "This field is required.".into(),
        FieldErrorKind::TooLong { max } => format!("At most {max} characters."),
        FieldErrorKind::InvalidEmail => "Enter a valid email address, for example first.last@example.org.".into(),
        FieldErrorKind::UnknownLevel => "Choose a level from the list.".into(),
        FieldErrorKind::UnknownChoice => "Choose a value from the list.".into(),
        FieldErrorKind::ConsentRequired => "We need your consent to process your registration.".into(),
        FieldErrorKind::ControlCharacters => "This text contains invalid characters.".into(),
        FieldErrorKind::InvalidDateTime => {
            "Invalid date and time: expected RFC 3339, for example 2027-03-02T09:00:00+01:00.".into()
        }
        FieldErrorKind::InvalidDate => "Invalid date: expected YYYY-MM-DD, for example 2027-03-02.".into(),
        FieldErrorKind::InvalidCursor => "Unknown cursor: use the next page's link (Link header) as it is.".into(),
        FieldErrorKind::EndBeforeStart => "The end must be after the start.".into(),
        FieldErrorKind::CloseBeforeOpen => "Registration must close after it opens.".into(),
        FieldErrorKind::TooSmall { min } => format!("At least {min}."),
        FieldErrorKind::TooLarge { max } => format!("At most {max}."),
        FieldErrorKind::InvalidSlug => "Lower-case letters, digits and dashes only.".into(),
        FieldErrorKind::Taken => "This value is already taken.".into(),
        FieldErrorKind::NotANumber => "Enter a number, for example 48 or 1.5.".into(),
        FieldErrorKind::SessionTooLong => "A session lasts 7 days at most.".into(),
        FieldErrorKind::SessionsOverlap => "This session starts before the previous one ends.".into(),
        FieldErrorKind::SessionsDisagree => "The start and end must be those of the first and last sessions.".into(),
        FieldErrorKind::WrongCode => "This is not the code shown in the room (it changes every minute).".into(),
        FieldErrorKind::PasswordTooShort => "At least 12 characters.".into(),
        FieldErrorKind::WrongPassword => "This is not your current password.".into(),
        FieldErrorKind::PasswordsDiffer => "The two passwords differ.".into(),
        FieldErrorKind::InvalidUrl => {
            "Enter an absolute address, for example https://example.org/hooks/atelier.".into()
        }
        FieldErrorKind::InsecureUrl => "Only https:// addresses are accepted.".into(),
        FieldErrorKind::PrivateAddress => "This address points to a private or local network.".into(),
        FieldErrorKind::UnresolvableHost => "This host name cannot be found (DNS).".into(),
    }
}

fn refusals(refusal: Refusal) -> &'static str {
    match refusal {
        Refusal::NotPublished => "This event is not open for registration.",
        Refusal::EventCancelled => "This event has been cancelled.",
        Refusal::EventPast => "This event has already started or taken place.",
        Refusal::NotYetOpen => "Registration has not opened yet.",
        Refusal::Closed => "Registration is closed.",
        Refusal::LevelNotAdmitted => "This event is not open to your level of study.",
    }
}

/// A history entry: what was done, with the names it refers to.
fn audit(line: &AuditLine) -> String {
    let person = line.person.as_deref().unwrap_or("anonymised person");
    let organizer = line.organizer.as_deref().unwrap_or("deleted account");
    match &line.entry {
        AuditEntry::EventCreated => "Event created".into(),
        AuditEntry::EventCopied { from } => format!("Event created as a copy of “{from}”"),
        AuditEntry::EventEdited { fields } if fields.is_empty() => "Event saved, unchanged".into(),
        AuditEntry::EventEdited { fields } => {
            let labels: Vec<&str> = fields.iter().map(|field| ADMIN.field_label(field)).collect();
            format!("Event edited: {}", labels.join(", "))
        }
        AuditEntry::EventPublished => "Event published".into(),
        AuditEntry::EventUnpublished => "Event back to draft".into(),
        AuditEntry::EventCancelled => "Event cancelled".into(),
        AuditEntry::RegistrationRemoved => format!("Registration removed: {person}"),
        AuditEntry::EmailResent { message } => match message.as_str() {
            "waitlisted" => format!("Waiting-list email sent again: {person}"),
            _ => format!("Confirmation email sent again: {person}"),
        },
        AuditEntry::ConfirmedOutOfTurn => format!("Confirmed from the waiting list (seat added): {person}"),
        AuditEntry::CheckedIn => format!("Checked in: {person}"),
        AuditEntry::CheckInUndone => format!("Check-in undone: {person}"),
        AuditEntry::WalkInAdded => format!("Walk-in added: {person}"),
        AuditEntry::TrainerSigned { slot } => format!("Trainer's signature: slot {slot}"),
        AuditEntry::CertificatesSent { recipients } => {
            format!("Certificates of attendance sent to {recipients} people")
        }
        AuditEntry::MessageSent { subject, recipients } => {
            format!("Message “{subject}” sent to {recipients} confirmed attendee(s)")
        }
        AuditEntry::CoOrganizerAdded => format!("Organizer added to the event: {organizer}"),
        AuditEntry::OrganizerAdded { role } => {
            let role = if role == "admin" { ADMIN.role_admin } else { ADMIN.role_organizer };
            format!("Account created: {organizer} ({role})")
        }
        AuditEntry::ApiTokenCreated { label } if label.is_empty() => format!("API token created for {organizer}"),
        AuditEntry::ApiTokenCreated { label } => format!("API token “{label}” created for {organizer}"),
        AuditEntry::ApiTokenRevoked { label } if label.is_empty() => format!("API token revoked for {organizer}"),
        AuditEntry::ApiTokenRevoked { label } => format!("API token “{label}” revoked for {organizer}"),
        AuditEntry::OrganizerDisabled => format!("Account disabled: {organizer}"),
        AuditEntry::OrganizerEnabled => format!("Account enabled again: {organizer}"),
        AuditEntry::RoleChanged { role } => {
            let role = if role == "admin" { ADMIN.role_admin } else { ADMIN.role_organizer };
            format!("Role of {organizer}: {role}")
        }
        AuditEntry::PasswordChanged => format!("Password changed: {organizer}"),
        AuditEntry::PasswordResetLinkCreated => format!("Password reset link created for {organizer}"),
        AuditEntry::PasswordReset => format!("Password reset through a link: {organizer}"),
        AuditEntry::CoOrganizerRemoved => format!("Organizer removed from the event: {organizer}"),
        AuditEntry::RemindersSent { offset_minutes, recipients } => {
            format!("Reminder {} before the start sent to {recipients} person(s)", delay(*offset_minutes))
        }
        AuditEntry::OfferExpired => format!("Seat offer expired: {person}"),
        AuditEntry::RegistrationEdited { fields } => {
            let labels: Vec<&str> = fields.iter().map(|field| ADMIN.field_label(field)).collect();
            format!("Registration edited ({}): {person}", labels.join(", "))
        }
        AuditEntry::DataRetention { anonymised, emails_purged } => {
            format!("Data retention: {anonymised} registration(s) anonymised, text of {emails_purged} email(s) erased")
        }
        AuditEntry::Recorded { action, detail } if detail.is_empty() => action.clone(),
        AuditEntry::Recorded { action, detail } => format!("{action} ({detail})"),
    }
}

/// A delay before the start, as in "2 d", "3 h", "90 min".
fn delay(minutes: i64) -> String {
    match minutes {
        m if m % 1440 == 0 => format!("{} d", m / 1440),
        m if m % 60 == 0 => format!("{} h", m / 60),
        m => format!("{m} min"),
    }
}
