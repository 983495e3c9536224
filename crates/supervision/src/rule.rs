//! The named rules of supervision, each with the article or the reason behind it.

use domain::cite::{ccl, cpl, Citation};
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Rule {
    /// 倒签: an action claims a time earlier than the server received it.
    Backdating,
    /// 决定无文书: a decision recorded without its sealed legal document.
    MissingDocument,
    /// 文书送达超期: judgment service (CPL 202), execution documents (CPL 264), correction notice (CCL 20).
    LateService,
    /// 办案超期: any other statutory deadline overrun.
    DeadlineOverrun,
    /// 借用期限: closing and reopening a stage to restart its clock.
    BorrowingTime,
    /// 第三次退回补充侦查 (CPL 175 allows two).
    ThirdReturn,
    /// 无人承办: no agency holds an open task on a running case.
    UnheldCase,
    /// 文书送达后替换或撤回.
    DocumentReplaced,
    /// 超期羁押: a custody period has run out while the person is still held (CPL 98, 99).
    CustodyOverrun,
    /// 通知未签收: a supervision notification nobody acknowledged in time.
    NotificationUnacknowledged,
}

impl Rule {
    pub const ALL: [Rule; 10] = [
        Rule::Backdating,
        Rule::MissingDocument,
        Rule::LateService,
        Rule::DeadlineOverrun,
        Rule::BorrowingTime,
        Rule::ThirdReturn,
        Rule::UnheldCase,
        Rule::DocumentReplaced,
        Rule::CustodyOverrun,
        Rule::NotificationUnacknowledged,
    ];

    pub fn code(self) -> &'static str {
        match self {
            Rule::Backdating => "backdating",
            Rule::MissingDocument => "missing_document",
            Rule::LateService => "late_service",
            Rule::DeadlineOverrun => "deadline_overrun",
            Rule::BorrowingTime => "borrowing_time",
            Rule::ThirdReturn => "third_return",
            Rule::UnheldCase => "unheld_case",
            Rule::DocumentReplaced => "document_replaced",
            Rule::CustodyOverrun => "custody_overrun",
            Rule::NotificationUnacknowledged => "notification_unacknowledged",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|r| r.code() == s)
    }

    pub fn label(self) -> &'static str {
        match self {
            Rule::Backdating => "倒签操作时间",
            Rule::MissingDocument => "决定未制作法律文书",
            Rule::LateService => "法律文书送达超期",
            Rule::DeadlineOverrun => "办案期限超期",
            Rule::BorrowingTime => "借用办案期限",
            Rule::ThirdReturn => "第三次退回补充侦查",
            Rule::UnheldCase => "案件无人承办",
            Rule::DocumentReplaced => "文书送达后替换或撤回",
            Rule::CustodyOverrun => "超期羁押",
            Rule::NotificationUnacknowledged => "督办通知未签收",
        }
    }

    /// The articles the rule enforces (empty when it rests on a reason, not an article).
    pub fn citations(self) -> Vec<Citation> {
        match self {
            Rule::LateService => vec![cpl(202), cpl(264), ccl(20)],
            Rule::DeadlineOverrun => vec![],
            Rule::BorrowingTime => vec![cpl(172), cpl(175)],
            Rule::ThirdReturn => vec![cpl(175)],
            Rule::CustodyOverrun => vec![cpl(98), cpl(99)],
            _ => vec![],
        }
    }

    /// Why the rule exists, when no single article states it.
    pub fn reason(self) -> &'static str {
        match self {
            Rule::Backdating => "全程留痕：操作时间以服务器收到时间为准，声称的时间早于收到时间即为倒签",
            Rule::MissingDocument => "每一项决定都应当制作并由决定机关签章的法律文书，无文书的流转不合规",
            Rule::LateService => "法律文书应当在法定期限内送达",
            Rule::DeadlineOverrun => "办案应当在法定期限内完成（依据各期限所载条文）",
            Rule::BorrowingTime => "不得以结束后又重启程序的方式重新计算办案期限",
            Rule::ThirdReturn => "退回补充侦查以二次为限",
            Rule::UnheldCase => "在办案件应当始终有单位承办，不得无人负责",
            Rule::DocumentReplaced => "已送达的法律文书不得擅自替换或撤回",
            Rule::CustodyOverrun => "羁押期限届满不能办结的，应当予以释放或者变更强制措施",
            Rule::NotificationUnacknowledged => "督办通知应当及时签收，不得无声失败",
        }
    }

    /// `依据《刑事诉讼法》第二百零二条` for rules with articles, the reason otherwise.
    pub fn basis(self) -> String {
        basis_of(&self.citations(), self.reason())
    }
}

/// `依据A、B` or the reason when there is no article.
pub fn basis_of(cites: &[Citation], reason: &str) -> String {
    if cites.is_empty() {
        reason.to_string()
    } else {
        format!("依据{}", cites.iter().map(|c| c.to_string()).collect::<Vec<_>>().join("、"))
    }
}
