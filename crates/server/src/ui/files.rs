//! Electronic case files on the case page: the items the user's organization may read, its
//! volumes, the case's sealed legal documents — each with its seal checked on the server — an
//! upload form (resumable, chunked, with a progress bar; `app.js` drives the files API), and an
//! online viewer that shows PDFs and images inline from the range-serving content route.
//!
//! Everything here reads through the same store functions and the same rules as the files API
//! (`files_api::may_read_file`: the gate's case-file decision, then own items or a manifest).

use super::layout::{self, Nav, Page, china_time, org_name, user_name};
use super::session::{UiUser, check_csrf, urlencode};
use crate::error::ApiError;
use crate::{AppState, gate};
use axum::extract::{Form, Path, State};
use axum::http::{HeaderMap, StatusCode};
use std::collections::HashMap;
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
            p class="small" { a href=(format!("/cases/{}/files", urlencode(case_id))) id="files-manage" { "卷宗管理：建卷、调整卷内顺序、移送清单" } }
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

// ---------- volumes and transfer manifests (卷宗管理) ----------

#[derive(serde::Deserialize, Default)]
pub struct FilesParams {
    done: Option<String>,
}

/// Current versions among the items (a corrected item's older versions are left out).
fn current(files: Vec<CaseFile>) -> Vec<CaseFile> {
    let superseded: std::collections::BTreeSet<String> = files.iter().filter_map(|f| f.supersedes.clone()).collect();
    files.into_iter().filter(|f| !superseded.contains(&f.id)).collect()
}

/// The volumes and items ticked in an action form (`mfv_<volume>`, `mff_<file>`), in id order.
pub fn manifest_picks(f: &HashMap<String, String>) -> (Vec<String>, Vec<String>) {
    let pick = |prefix: &str| {
        let mut v: Vec<String> = f.iter().filter(|(k, v)| k.starts_with(prefix) && v.as_str() == "1").map(|(k, _)| k[prefix.len()..].to_string()).collect();
        v.sort();
        v
    };
    (pick("mfv_"), pick("mff_"))
}

/// Inside the forms that send the case file on: what travels with it. Every volume of the
/// organization and every item outside them is ticked; the ticked ones are frozen as the
/// manifest of the action's event, and the receiver reads exactly those versions.
pub async fn manifest_choice(st: &AppState, u: &UiUser, raw: &domain::CaseState, kind: &str) -> Result<Markup, Response> {
    let files = current(readable_files(st, u, &raw.id).await?);
    let volumes = st.store.case_volumes(&raw.id, Some(&u.cu.org.id)).await.map_err(err)?;
    let in_volume: std::collections::BTreeSet<&str> = volumes.iter().flat_map(|v| v.items.iter().map(|i| i.file_id.as_str())).collect();
    let loose: Vec<&CaseFile> = files.iter().filter(|f| !in_volume.contains(f.id.as_str())).collect();
    Ok(html! {
        fieldset class="manifest-choice" id=(format!("manifest-{kind}")) {
            legend { "随案移送的材料" }
            @if volumes.is_empty() && loose.is_empty() {
                p class="small muted" { "本单位尚无卷宗材料可随案移送。" a href=(format!("/cases/{}/files", urlencode(&raw.id))) { "卷宗管理" } }
            } @else {
                @for v in &volumes {
                    div class="field check" {
                        input type="checkbox" id=(format!("{kind}-mfv-{}", v.id)) name=(format!("mfv_{}", v.id)) value="1" checked;
                        label for=(format!("{kind}-mfv-{}", v.id)) { "卷：" (v.title) "（" (v.items.len()) "件）" }
                    }
                }
                @for f in &loose {
                    div class="field check" {
                        input type="checkbox" id=(format!("{kind}-mff-{}", f.id)) name=(format!("mff_{}", f.id)) value="1" checked;
                        label for=(format!("{kind}-mff-{}", f.id)) { (f.title) }
                    }
                }
                p class="small muted" { "提交后，所选材料冻结为本次移送的清单（记录文件摘要），接收单位只能查阅清单中的这些文件版本。" }
            }
        }
    })
}

