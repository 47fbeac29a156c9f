//! A long-lived chain of Apertium processes (every stage of every mode of a
//! route, piped one into the next), fed NUL-terminated chunks.
//!
//! One thread writes chunks into the first process and one reads the last
//! process's output, so a slow engine can never deadlock the caller: every
//! answer is awaited with a deadline, and a chain that misses it is killed.

use std::io::{BufRead, BufReader, Write};
use std::process::{Child, ChildStdin, Command, Stdio};
use std::sync::mpsc::{self, Receiver, RecvTimeoutError, Sender};
use std::time::{Duration, Instant};

/// Why a chain failed a call. The chain is unusable afterwards.
#[derive(Debug)]
pub(crate) enum ChainError {
    /// A process exited or a pipe broke.
    Died(String),
    /// No answer before the deadline.
    Timeout,
}

pub(crate) struct Chain {
    children: Vec<Child>,
    to_writer: Option<Sender<Vec<u8>>>,
    from_reader: Receiver<Result<Vec<u8>, String>>,
    /// Process ids, first to last (for diagnostics and tests).
    pids: Vec<u32>,
}

impl Chain {
    /// Starts every stage (`argv` lists), the output of each piped into the next.
    pub(crate) fn spawn(stages: &[Vec<String>]) -> std::io::Result<Chain> {
        if stages.is_empty() {
            return Err(std::io::Error::other("an empty pipeline"));
        }
        let mut children: Vec<Child> = Vec::with_capacity(stages.len());
        let mut stdin: Option<ChildStdin> = None;
        for argv in stages {
            let input = match children.last_mut() {
                None => Stdio::piped(),
                Some(prev) => Stdio::from(prev.stdout.take().expect("stdout is piped")),
            };
            let child = Command::new(&argv[0]).args(&argv[1..]).stdin(input).stdout(Stdio::piped()).stderr(Stdio::null()).spawn();
            let mut child = match child {
                Ok(c) => c,
                Err(e) => {
                    kill_all(&mut children);
                    return Err(std::io::Error::new(e.kind(), format!("{}: {e}", argv[0])));
                }
            };
            if stdin.is_none() {
                stdin = child.stdin.take();
            }
            children.push(child);
        }
        let mut stdin = stdin.expect("stdin is piped");
        let stdout = children.last_mut().and_then(|c| c.stdout.take()).expect("stdout is piped");
        let pids = children.iter().map(Child::id).collect();

        let (to_writer, chunks) = mpsc::channel::<Vec<u8>>();
        std::thread::Builder::new().name("apertium-writer".into()).spawn(move || {
            for chunk in chunks {
                if stdin.write_all(&chunk).and_then(|()| stdin.flush()).is_err() {
                    break;
                }
            }
        })?;
        let (answers, from_reader) = mpsc::channel();
        std::thread::Builder::new().name("apertium-reader".into()).spawn(move || {
            let mut out = BufReader::with_capacity(1 << 16, stdout);
            loop {
                let mut buf = Vec::new();
                match out.read_until(0, &mut buf) {
                    Ok(0) => {
                        let _ = answers.send(Err("the last process closed its output".to_owned()));
                        break;
                    }
                    Ok(_) if buf.last() == Some(&0) => {
                        buf.pop();
                        if answers.send(Ok(buf)).is_err() {
                            break;
                        }
                    }
                    Ok(_) => {
                        let _ = answers.send(Err("the output ended in the middle of a chunk".to_owned()));
                        break;
                    }
                    Err(e) => {
                        let _ = answers.send(Err(e.to_string()));
                        break;
                    }
                }
            }
        })?;
        Ok(Chain { children, to_writer: Some(to_writer), from_reader, pids })
    }

