//! The OpenAPI 3 document of the JSON API, served at `GET /api/openapi.json`.
//!
//! Hand-written with `serde_json` (no macros): the table [`ENDPOINTS`] lists every operation, and
//! the component schemas mirror the request types (`deny_unknown_fields` → `additionalProperties:
//! false`). `tests/openapi.rs` keeps it in sync: every documented path answers, every answering
//! `/api/v1` path is documented, and every `Action` variant has a schema its sample validates
//! against.

use axum::Json;
use serde_json::{json, Map, Value};

/// One operation: method, path (OpenAPI template, `/api/v1/...` or `/healthz`), tag, summary,
/// request body schema (component name), query parameters, success status, whether a bearer
/// token is required, and the kind of success body.
pub struct Endpoint {
    pub method: &'static str,
    pub path: &'static str,
    pub tag: &'static str,
    pub summary: &'static str,
    pub body: Body,
    pub query: &'static [Param],
    pub status: u16,
    pub auth: bool,
    pub response: Resp,
}

/// What an operation reads from the request body.
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum Body {
    None,
    /// A JSON object of this component schema.
    Json(&'static str),
    /// An optional JSON object of this component schema (an empty body is accepted).
    OptionalJson(&'static str),
    /// Raw bytes (`application/octet-stream`), streamed.
    Bytes,
}

/// What an operation answers on success.
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum Resp {
    /// A JSON object (shape described in the summary; see the component if named).
    Object,
    Schema(&'static str),
    /// No content.
    Empty,
    /// File bytes.
    Bytes,
    /// JSON, or CSV with `format=csv`.
    JsonOrCsv,
    /// Server-sent events.
    EventStream,
}

/// A query parameter: name, JSON schema type, required, description.
pub struct Param(pub &'static str, pub &'static str, pub bool, pub &'static str);

const CURSOR_CASES: &[Param] = &[
    Param("stage", "string", false, "阶段代码（investigation、prosecution_review……）"),
    Param("charge", "string", false, "罪名"),
    Param("q", "string", false, "全文检索（案名、案情）"),
    Param("holder", "string", false, "`mine`：只列本单位当前承办的案件"),
    Param("cursor", "string", false, "游标：上一页的 `next_cursor`"),
    Param("limit", "integer", false, "每页条数，1至500，默认50"),
];
const SUPERVISION_LIST: &[Param] = &[
    Param("org", "string", false, "单位"),
    Param("case_id", "string", false, "案件"),
    Param("kind", "string", false, "预警：warning | alarm；发现：规则代码；通知：warning | alarm | finding"),
    Param("acknowledged", "boolean", false, "是否已处理"),
    Param("after", "integer", false, "游标：编号大于此值的记录（上一页的 `next_cursor`）"),
    Param("limit", "integer", false, "每页条数，1至1000，默认200"),
];

macro_rules! ep {
    ($m:literal $p:literal, $tag:literal, $sum:literal, $body:expr, $q:expr, $st:literal, $auth:literal, $resp:expr) => {
        Endpoint { method: $m, path: $p, tag: $tag, summary: $sum, body: $body, query: $q, status: $st, auth: $auth, response: $resp }
    };
}

use Body::{Bytes as BodyBytes, Json as B, None as NoBody, OptionalJson};
use Resp::{Bytes as RespBytes, Empty, EventStream, JsonOrCsv, Object, Schema};

/// Every operation of the JSON API.
pub const ENDPOINTS: &[Endpoint] = &[
    ep!("get" "/healthz", "system", "健康检查：状态与事件数", NoBody, &[], 200, false, Object),
    // Session and identity.
    ep!("post" "/api/v1/session", "session", "登录：返回令牌并设置会话 Cookie", B("LoginBody"), &[], 200, false, Object),
    ep!("delete" "/api/v1/session", "session", "退出登录", NoBody, &[], 204, false, Empty),
    ep!("get" "/api/v1/me", "session", "当前用户与单位", NoBody, &[], 200, true, Object),
    ep!("post" "/api/v1/me/totp", "session", "申请动态口令密钥（确认后启用）", NoBody, &[], 200, true, Object),
    ep!("delete" "/api/v1/me/totp", "session", "停用动态口令", B("CodeBody"), &[], 204, true, Empty),
    ep!("post" "/api/v1/me/totp/confirm", "session", "以一次口令确认启用动态口令", B("CodeBody"), &[], 204, true, Empty),
    ep!("get" "/api/v1/organizations", "session", "单位名录", NoBody, &[], 200, true, Object),
    // Cases.
    ep!("get" "/api/v1/cases", "cases", "案件列表（游标分页，`next_cursor`）", NoBody, CURSOR_CASES, 200, true, Object),
    ep!("post" "/api/v1/cases", "cases", "立案（`action.type` = `register`）", B("CommandBody"), &[], 201, true, Schema("CommandResult")),
    ep!("get" "/api/v1/cases/{id}", "cases", "案件详情：状态、期限、待办", NoBody, &[], 200, true, Schema("CaseView")),
    ep!("post" "/api/v1/cases/{id}/actions", "cases", "对案件的其他操作", B("CommandBody"), &[], 200, true, Schema("CommandResult")),
    ep!("get" "/api/v1/cases/{id}/timeline", "cases", "案件时间线", NoBody, &[], 200, true, Object),
    ep!("get" "/api/v1/cases/{id}/deadlines", "cases", "案件期限", NoBody, &[], 200, true, Object),
    ep!("get" "/api/v1/inbox", "cases", "本单位待办（最早变动在前，每页至多 `limit` 条，`next_cursor` 续页）", NoBody, &[Param("limit", "integer", false, "最多返回条数，1至1000，默认50（按案件成页）"), Param("cursor", "string", false, "上一页的 next_cursor")], 200, true, Object),
    ep!("get" "/api/v1/deadlines", "cases", "即将到期或已超期的期限", NoBody, &[Param("within_days", "integer", false, "天数，0至366，默认7")], 200, true, Object),
    ep!("get" "/api/v1/stats/stages", "cases", "各阶段案件数", NoBody, &[], 200, true, Object),
    ep!("post" "/api/v1/cases/{id}/seal", "cases", "法院封存案件（CPL 286）", B("SealBody"), &[], 200, true, Object),
    ep!("get" "/api/v1/cases/{id}/access-log", "cases", "案件访问记录", NoBody, &[], 200, true, Object),
    // Assisted case handling (gated and masked like reading the case).
    ep!("get" "/api/v1/cases/{id}/suggestions", "assist", "辅助办案建议：罪名、法条、量刑参考、案情要素与涉案金额，均附理由（依读者可见的案情计算，仅供参考）", NoBody, &[], 200, true, Object),
    ep!("get" "/api/v1/cases/{id}/evidence-gaps", "assist", "证据缺项提示：按罪名证据清单核对本单位可查阅的卷宗材料名称（提示，不阻止移送）", NoBody, &[], 200, true, Object),
    // The event feed.
    ep!("get" "/api/v1/feed", "feed", "事件流（长轮询，游标 `after`，返回 `next`）", NoBody,
        &[Param("after", "integer", false, "游标：上次返回的 `next`"), Param("wait", "integer", false, "无新事件时最多等待的秒数（至60）"), Param("limit", "integer", false, "条数，1至1000，默认100")], 200, true, Object),
    ep!("get" "/api/v1/feed/stream", "feed", "事件流（server-sent events，`Last-Event-ID` 续传）", NoBody, &[Param("after", "integer", false, "游标")], 200, true, EventStream),
    ep!("post" "/api/v1/feed/ack", "feed", "保存本单位消费者的游标", B("AckBody"), &[], 200, true, Object),
    ep!("get" "/api/v1/feed/consumers", "feed", "本单位的消费者及其滞后", NoBody, &[Param("threshold", "integer", false, "滞后告警阈值（默认1000）")], 200, true, Object),
    // Files.
    ep!("post" "/api/v1/cases/{id}/files", "files", "上传卷宗文件（请求体为文件内容）", BodyBytes,
        &[Param("title", "string", true, "标题"), Param("pages", "integer", false, "页数"), Param("person", "integer", false, "涉及的人员序号"), Param("evidence", "string", false, "证据种类")], 201, true, Object),
    ep!("get" "/api/v1/cases/{id}/files", "files", "案件文件列表", NoBody, &[], 200, true, Object),
    ep!("post" "/api/v1/cases/{id}/uploads", "files", "开始分块上传", B("BeginUpload"), &[], 201, true, Object),
    ep!("get" "/api/v1/uploads/{uid}", "files", "分块上传状态", NoBody, &[], 200, true, Object),
    ep!("put" "/api/v1/uploads/{uid}", "files", "上传一块（请求体为内容）", BodyBytes, &[Param("offset", "integer", true, "本块起始偏移")], 200, true, Object),
    ep!("post" "/api/v1/uploads/{uid}/complete", "files", "完成分块上传", OptionalJson("CompleteBody"), &[], 201, true, Object),
    ep!("post" "/api/v1/files/{fid}/versions", "files", "更正文件（新版本，请求体为内容）", BodyBytes,
        &[Param("reason", "string", true, "更正理由"), Param("title", "string", false, "新标题"), Param("pages", "integer", false, "页数")], 201, true, Object),
    ep!("get" "/api/v1/files/{fid}", "files", "文件信息", NoBody, &[], 200, true, Object),
    ep!("get" "/api/v1/files/{fid}/content", "files", "文件内容（支持 Range）", NoBody, &[], 200, true, RespBytes),
    ep!("get" "/api/v1/files/{fid}/seal", "files", "文件的电子签章", NoBody, &[], 200, true, Object),
    ep!("post" "/api/v1/files/{fid}/purge", "files", "法院命令封存内容", B("PurgeBody"), &[], 200, true, Object),
    ep!("get" "/api/v1/cases/{id}/volumes", "files", "卷列表", NoBody, &[], 200, true, Object),
    ep!("post" "/api/v1/cases/{id}/volumes", "files", "新建卷", B("VolumeBody"), &[], 201, true, Object),
    ep!("put" "/api/v1/volumes/{vid}/items", "files", "设置卷内文件顺序", B("ItemsBody"), &[], 200, true, Object),
    ep!("get" "/api/v1/cases/{id}/manifests", "files", "移送清单列表", NoBody, &[], 200, true, Object),
    ep!("post" "/api/v1/cases/{id}/manifests", "files", "冻结移送清单", B("ManifestBody"), &[], 201, true, Object),
    ep!("get" "/api/v1/manifests/{mid}", "files", "移送清单", NoBody, &[], 200, true, Object),
    ep!("get" "/api/v1/cases/{id}/documents", "files", "法律文书列表", NoBody, &[], 200, true, Object),
    ep!("get" "/api/v1/cases/{id}/documents/{number}", "files", "签章文书（JSON）", NoBody, &[Param("version", "integer", false, "版本，默认最新")], 200, true, Object),
    ep!("post" "/api/v1/cases/{id}/documents/{number}/versions", "files", "更正文书", B("CorrectBody"), &[], 201, true, Object),
    ep!("post" "/api/v1/seals/verify", "files", "验证签章文书", B("SealedDocument"), &[], 200, false, Object),
    ep!("get" "/api/v1/seal-keys", "files", "签章公钥", NoBody, &[], 200, false, Object),
    ep!("get" "/api/v1/cases/{id}/files-log", "files", "卷宗操作记录", NoBody, &[], 200, true, Object),
    // Ledger (public, for witnesses).
    ep!("get" "/api/v1/ledger/key", "ledger", "账本公钥", NoBody, &[], 200, false, Object),
    ep!("get" "/api/v1/ledger/checkpoint", "ledger", "最新检查点", NoBody, &[], 200, false, Object),
    ep!("get" "/api/v1/ledger/checkpoints/{size}", "ledger", "指定规模的检查点", NoBody, &[], 200, false, Object),
    ep!("get" "/api/v1/ledger/proof/inclusion", "ledger", "包含证明", NoBody, &[Param("index", "integer", true, "条目序号"), Param("size", "integer", false, "树的规模")], 200, false, Object),
    ep!("get" "/api/v1/ledger/proof/consistency", "ledger", "一致性证明", NoBody, &[Param("from", "integer", true, "旧规模"), Param("to", "integer", true, "新规模")], 200, false, Object),
    ep!("get" "/api/v1/ledger/entries", "ledger", "账本条目", NoBody, &[Param("start", "integer", true, "起（含）"), Param("end", "integer", true, "止（不含）")], 200, false, Object),
    ep!("get" "/api/v1/ledger/witnesses", "ledger", "见证单位", NoBody, &[], 200, false, Object),
    ep!("post" "/api/v1/ledger/cosignatures", "ledger", "提交见证签名", B("CosignBody"), &[], 200, false, Object),
    ep!("get" "/api/v1/ledger/alarms", "ledger", "分叉告警", NoBody, &[], 200, false, Object),
    ep!("get" "/api/v1/ledger/access/key", "ledger", "访问日志公钥", NoBody, &[], 200, false, Object),
    ep!("get" "/api/v1/ledger/access/checkpoint", "ledger", "访问日志最新检查点", NoBody, &[], 200, false, Object),
    ep!("get" "/api/v1/ledger/access/checkpoints/{size}", "ledger", "访问日志指定规模的检查点", NoBody, &[], 200, false, Object),
    ep!("get" "/api/v1/ledger/access/proof/inclusion", "ledger", "访问日志包含证明", NoBody, &[Param("index", "integer", true, "条目序号"), Param("size", "integer", false, "树的规模")], 200, false, Object),
    ep!("get" "/api/v1/ledger/access/proof/consistency", "ledger", "访问日志一致性证明", NoBody, &[Param("from", "integer", true, "旧规模"), Param("to", "integer", true, "新规模")], 200, false, Object),
    ep!("get" "/api/v1/ledger/access/entries", "ledger", "访问日志条目", NoBody, &[Param("start", "integer", true, "起（含）"), Param("end", "integer", true, "止（不含）")], 200, false, Object),
    ep!("get" "/api/v1/admin/witnesses", "admin", "本单位及下级单位的见证公钥与已见证的树规模", NoBody, &[], 200, true, Object),
    ep!("post" "/api/v1/admin/witnesses", "admin", "登记或更换单位的见证公钥（cosignature/v1 公钥串）", B("WitnessKeyBody"), &[], 200, true, Object),
    ep!("delete" "/api/v1/admin/witnesses/{org}", "admin", "撤销单位的见证公钥（已有的见证签名保留）", NoBody, &[], 200, true, Object),
    // Administration.
    ep!("post" "/api/v1/admin/organizations", "admin", "新建或修改单位", B("OrgBody"), &[], 201, true, Object),
    ep!("get" "/api/v1/admin/users", "admin", "用户列表", NoBody, &[], 200, true, Object),
    ep!("post" "/api/v1/admin/users", "admin", "新建用户", B("UserBody"), &[], 201, true, Object),
    ep!("post" "/api/v1/admin/users/{id}/password", "admin", "重置密码", B("PasswordBody"), &[], 204, true, Empty),
    ep!("post" "/api/v1/admin/users/{id}/disable", "admin", "停用用户", NoBody, &[], 204, true, Empty),
    ep!("post" "/api/v1/admin/users/{id}/enable", "admin", "启用用户", NoBody, &[], 204, true, Empty),
    ep!("get" "/api/v1/admin/tokens", "admin", "接口令牌列表", NoBody, &[], 200, true, Object),
    ep!("post" "/api/v1/admin/tokens", "admin", "新建接口令牌（只显示一次）", B("TokenBody"), &[], 201, true, Object),
    ep!("delete" "/api/v1/admin/tokens/{id}", "admin", "吊销接口令牌", NoBody, &[], 204, true, Empty),
    ep!("get" "/api/v1/admin/audit", "admin", "审计记录（游标 `after`）", NoBody,
        &[Param("after", "integer", false, "游标：编号大于此值"), Param("kind", "string", false, "记录种类"), Param("limit", "integer", false, "条数，默认500")], 200, true, Object),
    // Supervision.
    ep!("get" "/api/v1/supervision/dashboard", "supervision", "监督看板", NoBody, &[], 200, true, Object),
    ep!("get" "/api/v1/supervision/rules", "supervision", "监督规则", NoBody, &[], 200, true, Object),
    ep!("get" "/api/v1/supervision/alerts", "supervision", "预警（游标 `after`）", NoBody, SUPERVISION_LIST, 200, true, Object),
    ep!("get" "/api/v1/supervision/findings", "supervision", "监督发现（游标 `after`）", NoBody, SUPERVISION_LIST, 200, true, Object),
    ep!("post" "/api/v1/supervision/findings/{id}/acknowledge", "supervision", "处理监督发现", B("AcknowledgeBody"), &[], 200, true, Object),
    ep!("get" "/api/v1/supervision/notifications", "supervision", "通知（游标 `after`）", NoBody, SUPERVISION_LIST, 200, true, Object),
    ep!("post" "/api/v1/supervision/notifications/{id}/acknowledge", "supervision", "已阅通知", NoBody, &[], 200, true, Object),
    ep!("get" "/api/v1/supervision/cases/{id}", "supervision", "案件监督情况", NoBody, &[], 200, true, Object),
    ep!("get" "/api/v1/supervision/report", "supervision", "监督报表", NoBody,
        &[Param("from", "string", true, "首日（YYYY-MM-DD）"), Param("to", "string", true, "末日（YYYY-MM-DD）"), Param("org", "string", false, "单位"), Param("format", "string", false, "json（默认）或 csv")], 200, true, JsonOrCsv),
    ep!("post" "/api/v1/supervision/sweep", "supervision", "立即运行监督扫描", NoBody, &[], 200, true, Object),
];

/// `GET /api/openapi.json`
pub async fn serve() -> Json<Value> {
    Json(document())
}

fn s(t: &str) -> Value {
    json!({ "type": t })
}
fn opt(t: &str) -> Value {
    json!({ "type": [t, "null"] })
}
fn r(name: &str) -> Value {
    json!({ "$ref": format!("#/components/schemas/{name}") })
}
fn enm(values: &[&str]) -> Value {
    json!({ "type": "string", "enum": values })
}
fn arr(items: Value) -> Value {
    json!({ "type": "array", "items": items })
}
fn uint() -> Value {
    json!({ "type": "integer", "minimum": 0 })
}
fn opt_uint() -> Value {
    json!({ "type": ["integer", "null"], "minimum": 0 })
}
fn datetime() -> Value {
    json!({ "type": "string", "format": "date-time" })
}

/// A closed object (`deny_unknown_fields`): `(name, schema, required)`.
fn obj(fields: &[(&str, Value, bool)]) -> Value {
    let mut props = Map::new();
    let mut req = Vec::new();
    for (n, sch, required) in fields {
        props.insert(n.to_string(), sch.clone());
        if *required {
            req.push(json!(n));
        }
    }
    json!({ "type": "object", "properties": props, "required": req, "additionalProperties": false })
}

/// A variant of an internally tagged enum: the tag plus its fields.
fn tagged(tag: &str, value: &str, description: &str, fields: &[(&str, Value, bool)]) -> Value {
    let mut all = vec![(tag, json!({ "type": "string", "const": value }), true)];
    all.extend(fields.iter().cloned());
    let mut o = obj(&all);
    o["description"] = json!(description);
    o
}

/// A field of a schema: name, schema, required.
pub type Field = (&'static str, Value, bool);

/// The wire name, the Chinese label and the fields of every `Action` variant.
pub fn action_variants() -> Vec<(&'static str, &'static str, Vec<Field>)> {
    let person = || ("person", uint(), true);
    let reason = || ("reason", s("string"), true);
    vec![
        ("register", "刑事立案", vec![("title", s("string"), true), ("facts", s("string"), true), ("charges", arr(s("string")), true), ("persons", arr(r("PersonInput")), true)]),
        ("detain", "刑事拘留", vec![person()]),
        ("interrogate", "讯问（CPL 86）", vec![person()]),
        ("release", "释放（取保候审/监视居住）", vec![person(), reason()]),
        ("extend_arrest_request", "延长提请批准逮捕时间（CPL 91）", vec![person(), ("extension", r("ArrestRequestExtension"), true)]),
        ("request_arrest", "提请批准逮捕（CPL 91）", vec![person()]),
        ("approve_arrest", "批准逮捕（CPL 91）", vec![person()]),
        ("refuse_arrest", "不批准逮捕（CPL 91, 92）", vec![person(), reason()]),
        ("request_reconsideration", "要求复议（CPL 92）", vec![person()]),
        ("decide_reconsideration", "复议决定（CPL 92）：change 为真即改为批准逮捕", vec![person(), ("change", s("boolean"), true)]),
        ("request_review", "提请复核（CPL 92）", vec![person()]),
        ("decide_review", "复核决定（CPL 92）", vec![person(), ("change", s("boolean"), true)]),
        ("extend_custody", "延长侦查羁押期限（CPL 156, 158, 159）", vec![person(), ("basis", enm(&["art156", "art158", "art159"]), true)]),
        ("transfer_for_prosecution", "移送审查起诉（CPL 162）", vec![("confession_and_acceptance", s("boolean"), false)]),
        ("extend_review", "延长审查起诉期限（CPL 172）", vec![]),
        ("return_for_investigation", "退回补充侦查（CPL 175）", vec![reason()]),
        ("indict", "提起公诉（CPL 176）", vec![("confession_and_acceptance", s("boolean"), false), ("sentencing_proposal", opt("string"), false)]),
        ("decide_non_prosecution", "不起诉（CPL 175, 177）", vec![("basis", enm(&["statutory", "discretionary", "insufficient_evidence"]), true), reason()]),
        ("request_non_prosecution_reconsideration", "要求复议不起诉决定（CPL 179）", vec![]),
        ("decide_non_prosecution_reconsideration", "不起诉复议决定（CPL 179）", vec![("revoke", s("boolean"), true)]),
        ("accept_trial", "受理、分案、确定审理程序", vec![("procedure", enm(&["ordinary", "summary", "fast_track"]), true), ("judge", opt("string"), false)]),
        ("extend_trial", "延长审理期限（CPL 208, 220, 225）", vec![]),
        ("schedule_hearing", "确定开庭日期（CPL 187）", vec![("at", datetime(), true)]),
        ("pronounce_judgment", "宣告判决", vec![("verdicts", arr(r("PersonVerdict")), true)]),
        ("serve_judgment", "送达判决书（CPL 202）", vec![]),
        ("appeal", "上诉（CPL 227, 230）", vec![person()]),
        ("protest", "抗诉（CPL 228, 230）", vec![reason()]),
        ("take_effect", "判决生效（CPL 259）", vec![]),
        ("accept_second_instance", "二审受理", vec![]),
        ("extend_second_instance", "延长二审期限（CPL 243）", vec![]),
        ("decide_second_instance", "二审裁判", vec![("outcome", r("SecondInstanceOutcome"), true)]),
        ("hand_over_for_execution", "交付执行（CPL 264）", vec![person()]),
        ("hand_over_for_community_correction", "交付社区矫正（CCL 20）", vec![person()]),
        ("record_correction_report", "社区矫正报到登记（CCL 21）", vec![person()]),
        ("withdraw_case", "撤销案件（CPL 163）", vec![reason()]),
    ]
}

/// The component name of an action's schema: `Action_register`, …
pub fn action_schema_name(kind: &str) -> String {
    format!("Action_{kind}")
}

fn schemas() -> Map<String, Value> {
    let mut m = Map::new();
    let mut put = |n: &str, v: Value| {
        m.insert(n.to_string(), v);
    };
    put(
        "Error",
        json!({
            "type": "object",
            "required": ["error"],
            "properties": { "error": {
                "type": "object",
                "required": ["code", "message", "field", "citation"],
                "properties": {
                    "code": { "type": "string", "description": "机器可读的错误代码：invalid、malformed_json、body_too_large、unauthorized、forbidden、not_found、refused、version_conflict、request_id_reused……" },
                    "message": { "type": "string", "description": "中文说明" },
                    "field": { "type": ["string", "null"], "description": "出错的字段（如 `action.person`；整个请求体为 `body`）" },
                    "citation": { "type": ["string", "null"], "description": "依据的法条" }
                }
            }}
        }),
    );
    put("LoginBody", obj(&[("username", s("string"), true), ("password", s("string"), true), ("totp", opt("string"), false)]));
    put(
        "CommandBody",
        obj(&[
            ("request_id", opt("string"), false),
            ("expected_version", opt_uint(), false),
            ("claimed_at", json!({ "type": ["string", "null"], "format": "date-time" }), false),
            ("action", r("Action"), true),
        ]),
    );
    put("PersonInput", obj(&[("name", s("string"), true), ("id_card", opt("string"), false), ("gender", json!({ "type": ["string", "null"], "enum": ["male", "female", null] }), false), ("birth_date", json!({ "type": ["string", "null"], "format": "date" }), false), ("phone", json!({ "type": ["string", "null"], "description": "联系电话：11位手机号码（如13812345678）或区号加号码的固定电话（如0571-87654321）；按角色脱敏，加密存储" }), false), ("address", json!({ "type": ["string", "null"], "description": "住址（现住址，或户籍地址），不超过200字；按角色脱敏（只显示到区县），加密存储" }), false)]));
    put("PersonVerdict", obj(&[("person", uint(), true), ("verdict", r("Verdict"), true)]));
    put(
        "ArrestRequestExtension",
        json!({ "oneOf": [tagged("kind", "special_days", "特殊情况：延长一至四日", &[("days", uint(), true)]), tagged("kind", "serious_suspect", "流窜作案、多次作案、结伙作案的重大嫌疑分子：至三十日", &[])], "discriminator": { "propertyName": "kind" } }),
    );
    put(
        "Sentence",
        json!({ "oneOf": [
            tagged("kind", "prison", "有期徒刑", &[("months", uint(), true)]),
            tagged("kind", "criminal_detention", "拘役", &[("months", uint(), true)]),
            tagged("kind", "life", "无期徒刑", &[]),
            tagged("kind", "death", "死刑", &[("reprieve", s("boolean"), true)]),
            tagged("kind", "control", "管制", &[("months", uint(), true)]),
            tagged("kind", "probation", "缓刑", &[("months", uint(), true), ("probation_months", uint(), true)]),
            tagged("kind", "fine_only", "单处罚金", &[("yuan", uint(), true)]),
        ], "discriminator": { "propertyName": "kind" } }),
    );
    put(
        "Verdict",
        json!({ "oneOf": [tagged("kind", "convicted", "有罪", &[("charges", arr(s("string")), true), ("sentence", r("Sentence"), true)]), tagged("kind", "acquitted", "无罪", &[])], "discriminator": { "propertyName": "kind" } }),
    );
    put(
        "SecondInstanceOutcome",
        json!({ "oneOf": [tagged("kind", "uphold", "维持原判", &[]), tagged("kind", "amend", "改判", &[("verdicts", arr(r("PersonVerdict")), true)]), tagged("kind", "remand", "发回重审（CPL 236）", &[])], "discriminator": { "propertyName": "kind" } }),
    );
    let variants = action_variants();
    let mut one_of = Vec::new();
    let mut mapping = Map::new();
    for (kind, label, fields) in &variants {
        let name = action_schema_name(kind);
        one_of.push(r(&name));
        mapping.insert(kind.to_string(), json!(format!("#/components/schemas/{name}")));
        put(&name, tagged("type", kind, label, fields));
    }
    put("Action", json!({ "description": "案件操作，以 `type` 区分", "oneOf": one_of, "discriminator": { "propertyName": "type", "mapping": mapping } }));
    put(
        "CaseView",
        json!({ "type": "object", "required": ["case", "stage_label", "holder", "deadlines", "tasks"], "properties": {
            "case": { "type": "object", "description": "案件状态" },
            "stage_label": s("string"),
            "holder": opt("string"),
            "deadlines": arr(json!({ "type": "object" })),
            "tasks": arr(json!({ "type": "object" })),
        }}),
    );
    put(
        "CommandResult",
        json!({ "type": "object", "required": ["event", "position", "replayed", "case"], "properties": {
            "event": { "type": "object", "description": "记录的事件" },
            "position": uint(),
            "replayed": { "type": "boolean", "description": "同一 request_id 的重放" },
            "case": r("CaseView"),
        }}),
    );
    put("SealBody", obj(&[("reason", s("string"), true)]));
    put("PurgeBody", obj(&[("order", s("string"), true)]));
    put("BeginUpload", obj(&[("title", s("string"), true), ("media_type", opt("string"), false), ("pages", opt_uint(), false), ("person", opt_uint(), false), ("evidence", opt("string"), false), ("size", opt_uint(), false)]));
    put("CompleteBody", obj(&[("sha256", opt("string"), false)]));
    put("VolumeBody", obj(&[("title", s("string"), true), ("items", arr(s("string")), false)]));
    put("ItemsBody", obj(&[("items", arr(s("string")), true)]));
    put("ManifestBody", obj(&[("to_org", s("string"), true), ("event_seq", opt_uint(), false), ("volumes", arr(s("string")), false), ("files", arr(s("string")), false)]));
    put("CorrectBody", obj(&[("reason", s("string"), true), ("content", s("string"), true)]));
    put(
        "DocumentMetadata",
        obj(&[
            ("kind", s("string"), true),
            ("kind_label", s("string"), true),
            ("number", s("string"), true),
            ("case_id", s("string"), true),
            ("org", s("string"), true),
            ("org_name", s("string"), true),
            ("signer", s("string"), true),
            ("signer_name", s("string"), true),
            ("issued_at", s("string"), true),
            ("version", uint(), true),
            ("supersedes", opt("string"), false),
            ("reason", opt("string"), false),
            ("media_type", s("string"), true),
            ("content_hash", s("string"), true),
            ("content_length", uint(), true),
        ]),
    );
    put(
        "Seal",
        obj(&[
            ("suite", enm(&["standard", "national"]), true),
            ("hash_algorithm", s("string"), true),
            ("signature_algorithm", s("string"), true),
            ("public_key", s("string"), true),
            ("key_fingerprint", s("string"), true),
            ("sealed_at", s("string"), true),
            ("signature", s("string"), true),
        ]),
    );
    let mut sealed = obj(&[("format", s("string"), true), ("id", s("string"), true), ("document", r("DocumentMetadata"), true), ("content", opt("string"), false), ("seal", r("Seal"), true)]);
    sealed["description"] = json!("签章文书（由 GET /cases/{id}/documents/{number} 取得，原样提交）");
    put("SealedDocument", sealed);
    put("CosignBody", obj(&[("org", s("string"), true), ("note", s("string"), true)]));
    put("WitnessKeyBody", obj(&[("org", s("string"), true), ("key", s("string"), true)]));
    let agency = enm(&["committee", "police", "procuratorate", "court", "justice_bureau"]);
    let role = enm(&["officer", "prosecutor", "judge", "clerk", "correction_officer", "supervisor", "leader", "admin"]);
    put("OrgBody", obj(&[("id", s("string"), true), ("name", s("string"), true), ("kind", agency, true), ("level", enm(&["city", "county", "station"]), true), ("jurisdiction", s("string"), true), ("parent", opt("string"), false)]));
    put("UserBody", obj(&[("id", s("string"), true), ("username", s("string"), true), ("name", s("string"), true), ("org", s("string"), true), ("role", role.clone(), true), ("password", s("string"), true)]));
    put("PasswordBody", obj(&[("password", s("string"), true)]));
    put("TokenBody", obj(&[("name", s("string"), true), ("org", s("string"), true), ("role", role, true), ("scopes", arr(s("string")), true), ("expires_in_days", opt_uint(), false)]));
    put("CodeBody", obj(&[("code", s("string"), true)]));
    put("AckBody", obj(&[("consumer", s("string"), true), ("position", uint(), true)]));
    put("AcknowledgeBody", obj(&[("reason", s("string"), true)]));
    m
}

fn path_params(path: &str) -> Vec<Value> {
    path.split('/')
        .filter_map(|seg| seg.strip_prefix('{').and_then(|s| s.strip_suffix('}')))
        .map(|name| {
            let ty = if name == "size" || (name == "id" && path.ends_with("/acknowledge")) { "integer" } else { "string" };
            json!({ "name": name, "in": "path", "required": true, "schema": { "type": ty } })
        })
        .collect()
}

fn error_response(description: &str) -> Value {
    json!({ "description": description, "content": { "application/json": { "schema": r("Error") } } })
}

fn operation(e: &Endpoint) -> Value {
    let mut params = path_params(e.path);
    for Param(name, ty, required, desc) in e.query {
        params.push(json!({ "name": name, "in": "query", "required": required, "description": desc, "schema": { "type": ty } }));
    }
    let mut op = json!({
        "tags": [e.tag],
        "summary": e.summary,
        "operationId": format!("{}_{}", e.method, e.path.trim_start_matches("/api/v1").trim_start_matches('/').replace(['/', '-', '{', '}'], "_")),
        "parameters": params,
    });
    match e.body {
        Body::None => {}
        Body::Json(n) => op["requestBody"] = json!({ "required": true, "content": { "application/json": { "schema": r(n) } } }),
        Body::OptionalJson(n) => op["requestBody"] = json!({ "required": false, "content": { "application/json": { "schema": r(n) } } }),
        Body::Bytes => op["requestBody"] = json!({ "required": true, "content": { "application/octet-stream": { "schema": { "type": "string", "format": "binary" } } } }),
    }
    let ok = match e.response {
        Resp::Empty => json!({ "description": "完成" }),
        Resp::Object => json!({ "description": "成功", "content": { "application/json": { "schema": { "type": "object" } } } }),
        Resp::Schema(n) => json!({ "description": "成功", "content": { "application/json": { "schema": r(n) } } }),
        Resp::Bytes => json!({ "description": "文件内容", "content": { "application/octet-stream": { "schema": { "type": "string", "format": "binary" } } } }),
        Resp::EventStream => json!({ "description": "事件", "content": { "text/event-stream": { "schema": { "type": "string" } } } }),
        Resp::JsonOrCsv => json!({ "description": "报表", "content": { "application/json": { "schema": { "type": "object" } }, "text/csv": { "schema": { "type": "string" } } } }),
    };
    let mut responses = Map::new();
    responses.insert(e.status.to_string(), ok);
    if e.method == "post" && e.status == 201 && e.path.ends_with("/cases") {
        responses.insert("200".into(), json!({ "description": "同一 request_id 的重放", "content": { "application/json": { "schema": r("CommandResult") } } }));
    }
    let mut err = |status: &str, name: &str| {
        responses.insert(status.into(), json!({ "$ref": format!("#/components/responses/{name}") }));
    };
    err("400", "BadRequest");
    if e.auth {
        err("401", "Unauthorized");
        err("403", "Forbidden");
    }
    err("404", "NotFound");
    if e.method != "get" {
        err("409", "Conflict");
        err("413", "TooLarge");
    }
    err("422", "Invalid");
    err("500", "Internal");
    op["responses"] = Value::Object(responses);
    op["security"] = if e.auth { json!([{ "bearer": [] }, { "cookie": [] }]) } else { json!([]) };
    op
}

/// The OpenAPI 3.1 document.
pub fn document() -> Value {
    let mut paths = Map::new();
    for e in ENDPOINTS {
        let item = paths.entry(e.path.to_string()).or_insert_with(|| json!({}));
        item[e.method] = operation(e);
    }
    json!({
        "openapi": "3.1.0",
        "info": {
            "title": "联办 Lianban API",
            "version": env!("CARGO_PKG_VERSION"),
            "description": "刑事案件政法协同平台的 JSON 接口。错误统一为 `{\"error\": {code, message, field, citation}}`。列表接口以游标分页：案件用 `cursor`/`next_cursor`，监督与审计用 `after`。"
        },
        "servers": [{ "url": "/" }],
        "tags": [
            { "name": "system" }, { "name": "session" }, { "name": "cases" }, { "name": "files" },
            { "name": "feed" }, { "name": "ledger" }, { "name": "admin" }, { "name": "supervision" },
            { "name": "assist" }
        ],
        "paths": paths,
        "components": {
            "schemas": schemas(),
            "responses": {
                "BadRequest": error_response("请求格式错误（如 JSON 无法解析），field 为 body"),
                "Unauthorized": error_response("未登录或令牌无效"),
                "Forbidden": error_response("无权进行此操作"),
                "NotFound": error_response("不存在或无权查看"),
                "Conflict": error_response("与案件状态、版本或期限冲突（refused、version_conflict……），附法条"),
                "TooLarge": error_response("请求体过大（JSON 请求体至多 1 MiB），field 为 body"),
                "Invalid": error_response("字段无效，field 指出字段（如 action.person）"),
                "Internal": error_response("服务器内部错误"),
            },
            "securitySchemes": {
                "bearer": { "type": "http", "scheme": "bearer", "description": "POST /api/v1/session 返回的令牌，或管理员签发的接口令牌" },
                "cookie": { "type": "apiKey", "in": "cookie", "name": "lianban_session" }
            }
        }
    })
}
