//! One leader per role among the processes sharing a data folder: the distributed
//! mode's single-writer roles (the story connector) hold it while they run, and a
//! standby waits for it.

use std::fs::{File, TryLockError};

use crate::{Store, StoreError};

/// Leadership of a role, held until dropped (or until the process dies: the operating
/// system releases the lock of a killed process).
#[derive(Debug)]
pub struct LeaderLock {
    _file: File,
}

impl Store {
    /// Takes the leadership of `role` (a name of letters, digits, `-` and `_`) if no
    /// other process holds it: an exclusive lock on `<role>.leader` beside the
    /// database file. `None` while another holds it.
    pub fn try_lead(&self, role: &str) -> Result<Option<LeaderLock>, StoreError> {
        assert!(
            !role.is_empty()
                && role
                    .bytes()
                    .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_'),
            "a role name is letters, digits, '-' and '_'"
        );
        let path = self.path().with_file_name(format!("{role}.leader"));
        let io = |source| StoreError::Io {
            path: path.clone(),
            source,
        };
        let file = File::options()
            .create(true)
            .truncate(false)
            .write(true)
            .open(&path)
            .map_err(io)?;
        match file.try_lock() {
            Ok(()) => Ok(Some(LeaderLock { _file: file })),
            Err(TryLockError::WouldBlock) => Ok(None),
            Err(TryLockError::Error(e)) => Err(io(e)),
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::Store;

    #[test]
    fn one_leader_per_role_until_it_lets_go() {
        let dir = tempfile::tempdir().unwrap();
        let (a, b) = (
            Store::open(dir.path()).unwrap(),
            Store::open(dir.path()).unwrap(),
        );
        let lead = a.try_lead("connector").unwrap().expect("nobody leads yet");
        assert!(
            b.try_lead("connector").unwrap().is_none(),
            "a second handle waits"
        );
        assert!(
            b.try_lead("other-role").unwrap().is_some(),
            "roles are independent"
        );
        drop(lead);
        assert!(
            b.try_lead("connector").unwrap().is_some(),
            "the standby takes over"
        );
    }
}
