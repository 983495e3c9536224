//! Lianban's HTTP server: the JSON API (and later the web interface) over the store.
//!
//! The key decision: **handlers are thin.** Each one authenticates (`CurrentUser`), asks the gate
//! whether the user may see the case, calls one store operation, and maps errors to a status with
//! a Chinese message that names the field and the article. The rules of the criminal procedure
//! live in `domain`; persistence in `store`.

pub mod admin_api;
pub mod api;
pub mod assist_api;
pub mod auth;
pub mod body;
pub mod error;
pub mod feed;
pub mod files_api;
pub mod gate;
pub mod ledger_api;
pub mod openapi;
pub mod policy;
pub mod supervision_api;
pub mod ui;

use axum::extract::DefaultBodyLimit;
use axum::routing::{get, post};
use axum::Router;
use store::Store;

/// Shared state of every handler.
#[derive(Clone)]
pub struct AppState {
    pub store: Store,
    /// A hash checked when a login names an unknown user, to keep timing uniform.
    pub dummy_hash: std::sync::Arc<String>,
    /// The assistant's models, loaded on first use and shared (`assist_api::assistant`).
    pub assist: std::sync::Arc<std::sync::OnceLock<std::sync::Arc<assist::Assistant>>>,
}

impl AppState {
    pub fn new(store: Store) -> Self {
        Self { store, dummy_hash: std::sync::Arc::new(auth::hash_password("lianban-dummy-password")), assist: Default::default() }
    }
}

/// The largest request body accepted (JSON commands; files use their own upload path).
pub const MAX_BODY: usize = 1024 * 1024;

pub fn router(state: AppState) -> Router {
    let api = Router::new()
        .route("/session", post(api::login).delete(api::logout))
        .route("/me", get(api::me))
        .route("/organizations", get(api::organizations))
        .route("/cases", get(api::list_cases).post(api::create_case))
        .route("/cases/{id}", get(api::get_case))
        .route("/cases/{id}/actions", post(api::act))
        .route("/cases/{id}/timeline", get(api::timeline))
        .route("/cases/{id}/deadlines", get(api::case_deadlines))
        .route("/inbox", get(api::inbox))
        .route("/deadlines", get(api::deadlines))
        .route("/stats/stages", get(api::stage_stats))
        .merge(files_api::routes())
        .merge(assist_api::routes())
        .merge(ledger_api::routes())
        .merge(admin_api::routes())
        .merge(supervision_api::routes())
        .merge(feed::routes());
    Router::new()
        .route("/healthz", get(api::healthz))
        .route("/api/openapi.json", get(openapi::serve))
        .nest("/api/v1", api)
        .merge(ui::routes())
        .fallback(|| async { error::ApiError::new(axum::http::StatusCode::NOT_FOUND, "not_found", "没有这个地址") })
        .layer(DefaultBodyLimit::max(MAX_BODY))
        .with_state(state)
}

/// Serves the platform on `listener` until Ctrl-C (or SIGTERM).
pub async fn serve(store: Store, listener: tokio::net::TcpListener) -> std::io::Result<()> {
    let app = router(AppState::new(store));
    axum::serve(listener, app)
        .with_graceful_shutdown(async {
            let ctrl_c = tokio::signal::ctrl_c();
            #[cfg(unix)]
            {
                let mut term = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()).expect("signal handler");
                tokio::select! { _ = ctrl_c => {}, _ = term.recv() => {} }
            }
            #[cfg(not(unix))]
            {
                let _ = ctrl_c.await;
            }
        })
        .await
}
