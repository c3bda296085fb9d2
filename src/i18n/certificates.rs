//! The words of attendance on a person's side: the check-in QR code on
//! their page, certificates of attendance (the PDF, the public page that
//! verifies one, the link to them). In the person's language.

use chrono::Duration;

use crate::domain::Lang;

pub struct CertificateTexts {
    pub title: &'static str,
    /// Before the person's name.
    pub certify: &'static str,
    /// After it: "a participé à « … »".
    pub attended: fn(&str) -> String,
    pub kind: &'static str,
    pub host: &'static str,
    pub place: &'static str,
    pub dates: &'static str,
    pub slots: &'static str,
    pub total: &'static str,
    pub organizer: &'static str,
    pub issued: &'static str,
    pub verify_at: &'static str,
    pub number: &'static str,
    /// Hours and minutes.
    pub duration: fn(i64, i64) -> String,
    /// The person's page.
    pub download: &'static str,
    pub download_hint: &'static str,
    /// The verification page.
    pub verified_title: &'static str,
    pub verified_intro: &'static str,
    pub name: &'static str,
    pub event: &'static str,
    pub unknown_title: &'static str,
    pub unknown_text: &'static str,
    /// Asked for one without an attended slot.
    pub no_certificate: &'static str,
    /// The person's page, before the event: their code at the door.
    pub door_title: &'static str,
    pub door_hint: &'static str,
    pub door_code: &'static str,
    pub qr_label: &'static str,
}

impl CertificateTexts {
    pub fn duration(&self, duration: Duration) -> String {
        let minutes = duration.num_minutes().max(0);
        (self.duration)(minutes / 60, minutes % 60)
    }
}

const FR: CertificateTexts = CertificateTexts {
    title: "ATTESTATION DE PRÉSENCE",
    certify: "L'organisation soussignée atteste que",
    attended: |title| format!("a participé à « {title} »"),
    kind: "Format",
    host: "Accueil",
    place: "Lieu",
    dates: "Dates",
    slots: "Demi-journées de présence",
    total: "Durée totale de présence",
    organizer: "Organisation",
    issued: "Délivrée le",
    verify_at: "Vérifier cette attestation :",
    number: "N°",
    duration: |hours, minutes| format!("{hours}\u{a0}h\u{a0}{minutes:02}"),
    download: "Télécharger mon attestation de présence (PDF)",
    download_hint: "Elle indique les demi-journées où votre présence a été enregistrée et leur durée.",
    verified_title: "Attestation de présence vérifiée",
    verified_intro: "Cette attestation a bien été délivrée par Atelier. Elle porte sur :",
    name: "Nom",
    event: "Événement",
    unknown_title: "Attestation inconnue",
    unknown_text: "Aucune attestation ne porte ce numéro. Vérifiez l'adresse, ou demandez à l'organisation de l'événement.",
    no_certificate: "Aucune attestation de présence : votre présence n'a été enregistrée à aucune demi-journée de cet événement.",
    door_title: "À l'accueil",
    door_hint: "Présentez ce code QR ou donnez votre code d'accueil : l'équipe le scanne pour enregistrer votre présence.",
    door_code: "Code d'accueil",
    qr_label: "Code QR d'accueil",
};

const EN: CertificateTexts = CertificateTexts {
    title: "CERTIFICATE OF ATTENDANCE",
    certify: "The undersigned organizers certify that",
    attended: |title| format!("attended “{title}”"),
    kind: "Format",
    host: "Host",
    place: "Place",
    dates: "Dates",
    slots: "Half-days attended",
    total: "Total time attended",
    organizer: "Organizers",
    issued: "Issued on",
    verify_at: "Verify this certificate:",
    number: "No.",
    duration: |hours, minutes| format!("{hours}\u{a0}h\u{a0}{minutes:02}\u{a0}min"),
    download: "Download my certificate of attendance (PDF)",
    download_hint: "It lists the half-days your attendance was recorded for, and how long they lasted.",
    verified_title: "Certificate of attendance verified",
    verified_intro: "This certificate was issued by Atelier. It is about:",
    name: "Name",
    event: "Event",
    unknown_title: "Unknown certificate",
    unknown_text: "No certificate has this number. Check the address, or ask the event's organizers.",
    no_certificate: "No certificate of attendance: your attendance was not recorded for any half-day of this event.",
    door_title: "At the door",
    door_hint: "Show this QR code or give your check-in code: the team scans it to record your attendance.",
    door_code: "Check-in code",
    qr_label: "Check-in QR code",
};

