//! Questions an event asks at sign-up (short text, choice, yes/no), and the
//! answers.

use std::collections::HashMap;

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use uuid::Uuid;

use super::text::optional_text;
use super::{FieldError, FieldErrorKind};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum QuestionKind {
    /// A short free text.
    Text,
    /// One of `choices`.
    Choice,
    /// `yes` or `no`.
    YesNo,
}

impl QuestionKind {
    pub fn code(self) -> &'static str {
        match self {
            QuestionKind::Text => "text",
            QuestionKind::Choice => "choice",
            QuestionKind::YesNo => "yes_no",
        }
    }

    pub fn from_code(code: &str) -> Option<Self> {
        [QuestionKind::Text, QuestionKind::Choice, QuestionKind::YesNo].into_iter().find(|k| k.code() == code)
    }
}

/// A question as stored.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ToSchema)]
pub struct Question {
    pub id: Uuid,
    pub kind: QuestionKind,
    pub label: String,
    pub choices: Vec<String>,
    pub required: bool,
}

/// A question as an organizer writes it.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize, ToSchema)]
pub struct QuestionInput {
    pub label: Option<String>,
    /// `text` when absent.
    #[schema(value_type = Option<QuestionKind>)]
    pub kind: Option<String>,
    /// For `choice`: the options.
    pub choices: Option<Vec<String>>,
    pub required: Option<bool>,
}

/// A validated question, before it has an id.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewQuestion {
    pub kind: QuestionKind,
    pub label: String,
    pub choices: Vec<String>,
    pub required: bool,
}

impl From<Question> for NewQuestion {
    fn from(q: Question) -> Self {
        Self { kind: q.kind, label: q.label, choices: q.choices, required: q.required }
    }
}

pub const MAX_QUESTIONS: usize = 10;
const MAX_ANSWER: usize = 500;

/// Checks an event's questions; errors are reported on `questions`.
pub fn validate_questions(inputs: &[QuestionInput]) -> Result<Vec<NewQuestion>, FieldError> {
    if inputs.len() > MAX_QUESTIONS {
        return Err(FieldError::new("questions", FieldErrorKind::TooLong { max: MAX_QUESTIONS }));
    }
    inputs
        .iter()
        .map(|input| {
            let label = optional_text("questions", input.label.as_deref(), 300, false)?
                .ok_or(FieldError::new("questions", FieldErrorKind::Required))?;
            let kind = match input.kind.as_deref() {
                None => QuestionKind::Text,
                Some(code) => {
                    QuestionKind::from_code(code).ok_or(FieldError::new("questions", FieldErrorKind::UnknownChoice))?
                }
            };
            let choices: Vec<String> = match kind {
                QuestionKind::Choice => input
                    .choices
                    .iter()
                    .flatten()
                    .map(|c| optional_text("questions", Some(c), 200, false))
                    .collect::<Result<Vec<_>, _>>()?
                    .into_iter()
                    .flatten()
                    .collect(),
                _ => Vec::new(),
            };
            if kind == QuestionKind::Choice && choices.len() < 2 {
                return Err(FieldError::new("questions", FieldErrorKind::TooSmall { min: 2 }));
            }
            Ok(NewQuestion { kind, label, choices, required: input.required.unwrap_or(false) })
        })
        .collect()
}

/// Checks answers against the questions, keyed by question id. Each error
/// is reported on `answers.<question id>`; unknown keys are ignored.
pub fn validate_answers(
    questions: &[Question],
    answers: &HashMap<String, String>,
) -> Result<Vec<(Uuid, String)>, Vec<FieldError>> {
    let mut valid = Vec::new();
    let mut errors = Vec::new();
    for question in questions {
        let field = format!("answers.{}", question.id);
        let raw = answers.get(&question.id.to_string()).map(|a| a.trim()).unwrap_or_default();
        if raw.is_empty() {
            if question.required {
                errors.push(FieldError::new(field, FieldErrorKind::Required));
            }
            continue;
        }
        let checked = match question.kind {
            QuestionKind::Text => match optional_text("answer", Some(raw), MAX_ANSWER, true) {
                Ok(text) => Ok(text.unwrap_or_default()),
                Err(e) => Err(e.kind),
            },
            QuestionKind::Choice => {
                question.choices.iter().find(|c| c.as_str() == raw).cloned().ok_or(FieldErrorKind::UnknownChoice)
            }
            QuestionKind::YesNo => match raw {
                "yes" | "true" | "oui" => Ok("yes".to_owned()),
                "no" | "false" | "non" => Ok("no".to_owned()),
                _ => Err(FieldErrorKind::UnknownChoice),
            },
        };
        match checked {
            Ok(answer) => valid.push((question.id, answer)),
            Err(kind) => errors.push(FieldError::new(field, kind)),
        }
    }
    if errors.is_empty() { Ok(valid) } else { Err(errors) }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn questions() -> Vec<Question> {
        vec![
            Question {
                id: Uuid::new_v4(),
                kind: QuestionKind::Text,
                label: "Allergies".into(),
                choices: vec![],
                required: false,
            },
            Question {
                id: Uuid::new_v4(),
                kind: QuestionKind::Choice,
                label: "Repas".into(),
                choices: vec!["Standard".into(), "Végétarien".into()],
                required: true,
            },
            Question {
                id: Uuid::new_v4(),
                kind: QuestionKind::YesNo,
                label: "Photo".into(),
                choices: vec![],
                required: true,
            },
        ]
    }

    #[test]
    fn answers_follow_their_question() {
        let q = questions();
        let answers: HashMap<String, String> =
            [(q[1].id.to_string(), "Végétarien".into()), (q[2].id.to_string(), "oui".into())].into();
        let valid = validate_answers(&q, &answers).expect("valid");
        assert_eq!(valid, [(q[1].id, "Végétarien".to_owned()), (q[2].id, "yes".to_owned())]);

        let bad: HashMap<String, String> = [(q[1].id.to_string(), "Poisson".into())].into();
        let errors = validate_answers(&q, &bad).expect_err("invalid");
        assert_eq!(errors.len(), 2);
        assert_eq!(errors[0].field, format!("answers.{}", q[1].id));
        assert_eq!(errors[0].kind, FieldErrorKind::UnknownChoice);
        assert_eq!(errors[1].kind, FieldErrorKind::Required);
    }

    #[test]
    fn choice_questions_need_two_options() {
        let input = QuestionInput {
            label: Some("Repas".into()),
            kind: Some("choice".into()),
            choices: Some(vec!["Un".into()]),
            required: None,
        };
        assert!(validate_questions(&[input]).is_err());
    }
}
