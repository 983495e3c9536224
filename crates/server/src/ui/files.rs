//! Electronic case files on the case page: the items the user's organization may read, its
//! volumes, the case's sealed legal documents — each with its seal checked on the server — an
//! upload form (resumable, chunked, with a progress bar; `app.js` drives the files API), and an
//! online viewer that shows PDFs and images inline from the range-serving content route.
//!
//! Everything here reads through the same store functions and the same rules as the files API
//! (`files_api::may_read_file`: the gate's case-file decision, then own items or a manifest).

use super::layout::{self, Nav, Page, china_time, org_name, user_name};
use super::session::{UiUser, urlencode};
use crate::error::ApiError;
use crate::{AppState, gate};
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use crypto::seal::SealedDocument;
use maud::{Markup, html};
use store::{CaseFile, FileCategory};

type PageResult = Result<Response, Response>;

fn err(e: impl Into<ApiError>) -> Response {
    layout::api_error_page(e.into())
}

/// `1.2 MB`, `340 KB`, `12 B`.
pub fn size_label(n: u64) -> String {
    const K: f64 = 1024.0;
    let f = n as f64;
    if f >= K * K * K {
        format!("{:.1} GB", f / (K * K * K))
    } else if f >= K * K {
        format!("{:.1} MB", f / (K * K))
    } else if f >= K {
        format!("{:.0} KB", f / K)
    } else {
        format!("{n} B")
    }
}

fn category_label(c: FileCategory) -> &'static str {
    match c {
        FileCategory::Pdf => "PDF",
        FileCategory::Image => "图片",
        FileCategory::Audio => "音频",
        FileCategory::Video => "视频",
        FileCategory::Office => "办公文档",
        FileCategory::Text => "文本",
        FileCategory::Other => "其他",
    }
}

/// The seal of a document checked against the platform's keys, as a short line.
async fn seal_line(st: &AppState, doc: Option<&SealedDocument>, id: &str) -> Markup {
    let Some(doc) = doc else {
        return html! { span class="seal-bad" id=(format!("seal-{id}")) { "无电子印章" } };
    };
    match st.store.check_seal(doc).await {
        Ok(c) if c.valid && c.key_registered => html! {
            span class="seal-ok" id=(format!("seal-{id}")) title=(format!("{} · 密钥指纹 {}", doc.seal.signature_algorithm, doc.seal.key_fingerprint)) {
                "✓ 电子印章验证通过（" (doc.document.org_name) "）"
            }
        },
        Ok(c) if c.valid => html! { span class="seal-bad" id=(format!("seal-{id}")) { "✗ 签名有效，但公钥不是平台登记的" (doc.document.org_name) "印章" } },
        Ok(c) => html! { span class="seal-bad" id=(format!("seal-{id}")) { "✗ 电子印章验证失败：" (c.error.unwrap_or_default()) } },
        Err(e) => html! { span class="seal-bad" id=(format!("seal-{id}")) { "无法验证电子印章：" (e.to_string()) } },
    }
}

/// The items the user may read, newest version of each lineage first within upload order.
async fn readable_files(st: &AppState, u: &UiUser, case_id: &str) -> Result<Vec<CaseFile>, Response> {
    let Some(case) = st.store.case(case_id).await.map_err(err)? else { return Ok(vec![]) };
    let mut out = Vec::new();
    for f in st.store.case_files(case_id).await.map_err(err)? {
        if crate::files_api::may_read_file(st, &u.cu, &case, &f).await.map_err(IntoResponse::into_response)? {
            out.push(f);
        }
    }
    Ok(out)
}

/// An RFC 3339 time from a seal, in Beijing time (as stored when it cannot be read).
fn rfc3339_local(s: &str) -> String {
    chrono::DateTime::parse_from_rfc3339(s).map_or_else(|_| s.to_string(), |t| china_time(t.with_timezone(&chrono::Utc)))
}

fn viewable(f: &CaseFile) -> bool {
    f.content_available && matches!(f.category, FileCategory::Pdf | FileCategory::Image | FileCategory::Text | FileCategory::Audio | FileCategory::Video)
}