    /// Sends every chunk (NUL bytes inside are dropped), then collects one
    /// answer per chunk, each within `timeout` of the previous one.
    pub(crate) fn call(&mut self, chunks: &[Vec<u8>], timeout: Duration) -> Result<Vec<Vec<u8>>, ChainError> {
        self.check_alive()?;
        let out = self.exchange(chunks, timeout)?;
        // A stage that died mid-way makes the stages after it flush what
        // they hold and end their output with NULs: answers that look
        // complete but are not. Only a chain still whole vouches for them.
        self.check_alive()?;
        // The same, when the dead stage is not reaped yet: a chain never answers text
        // with nothing.
        let hollow = chunks
            .iter()
            .zip(&out)
            .any(|(q, a)| q.iter().any(|b| !b.is_ascii_whitespace() && *b != 0) && a.iter().all(u8::is_ascii_whitespace));
        if hollow {
            return Err(ChainError::Died("an empty answer to a non-empty chunk".into()));
        }
        Ok(out)
    }

    fn check_alive(&mut self) -> Result<(), ChainError> {
        for c in &mut self.children {
            if let Ok(Some(status)) = c.try_wait() {
                return Err(ChainError::Died(format!("process {} exited ({status})", c.id())));
            }
        }
        Ok(())
    }

    fn exchange(&mut self, chunks: &[Vec<u8>], timeout: Duration) -> Result<Vec<Vec<u8>>, ChainError> {
        let writer = self.to_writer.as_ref().ok_or_else(|| ChainError::Died("closed".into()))?;
        for chunk in chunks {
            let mut c: Vec<u8> = chunk.iter().copied().filter(|b| *b != 0).collect();
            c.push(0);
            writer.send(c).map_err(|_| ChainError::Died("the writer stopped".into()))?;
        }
        let mut out = Vec::with_capacity(chunks.len());
        let mut deadline = Instant::now() + timeout;
        while out.len() < chunks.len() {
            let left = deadline.saturating_duration_since(Instant::now());
            match self.from_reader.recv_timeout(left) {
                Ok(Ok(answer)) => {
                    out.push(answer);
                    deadline = Instant::now() + timeout;
                }
                Ok(Err(e)) => return Err(ChainError::Died(e)),
                Err(RecvTimeoutError::Timeout) => return Err(ChainError::Timeout),
                Err(RecvTimeoutError::Disconnected) => return Err(ChainError::Died("the reader stopped".into())),
            }
        }
        Ok(out)
    }

    /// The process ids, first stage first.
    pub(crate) fn pids(&self) -> &[u32] {
        &self.pids
    }
}

impl Drop for Chain {
    fn drop(&mut self) {
        self.to_writer = None;
        kill_all(&mut self.children);
    }
}

fn kill_all(children: &mut [Child]) {
    for c in children.iter_mut() {
        let _ = c.kill();
    }
    for c in children.iter_mut() {
        let _ = c.wait();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cat_chain() -> Chain {
        Chain::spawn(&[vec!["cat".into()], vec!["cat".into()]]).unwrap()
    }

    #[test]
    fn chunks_come_back_in_order() {
        let mut c = cat_chain();
        let out = c.call(&[b"one".to_vec(), b"tw\0o".to_vec()], Duration::from_secs(5)).unwrap();
        assert_eq!(out, [b"one".to_vec(), b"two".to_vec()]);
    }

    #[test]
    fn a_killed_stage_is_an_error_not_a_hang() {
        let mut c = cat_chain();
        let pid = c.pids()[1];
        std::process::Command::new("kill").args(["-KILL", &pid.to_string()]).status().unwrap();
        let t = Instant::now();
        let e = c.call(&[b"x".to_vec()], Duration::from_secs(5));
        assert!(matches!(e, Err(ChainError::Died(_))), "{e:?}");
        assert!(t.elapsed() < Duration::from_secs(5));
    }

    #[test]
    fn a_silent_stage_times_out() {
        let mut c = Chain::spawn(&[vec!["sleep".into(), "30".into()]]).unwrap();
        let t = Instant::now();
        let e = c.call(&[b"x".to_vec()], Duration::from_millis(300));
        assert!(matches!(e, Err(ChainError::Timeout)), "{e:?}");
        assert!(t.elapsed() < Duration::from_secs(3));
    }
}