impl Lang {
    pub fn certificate(self) -> &'static CertificateTexts {
        match self {
            Lang::Fr => &FR,
            Lang::En => &EN,
        }
    }
}

/// The back-office's words for the trainer's signature and certificates.
pub struct CertificateAdminTexts {
    pub trainer_title: &'static str,
    pub trainer_hint: &'static str,
    pub trainer_name: &'static str,
    pub trainer_button: &'static str,
    /// Name, time, account.
    pub trainer_signed: fn(&str, &str, &str) -> String,
    pub trainer_invalid: &'static str,
    pub title: &'static str,
    pub hint: &'static str,
    pub send_all: &'static str,
    pub send_one: &'static str,
    pub sent: fn(usize) -> String,
    /// After scanning a person's QR code: name, slot.
    pub scanned: fn(&str, &str) -> String,
    pub scanned_button: &'static str,
}

const ADMIN_FR: CertificateAdminTexts = CertificateAdminTexts {
    trainer_title: "Signature du formateur ou de la formatrice",
    trainer_hint: "Le formateur ou la formatrice signe ce créneau en tapant son nom : l'heure et votre compte sont enregistrés. La première signature fait foi.",
    trainer_name: "Nom du formateur ou de la formatrice",
    trainer_button: "Signer ce créneau",
    trainer_signed: |name, time, by| format!("Signé par {name} à {time} (compte : {by})"),
    trainer_invalid: "Indiquez le nom du formateur ou de la formatrice (120 caractères au plus).",
    title: "Attestations de présence",
    hint: "Chaque personne présente à au moins une demi-journée reçoit son attestation par e-mail à la fin de la dernière session. Vous pouvez les envoyer à nouveau.",
    send_all: "Envoyer à nouveau les attestations à tous les présents",
    send_one: "Renvoyer l'attestation",
    sent: |n| match n {
        0 => "Aucune attestation à envoyer : personne n'a été pointé ni n'a signé.".into(),
        1 => "1 attestation mise en file d'envoi.".into(),
        n => format!("{n} attestations mises en file d'envoi."),
    },
    scanned: |name, slot| format!("Pointer {name} — {slot} ?"),
    scanned_button: "Confirmer la présence",
};

const ADMIN_EN: CertificateAdminTexts = CertificateAdminTexts {
    trainer_title: "Trainer's signature",
    trainer_hint: "The trainer signs this slot by typing their name: the time and your account are recorded. The first signature stands.",
    trainer_name: "Trainer's name",
    trainer_button: "Sign this slot",
    trainer_signed: |name, time, by| format!("Signed by {name} at {time} (account: {by})"),
    trainer_invalid: "Give the trainer's name (120 characters at most).",
    title: "Certificates of attendance",
    hint: "Everyone present at one half-day or more is emailed their certificate when the last session ends. You can send them again.",
    send_all: "Send the certificates again to everyone who attended",
    send_one: "Resend the certificate",
    sent: |n| match n {
        0 => "No certificate to send: nobody was checked in or signed.".into(),
        1 => "1 certificate queued.".into(),
        n => format!("{n} certificates queued."),
    },
    scanned: |name, slot| format!("Check in {name} — {slot}?"),
    scanned_button: "Confirm attendance",
};

impl Lang {
    pub fn certificate_admin(self) -> &'static CertificateAdminTexts {
        match self {
            Lang::Fr => &ADMIN_FR,
            Lang::En => &ADMIN_EN,
        }
    }
}
