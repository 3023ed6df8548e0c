//! Users: list, get, create, update, delete.

use cmr::models::{CreateUser, UpdateUser, User};
use serde_json::{json, Value};

use super::{body, page_params, paginate, q, q_opt, user, valid_email, R};
use crate::clock;
use crate::reply::{Reply, Req};
use crate::state::{new_id, UserRec, World};

pub fn list(w: &mut World, r: &Req) -> R {
    let (page, limit) = page_params(r, 20)?;
    let search = q_opt(r, "search").map(str::to_lowercase);
    let mut all: Vec<&UserRec> = w
        .users
        .values()
        .filter(|u| match &search {
            None => true,
            Some(s) => {
                let u = &u.user;
                [&u.email, &u.first_name, &u.last_name, &u.company]
                    .iter()
                    .any(|f| f.as_deref().is_some_and(|v| v.to_lowercase().contains(s.as_str())))
                    || u.id.to_lowercase() == *s
            }
        })
        .collect();
    all.sort_by_key(|u| u.seq);
    let users: Vec<User> = all.into_iter().map(|u| u.user.clone()).collect();
    let (items, pagination) = paginate(&users, page, limit);
    Ok(Reply::ok("Users fetched successfully", json!({"users": items, "pagination": pagination})))
}

pub fn get(w: &mut World, r: &Req) -> R {
    let id = q(r, "userId")?;
    let u = user(w, id)?;
    Ok(Reply::ok("User fetched successfully", json!(u.user)))
}

fn email_taken(w: &World, email: &str, except: Option<&str>) -> bool {
    w.users.values().any(|u| Some(u.user.id.as_str()) != except && u.user.email.as_deref().is_some_and(|e| e.eq_ignore_ascii_case(email)))
}

fn check_country(c: &str) -> Result<(), Reply> {
    if super::geo::country_name(c).is_none() {
        return Err(Reply::err(400, format!("Invalid country code '{c}': use a code from geo.countries")));
    }
    Ok(())
}

pub fn create(w: &mut World, r: &Req, now: i64) -> R {
    let c: CreateUser = body(r)?;
    if !valid_email(&c.email) {
        return Err(Reply::err(400, format!("Invalid email address '{}'", c.email)));
    }
    for (f, v) in [
        ("company", &c.company),
        ("firstName", &c.first_name),
        ("lastName", &c.last_name),
        ("country", &c.country),
        ("city", &c.city),
        ("addressLineOne", &c.address_line_one),
        ("languagePreference", &c.language_preference),
        ("postalCode", &c.postal_code),
        ("state", &c.state),
        ("phoneCc", &c.phone_cc),
        ("phone", &c.phone),
    ] {
        if v.trim().is_empty() {
            return Err(Reply::err(400, format!("{f} is required")));
        }
    }
    check_country(&c.country)?;
    if email_taken(w, &c.email, None) {
        return Err(Reply::err(409, "A user with this email already exists"));
    }
    let id = new_id();
    let user = User {
        id: id.clone(),
        email: Some(c.email),
        company: Some(c.company),
        first_name: Some(c.first_name),
        last_name: Some(c.last_name),
        country: Some(c.country.to_ascii_uppercase()),
        city: Some(c.city),
        address_line_one: Some(c.address_line_one),
        address_line_two: c.address_line_two,
        address_line_three: c.address_line_three,
        language_preference: Some(c.language_preference),
        postal_code: Some(c.postal_code),
        state: Some(c.state),
        phone_cc: Some(c.phone_cc),
        phone: Some(c.phone),
        created_at: Some(clock::rfc3339(now)),
        extra: Default::default(),
    };
    let seq = w.next_seq();
    w.users.insert(id, UserRec { seq, user: user.clone() });
    Ok(Reply::ok("User created successfully", json!(user)))
}

pub fn update(w: &mut World, r: &Req) -> R {
    let id = q(r, "userId")?.to_string();
    user(w, &id)?;
    let c: UpdateUser = body(r)?;
    if c == UpdateUser::default() {
        return Err(Reply::err(400, "Nothing to update: provide at least one field"));
    }
    if let Some(e) = &c.email {
        if !valid_email(e) {
            return Err(Reply::err(400, format!("Invalid email address '{e}'")));
        }
        if email_taken(w, e, Some(&id)) {
            return Err(Reply::err(409, super::EMAIL_EXISTS));
        }
    }
    if let Some(cc) = &c.country {
        check_country(cc)?;
    }
    let Some(rec) = w.users.get_mut(&id) else { return Err(Reply::err(404, super::USER_NOT_FOUND)) };
    let u = &mut rec.user;
    macro_rules! set { ($($f:ident),*) => { $( if let Some(v) = c.$f.clone() { u.$f = Some(v); } )* } }
    set!(email, company, first_name, last_name, city, address_line_one, address_line_two, address_line_three, language_preference, postal_code, state, phone_cc, phone);
    if let Some(cc) = &c.country {
        u.country = Some(cc.to_ascii_uppercase());
    }
    // As documented: `"data": null`.
    Ok(Reply::ok(super::USER_UPDATED, Value::Null))
}

pub fn delete(w: &mut World, r: &Req) -> R {
    let id = q(r, "userId")?.to_string();
    // Documented: an unknown user is 404 "Record Not Found" here.
    if !w.users.contains_key(&id) {
        return Err(Reply::err(404, super::RECORD_NOT_FOUND));
    }
    let domain_count = w.domains.values().filter(|d| d.user_id == id).count();
    let mailbox_count = w.mailboxes.values().filter(|m| m.user_id == id).count();
    if domain_count > 0 || mailbox_count > 0 {
        return Err(Reply::err(
            400,
            format!("User cannot be deleted while they own resources: mailboxCount={mailbox_count}, domainCount={domain_count}. Remove them first."),
        )
        .with_data(json!({"mailboxCount": mailbox_count, "domainCount": domain_count})));
    }
    w.users.remove(&id);
    w.credentials.retain(|_, c| c.user_id != id);
    Ok(Reply::new(200, "User successfully deleted", None))
}
