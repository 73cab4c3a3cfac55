//! The write statements of [`super`].

/// The [`crate::storage::flows::WriteTx`] statements common to both backends, for
/// `impl WriteTx for Transaction<'static, DB>`. The expanding module
/// provides the backend's `load_provenance` and imports the names used.
macro_rules! common_write_statements {
    () => {
        async fn commit(self) -> StoreResult<()> {
            Ok(sqlx::Transaction::commit(self).await?)
        }

        async fn check_directory(&mut self, company_id: i64) -> StoreResult<()> {
            let provider: Option<Option<String>> =
                sqlx::query_scalar("SELECT directory_provider FROM companies WHERE id = $1")
                    .bind(company_id)
                    .fetch_optional(&mut **self)
                    .await?;
            match provider {
                None => Err(StoreError::NotFound),
                Some(Some(provider)) => Err(StoreError::DirectoryManaged(provider)),
                Some(None) => Ok(()),
            }
        }

        async fn user_by_email(&mut self, key: &str) -> StoreResult<Option<EmailHolder>> {
            Ok(
                sqlx::query_as("SELECT id, company_id, status FROM users WHERE email_key = $1")
                    .bind(key)
                    .fetch_optional(&mut **self)
                    .await?,
            )
        }

        async fn email_taken_by_other(&mut self, key: &str, user_id: i64) -> StoreResult<bool> {
            Ok(sqlx::query_scalar(
                "SELECT EXISTS (SELECT 1 FROM users WHERE email_key = $1 AND id <> $2)",
            )
            .bind(key)
            .bind(user_id)
            .fetch_one(&mut **self)
            .await?)
        }

        async fn provider_id(&mut self, company_id: i64, name: &str) -> StoreResult<i64> {
            sqlx::query_scalar("SELECT id FROM identity_providers WHERE company_id = $1 AND name = $2")
                .bind(company_id)
                .bind(name)
                .fetch_optional(&mut **self)
                .await?
                .ok_or_else(|| StoreError::Conflict(format!("no identity provider named {name:?}")))
        }

        async fn insert_user_row(
            &mut self,
            company_id: i64,
            f: &UserFields<'_>,
            sort_key: &str,
            at: &str,
        ) -> StoreResult<i64> {
            sqlx::query_scalar(
                "INSERT INTO users (company_id, first_name, last_name, email, email_key,
                                        identity_provider_id, status, sort_key, created_at, updated_at)
                     VALUES ($1, $2, $3, $4, $5, $6, 'active', $7, $8, $8) RETURNING id",
            )
            .bind(company_id)
            .bind(f.first_name)
            .bind(f.last_name)
            .bind(f.email)
            .bind(f.email_key)
            .bind(f.identity_provider_id)
            .bind(sort_key)
            .bind(at)
            .fetch_one(&mut **self)
            .await
            .map_err(unique_violation_is_email)
        }

        async fn update_user_row(
            &mut self,
            user_id: i64,
            f: &UserFields<'_>,
            sort_key: &str,
            at: &str,
        ) -> StoreResult<()> {
            sqlx::query(
                    "UPDATE users SET first_name = $2, last_name = $3, email = $4, email_key = COALESCE($5, email_key),
                            identity_provider_id = $6, sort_key = $7, version = version + 1, updated_at = $8
                     WHERE id = $1",
                )
                .bind(user_id)
                .bind(f.first_name)
                .bind(f.last_name)
                .bind(f.email)
                .bind(f.email_key)
                .bind(f.identity_provider_id)
                .bind(sort_key)
                .bind(at)
                .execute(&mut **self)
                .await
                .map_err(unique_violation_is_email)?;
            Ok(())
        }

        async fn set_archived(
            &mut self,
            user_id: i64,
            archived: Option<(&str, i64)>,
            at: &str,
        ) -> StoreResult<()> {
            let (status, archived_at, archived_by) = match archived {
                Some((when, by)) => ("archived", Some(when), Some(by)),
                None => ("active", None, None),
            };
            sqlx::query(
                "UPDATE users SET status = $2, archived_at = $3, archived_by = $4,
                            version = version + 1, updated_at = $5 WHERE id = $1",
            )
            .bind(user_id)
            .bind(status)
            .bind(archived_at)
            .bind(archived_by)
            .bind(at)
            .execute(&mut **self)
            .await?;
            Ok(())
        }

        async fn bump_version(&mut self, user_id: i64, at: &str) -> StoreResult<()> {
            sqlx::query("UPDATE users SET version = version + 1, updated_at = $2 WHERE id = $1")
                .bind(user_id)
                .bind(at)
                .execute(&mut **self)
                .await?;
            Ok(())
        }

        async fn direct_role_names(&mut self, user_id: i64) -> StoreResult<Vec<String>> {
            Ok(sqlx::query_scalar(
                "SELECT r.name FROM user_roles ur JOIN roles r ON r.id = ur.role_id
                     WHERE ur.user_id = $1 ORDER BY r.position",
            )
            .bind(user_id)
            .fetch_all(&mut **self)
            .await?)
        }

        async fn has_role_through_group(&mut self, user_id: i64, role: &str) -> StoreResult<bool> {
            Ok(sqlx::query_scalar(
                    "SELECT EXISTS (SELECT 1 FROM group_members gm JOIN group_roles gr ON gr.group_id = gm.group_id
                                    JOIN roles r ON r.id = gr.role_id WHERE gm.user_id = $1 AND r.name = $2)",
                )
                .bind(user_id)
                .bind(role)
                .fetch_one(&mut **self)
                .await?)
        }

        async fn any_active_admin(&mut self, company_id: i64) -> StoreResult<bool> {
            let found: bool = sqlx::query_scalar(
                "SELECT EXISTS (SELECT 1 FROM user_roles ur
                                JOIN roles r ON r.id = ur.role_id
                                JOIN users u ON u.id = ur.user_id
                                WHERE r.name = $2 AND u.company_id = $1 AND u.status = 'active')
                     OR EXISTS (SELECT 1 FROM group_roles gr
                                JOIN roles r ON r.id = gr.role_id
                                JOIN group_members gm ON gm.group_id = gr.group_id
                                JOIN users u ON u.id = gm.user_id
                                WHERE r.name = $2 AND u.company_id = $1 AND u.status = 'active')",
            )
            .bind(company_id)
            .bind(SETTINGS_ROLE)
            .fetch_one(&mut **self)
            .await?;
            Ok(found)
        }

        async fn active_user_name(
            &mut self,
            company_id: i64,
            user_id: i64,
        ) -> StoreResult<Option<String>> {
            Ok(sqlx::query_scalar(
                "SELECT first_name || ' ' || last_name FROM users
                     WHERE id = $1 AND company_id = $2 AND status = 'active'",
            )
            .bind(user_id)
            .bind(company_id)
            .fetch_optional(&mut **self)
            .await?)
        }

        async fn transfer_agents(&mut self, from: i64, to: i64) -> StoreResult<()> {
            sqlx::query("UPDATE agents SET owner_id = $2 WHERE owner_id = $1")
                .bind(from)
                .bind(to)
                .execute(&mut **self)
                .await?;
            Ok(())
        }

        async fn user_exists(&mut self, company_id: i64, user_id: i64) -> StoreResult<bool> {
            Ok(sqlx::query_scalar(
                "SELECT EXISTS (SELECT 1 FROM users WHERE id = $1 AND company_id = $2)",
            )
            .bind(user_id)
            .bind(company_id)
            .fetch_one(&mut **self)
            .await?)
        }

        async fn store_token(
            &mut self,
            user_id: i64,
            sealed: &SealedToken,
            at: &str,
        ) -> StoreResult<()> {
            sqlx::query(
                    "INSERT INTO access_tokens (user_id, lookup_hash, nonce, ciphertext, hint, created_at, last_used_at)
                     VALUES ($1, $2, $3, $4, $5, $6, NULL)
                     ON CONFLICT (user_id) DO UPDATE SET lookup_hash = excluded.lookup_hash,
                         nonce = excluded.nonce, ciphertext = excluded.ciphertext, hint = excluded.hint,
                         created_at = excluded.created_at, last_used_at = NULL",
                )
                .bind(user_id)
                .bind(&sealed.lookup_hash)
                .bind(&sealed.nonce)
                .bind(&sealed.ciphertext)
                .bind(&sealed.hint)
                .bind(at)
                .execute(&mut **self)
                .await?;
            Ok(())
        }

        async fn sealed_token(
            &mut self,
            company_id: i64,
            user_id: i64,
        ) -> StoreResult<Option<SealedRow>> {
            Ok(sqlx::query_as(
                "SELECT t.nonce, t.ciphertext, t.created_at, t.last_used_at FROM access_tokens t
                     JOIN users u ON u.id = t.user_id WHERE t.user_id = $1 AND u.company_id = $2",
            )
            .bind(user_id)
            .bind(company_id)
            .fetch_optional(&mut **self)
            .await?)
        }

        async fn ensure_company(&mut self, name: &str) -> StoreResult<(i64, bool)> {
            let existing: Option<i64> = sqlx::query_scalar("SELECT id FROM companies WHERE name = $1")
                .bind(name)
                .fetch_optional(&mut **self)
                .await?;
            if let Some(id) = existing {
                return Ok((id, false));
            }
            let id: i64 = sqlx::query_scalar(
                "INSERT INTO companies (name, created_at) VALUES ($1, $2) RETURNING id",
            )
            .bind(name)
            .bind(now())
            .fetch_one(&mut **self)
            .await?;
            for (position, provider) in DEFAULT_PROVIDERS.iter().enumerate() {
                sqlx::query(
                    "INSERT INTO identity_providers (company_id, name, position) VALUES ($1, $2, $3)",
                )
                .bind(id)
                .bind(provider)
                .bind(i64::try_from(position).unwrap_or(0))
                .execute(&mut **self)
                .await?;
            }
            Ok((id, true))
        }

        async fn load_detail(&mut self, company_id: i64, user_id: i64) -> StoreResult<UserDetail> {
            let sql = format!("{USER_SELECT} WHERE u.id = $1 AND u.company_id = $2");
            let row: UserRow = sqlx::query_as(&sql)
                .bind(user_id)
                .bind(company_id)
                .fetch_optional(&mut **self)
                .await?
                .ok_or(StoreError::NotFound)?;
            let provenance = load_provenance(self, &[row.summary.id]).await?;
            let agents = self.owned_agents(row.summary.id).await?;
            Ok(provenance.detail(row, agents))
        }

        async fn owned_agents(&mut self, user_id: i64) -> StoreResult<Vec<AgentRef>> {
            let rows = sqlx::query("SELECT id, name FROM agents WHERE owner_id = $1 ORDER BY name, id")
                .bind(user_id)
                .fetch_all(&mut **self)
                .await?;
            Ok(rows
                .into_iter()
                .map(|r| AgentRef {
                    id: r.get(0),
                    name: r.get(1),
                })
                .collect())
        }

        async fn record(
            &mut self,
            company_id: i64,
            actor_id: i64,
            action: &str,
            target_user_id: Option<i64>,
            details: Value,
        ) -> StoreResult<()> {
            sqlx::query(
                "INSERT INTO audit_log (company_id, at, actor_id, action, target_user_id, details)
                 VALUES ($1, $2, $3, $4, $5, $6)",
            )
            .bind(company_id)
            .bind(now())
            .bind(actor_id)
            .bind(action)
            .bind(target_user_id)
            .bind(details.to_string())
            .execute(&mut **self)
            .await?;
            Ok(())
        }

        async fn company_by_name(&mut self, name: &str) -> StoreResult<Option<i64>> {
            Ok(
                sqlx::query_scalar("SELECT id FROM companies WHERE name = $1")
                    .bind(name)
                    .fetch_optional(&mut **self)
                    .await?,
            )
        }

        async fn provider_names(&mut self, company_id: i64) -> StoreResult<Vec<String>> {
            Ok(sqlx::query_scalar(
                "SELECT name FROM identity_providers WHERE company_id = $1 ORDER BY position, name",
            )
            .bind(company_id)
            .fetch_all(&mut **self)
            .await?)
        }

        async fn set_directory_provider(
            &mut self,
            company_id: i64,
            provider: Option<&str>,
        ) -> StoreResult<()> {
            sqlx::query("UPDATE companies SET directory_provider = $2 WHERE id = $1")
                .bind(company_id)
                .bind(provider)
                .execute(&mut **self)
                .await?;
            if let Some(provider) = provider {
                // Users managed in the directory sign in through it.
                sqlx::query(
                        "INSERT INTO identity_providers (company_id, name, position)
                         SELECT $1, $2, COALESCE(MAX(position), 0) + 1 FROM identity_providers WHERE company_id = $1
                         ON CONFLICT (company_id, name) DO NOTHING",
                    )
                    .bind(company_id)
                    .bind(provider)
                    .execute(&mut **self)
                    .await?;
            }
            Ok(())
        }
    };
}

pub(crate) use common_write_statements;
