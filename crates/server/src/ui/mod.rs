//! The web interface: server-rendered Chinese pages for every agency, the committee and the
//! public, served by the same binary as the JSON API.
//!
//! The key decision: **the page asks the domain, never guesses.** Which actions a user may take
//! on a case is found by deciding each action on a copy of the case state with
//! `domain::machine::decide` (nothing is submitted); an action that would be refused is shown
//! greyed out with the refusal's own text and article. Submissions go through the same
//! `Store::submit` as the API, so the browser can do nothing the API could not.
//!
//! Pages are plain HTML forms (maud templates, escaped by construction) with a little
//! hand-written JavaScript for countdowns and confirmations; every POST carries a CSRF token
//! bound to the session (or, before login, to a pre-session cookie).
//!
//! Supervision (`supervision.rs`) and case files (`files.rs`) reuse the JSON API's rules: the
//! acknowledgement forms call the supervision API's handlers, and the upload form's script sends
//! the file to the files API in resumable chunks with the session cookie (`SameSite=Strict`).
//! The files page (`/cases/{id}/files`) creates volumes, orders their catalogues and freezes
//! transfer manifests through the store's own functions; the forms that send the case file on
//! (arrest request, transfer for prosecution, indictment) freeze the ticked items as the
//! manifest of the event they create.
//!
//! Assisted case handling (`assist.rs`): suggestions with their reasons for those who handle the
//! case at a stage where they help, computed from the facts as the reader may see them; "采用"
//! re-renders the page with a form pre-filled (never submitted); the forms that send the case
//! file on show the evidence checklist's gaps as a warning.

mod access;
mod actions;
mod assist;
mod chart;
mod files;
mod layout;
/// Also used by the JSON API's lists, so that both show the same.
pub(crate) mod lens;
mod pages;
mod public;
mod session;
mod supervision;

pub use access::access_code;

use crate::AppState;
use axum::Router;
use axum::http::header;
use axum::routing::{get, post};

const CSS: &str = include_str!("../../static/app.css");
const JS: &str = include_str!("../../static/app.js");

/// The routes of the web interface (merged into the main router).
pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/", get(pages::home))
        .route("/login", get(session::login_page).post(session::login))
        .route("/logout", post(session::logout))
        .route("/inbox", get(pages::inbox))
        .route("/cases", get(pages::cases))
        .route("/cases/new", get(pages::new_case_page).post(pages::new_case))
        .route("/cases/{id}", get(pages::case_page))
        .route("/cases/{id}/act", post(pages::act))
        .route("/dashboard", get(pages::dashboard))
        .route("/files/{fid}", get(files::view))
        .route("/cases/{id}/files", get(files::page))
        .route("/cases/{id}/files/volumes", post(files::create_volume))
        .route("/cases/{id}/files/volumes/{vid}", post(files::set_items))
        .route("/cases/{id}/files/manifests", post(files::freeze))
        .route("/supervision/report", get(supervision::report_page))
        .route("/supervision/report.csv", get(supervision::report_csv))
        .route("/supervision/findings/{id}/ack", post(supervision::ack_finding))
        .route("/supervision/notifications/{id}/ack", post(supervision::ack_notification))
        .route("/public", get(public::page).post(public::lookup))
        .route("/static/app.css", get(|| async { ([(header::CONTENT_TYPE, "text/css; charset=utf-8"), (header::CACHE_CONTROL, "max-age=300")], CSS) }))
        .route("/static/app.js", get(|| async { ([(header::CONTENT_TYPE, "text/javascript; charset=utf-8"), (header::CACHE_CONTROL, "max-age=300")], JS) }))
}
