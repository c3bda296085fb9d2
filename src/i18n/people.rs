//! The words of a person's rights over their data, on their own page: the
//! download, the correction, giving the seat to a colleague, erasure, and
//! the lost-link page. In the person's language.

use crate::domain::Lang;

pub struct PeopleTexts {
    pub section_title: &'static str,
    pub download: &'static str,
    pub download_hint: &'static str,
    pub correct_link: &'static str,
    pub transfer_link: &'static str,
    pub erase_link: &'static str,
    pub correct_title: &'static str,
    pub correct_hint: &'static str,
    pub correct_button: &'static str,
    pub corrected: &'static str,
    pub transfer_title: &'static str,
    pub transfer_hint: &'static str,
    pub transfer_button: &'static str,
    pub transferred: &'static str,
    pub erase_title: &'static str,
    /// Before the event: the seat is given up too.
    pub erase_before: &'static str,
    pub erase_after: &'static str,
    pub erase_button: &'static str,
    pub erased_title: &'static str,
    pub erased_text: &'static str,
    pub lost_title: &'static str,
    pub lost_intro: &'static str,
    pub lost_button: &'static str,
    /// The same answer whether the address is known or not.
    pub lost_sent: &'static str,
    pub lost_link: &'static str,
    pub not_active: &'static str,
    pub back: &'static str,
    /// In organizer views and exports, instead of a name.
    pub anonymised: &'static str,
    /// Export columns.
    pub consented_header: &'static str,
    pub notice_header: &'static str,
    pub anonymised_header: &'static str,
    /// The back-office's edit of a registration.
    pub edit: &'static str,
    pub edit_title: &'static str,
    pub edit_hint: &'static str,
    pub edit_button: &'static str,
}

impl PeopleTexts {
    /// The name organizers see: the person's, or that it was erased.
    pub fn name<'a>(&self, registration: &'a crate::domain::Registration) -> &'a str {
        if registration.anonymised_at.is_some() { self.anonymised } else { &registration.name }
    }
}

const FR: PeopleTexts = PeopleTexts {
    section_title: "Vos données",
    download: "Télécharger mes données",
    download_hint: "Un fichier JSON avec votre inscription, vos réponses et les e-mails qui vous ont été envoyés.",
    correct_link: "Corriger mon nom ou mon établissement",
    transfer_link: "Donner ma place à quelqu'un d'autre",
    erase_link: "Effacer mes données",
    correct_title: "Corriger mes informations",
    correct_hint: "Votre nom figure sur la feuille d'émargement et sur l'attestation de présence : écrivez-le comme vous souhaitez le voir imprimé.",
    correct_button: "Enregistrer",
    corrected: "Vos informations sont corrigées.",
    transfer_title: "Donner ma place",
    transfer_hint: "La personne indiquée prend votre inscription telle quelle (place confirmée, rang sur la liste d'attente ou place proposée) et reçoit son propre lien par e-mail. Votre inscription est annulée.",
    transfer_button: "Donner ma place",
    transferred: "Votre place est transmise : la personne a reçu un e-mail avec son propre lien. Votre inscription est annulée.",
    erase_title: "Effacer mes données",
    erase_before: "Votre inscription sera annulée (votre place revient à la personne suivante) et votre nom, votre adresse e-mail, votre établissement et vos réponses seront effacés. Ce lien ne fonctionnera plus. C'est définitif.",
    erase_after: "Votre nom, votre adresse e-mail, votre établissement et vos réponses seront effacés ; seuls des effectifs anonymes resteront. Ce lien ne fonctionnera plus et l'attestation de présence ne pourra plus être téléchargée ni vérifiée. C'est définitif.",
    erase_button: "Effacer définitivement mes données",
    erased_title: "Vos données sont effacées",
    erased_text: "Votre nom, votre adresse e-mail, votre établissement et vos réponses ont été effacés. Ce lien ne fonctionne plus.",
    lost_title: "Retrouver mes inscriptions",
    lost_intro: "Indiquez l'adresse e-mail utilisée pour vous inscrire : nous y enverrons le lien de chacune de vos inscriptions à venir.",
    lost_button: "Recevoir mes liens",
    lost_sent: "Si cette adresse est inscrite à un événement à venir, un e-mail est en route avec le lien de chaque inscription. Pensez à regarder dans les courriers indésirables.",
    lost_link: "Lien perdu ? Recevoir à nouveau mes liens",
    not_active: "Cette inscription est annulée : elle n'a plus de place à donner.",
    back: "Retour à mon inscription",
    anonymised: "(anonymisé·e)",
    consented_header: "Consentement",
    notice_header: "Version de la notice",
    anonymised_header: "Anonymisé·e le",
    edit: "Modifier",
    edit_title: "Modifier l'inscription",
    edit_hint: "Une nouvelle adresse e-mail reçoit à nouveau la confirmation, si l'événement est à venir. La modification figure dans l'historique.",
    edit_button: "Enregistrer",
};

const EN: PeopleTexts = PeopleTexts {
    section_title: "Your data",
    download: "Download my data",
    download_hint: "A JSON file with your registration, your answers and the emails you were sent.",
    correct_link: "Correct my name or institution",
    transfer_link: "Give my seat to someone else",
    erase_link: "Erase my data",
    correct_title: "Correct my details",
    correct_hint: "Your name is printed on the attendance sheet and on the certificate of attendance: write it as you want it printed.",
    correct_button: "Save",
    corrected: "Your details are corrected.",
    transfer_title: "Give my seat",
    transfer_hint: "The person you name takes your registration as it is (a confirmed seat, a place on the waiting list or an offered seat) and gets their own link by email. Your registration is cancelled.",
    transfer_button: "Give my seat",
    transferred: "Your seat is given: the person got an email with their own link. Your registration is cancelled.",
    erase_title: "Erase my data",
    erase_before: "Your registration will be cancelled (your seat goes to the next person) and your name, email address, institution and answers erased. This link will stop working. This cannot be undone.",
    erase_after: "Your name, email address, institution and answers will be erased; only anonymous counts remain. This link will stop working and the certificate of attendance can no longer be downloaded or verified. This cannot be undone.",
    erase_button: "Erase my data for good",
    erased_title: "Your data is erased",
    erased_text: "Your name, email address, institution and answers have been erased. This link no longer works.",
    lost_title: "Find my registrations",
    lost_intro: "Give the email address you registered with: we will send the link to each of your upcoming registrations there.",
    lost_button: "Send me my links",
    lost_sent: "If this address is registered for an upcoming event, an email with the link to each registration is on its way. Check your spam folder too.",
    lost_link: "Lost your link? Get your links again",
    not_active: "This registration is cancelled: it has no seat to give.",
    back: "Back to my registration",
    anonymised: "(anonymised)",
    consented_header: "Consented",
    notice_header: "Notice version",
    anonymised_header: "Anonymised",
    edit: "Edit",
    edit_title: "Edit the registration",
    edit_hint: "A new email address gets the confirmation again, if the event is ahead. The change goes in the history.",
    edit_button: "Save",
};

impl Lang {
    pub fn people(self) -> &'static PeopleTexts {
        match self {
            Lang::Fr => &FR,
            Lang::En => &EN,
        }
    }
}