/// The case page's files part: items, volumes, sealed documents, and the upload form.
pub async fn case_section(st: &AppState, u: &UiUser, case_id: &str) -> Result<Markup, Response> {
    let dir = st.store.directory();
    let files = readable_files(st, u, case_id).await?;
    let mut file_seals = Vec::with_capacity(files.len());
    for f in &files {
        let seal = st.store.file_seal(&f.id).await.map_err(err)?;
        file_seals.push(seal_line(st, seal.as_ref(), &f.id).await);
    }
    let scope = gate::list_scope(&u.cu);
    let volumes = st.store.case_volumes(case_id, scope.as_deref()).await.map_err(err)?;
    let docs = st.store.case_documents(case_id).await.map_err(err)?;
    let mut doc_seals = Vec::with_capacity(docs.len());
    for d in &docs {
        doc_seals.push(seal_line(st, Some(&d.document), &d.id).await);
    }
    let may_upload = u.cu.org.kind != domain::AgencyKind::Committee;
    Ok(html! {
        section class="card" aria-labelledby="h-files" id="files" {
            h2 id="h-files" { "电子卷宗（" (files.len()) "）" }
            @if files.is_empty() {
                p class="muted" id="files-empty" { "本单位尚无可查阅的卷宗材料。" }
            } @else {
                ul class="plain files" id="file-list" {
                    @for (f, seal) in files.iter().zip(&file_seals) {
                        li id=(format!("file-{}", f.id)) {
                            div {
                                strong class="file-title" { (f.title) }
                                " " span class="tag" { (category_label(f.category)) }
                                @if f.version > 1 { " " span class="tag" { "第" (f.version) "版" } }
                                " · " span class="small muted" { (size_label(f.size)) " · " (org_name(&dir, &f.org)) " " (user_name(&dir, &f.uploaded_by)) " · " (china_time(f.uploaded_at)) }
                            }
                            @if let Some(r) = &f.reason { div class="small" { "更正理由：" (r) } }
                            div class="small" {
                                (seal.clone())
                                " · "
                                @if f.content_available {
                                    a href=(format!("/files/{}", urlencode(&f.id))) class="view-link" { "在线查看" }
                                    " · "
                                    a href=(format!("/api/v1/files/{}/content", urlencode(&f.id))) download=(f.title) { "下载" }
                                } @else {
                                    span class="warn" { "内容已依法院命令封存" }
                                }
                            }
                            div class="small mono muted" title="SHA-256" { "SHA-256 " (&f.sha256[..f.sha256.len().min(16)]) "…" }
                        }
                    }
                }
            }
            @if !volumes.is_empty() {
                h3 { "卷宗目录" }
                @for v in &volumes {
                    details class="volume" {
                        summary { (v.title) "（" (v.items.len()) "件）" span class="small muted" { " " (org_name(&dir, &v.org)) } }
                        ol class="small" {
                            @for i in &v.items { li { a href=(format!("/files/{}", urlencode(&i.file_id))) { (i.title) } } }
                        }
                    }
                }
            }
            @if may_upload {
                form class="upload-form" id="upload-form" data-case=(case_id) data-csrf=(u.csrf) action="#" {
                    h3 { "上传卷宗材料" }
                    div class="field" {
                        label for="upload-file" { "选择文件" }
                        input id="upload-file" name="file" type="file" required;
                    }
                    div class="field" {
                        label for="upload-title" { "材料名称（默认为文件名）" }
                        input id="upload-title" name="title" type="text" maxlength="200";
                    }
                    progress id="upload-progress" max="100" value="0" hidden {}
                    p class="small muted" id="upload-status" role="status" aria-live="polite" { "大文件分块上传，网络中断后可重新选择同一文件续传。" }
                    noscript { p class="small warn" { "上传需要启用浏览器脚本。" } }
                    button type="submit" class="primary" id="upload-submit" { "上传" }
                }
            }
        }
        section class="card" aria-labelledby="h-sealed" id="sealed" {
            h2 id="h-sealed" { "法律文书电子印章（" (docs.iter().filter(|d| d.latest).count()) "）" }
            @if docs.is_empty() {
                p class="muted" { "本案尚未制作法律文书。" }
            } @else {
                ul class="plain files" id="sealed-list" {
                    @for (d, seal) in docs.iter().zip(&doc_seals) {
                        li id=(format!("sealed-{}", d.id)) class=[(!d.latest).then_some("muted")] {
                            div {
                                strong { (d.document.document.kind_label) }
                                " " span class="small mono" { (d.number) }
                                @if d.version > 1 { " " span class="tag" { "更正第" (d.version) "版" } }
                                @if !d.latest { " " span class="tag" { "已被更正" } }
                            }
                            div class="small muted" { (d.document.document.org_name) " · " (d.document.document.signer_name) " · 盖章于 " (rfc3339_local(&d.document.seal.sealed_at)) }
                            @if let Some(r) = &d.document.document.reason { div class="small" { "更正理由：" (r) } }
                            div class="small" {
                                (seal.clone()) " · "
                                a href=(format!("/api/v1/cases/{}/documents/{}?version={}", urlencode(case_id), urlencode(&d.number), d.version)) { "下载盖章文书" }
                            }
                        }
                    }
                }
            }
        }
    })
}

