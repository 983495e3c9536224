//! Who may read what. One decision function used by every read path (case page, lists, inbox,
//! deadlines): the committee supervises every case; an agency sees the cases it has taken part
//! in (it received a transfer or a request, or acted). A refused case is reported as absent.

use crate::auth::CurrentUser;
use crate::error::ApiError;
use crate::AppState;
use domain::AgencyKind;

/// Whether the user sees every case.
pub fn sees_all(u: &CurrentUser) -> bool {
    u.org.kind == AgencyKind::Committee
}

/// The participant filter for lists: `None` means every case.
pub fn list_scope(u: &CurrentUser) -> Option<String> {
    (!sees_all(u)).then(|| u.org.id.clone())
}

/// Refuses (as 404) a case the user may not read.
pub async fn check_case(state: &AppState, u: &CurrentUser, case_id: &str) -> Result<(), ApiError> {
    if sees_all(u) || state.store.is_participant(case_id, &u.org.id).await? {
        Ok(())
    } else {
        Err(ApiError::case_not_found(case_id))
    }
}
