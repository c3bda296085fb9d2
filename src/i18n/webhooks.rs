//! The words of the webhooks page: organizers register endpoints and watch
//! their deliveries.

use crate::domain::{DeliveryStatus, Lang, WebhookEvent};

pub struct WebhookTexts {
    pub title: &'static str,
    pub hint: &'static str,
    pub none: &'static str,
    pub url: &'static str,
    pub url_hint: &'static str,
    pub scope: &'static str,
    pub all_events: &'static str,
    pub event_types: &'static str,
    pub created_at: &'static str,
    pub delete: &'static str,
    pub deliveries: &'static str,
    pub no_deliveries: &'static str,
    pub delivery_at: &'static str,
    pub delivery_type: &'static str,
    pub delivery_status: &'static str,
    pub attempts: &'static str,
    pub last_result: &'static str,
    pub next_attempt: &'static str,
    pub new_webhook: &'static str,
    pub create: &'static str,
    pub created: &'static str,
    pub secret_hint: &'static str,
    pub deleted: &'static str,
    pub not_found: &'static str,
    pub fix_errors: &'static str,
    statuses: [&'static str; 3],
    kinds: [&'static str; 6],
}

const FR: WebhookTexts = WebhookTexts {
    title: "Webhooks",
    hint: "Atelier envoie un POST JSON à ces adresses à chaque changement choisi, signé par l'en-tête \
           Atelier-Signature (t=…, v1=HMAC-SHA256 de « t.corps » avec le secret). Une livraison sans \
           réponse 2xx est réessayée pendant environ un jour et demi ; l'en-tête Atelier-Delivery reste \
           le même à chaque essai.",
    none: "Aucun webhook pour l'instant.",
    url: "Adresse (https://)",
    url_hint: "L'adresse doit être joignable depuis Internet : les réseaux privés et locaux sont refusés.",
    scope: "Événements concernés",
    all_events: "Tous mes événements",
    event_types: "Changements à envoyer",
    created_at: "Créé le",
    delete: "Supprimer",
    deliveries: "Dernières livraisons",
    no_deliveries: "Aucune livraison pour l'instant.",
    delivery_at: "Le",
    delivery_type: "Changement",
    delivery_status: "État",
    attempts: "Essais",
    last_result: "Dernier résultat",
    next_attempt: "Prochain essai",
    new_webhook: "Nouveau webhook",
    create: "Enregistrer le webhook",
    created: "Webhook enregistré. Voici son secret de signature : copiez-le maintenant, il ne sera plus affiché.",
    secret_hint: "Vérifiez chaque livraison avec ce secret avant de la croire.",
    deleted: "Webhook supprimé, avec ses livraisons en attente.",
    not_found: "Aucun de vos webhooks ne correspond.",
    fix_errors: "Le webhook n'a pas été enregistré : corrigez les champs signalés.",
    statuses: ["en attente", "livrée", "abandonnée"],
    kinds: [
        "Nouvelle inscription",
        "Inscription annulée",
        "Place attribuée depuis la liste d'attente",
        "Événement modifié",
        "Événement annulé",
        "Présence enregistrée",
    ],
};

const EN: WebhookTexts = WebhookTexts {
    title: "Webhooks",
    hint: "Atelier POSTs JSON to these addresses on each change chosen, signed in the Atelier-Signature \
           header (t=…, v1=HMAC-SHA256 of \"t.body\" with the secret). A delivery without a 2xx answer is \
           tried again for about a day and a half; its Atelier-Delivery header stays the same on every try.",
    none: "No webhooks yet.",
    url: "Address (https://)",
    url_hint: "The address must be reachable from the Internet: private and local networks are refused.",
    scope: "Events",
    all_events: "All my events",
    event_types: "Changes to send",
    created_at: "Created",
    delete: "Delete",
    deliveries: "Latest deliveries",
    no_deliveries: "No deliveries yet.",
    delivery_at: "At",
    delivery_type: "Change",
    delivery_status: "State",
    attempts: "Attempts",
    last_result: "Last result",
    next_attempt: "Next attempt",
    new_webhook: "New webhook",
    create: "Save the webhook",
    created: "Webhook saved. Here is its signing secret: copy it now, it will not be shown again.",
    secret_hint: "Check each delivery with this secret before trusting it.",
    deleted: "Webhook deleted, with its pending deliveries.",
    not_found: "None of your webhooks matches.",
    fix_errors: "The webhook was not saved: correct the fields shown.",
    statuses: ["pending", "delivered", "given up"],
    kinds: [
        "New registration",
        "Registration cancelled",
        "Seat given from the waiting list",
        "Event changed",
        "Event cancelled",
        "Attendance recorded",
    ],
};

impl WebhookTexts {
    pub fn status(&self, status: DeliveryStatus) -> &'static str {
        match status {
            DeliveryStatus::Pending => self.statuses[0],
            DeliveryStatus::Delivered => self.statuses[1],
            DeliveryStatus::Failed => self.statuses[2],
        }
    }

    pub fn kind(&self, kind: WebhookEvent) -> &'static str {
        let index = WebhookEvent::ALL.iter().position(|k| *k == kind).unwrap_or_default();
        self.kinds[index]
    }
}

impl Lang {
    pub fn webhooks(self) -> &'static WebhookTexts {
        match self {
            Lang::Fr => &FR,
            Lang::En => &EN,
        }
    }
}