/// `GET /files/{fid}`: the online viewer — the item inline (PDF, image, text, audio, video)
/// from the range-serving content route, its seal checked, and its versions.
pub async fn view(State(st): State<AppState>, u: UiUser, Path(fid): Path<String>) -> PageResult {
    let nf = || layout::error_page(StatusCode::NOT_FOUND, "未找到", &format!("文件“{fid}”不存在或无权查看"));
    let f = st.store.file(&fid).await.map_err(err)?.ok_or_else(nf)?;
    let case = gate::check(&st, &u.cu, &f.case_id, crate::policy::GateAction::ReadCase, "文件查看").await.map_err(|_| nf())?;
    if !crate::files_api::may_read_file(&st, &u.cu, &case, &f).await.map_err(IntoResponse::into_response)? {
        return Err(nf());
    }
    let dir = st.store.directory();
    let seal = st.store.file_seal(&f.id).await.map_err(err)?;
    let seal_html = seal_line(&st, seal.as_ref(), &f.id).await;
    let mut versions = Vec::new();
    for v in st.store.file_versions(&f.lineage).await.map_err(err)? {
        if crate::files_api::may_read_file(&st, &u.cu, &case, &v).await.map_err(IntoResponse::into_response)? {
            versions.push(v);
        }
    }
    let src = format!("/api/v1/files/{}/content", urlencode(&f.id));
    let body = html! {
        p { a href=(format!("/cases/{}#files", urlencode(&f.case_id))) { "← 返回案件 " (f.case_id) } }
        h1 { (f.title) span class="sub" { (category_label(f.category)) " · " (size_label(f.size)) } }
        section class="card" aria-labelledby="h-file-meta" {
            h2 id="h-file-meta" class="visually-hidden" { "文件信息" }
            p id="file-seal" { (seal_html) }
            p class="small muted" {
                "上传：" (org_name(&dir, &f.org)) " " (user_name(&dir, &f.uploaded_by)) " · " (china_time(f.uploaded_at))
                @if let Some(p) = f.pages { " · " (p) "页" }
            }
            p class="small mono muted" { "SHA-256 " (f.sha256) }
            @if let Some(r) = &f.reason { p class="small" { "更正理由：" (r) } }
        }
        section class="card viewer" aria-label="在线查看" id="viewer" {
            @if !f.content_available {
                p class="warn" { "该文件内容已依法院命令封存，仅保留其摘要和记录。" }
            } @else if !viewable(&f) {
                p class="muted" { "该类型文件不能在线查看，请" a href=(src) download=(f.title) { "下载" } "后查看。" }
            } @else {
                @match f.category {
                    FileCategory::Pdf => iframe id="viewer-frame" src=(src) title=(f.title) class="viewer-frame" {},
                    FileCategory::Image => img id="viewer-image" src=(src) alt=(f.title) class="viewer-image";,
                    FileCategory::Audio => audio id="viewer-audio" src=(src) controls preload="metadata" {},
                    FileCategory::Video => video id="viewer-video" src=(src) controls preload="metadata" class="viewer-image" {},
                    _ => iframe id="viewer-frame" src=(src) title=(f.title) class="viewer-frame" {},
                }
                p class="small" { a href=(src) download=(f.title) { "下载原文件" } }
            }
        }
        @if versions.len() > 1 {
            section class="card" aria-labelledby="h-versions" {
                h2 id="h-versions" { "版本（" (versions.len()) "）" }
                ol class="small" {
                    @for v in &versions {
                        li {
                            @if v.id == f.id { strong { "第" (v.version) "版（当前）" } } @else { a href=(format!("/files/{}", urlencode(&v.id))) { "第" (v.version) "版" } }
                            " · " (china_time(v.uploaded_at)) @if let Some(r) = &v.reason { " · " (r) }
                        }
                    }
                }
            }
        }
    };
    Ok(Page::user(&f.title, &u, Nav::Cases).render(body).into_response())
}
