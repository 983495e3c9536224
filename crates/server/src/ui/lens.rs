//! What a page may show of several cases at once: the gate's `read_case` decision for each
//! (lists, inboxes, dashboards and supervision tables drop what the user may not read, sealed
//! cases included), and the masking of the persons the user may not see unmasked (minors' names,
//! ID numbers, phone numbers and addresses in free text such as titles and supervision messages).
//!
//! It asks the same functions as the JSON API (`gate::decide`, `gate::unmasked_persons`,
//! `gate::hidden_values`, `gate::mask_text_with`), once per case.

use crate::error::ApiError;
use crate::{AppState, gate, policy};
use std::collections::{BTreeMap, BTreeSet};

/// Per case: readable or not, and what to mask.
#[derive(Default)]
pub struct Lens {
    readable: BTreeSet<String>,
    /// Cases where some person is masked: what to replace in free text (`gate::hidden_values`:
    /// minors' names, phone numbers and addresses).
    masked: BTreeMap<String, Vec<(String, String)>>,
}

impl Lens {
    /// Looks at these cases for the user.
    pub async fn of<'a>(st: &AppState, u: &crate::auth::CurrentUser, ids: impl IntoIterator<Item = &'a str>) -> Result<Lens, ApiError> {
        let sealed = st.store.sealed_cases().await?;
        let mut out = Lens::default();
        let ids: BTreeSet<&str> = ids.into_iter().collect();
        let states = st.store.cases(&ids.into_iter().collect::<Vec<_>>()).await?;
        for (id, s) in &states {
            let id = id.as_str();
            let f = policy::CaseFacts::of(s, sealed.contains(id));
            if !gate::decide(u, gate::Resource::ReadCase, &f).allowed {
                continue;
            }
            out.readable.insert(id.to_string());
            let open = gate::unmasked_persons(u, &f, s);
            if open.len() < s.persons.len() {
                out.masked.insert(id.to_string(), gate::hidden_values(s, &open));
            }
        }
        Ok(out)
    }

    pub fn readable(&self, case_id: &str) -> bool {
        self.readable.contains(case_id)
    }

    /// Free text about the case (a title, a supervision message) as the user may see it.
    pub fn text(&self, case_id: &str, t: &str) -> String {
        match self.masked.get(case_id) {
            None => t.to_string(),
            Some(hidden) => gate::mask_text_with(hidden, t),
        }
    }
}