/// `GET /cases/{id}/files`: volumes in order, their catalogues, the manifests sent and received.
pub async fn page(State(st): State<AppState>, u: UiUser, Path(id): Path<String>, axum::extract::Query(q): axum::extract::Query<FilesParams>) -> PageResult {
    let flash = match q.done.as_deref() {
        Some("volume") => Some((true, "已建卷，卷内目录已保存并记入卷宗记录。".to_string())),
        Some("items") => Some((true, "卷内目录已保存，调整已记入卷宗记录。".to_string())),
        Some("manifest") => Some((true, "移送清单已冻结，接收单位可以查阅清单中的材料。".to_string())),
        _ => None,
    };
    files_page(&st, &u, &id, flash, StatusCode::OK).await
}

async fn files_page(st: &AppState, u: &UiUser, id: &str, flash: Option<(bool, String)>, status: StatusCode) -> PageResult {
    let why = "GET /cases/{id}/files (web)";
    let (raw, facts) = gate::authorize(st, &u.cu, id, crate::policy::GateAction::ReadCase, why).await.map_err(layout::api_error_page)?;
    let mut s = raw.clone();
    gate::mask_case(&u.cu, &facts, &mut s);
    let dir = st.store.directory();
    let files = current(readable_files(st, u, id).await?);
    let scope = gate::list_scope(&u.cu);
    let volumes = st.store.case_volumes(id, scope.as_deref()).await.map_err(err)?;
    let manifests = st.store.case_manifests(id, scope.as_deref()).await.map_err(err)?;
    let events = st.store.case_events(id).await.map_err(err)?;
    let own = u.cu.org.id.clone();
    let may_edit = u.cu.org.kind != domain::AgencyKind::Committee;
    let event_label = |seq: u64| events.iter().find(|e| e.seq == seq).map(|e| e.action.label()).unwrap_or("—");
    let mut readable_ids = std::collections::BTreeSet::new();
    for m in &manifests {
        for i in &m.items {
            if let Some(f) = st.store.file(&i.file_id).await.map_err(err)?
                && crate::files_api::may_read_file(st, &u.cu, &raw, &f).await.map_err(IntoResponse::into_response)?
            {
                readable_ids.insert(i.file_id.clone());
            }
        }
    }
    let mut targets: Vec<&String> = facts.participants.iter().filter(|o| **o != own).collect();
    targets.sort();
    let csrf = &u.csrf;
    let case_q = urlencode(id);
    let body = html! {
        p { a href=(format!("/cases/{case_q}#files")) { "← 返回案件 " (id) } }
        h1 { "卷宗管理" span class="sub" { (s.title) " · " (id) } }
        @if let Some((ok, msg)) = flash {
            div class=(if ok { "flash ok" } else { "flash error" }) role=(if ok { "status" } else { "alert" }) id="flash" { (msg) }
        }
        section class="card" aria-labelledby="h-avail" {
            h2 id="h-avail" { "本单位可查阅的材料（" (files.len()) "）" }
            @if files.is_empty() {
                p class="muted" { "尚无材料。请在案件页上传。" }
            } @else {
                ol class="small" id="files-available" {
                    @for f in &files {
                        li { a href=(format!("/files/{}", urlencode(&f.id))) { (f.title) } " " span class="muted mono" { (f.id) } " · " span class="muted" { (org_name(&dir, &f.org)) } }
                    }
                }
            }
        }
        section class="card" aria-labelledby="h-volumes" id="volumes" {
            h2 id="h-volumes" { "卷宗（" (volumes.len()) "卷，按建卷顺序）" }
            @if volumes.is_empty() { p class="muted" id="volumes-empty" { "尚未建卷。" } }
            @for (n, v) in volumes.iter().enumerate() {
                div class="volume-card" id=(format!("volume-{}", v.id)) {
                    h3 { span class="tag" { "卷序 " (n + 1) } " " (v.title) span class="small muted" { " " (v.id) " · " (org_name(&dir, &v.org)) " · " (v.items.len()) "件" } }
                    @if v.org == own && may_edit {
                        form method="post" action=(format!("/cases/{case_q}/files/volumes/{}", urlencode(&v.id))) class="volume-items" {
                            input type="hidden" name="csrf" value=(csrf);
                            table class="small" {
                                thead { tr { th scope="col" { "序号" } th scope="col" { "材料" } th scope="col" { "移出本卷" } } }
                                tbody {
                                    @for i in &v.items {
                                        tr {
                                            td { input type="number" min="1" class="pos" name=(format!("pos_{}", i.file_id)) value=(i.position) aria-label=(format!("{}的序号", i.title)); }
                                            td { a href=(format!("/files/{}", urlencode(&i.file_id))) { (i.title) } }
                                            td { input type="checkbox" name=(format!("rm_{}", i.file_id)) value="1" aria-label=(format!("将{}移出本卷", i.title)); }
                                        }
                                    }
                                }
                            }
                            @let addable: Vec<&CaseFile> = files.iter().filter(|f| !v.items.iter().any(|i| i.file_id == f.id)).collect();
                            @if !addable.is_empty() {
                                div class="field" {
                                    label for=(format!("add-{}", v.id)) { "加入材料（排在最后）" }
                                    select id=(format!("add-{}", v.id)) name="add" {
                                        option value="" { "—" }
                                        @for f in addable { option value=(f.id) { (f.title) } }
                                    }
                                }
                            }
                            button type="submit" id=(format!("save-{}", v.id)) { "保存目录" }
                        }
                    } @else {
                        ol class="small" {
                            @for i in &v.items { li { (i.title) } }
                        }
                    }
                }
            }
            @if may_edit {
                form method="post" action=(format!("/cases/{case_q}/files/volumes")) id="volume-form" class="card-inner" {
                    h3 { "新建卷" }
                    input type="hidden" name="csrf" value=(csrf);
                    div class="field" {
                        label for="volume-title" { "卷名" }
                        input id="volume-title" name="title" type="text" required maxlength="200" placeholder="如：第一卷　诉讼文书卷";
                    }
                    @if files.is_empty() {
                        p class="small muted" { "可先建空卷，上传材料后再加入。" }
                    } @else {
                        fieldset {
                            legend { "卷内材料（按勾选顺序编号，可在建卷后调整）" }
                            @for f in &files {
                                div class="field check" {
                                    input type="checkbox" id=(format!("vi-{}", f.id)) name=(format!("item_{}", f.id)) value="1";
                                    label for=(format!("vi-{}", f.id)) { (f.title) }
                                }
                            }
                        }
                    }
                    button type="submit" class="primary" id="volume-submit" { "建卷" }
                }
            }
        }
        section class="card" aria-labelledby="h-manifests" id="manifests" {
            h2 id="h-manifests" { "移送清单（" (manifests.len()) "）" }
            @if manifests.is_empty() { p class="muted" id="manifests-empty" { "本单位尚未发出或收到移送清单。" } }
            @for m in &manifests {
                div class="manifest" id=(format!("manifest-{}", m.id)) {
                    h3 {
                        (m.id) " "
                        @if m.from_org == own { span class="tag" { "本单位发出" } } @else if m.to_org == own { span class="tag" { "本单位收到" } }
                    }
                    p class="small" {
                        (org_name(&dir, &m.from_org)) " → " (org_name(&dir, &m.to_org))
                        @if let Some(seq) = m.event_seq { " · 随“" (event_label(seq)) "”（第" (seq) "项办案记录）" }
                        " · 冻结于 " (china_time(m.created_at)) " · " (user_name(&dir, &m.created_by))
                    }
                    p class="small mono muted" title="清单的 SHA-256" { "清单摘要 " (m.hash) }
                    ol class="small manifest-items" {
                        @for i in &m.items {
                            li {
                                @if let Some(vt) = &i.volume { span class="muted" { (vt) " 第" (i.position.unwrap_or(0)) "件：" } }
                                @if readable_ids.contains(&i.file_id) { a href=(format!("/files/{}", urlencode(&i.file_id))) { (i.title) } } @else { (i.title) }
                                " " span class="mono muted" { (size_label(i.size)) " · " (&i.sha256[..i.sha256.len().min(12)]) "…" }
                            }
                        }
                    }
                }
            }
            @if may_edit && (!files.is_empty() || volumes.iter().any(|v| v.org == own)) && !targets.is_empty() {
                form method="post" action=(format!("/cases/{case_q}/files/manifests")) id="manifest-form" class="card-inner" data-confirm="冻结后清单不能修改，接收单位将可以查阅清单中的材料。确认冻结？" {
                    h3 { "补充冻结移送清单" }
                    p class="small muted" { "办理提请批准逮捕、移送审查起诉、提起公诉时，可在办理表单中直接勾选随案材料；此处用于补充移送。" }
                    input type="hidden" name="csrf" value=(csrf);
                    div class="field" {
                        label for="mf-to" { "接收单位" }
                        select id="mf-to" name="to_org" required {
                            @for o in &targets { option value=(o) { (org_name(&dir, o)) } }
                        }
                    }
                    div class="field" {
                        label for="mf-event" { "随哪一项办案记录移送" }
                        select id="mf-event" name="event_seq" {
                            option value="" { "不关联" }
                            @for e in events.iter().filter(|e| e.actor.org == own).rev() {
                                option value=(e.seq) { "第" (e.seq) "项：" (e.action.label()) "（" (china_time(e.at)) "）" }
                            }
                        }
                    }
                    @for v in volumes.iter().filter(|v| v.org == own) {
                        div class="field check" {
                            input type="checkbox" id=(format!("mf-v-{}", v.id)) name=(format!("mfv_{}", v.id)) value="1";
                            label for=(format!("mf-v-{}", v.id)) { "卷：" (v.title) "（" (v.items.len()) "件）" }
                        }
                    }
                    @for f in &files {
                        div class="field check" {
                            input type="checkbox" id=(format!("mf-f-{}", f.id)) name=(format!("mff_{}", f.id)) value="1";
                            label for=(format!("mf-f-{}", f.id)) { (f.title) }
                        }
                    }
                    button type="submit" class="primary" id="manifest-submit" { "冻结清单" }
                }
            }
        }
    };
    Ok((status, Page::user("卷宗管理", u, Nav::Cases).render(body)).into_response())
}

