//! One leader per role among the machines sharing the database: a session-level
//! advisory lock held on a connection of its own. The server releases it when that
//! connection ends, so a leader that dies (or loses the server) lets a standby in.

use crate::{Connection, PgStore, PgStoreError};

/// Leadership of a role, held until dropped. The lock lives as long as its connection:
/// ask [`still_held`](Self::still_held) between units of work, and stop leading when
/// it says no (the server restarted, or the network dropped the session).
pub struct PgLeaderLock {
    conn: Option<Connection>,
    key: i64,
    role: String,
}

impl std::fmt::Debug for PgLeaderLock {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PgLeaderLock")
            .field("role", &self.role)
            .field("key", &self.key)
            .finish()
    }
}

/// The advisory lock key of a role: a stable 63-bit hash of its name (FNV-1a), apart
/// from the migrations' key.
fn role_key(role: &str) -> i64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for b in "polmon-leader:".bytes().chain(role.bytes()) {
        h = (h ^ u64::from(b)).wrapping_mul(0x0000_0100_0000_01b3);
    }
    (h >> 1) as i64
}

impl PgStore {
    /// Takes the leadership of `role` if no other session holds it; `None` while one
    /// does.
    pub fn try_lead(&self, role: &str) -> Result<Option<PgLeaderLock>, PgStoreError> {
        let key = role_key(role);
        let mut conn = self.conn()?;
        let taken: bool = conn
            .query_one("SELECT pg_try_advisory_lock($1)", &[&key])?
            .get(0);
        Ok(taken.then(|| PgLeaderLock {
            conn: Some(conn),
            key,
            role: role.to_owned(),
        }))
    }
}

impl PgLeaderLock {
    /// Whether this session still holds the lock (false once its connection is gone).
    pub fn still_held(&mut self) -> bool {
        let Some(conn) = self.conn.as_mut() else {
            return false;
        };
        let held = conn.query_one(
            "SELECT EXISTS (SELECT 1 FROM pg_locks WHERE locktype = 'advisory' AND granted
                 AND objsubid = 1 AND pid = pg_backend_pid() AND ((classid::bigint << 32) | objid::bigint) = $1)",
            &[&self.key],
        );
        match held {
            Ok(row) => row.get(0),
            Err(_) => {
                // The session is gone, and its lock with it.
                self.conn = None;
                false
            }
        }
    }
}

impl Drop for PgLeaderLock {
    fn drop(&mut self) {
        if let Some(mut conn) = self.conn.take() {
            // The connection goes back to the pool: it must not keep the lock.
            let _ = conn.execute("SELECT pg_advisory_unlock($1)", &[&self.key]);
        }
    }
}
