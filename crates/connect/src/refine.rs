//! Local re-clustering: splits and regroupings of stories at size checkpoints.
//!
//! An online clusterer that meets the first report of a second, similar event
//! (a second earthquake, another Oscar host) while only the first event's story
//! exists may put it there, and later reports follow it; early decisions are
//! also made with an IDF learned from few articles. So when a story reaches a
//! checkpoint size, its recent members and those of its closest neighbour
//! stories are clustered again with average-link agglomeration at the join
//! threshold (as a batch clusterer would), and articles move to match:
//! each new group takes over the story that holds most of its members, a group
//! of two or more with no story left becomes a new story, and a story left
//! empty counts as merged. A lone article keeps its story.

use crate::connector::Connector;
use crate::story::StoryChange;

/// Most recent members of the story re-clustered (older ones stay where they are).
const MAX_MEMBERS: usize = 64;
/// Neighbour stories drawn in, and their most recent members.
const MAX_NEIGHBOURS: usize = 4;
const MAX_PER_NEIGHBOUR: usize = 16;

/// Sizes at which a story is re-clustered.
fn checkpoint(n: usize) -> bool {
    matches!(n, 4 | 6 | 8 | 11 | 16 | 23 | 32 | 45 | 64 | 90) || (n > 90 && n & 63 == 0)
}

/// Average-link agglomerative clustering of a similarity matrix; groups of indices.
pub(crate) fn average_link(sim: &[Vec<f32>], threshold: f32) -> Vec<Vec<usize>> {
    let mut groups: Vec<Vec<usize>> = (0..sim.len()).map(|i| vec![i]).collect();
    // total[i][j]: sum of pairwise similarities between groups i and j.
    let mut total: Vec<Vec<f32>> = sim.to_vec();
    loop {
        let mut best: Option<(f32, usize, usize)> = None;
        for i in 0..groups.len() {
            for j in i + 1..groups.len() {
                let avg = total[i][j] / (groups[i].len() * groups[j].len()) as f32;
                if avg >= threshold && best.is_none_or(|b| avg > b.0) {
                    best = Some((avg, i, j));
                }
            }
        }
        let Some((_, i, j)) = best else { break };
        // Sums of pairwise similarities add up under a union (Lance-Williams).
        let row_j = total[j].clone();
        for (k, add) in row_j.into_iter().enumerate() {
            total[i][k] += add;
            total[k][i] = total[i][k];
        }
        // i < j, so removing j leaves i in place.
        let gj = groups.swap_remove(j);
        groups[i].extend(gj);
        total.swap_remove(j);
        for row in total.iter_mut() {
            row.swap_remove(j);
        }
    }
    groups
}

impl Connector {
    /// Re-clusters `story` with its `neighbours` if it just reached a checkpoint size.
    pub(crate) fn maybe_refine(&mut self, story: u32, neighbours: &[u32]) {
        if !checkpoint(self.stories[story as usize].members.len()) {
            return;
        }
        let mut slots: Vec<u32> = Vec::new();
        let mut take = |members: &[u32], k: usize| slots.extend_from_slice(&members[members.len().saturating_sub(k)..]);
        take(&self.stories[story as usize].members, MAX_MEMBERS);
        for &n in neighbours.iter().take(MAX_NEIGHBOURS) {
            let n = self.root(n);
            if n != story {
                take(&self.stories[n as usize].members, MAX_PER_NEIGHBOUR);
            }
        }
        slots.sort_unstable();
        slots.dedup();
        let mut sim = vec![vec![1.0f32; slots.len()]; slots.len()];
        for i in 0..slots.len() {
            for j in i + 1..slots.len() {
                let c = self.cosine(slots[i], slots[j]);
                sim[i][j] = c;
                sim[j][i] = c;
            }
        }
        let groups = average_link(&sim, self.cfg.refine_threshold as f32);
        // Each group claims the story holding most of its members, biggest claims first.
        let mut claims: Vec<(usize, u32, usize)> = Vec::new();
        for (g, group) in groups.iter().enumerate() {
            let mut count: Vec<(u32, usize)> = Vec::new();
            for &i in group {
                let s = self.root(self.docs[slots[i] as usize].story);
                match count.iter_mut().find(|(x, _)| *x == s) {
                    Some(c) => c.1 += 1,
                    None => count.push((s, 1)),
                }
            }
            claims.extend(count.into_iter().map(|(s, c)| (c, s, g)));
        }
        claims.sort_unstable_by(|a, b| b.0.cmp(&a.0).then(a.1.cmp(&b.1)).then(a.2.cmp(&b.2)));
        let mut owner: Vec<Option<u32>> = vec![None; groups.len()];
        let mut taken: Vec<u32> = Vec::new();
        for (_, s, g) in claims {
            if owner[g].is_none() && !taken.contains(&s) {
                owner[g] = Some(s);
                taken.push(s);
            }
        }
        for (g, group) in groups.iter().enumerate() {
            let mut members: Vec<u32> = group.iter().map(|&i| slots[i]).collect();
            members.sort_unstable();
            let target = match owner[g] {
                Some(s) => s,
                None if members.len() >= 2 => {
                    let first = &self.docs[members[0] as usize];
                    let (id, t) = (first.id, first.published);
                    self.new_story(id, t)
                }
                None => continue,
            };
            for m in members {
                let from = self.root(self.docs[m as usize].story);
                if from != target {
                    self.move_article(m, from, target);
                }
            }
        }
    }

    /// Moves an original article (and its copies) from one story to another.
    pub(crate) fn move_article(&mut self, slot: u32, from: u32, to: u32) {
        let st = &mut self.stories[from as usize];
        st.members.retain(|&m| m != slot);
        let (copies, stay): (Vec<u32>, Vec<u32>) =
            st.copies.iter().partition(|&&c| self.docs[c as usize].original == slot);
        st.copies = stay;
        let emptied = st.members.is_empty() && st.copies.is_empty();
        let mut articles = Vec::with_capacity(1 + copies.len());
        for &m in std::iter::once(&slot).chain(&copies) {
            self.docs[m as usize].story = to;
            let t = self.docs[m as usize].published;
            self.stories[to as usize].touch(t);
            articles.push(self.docs[m as usize].id);
        }
        let dst = &mut self.stories[to as usize];
        let at = dst.members.partition_point(|&m| m < slot);
        dst.members.insert(at, slot);
        dst.copies.extend(copies);
        dst.copies.sort_unstable();
        let (from_id, into) = (self.stories[from as usize].id, self.stories[to as usize].id);
        if emptied {
            self.stories[from as usize].parent = to;
        }
        self.changes.push(StoryChange::Moved { from: from_id, into, articles });
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn average_link_finds_two_groups() {
        let s = |a: usize, b: usize| -> f32 {
            if a == b {
                1.0
            } else if (a < 3) == (b < 3) {
                0.6
            } else {
                0.05
            }
        };
        let sim: Vec<Vec<f32>> = (0..6).map(|a| (0..6).map(|b| s(a, b)).collect()).collect();
        let mut g = average_link(&sim, 0.2);
        g.iter_mut().for_each(|x| x.sort_unstable());
        g.sort();
        assert_eq!(g, vec![vec![0, 1, 2], vec![3, 4, 5]]);
        assert_eq!(average_link(&sim, 0.01).len(), 1);
    }
}
