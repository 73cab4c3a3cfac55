//! Reads: the users list, one user, the catalogue, groups, identity
//! providers, the company and the audit log: the common statements
//! (`storage::shared_sql`, with this backend's list plan) on the
//! pool.

use std::collections::HashMap;

use sqlx::{PgPool, Row};
use users_api::{
    AgentRef, AuditEntry, Company, Directory, Group, IdentityProvider, ListQuery, Page, Role,
    UserDetail, UserSummary,
};

use super::list::{plan_page, TAB_PAGE};
use super::summaries::load_summaries;
use super::PgStore;
use crate::storage::flows::WriteTx;
use crate::storage::model::{audit_page, AuditRow, EmailUse};
use crate::storage::provenance::decode_summaries;
use crate::storage::shared_sql::common_reads;
use crate::storage::{StoreError, StoreResult};

impl PgStore {
    common_reads!();

    /// The pool authentication's use stamp is written on.
    pub(super) fn write_pool(&self) -> &PgPool {
        &self.pool
    }

    /// The pool the reads run on.
    pub(super) fn read_pool(&self) -> &PgPool {
        &self.pool
    }
}
