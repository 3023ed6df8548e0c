//! Exports: platform credentials (validated by a simulated live login) and mailbox exports.

use cmr::models::{AddPlatformCredential, PlatformApp, PlatformConnection, PlatformCredential, PlatformMetadata};
use serde_json::{json, Map, Value};

use super::domains::RECORD_NOT_FOUND;
use super::{body, body_obj, q, user_q, valid_email, R};
use crate::clock::rfc3339;
use crate::pricing::INVALID_PASSWORD;
use crate::reply::{Reply, Req};
use crate::state::{new_action_id, new_id, CredRec, World};

pub fn list_credentials(w: &mut World, r: &Req) -> R {
    let uid = user_q(w, r)?;
    let mut out = Map::new();
    for app in PlatformApp::KNOWN {
        let mut creds: Vec<&CredRec> = w.credentials.values().filter(|c| c.user_id == uid && c.app == *app).collect();
        creds.sort_by_key(|c| c.seq);
        let list: Vec<PlatformCredential> = creds
            .into_iter()
            .map(|c| PlatformCredential {
                credential_id: c.credential_id.clone(),
                email: Some(c.email.clone()),
                connected_at: Some(rfc3339(c.created_ms)),
                metadata: Some(PlatformMetadata { app_base_url: Some("https://app.emailbison.com".into()), app_name: Some("EmailBison".into()), workspace: c.workspace.clone(), client_id: None }),
                extra: Default::default(),
            })
            .collect();
        let conn = PlatformConnection { app: PlatformApp::parse(app), connected: !list.is_empty(), credentials: list, extra: Default::default() };
        let mut v = json!(conn);
        if let Value::Object(m) = &mut v {
            m.remove("app");
        }
        out.insert(app.to_string(), v);
    }
    Ok(Reply::ok("Fetched connected accounts successfully", Value::Object(out)))
}

pub fn add_credential(w: &mut World, r: &Req, now: i64) -> R {
    let uid = user_q(w, r)?;
    let b: AddPlatformCredential = body(r)?;
    if !b.app.is_known() {
        return Err(Reply::err(400, format!("Unsupported app '{}' (supported: {})", b.app, PlatformApp::KNOWN.join(", "))));
    }
    if !valid_email(&b.credentials.email) {
        return Err(Reply::err(400, format!("credentials.email '{}' is not a valid e-mail address", b.credentials.email)));
    }
    // Credentials are validated live before storage: the sandbox's login fails for the password "invalid".
    if b.credentials.password.is_empty() || b.credentials.password == INVALID_PASSWORD {
        return Err(Reply::err(400, format!("Could not log in to {} with these credentials", b.app)));
    }
    let id = new_id();
    let seq = w.next_seq();
    w.credentials.insert(
        id.clone(),
        CredRec { seq, credential_id: id.clone(), user_id: uid, app: b.app.as_str().to_string(), email: b.credentials.email, workspace: b.metadata.workspace, created_ms: now },
    );
    Ok(Reply::ok("Platform credentials added successfully", json!({"credentialId": id})))
}

fn owned_cred<'a>(w: &'a World, uid: &str, id: &str) -> Result<&'a CredRec, Reply> {
    match w.credentials.get(id) {
        None => Err(Reply::err(404, RECORD_NOT_FOUND)),
        Some(c) if c.user_id != uid => Err(Reply::err(403, "This credential does not belong to the user")),
        Some(c) => Ok(c),
    }
}

pub fn remove_credential(w: &mut World, r: &Req) -> R {
    let uid = user_q(w, r)?;
    let id = q(r, "credentialId")?.to_string();
    owned_cred(w, &uid, &id)?;
    w.credentials.remove(&id);
    Ok(Reply::ok("Platform credentials removed successfully", Value::Null))
}

fn exportable(w: &World, uid: &str, id: &str) -> Result<(), Reply> {
    match w.mailboxes.get(id) {
        None => Err(Reply::err(404, format!("{RECORD_NOT_FOUND}: mailbox {id}"))),
        Some(m) if m.user_id != uid => Err(Reply::err(403, format!("Mailbox {id} does not belong to the user"))),
        Some(m) if m.status != "ACTIVE" => Err(Reply::err(400, format!("Mailbox {id} is {}: only ACTIVE mailboxes can be exported", m.status))),
        Some(_) => Ok(()),
    }
}

pub fn export_mailboxes(w: &mut World, r: &Req) -> R {
    let uid = user_q(w, r)?;
    let obj = body_obj(r)?;
    let cid = obj.get("credentialId").and_then(Value::as_str).filter(|s| !s.is_empty()).ok_or_else(|| Reply::err(400, "credentialId is required"))?;
    let ids: Vec<String> = match obj.get("componentMailboxIds") {
        Some(Value::Array(a)) if !a.is_empty() && a.iter().all(Value::is_string) => a.iter().filter_map(|v| v.as_str().map(str::to_string)).collect(),
        _ => return Err(Reply::err(400, "componentMailboxIds must be a non-empty array of mailbox ids")),
    };
    owned_cred(w, &uid, cid)?;
    for id in &ids {
        exportable(w, &uid, id)?;
    }
    Ok(Reply::ok(format!("{} mailbox(es) will be exported shortly", ids.len()), Value::Null).action(new_action_id()))
}

pub fn reexport(w: &mut World, r: &Req) -> R {
    let uid = user_q(w, r)?;
    let obj = body_obj(r)?;
    let id = obj.get("mailboxId").and_then(Value::as_str).filter(|s| !s.is_empty()).ok_or_else(|| Reply::err(400, "mailboxId is required"))?;
    exportable(w, &uid, id)?;
    Ok(Reply::ok("Mailbox will be re-exported shortly", Value::Null).action(new_action_id()))
}