fn actor(u: &UiUser) -> store::FileActor {
    store::FileActor { user: u.cu.user.id.clone(), org: u.cu.org.id.clone() }
}

/// A refused files form: the page again with the reason.
async fn files_refused(st: &AppState, u: &UiUser, id: &str, e: impl Into<ApiError>) -> PageResult {
    let e: ApiError = e.into();
    let msg = match &e.field {
        Some(f) => format!("未能保存：{}（{f}）", e.message),
        None => format!("未能保存：{}", e.message),
    };
    files_page(st, u, id, Some((false, msg)), StatusCode::UNPROCESSABLE_ENTITY).await
}

fn done(id: &str, what: &str, anchor: &str) -> Response {
    axum::response::Redirect::to(&format!("/cases/{}/files?done={what}#{anchor}", urlencode(id))).into_response()
}

/// The form checks of every files form: the CSRF token, the gate (absent if the case may not be
/// read), and that the committee only reads.
async fn files_form(st: &AppState, u: &UiUser, headers: &HeaderMap, id: &str, f: &HashMap<String, String>) -> Result<(), Response> {
    check_csrf(st, headers, f.get("csrf").map(String::as_str))?;
    gate::check_case(st, &u.cu, id).await.map_err(layout::api_error_page)?;
    if u.cu.org.kind == domain::AgencyKind::Committee {
        return Err(layout::error_page(StatusCode::FORBIDDEN, "无权操作", "政法委督查人员只能查阅卷宗。"));
    }
    Ok(())
}

