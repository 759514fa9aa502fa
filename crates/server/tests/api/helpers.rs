//! The real app on port 0 over a fresh SQLite store with a manual clock, a café to work
//! in, and typed request helpers.

use jiff::SignedDuration;
use proofline_core::access::Access;
use proofline_core::{OrgId, PersonId};
use proofline_store::PersonFields;
use proofline_testkit::TestEngine;
use reqwest::{Method, RequestBuilder, StatusCode};
use serde_json::{Value, json};
use std::io::Cursor;

/// The Corner Café: Olga owns it, Mia manages, Ben and Cara lead shifts, Dan (managed by
/// Ben) opens up, Ali audits. Eve runs a different business.
pub struct App {
    pub t: TestEngine,
    pub base: String,
    pub client: reqwest::Client,
    pub olga: Person,
    pub mia: Person,
    pub ben: Person,
    pub cara: Person,
    pub dan: Person,
    pub ali: Person,
    pub eve: Person,
}

#[derive(Debug, Clone)]
pub struct Person {
    pub id: PersonId,
    pub token: String,
}

/// What came back: status, content type and the body as JSON (Null when not JSON).
#[derive(Debug)]
pub struct Reply {
    pub status: StatusCode,
    pub content_type: String,
    pub body: Value,
}

pub fn mins(n: i64) -> SignedDuration {
    SignedDuration::from_mins(n)
}

pub fn png() -> Vec<u8> {
    let mut out = Vec::new();
    image::RgbImage::new(8, 8).write_to(&mut Cursor::new(&mut out), image::ImageFormat::Png).expect("a PNG encodes");
    out
}

async fn person(t: &TestEngine, org: OrgId, name: &str, access: Access, manager: Option<PersonId>) -> Person {
    let fields = PersonFields {
        name: name.into(),
        email: format!("{}@cafe.test", name.to_lowercase()),
        access,
        manager,
        away_until: None,
        active: true,
    };
    let id = t.engine.store.create_person(org, &fields).await.expect("person created");
    let token = t.engine.issue_token(org, id, "tests").await.expect("token issued");
    Person { id, token }
}

impl App {
    /// Monday 5 January 2026, one minute before 07:00 in Berlin.
    pub async fn spawn() -> App {
        let t = TestEngine::start("2026-01-05T05:59:00Z").await;
        let store = &t.engine.store;
        let org = store.create_org("Corner Café", "Europe/Berlin").await.expect("org");
        let olga = person(&t, org, "Olga", Access::Owner, None).await;
        let mia = person(&t, org, "Mia", Access::Manager, None).await;
        let ben = person(&t, org, "Ben", Access::Member, None).await;
        let cara = person(&t, org, "Cara", Access::Member, None).await;
        let dan = person(&t, org, "Dan", Access::Member, Some(ben.id)).await;
        let ali = person(&t, org, "Ali", Access::Auditor, None).await;
        let elsewhere = store.create_org("Elsewhere Ltd", "Europe/London").await.expect("org");
        let eve = person(&t, elsewhere, "Eve", Access::Owner, None).await;

        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.expect("a port");
        let base = format!("http://{}", listener.local_addr().expect("an address"));
        tokio::spawn(proofline_server::serve(listener, t.engine.clone(), std::future::pending()));
        App { t, base, client: proofline_testkit::http_client(), olga, mia, ben, cara, dan, ali, eve }
    }

    pub fn request(&self, method: Method, path: &str, who: Option<&Person>) -> RequestBuilder {
        let request = self.client.request(method, format!("{}{path}", self.base));
        match who {
            Some(p) => request.bearer_auth(&p.token),
            None => request,
        }
    }

    pub async fn get(&self, path: &str, who: &Person) -> Reply {
        send(self.request(Method::GET, path, Some(who))).await
    }

    pub async fn post(&self, path: &str, who: &Person, body: Value) -> Reply {
        send(self.request(Method::POST, path, Some(who)).json(&body)).await
    }

    pub async fn put(&self, path: &str, who: &Person, body: Value) -> Reply {
        send(self.request(Method::PUT, path, Some(who)).json(&body)).await
    }

    /// Shift leads (Ben, Cara) by round robin, created through the API by Olga.
    pub async fn shift_leads(&self) -> i64 {
        let role = json!({"name": "Shift lead", "pick": "round_robin", "members": [self.ben.id.0, self.cara.id.0]});
        let reply = self.post("/api/v1/roles", &self.olga, role).await;
        assert_eq!(reply.status, StatusCode::CREATED, "{reply:?}");
        reply.body["id"].as_i64().expect("a role id")
    }

    /// Daily 07:00 Berlin: Dan reads the fridge (0–5 °C, with a photo) within an hour,
    /// then a shift lead signs off. Missed work climbs: shift leads, Dan's manager, owner.
    pub async fn opening_checklist(&self) -> i64 {
        let leads = self.shift_leads().await;
        let body = json!({"key": "opening", "status": "active", "definition": opening_definition(self, leads)});
        let reply = self.post("/api/v1/processes", &self.olga, body).await;
        assert_eq!(reply.status, StatusCode::CREATED, "{reply:?}");
        reply.body["id"].as_i64().expect("a process id")
    }

    /// Moves the clock and runs one engine pass, as the background loop would.
    pub async fn advance(&self, by: SignedDuration) {
        self.t.advance(by).await;
    }

    /// Dan's open fridge task once 07:00 Berlin has come.
    pub async fn fridge_task(&self) -> Value {
        let reply = self.get("/api/v1/me/tasks", &self.dan).await;
        assert_eq!(reply.status, StatusCode::OK, "{reply:?}");
        reply.body.as_array().and_then(|tasks| tasks.first()).cloned().expect("Dan holds a task")
    }
}

pub fn opening_definition(app: &App, leads: i64) -> Value {
    json!({
        "name": "Opening checklist",
        "owner": app.olga.id.0,
        "cadence": {"kind": "schedule", "rule": "DTSTART;TZID=Europe/Berlin:20260105T070000\nRRULE:FREQ=DAILY"},
        "steps": [
            {"title": "Fridge temperature", "sop": "Read the fridge thermometer.", "assignee": {"person": app.dan.id.0},
             "due_after": "1h",
             "proof": [{"kind": "number", "label": "Fridge", "unit": "°C", "min": 0, "max": 5}, {"kind": "photo"}]},
            {"title": "Sign off opening", "assignee": {"role": leads}, "due_after": "2h", "depends_on": [0],
             "proof": [{"kind": "signature"}]}
        ],
        "escalation": [{"to": {"role": leads}, "window": "30m"}, {"to": "manager", "window": "30m"}, {"to": "owner", "window": "1h"}]
    })
}

pub async fn send(request: RequestBuilder) -> Reply {
    let response = request.send().await.expect("the server answers");
    let status = response.status();
    let content_type = response
        .headers()
        .get(reqwest::header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_string();
    let text = response.text().await.expect("a body");
    let body = serde_json::from_str(&text).unwrap_or(Value::Null);
    Reply { status, content_type, body }
}

impl Reply {
    /// Asserts this is a problem+json response with `status`, and returns its body.
    pub fn problem(&self, status: StatusCode) -> &Value {
        assert_eq!(self.status, status, "{self:?}");
        assert_eq!(self.content_type, "application/problem+json", "{self:?}");
        assert_eq!(self.body["status"], status.as_u16(), "{self:?}");
        assert!(self.body["detail"].is_string(), "{self:?}");
        &self.body
    }
}
