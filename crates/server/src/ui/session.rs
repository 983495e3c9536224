//! Logging in and out from the browser, the signed-in user of a page, and CSRF tokens.
//!
//! CSRF: a signed-in form carries HMAC(secret, "csrf|" + session token); before login (the login
//! and public query forms) it carries the value of a random pre-session cookie. Every POST
//! handler checks the token before doing anything. The session cookie is also `SameSite=Strict`.

use super::access::{hmac, same, secret};
use super::layout::{self, Page};
use crate::AppState;
use crate::auth::{self, CurrentUser};
use axum::extract::{Form, FromRequestParts, State};
use axum::http::request::Parts;
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use chrono::Duration;
use maud::html;
use serde::Deserialize;

pub const PRE_SESSION_COOKIE: &str = "lianban_csrf";

pub fn cookie(headers: &HeaderMap, name: &str) -> Option<String> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|c| c.split(';'))
        .find_map(|kv| kv.trim().strip_prefix(name).and_then(|r| r.strip_prefix('=')).map(str::to_string))
}

/// The CSRF token bound to a session token.
pub fn session_csrf(st: &AppState, session_token: &str) -> String {
    hex::encode(&hmac(&secret(st), format!("csrf|{session_token}").as_bytes())[..16])
}

/// A signed-in user of the web interface, with the CSRF token for the page's forms.
pub struct UiUser {
    pub cu: CurrentUser,
    pub csrf: String,
    /// The server's time when the request arrived (countdowns run on it).
    pub now: chrono::DateTime<chrono::Utc>,
}

/// Not signed in: go to the login page, then come back.
pub struct ToLogin(String);

impl IntoResponse for ToLogin {
    fn into_response(self) -> Response {
        let next: String = self.0.chars().filter(|c| c.is_ascii_alphanumeric() || "/-_?=&%.".contains(*c)).collect();
        Redirect::to(&format!("/login?next={}", urlencode(&next))).into_response()
    }
}

pub fn urlencode(s: &str) -> String {
    s.bytes()
        .map(|b| if b.is_ascii_alphanumeric() || b"-_./".contains(&b) { (b as char).to_string() } else { format!("%{b:02X}") })
        .collect()
}

impl FromRequestParts<AppState> for UiUser {
    type Rejection = ToLogin;

    async fn from_request_parts(parts: &mut Parts, st: &AppState) -> Result<Self, Self::Rejection> {
        // After logging in, come back to the page — for a form post, to the page it was on.
        let path = if parts.method == axum::http::Method::GET {
            parts.uri.path_and_query().map(|p| p.as_str().to_string()).unwrap_or_else(|| "/".into())
        } else {
            parts.uri.path().strip_suffix("/act").unwrap_or("/").to_string()
        };
        let Some(token) = cookie(&parts.headers, auth::SESSION_COOKIE) else {
            return Err(ToLogin(path));
        };
        let cu = CurrentUser::from_request_parts(parts, st).await.map_err(|_| ToLogin(path))?;
        Ok(UiUser { csrf: session_csrf(st, &token), cu, now: st.store.now() })
    }
}

/// Checks a submitted CSRF token against the session, or (forms shown before login, such as the
/// public query) against the pre-session cookie.
// The error is the page to answer with, as in every handler of the interface.
#[allow(clippy::result_large_err)]
pub fn check_csrf(st: &AppState, headers: &HeaderMap, submitted: Option<&str>) -> Result<(), Response> {
    let session = cookie(headers, auth::SESSION_COOKIE).map(|t| session_csrf(st, &t));
    let pre = cookie(headers, PRE_SESSION_COOKIE).filter(|v| v.len() == 32);
    let ok = submitted.is_some_and(|s| [session, pre].into_iter().flatten().any(|e| same(&e, s)));
    if ok {
        Ok(())
    } else {
        Err(layout::error_page(
            StatusCode::FORBIDDEN,
            "表单已失效",
            "表单校验码不符（页面可能已过期，或请求并非来自本系统）。请返回上一页刷新后重新提交。",
        ))
    }
}

/// The pre-session CSRF value for forms shown before login, creating the cookie when absent.
pub fn pre_session(headers: &HeaderMap) -> (String, Option<String>) {
    if let Some(v) = cookie(headers, PRE_SESSION_COOKIE).filter(|v| v.len() == 32) {
        return (v, None);
    }
    let mut b = [0u8; 16];
    getrandom::fill(&mut b).expect("system randomness");
    let v = hex::encode(b);
    let set = format!("{PRE_SESSION_COOKIE}={v}; HttpOnly; SameSite=Strict; Path=/; Max-Age=86400");
    (v, Some(set))
}

#[derive(Deserialize, Default)]
pub struct NextParam {
    pub next: Option<String>,
}

fn safe_next(next: Option<&str>) -> String {
    match next {
        Some(n) if n.starts_with('/') && !n.starts_with("//") && !n.contains('\\') => n.to_string(),
        _ => "/inbox".into(),
    }
}