/// `POST /cases/{id}/files/volumes`: a new volume with the ticked items, in list order.
pub async fn create_volume(State(st): State<AppState>, u: UiUser, headers: HeaderMap, Path(id): Path<String>, Form(f): Form<HashMap<String, String>>) -> PageResult {
    files_form(&st, &u, &headers, &id, &f).await?;
    let files = current(readable_files(&st, &u, &id).await?);
    let items: Vec<String> = files.iter().filter(|x| f.get(&format!("item_{}", x.id)).is_some_and(|v| v == "1")).map(|x| x.id.clone()).collect();
    let title = f.get("title").map(|t| t.trim().to_string()).unwrap_or_default();
    match st.store.create_volume(&id, &actor(&u), &title, &items).await {
        Ok(v) => Ok(done(&id, "volume", &format!("volume-{}", v.id))),
        Err(e) => files_refused(&st, &u, &id, e).await,
    }
}

/// `POST /cases/{id}/files/volumes/{vid}`: the catalogue in the order of the numbers given, less
/// the items taken out, plus the one added at the end.
pub async fn set_items(State(st): State<AppState>, u: UiUser, headers: HeaderMap, Path((id, vid)): Path<(String, String)>, Form(f): Form<HashMap<String, String>>) -> PageResult {
    files_form(&st, &u, &headers, &id, &f).await?;
    let nf = || layout::error_page(StatusCode::NOT_FOUND, "未找到", &format!("卷“{vid}”不存在或无权查看"));
    let v = st.store.volume(&vid).await.map_err(err)?.filter(|v| v.case_id == id && v.org == u.cu.org.id).ok_or_else(nf)?;
    let mut rows: Vec<(u64, u32, String)> = Vec::new();
    for i in &v.items {
        if f.get(&format!("rm_{}", i.file_id)).is_some_and(|x| x == "1") {
            continue;
        }
        let pos = match f.get(&format!("pos_{}", i.file_id)).map(|p| p.trim()).filter(|p| !p.is_empty()) {
            None => i.position as u64,
            Some(p) => match p.parse::<u64>() {
                Ok(n) => n,
                Err(_) => return files_refused(&st, &u, &id, ApiError::invalid(format!("pos_{}", i.file_id), format!("“{}”的序号应为正整数，收到“{p}”", i.title))).await,
            },
        };
        rows.push((pos, i.position, i.file_id.clone()));
    }
    rows.sort();
    let mut items: Vec<String> = rows.into_iter().map(|r| r.2).collect();
    if let Some(add) = f.get("add").map(|a| a.trim()).filter(|a| !a.is_empty())
        && !items.iter().any(|i| i == add)
    {
        items.push(add.to_string());
    }
    match st.store.set_volume_items(&vid, &actor(&u), &items).await {
        Ok(_) => Ok(done(&id, "items", &format!("volume-{vid}"))),
        Err(e) => files_refused(&st, &u, &id, e).await,
    }
}

/// `POST /cases/{id}/files/manifests`: freezes a manifest to another organization of the case.
pub async fn freeze(State(st): State<AppState>, u: UiUser, headers: HeaderMap, Path(id): Path<String>, Form(f): Form<HashMap<String, String>>) -> PageResult {
    files_form(&st, &u, &headers, &id, &f).await?;
    let to = f.get("to_org").map(|t| t.trim().to_string()).unwrap_or_default();
    let seq = match f.get("event_seq").map(|s| s.trim()).filter(|s| !s.is_empty()) {
        None => None,
        Some(s) => match s.parse::<u64>() {
            Ok(n) => Some(n),
            Err(_) => return files_refused(&st, &u, &id, ApiError::invalid("event_seq", format!("办案记录序号“{s}”无效"))).await,
        },
    };
    let (volumes, files) = manifest_picks(&f);
    match st.store.freeze_manifest(&id, &actor(&u), &to, seq, &volumes, &files).await {
        Ok(m) => Ok(done(&id, "manifest", &format!("manifest-{}", m.id))),
        Err(e) => files_refused(&st, &u, &id, e).await,
    }
}
