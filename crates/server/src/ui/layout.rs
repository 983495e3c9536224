//! The page shell (header, navigation, skip link), error pages and formatting helpers.

use super::session::UiUser;
use crate::error::ApiError;
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Response};
use chrono::{DateTime, NaiveDate, Utc};
use domain::{AgencyKind, Directory, Role};
use maud::{DOCTYPE, Markup, html};

/// Which navigation entry a page belongs to.
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum Nav {
    None,
    Inbox,
    Cases,
    NewCase,
    Dashboard,
    Public,
}

pub struct Page<'a> {
    title: &'a str,
    user: Option<&'a UiUser>,
    nav: Nav,
}

impl<'a> Page<'a> {
    pub fn bare(title: &'a str) -> Self {
        Self { title, user: None, nav: Nav::None }
    }
    pub fn public(title: &'a str) -> Self {
        Self { title, user: None, nav: Nav::Public }
    }
    pub fn user(title: &'a str, user: &'a UiUser, nav: Nav) -> Self {
        Self { title, user: Some(user), nav }
    }

    pub fn render(&self, body: Markup) -> Html<String> {
        let link = |nav: Nav, href: &str, label: &str| {
            html! {
                a href=(href) aria-current=[(self.nav == nav).then_some("page")] { (label) }
            }
        };
        let page = html! {
            (DOCTYPE)
            html lang="zh-CN" data-now=(self.user.map_or_else(Utc::now, |u| u.now).to_rfc3339()) {
                head {
                    meta charset="utf-8";
                    meta name="viewport" content="width=device-width, initial-scale=1";
                    title { (self.title) " · 联办" }
                    link rel="stylesheet" href="/static/app.css";
                    script src="/static/app.js" defer {}
                }
                body {
                    a class="skip" href="#main" { "跳到正文" }
                    header class="topbar" {
                        a class="brand" href="/" { span class="seal" aria-hidden="true" { "联" } "联办" }
                        nav aria-label="主导航" {
                            @if let Some(u) = self.user {
                                @if u.cu.org.kind != AgencyKind::Committee {
                                    (link(Nav::Inbox, "/inbox", "收件箱"))
                                }
                                (link(Nav::Cases, "/cases", if u.cu.org.kind == AgencyKind::Committee { "全部案件" } else { "我的案件" }))
                                @if u.cu.org.kind == AgencyKind::Police {
                                    (link(Nav::NewCase, "/cases/new", "立案"))
                                }
                                @if u.cu.org.kind == AgencyKind::Committee || u.cu.user.role == Role::Leader {
                                    (link(Nav::Dashboard, "/dashboard", "督办看板"))
                                }
                            } @else {
                                (link(Nav::Public, "/public", "公众查询"))
                                a href="/login" { "工作人员登录" }
                            }
                        }
                        @if let Some(u) = self.user {
                            div class="who" {
                                span class="who-name" { (u.cu.user.name) " · " (u.cu.user.role.label()) }
                                span class="who-org" { (u.cu.org.name) }
                                form method="post" action="/logout" class="inline" {
                                    input type="hidden" name="csrf" value=(u.csrf);
                                    button type="submit" class="link" { "退出" }
                                }
                            }
                        }
                    }
                    main id="main" tabindex="-1" { (body) }
                    footer class="foot" { "联办 · 全程留痕，不可篡改 · 时间均为北京时间" }
                }
            }
        };
        Html(page.into_string())
    }
}

/// A page that explains what went wrong, in Chinese.
pub fn error_page(status: StatusCode, title: &str, message: &str) -> Response {
    let body = html! {
        section class="card narrow" {
            h1 { (title) }
            p class="flash error" role="alert" { (message) }
            p { a href="javascript:history.back()" { "返回上一页" } " · " a href="/" { "回到首页" } }
        }
    };
    (status, Page::bare(title).render(body)).into_response()
}

pub fn api_error_page(e: ApiError) -> Response {
    let title = match e.status {
        StatusCode::NOT_FOUND => "未找到",
        StatusCode::FORBIDDEN => "无权操作",
        StatusCode::UNAUTHORIZED => "请先登录",
        s if s.is_server_error() => "系统错误",
        _ => "无法办理",
    };
    let msg = match &e.citation {
        Some(c) if !e.message.contains(c.as_str()) => format!("{}（依据{}）", e.message, c),
        _ => e.message.clone(),
    };
    error_page(e.status, title, &msg)
}

pub fn china_time(t: DateTime<Utc>) -> String {
    t.with_timezone(&domain::period::china()).format("%Y-%m-%d %H:%M").to_string()
}

pub fn china_date(t: DateTime<Utc>) -> String {
    t.with_timezone(&domain::period::china()).format("%Y-%m-%d").to_string()
}

pub fn date(d: NaiveDate) -> String {
    d.format("%Y-%m-%d").to_string()
}

pub fn org_name(dir: &Directory, id: &str) -> String {
    dir.org(id).map(|o| o.name.clone()).unwrap_or_else(|| id.to_string())
}

pub fn user_name(dir: &Directory, id: &str) -> String {
    dir.user(id).map(|u| u.name.clone()).unwrap_or_else(|| id.to_string())
}

/// `110105********002X`: the middle of an identity card number hidden on screen.
pub fn mask_id_card(s: &str) -> String {
    if s.len() != 18 || !s.is_ascii() {
        return "（号码格式异常）".into();
    }
    format!("{}********{}", &s[..6], &s[14..])
}

/// Days left shown in words.
pub fn days_left_label(days: i64, overdue: bool) -> String {
    if overdue {
        "已超期".into()
    } else if days == 0 {
        "今日届满".into()
    } else if days > 0 {
        format!("剩余{days}日")
    } else {
        format!("已过{}日", -days)
    }
}