fn login_form(csrf: &str, next: &str, username: &str, error: Option<&str>) -> maud::Markup {
    html! {
        div class="login-wrap" {
            section class="card login" aria-labelledby="login-title" {
                h1 id="login-title" { "联办 · 政法跨部门办案平台" }
                p class="muted" { "公安、检察、法院、司法行政、政法委协同办案" }
                @if let Some(e) = error {
                    div class="flash error" role="alert" id="login-error" { (e) }
                }
                form method="post" action="/login" {
                    input type="hidden" name="csrf" value=(csrf);
                    input type="hidden" name="next" value=(next);
                    div class="field" {
                        label for="username" { "用户名" }
                        input id="username" name="username" type="text" autocomplete="username" required autofocus value=(username);
                    }
                    div class="field" {
                        label for="password" { "密码" }
                        input id="password" name="password" type="password" autocomplete="current-password" required;
                    }
                    div class="field" {
                        label for="totp" { "动态验证码" span class="small muted" { "（已绑定动态口令的账号填写，六位数字）" } }
                        input id="totp" name="totp" type="text" inputmode="numeric" autocomplete="one-time-code" pattern="[0-9 ]{6,7}" maxlength="7";
                    }
                    button type="submit" class="primary wide" { "登录" }
                }
                p class="muted small" {
                    "当事人、律师查询案件进度请使用 " a href="/public" { "公众查询" } "。"
                }
            }
        }
    }
}

/// `GET /login`
pub async fn login_page(headers: HeaderMap, axum::extract::Query(q): axum::extract::Query<NextParam>) -> Response {
    let (csrf, set) = pre_session(&headers);
    let next = safe_next(q.next.as_deref());
    let page = Page::bare("登录").render(login_form(&csrf, &next, "", None));
    with_cookie(page, set)
}

pub fn with_cookie(resp: impl IntoResponse, set: Option<String>) -> Response {
    let mut r = resp.into_response();
    if let Some(Ok(v)) = set.map(|c| c.parse()) {
        r.headers_mut().append(header::SET_COOKIE, v);
    }
    r
}

#[derive(Deserialize)]
pub struct LoginForm {
    pub username: String,
    pub password: String,
    pub csrf: Option<String>,
    pub next: Option<String>,
    /// The TOTP code, for accounts with a second factor.
    #[serde(default)]
    pub totp: Option<String>,
}

/// `POST /login`: checks the password, starts a session, sets the cookie.
pub async fn login(State(st): State<AppState>, headers: HeaderMap, Form(f): Form<LoginForm>) -> Response {
    if let Err(r) = check_csrf(&st, &headers, f.csrf.as_deref()) {
        return r;
    }
    let next = safe_next(f.next.as_deref());
    let refuse = |msg: &str| {
        let (csrf, set) = pre_session(&headers);
        let page = Page::bare("登录").render(login_form(&csrf, &next, &f.username, Some(msg)));
        with_cookie((StatusCode::UNAUTHORIZED, page), set)
    };
    // The same check as the API: lockout after repeated failures (audited), the second factor.
    let totp: Option<String> = f.totp.as_deref().map(|t| t.chars().filter(|c| !c.is_whitespace()).collect()).filter(|t: &String| !t.is_empty());
    let user = match auth::authenticate(&st, f.username.trim(), &f.password, totp.as_deref()).await {
        Ok(u) => u,
        Err(e) if e.status.is_client_error() => return refuse(&e.message),
        Err(e) => return layout::api_error_page(e),
    };
    let (token, token_hash) = auth::new_token();
    if let Err(e) = st.store.create_session(&token_hash, &user.id, Duration::hours(12)).await {
        return layout::api_error_page(e.into());
    }
    let cookie = format!("{}={token}; HttpOnly; SameSite=Strict; Path=/; Max-Age=43200", auth::SESSION_COOKIE);
    let next = if next == "/inbox" && st.store.directory().org(&user.org).is_some_and(|o| o.kind == domain::AgencyKind::Committee) {
        "/dashboard".to_string()
    } else {
        next
    };
    with_cookie(Redirect::to(&next), Some(cookie))
}

#[derive(Deserialize)]
pub struct CsrfOnly {
    pub csrf: Option<String>,
}

/// `POST /logout`
pub async fn logout(State(st): State<AppState>, headers: HeaderMap, Form(f): Form<CsrfOnly>) -> Response {
    if let Err(r) = check_csrf(&st, &headers, f.csrf.as_deref()) {
        return r;
    }
    if let Some(t) = cookie(&headers, auth::SESSION_COOKIE) {
        let _ = st.store.delete_session(&auth::token_hash(&t)).await;
    }
    let clear = format!("{}=; HttpOnly; SameSite=Strict; Path=/; Max-Age=0", auth::SESSION_COOKIE);
    with_cookie(Redirect::to("/login"), Some(clear))
}
