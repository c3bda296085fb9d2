//! The words of the privacy notice (`/privacy`) and of the links to it, in
//! the person's language. What is configured (controller, contact, days) is
//! put in by the page; these are the sentences around it.

use crate::domain::Lang;

pub struct PrivacyTexts {
    pub title: &'static str,
    pub intro: &'static str,
    pub who_title: &'static str,
    /// Followed by the controller's name, or by `controller_unset`.
    pub controller_is: &'static str,
    pub controller_unset: &'static str,
    /// Followed by PRIVACY_CONTACT.
    pub contact_is: &'static str,
    /// When no contact is configured.
    pub contact_unset: &'static str,
    pub what_title: &'static str,
    pub what_intro: &'static str,
    pub collected: [&'static str; 8],
    pub why_title: &'static str,
    pub purposes: [&'static str; 4],
    pub basis_title: &'static str,
    pub basis: &'static str,
    pub retention_title: &'static str,
    /// Days after the event's last session.
    pub after_event: fn(i64) -> String,
    /// Days after a cancellation.
    pub after_cancellation: fn(i64) -> String,
    /// Days the text of a sent email is kept.
    pub sent_bodies: fn(i64) -> String,
    pub afterwards: &'static str,
    pub rights_title: &'static str,
    pub rights_intro: &'static str,
    pub rights: [&'static str; 4],
    /// Before the link to `/mes-inscriptions`, and the link's words.
    pub lost_link: &'static str,
    pub lost_link_action: &'static str,
    /// Before the link to the CNIL.
    pub complaint: &'static str,
    /// "Version 2026-12".
    pub version: fn(&str) -> String,
    /// The public pages' footer.
    pub footer_link: &'static str,
    /// Next to the consent box of the sign-up form.
    pub learn_more: &'static str,
}

/// "1 jour", "30 jours": the French and English plurals agree on this one.
fn days(n: i64, one: &str, many: &str) -> String {
    if n == 1 { format!("{n} {one}") } else { format!("{n} {many}") }
}

const FR: PrivacyTexts = PrivacyTexts {
    title: "Vos données personnelles",
    intro: "Pour vous inscrire à une table ronde ou à une masterclass, Atelier vous demande quelques informations. Voici ce qu'elles deviennent.",
    who_title: "Qui traite vos données",
    controller_is: "Le responsable du traitement est",
    controller_unset: "l'organisme qui exploite ce service",
    contact_is: "Pour toute question ou pour exercer vos droits, écrivez à :",
    contact_unset: "Pour toute question ou pour exercer vos droits, écrivez aux organisateurs de l'événement, par exemple en répondant à l'un des e-mails que vous avez reçus.",
    what_title: "Ce qui est collecté",
    what_intro: "Pour chaque inscription :",
    collected: [
        "vos prénom et nom ;",
        "votre adresse e-mail ;",
        "votre établissement ou organisme ;",
        "votre niveau d'études ou votre situation ;",
        "vos réponses aux questions de l'événement, s'il en pose ;",
        "votre présence, par demi-journée ;",
        "vos signatures sur la feuille d'émargement ;",
        "les e-mails qui vous sont envoyés.",
    ],
    why_title: "Pourquoi",
    purposes: [
        "organiser l'événement : places, liste d'attente, e-mails de confirmation et de rappel ;",
        "tenir la feuille d'émargement ;",
        "vous délivrer une attestation de présence ;",
        "fournir aux financeurs des formations des statistiques anonymes (nombre de personnes inscrites et présentes, par niveau).",
    ],
    basis_title: "Sur quelle base",
    basis: "Votre consentement, donné en cochant la case du formulaire d'inscription. Vous pouvez le retirer à tout moment en effaçant vos données (voir plus bas).",
    retention_title: "Combien de temps",
    after_event: |n| {
        format!(
            "Vos données sont conservées {} après la dernière session de l'événement, sauf si l'événement fixe sa propre durée.",
            days(n, "jour", "jours")
        )
    },
    after_cancellation: |n| {
        format!(
            "Si vous annulez votre inscription, elles sont conservées {} après l'annulation.",
            days(n, "jour", "jours")
        )
    },
    sent_bodies: |n| {
        format!(
            "Le texte des e-mails qui vous sont envoyés est conservé {} ; seule la trace de l'envoi reste ensuite.",
            days(n, "jour", "jours")
        )
    },
    afterwards: "Passé ces délais, il ne reste que des comptes anonymes : plus rien ne permet de vous reconnaître.",
    rights_title: "Vos droits",
    rights_intro: "Depuis votre page d'inscription (le lien figure dans chaque e-mail que vous recevez), vous pouvez :",
    rights: [
        "télécharger toutes les données qui vous concernent ;",
        "corriger votre nom et votre établissement, jusqu'au début de l'événement ;",
        "transmettre votre place à un ou une collègue ;",
        "effacer vos données.",
    ],
    lost_link: "Vous avez perdu le lien ?",
    lost_link_action: "Demandez-le à nouveau",
    complaint: "Si vous estimez que vos droits ne sont pas respectés, vous pouvez adresser une réclamation à la CNIL :",
    version: |v| format!("Version {v}"),
    footer_link: "Données personnelles",
    learn_more: "En savoir plus sur vos données personnelles",
};

const EN: PrivacyTexts = PrivacyTexts {
    title: "Your personal data",
    intro: "To sign you up for a round table or a masterclass, Atelier asks you for some information. Here is what becomes of it.",
    who_title: "Who processes your data",
    controller_is: "The controller of your data is",
    controller_unset: "the organisation that runs this service",
    contact_is: "For any question, or to exercise your rights, write to:",
    contact_unset: "For any question, or to exercise your rights, write to the organisers of the event, for instance by replying to one of the emails you received.",
    what_title: "What is collected",
    what_intro: "For each registration:",
    collected: [
        "your name;",
        "your email address;",
        "your institution or organisation;",
        "your level of study or situation;",
        "your answers to the event's questions, if it asks any;",
        "your attendance, per half-day;",
        "your signatures on the attendance sheet;",
        "the emails sent to you.",
    ],
    why_title: "Why",
    purposes: [
        "organising the event: seats, waiting list, confirmation and reminder emails;",
        "keeping the attendance sheet;",
        "issuing your certificate of attendance;",
        "giving the funders of the training anonymous statistics (how many people signed up and attended, per level).",
    ],
    basis_title: "On what basis",
    basis: "Your consent, given by ticking the box of the sign-up form. You can withdraw it at any time by erasing your data (see below).",
    retention_title: "For how long",
    after_event: |n| {
        format!(
            "Your data is kept for {} after the event's last session, unless the event sets its own period.",
            days(n, "day", "days")
        )
    },
    after_cancellation: |n| {
        format!("If you cancel your registration, it is kept for {} after the cancellation.", days(n, "day", "days"))
    },
    sent_bodies: |n| {
        format!(
            "The text of the emails sent to you is kept for {}; only the record that they were sent remains after that.",
            days(n, "day", "days")
        )
    },
    afterwards: "After that, only anonymous counts remain: nothing can tell it was you.",
    rights_title: "Your rights",
    rights_intro: "From your registration page (the link is in every email you receive), you can:",
    rights: [
        "download all the data about you;",
        "correct your name and institution, until the event starts;",
        "give your seat to a colleague;",
        "erase your data.",
    ],
    lost_link: "Lost the link?",
    lost_link_action: "Ask for it again",
    complaint: "If you think your rights are not respected, you can complain to the CNIL, the French data protection authority:",
    version: |v| format!("Version {v}"),
    footer_link: "Personal data",
    learn_more: "Learn more about your personal data",
};

impl Lang {
    pub fn privacy(self) -> &'static PrivacyTexts {
        match self {
            Lang::Fr => &FR,
            Lang::En => &EN,
        }
    }
}
