//! The OpenAPI document says exactly what the API takes and answers, so
//! that a generated client or a schema fuzzer sends valid requests
//! (issue 16).

mod common;

use common::spawn_app;
use serde_json::Value;

on_both_backends! {
    #[tokio::test] filters_are_optional_query_parameters_and_codes_are_enums,
    #[tokio::test] endpoints_with_a_body_document_how_it_can_be_refused,
}

async fn document() -> Value {
    let app = spawn_app().await;
    let (status, doc) = app.get_json("/api/openapi.json").await;
    assert_eq!(status, 200);
    if std::env::var_os("PRINT_OPENAPI").is_some() {
        println!("{}", serde_json::to_string_pretty(&doc).expect("json"));
    }
    doc
}

/// The values a schema allows, following a `$ref` to the components.
fn values(doc: &Value, schema: &Value) -> Vec<String> {
    let schema = match schema["$ref"].as_str() {
        Some(reference) => &doc["components"]["schemas"][reference.rsplit('/').next().expect("name")],
        None => schema,
    };
    let listed = schema["enum"].as_array().or_else(|| {
        // An optional value: one of the enum and null.
        schema["oneOf"].as_array().and_then(|any| any.iter().find_map(|s| values_of(doc, s)))
    });
    listed.map(|l| l.iter().filter_map(|v| v.as_str().map(str::to_owned)).collect()).unwrap_or_default()
}

fn values_of<'a>(doc: &'a Value, schema: &'a Value) -> Option<&'a Vec<Value>> {
    match schema["$ref"].as_str() {
        Some(reference) => doc["components"]["schemas"][reference.rsplit('/').next()?]["enum"].as_array(),
        None => schema["enum"].as_array(),
    }
}

const KINDS: [&str; 2] = ["round_table", "masterclass"];
const LEVELS: [&str; 7] = ["bts_but", "licence", "master", "doctorat", "ingenieur", "reconversion", "autre"];

async fn filters_are_optional_query_parameters_and_codes_are_enums() {
    let doc = document().await;
    let params = doc["paths"]["/api/v1/events"]["get"]["parameters"].as_array().expect("parameters").clone();
    let names: Vec<&str> = params.iter().filter_map(|p| p["name"].as_str()).collect();
    assert_eq!(names, ["kind", "level", "from", "to", "q", "limit", "cursor"]);
    for param in &params {
        assert_eq!(param["in"], "query", "{param}");
        assert_ne!(param["required"], true, "{param}");
    }
    assert_eq!(values(&doc, &params[0]["schema"]), KINDS);
    assert_eq!(values(&doc, &params[1]["schema"]), LEVELS);
    assert_eq!(params[2]["schema"]["format"], "date", "{}", params[2]);
    assert_eq!((&params[5]["schema"]["minimum"], &params[5]["schema"]["maximum"]), (&1.into(), &200.into()));
    let list = &doc["paths"]["/api/v1/events"]["get"]["responses"]["200"];
    assert!(list["headers"]["Link"].is_object() && list["headers"]["X-Total-Count"].is_object(), "{list}");
    let registrations = &doc["paths"]["/api/v1/events/{id}/registrations"]["get"];
    let params = registrations["parameters"].as_array().expect("parameters");
    let names: Vec<&str> = params.iter().filter_map(|p| p["name"].as_str()).collect();
    assert_eq!(names, ["id", "status", "q", "limit", "cursor"]);
    assert_eq!(values(&doc, &params[1]["schema"]), ["confirmed", "waitlisted", "offered", "cancelled", "expired"]);
    let export = doc["paths"]["/api/v1/events/{id}/attendees.csv"]["get"]["parameters"].as_array().expect("params");
    for param in export {
        let expected = if param["name"] == "id" { "path" } else { "query" };
        assert_eq!(param["in"], expected, "{param}");
    }

    let schemas = &doc["components"]["schemas"];
    let event = &schemas["EventJson"]["properties"];
    assert_eq!(values(&doc, &event["kind"]), KINDS);
    assert_eq!(values(&doc, &event["status"]), ["draft", "published", "cancelled"]);
    assert_eq!(values(&doc, &event["language"]), ["fr", "en"]);
    assert_eq!(values(&doc, &event["levels"]["items"]), LEVELS);
    let input = &schemas["EventInput"]["properties"];
    assert_eq!(values(&doc, &input["kind"]), KINDS);
    assert_eq!(values(&doc, &input["status"]), ["draft", "published"], "an event is cancelled by its own call");
    assert_eq!(values(&doc, &input["language"]), ["fr", "en"]);
    let levels = &input["levels"];
    let items = levels["items"].as_object().map_or_else(
        || levels["oneOf"].as_array().and_then(|a| a.iter().find(|s| s["items"].is_object())).map(|s| &s["items"]),
        |_| Some(&levels["items"]),
    );
    assert_eq!(values(&doc, items.expect("levels are a list")), LEVELS);
    let sign_up = &schemas["SignUpForm"]["properties"];
    assert_eq!(values(&doc, &sign_up["level"]), LEVELS);
    assert_eq!(values(&doc, &sign_up["language"]), ["fr", "en"]);
    assert_eq!(values(&doc, &schemas["PersonJson"]["properties"]["language"]), ["fr", "en"]);
}

async fn endpoints_with_a_body_document_how_it_can_be_refused() {
    let doc = document().await;
    let mut checked = 0;
    for (path, operations) in doc["paths"].as_object().expect("paths") {
        for (method, operation) in operations.as_object().expect("operations") {
            if operation["requestBody"].is_null() {
                continue;
            }
            checked += 1;
            for status in ["400", "413", "415", "422"] {
                let response = &operation["responses"][status];
                assert!(response["description"].is_string(), "{method} {path} documents {status}");
                assert!(response["content"]["application/json"]["schema"]["$ref"].is_string(), "{method} {path}");
            }
        }
    }
    assert!(checked >= 12, "every endpoint with a body was seen ({checked})");
    let create = &doc["paths"]["/api/v1/events"]["post"]["responses"];
    assert!(create["422"]["description"].as_str().expect("text").contains("end before start"), "{create}");
}
