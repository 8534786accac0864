//! Lowest-priority delivery: which one CPU of a destination set takes the interrupt.
//!
//! The SDM (vol. 3 §11.6.2.4) defines lowest-priority arbitration by the arbitration priority
//! (APR) with an optional focus processor; since Nehalem, chipsets instead pick a processor
//! in a platform-defined way — round robin or a hash of the vector (seed 001, the VT-d posted
//! interrupt design; VT-d §5.1.5 leaves the choice to the platform). Both are allowed choices;
//! which one a target makes is recorded, not judged.
//!
//! Invariants:
//! - [`choose`] returns exactly one member of a non-empty candidate set and `None` for an
//!   empty one; it is a pure function of the policy, the vector, the candidates and (for round
//!   robin) the previous pick, which the caller keeps.
//! - Ties in APR go to the lowest CPU index (irqsuite's choice).

/// How a lowest-priority interrupt picks its CPU.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum LowestPriority {
    /// The focus processor (vector already pending or in service) if any, else the lowest
    /// APR, ties to the lowest CPU index (SDM §11.6.2.4). irqsuite's default.
    #[default]
    ArbitrationPriority,
    /// The candidate at position `vector mod n` in CPU order, so one vector always goes to one
    /// CPU (the "vector hashing" of seed 001).
    VectorHashing,
    /// The next candidate in CPU order after the previous pick, wrapping (the "round robin" of
    /// seed 001).
    RoundRobin,
}

/// The lowest-priority policies a target may follow.
pub fn allowed_lowest_priority_choices() -> &'static [LowestPriority] {
    &[
        LowestPriority::ArbitrationPriority,
        LowestPriority::VectorHashing,
        LowestPriority::RoundRobin,
    ]
}

/// A CPU of the destination set.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Candidate {
    /// CPU index.
    pub cpu: usize,
    /// Its arbitration priority.
    pub apr: u8,
    /// Is it the focus processor for the vector?
    pub focus: bool,
}

/// The CPU that takes a lowest-priority interrupt with `vector` among `candidates`;
/// `previous` is the CPU the last lowest-priority interrupt went to (round robin only).
pub fn choose(
    policy: LowestPriority,
    vector: u8,
    candidates: &[Candidate],
    previous: Option<usize>,
) -> Option<usize> {
    match policy {
        LowestPriority::ArbitrationPriority => candidates
            .iter()
            .min_by_key(|c| (!c.focus, c.apr, c.cpu))
            .map(|c| c.cpu),
        LowestPriority::VectorHashing => {
            if candidates.is_empty() {
                return None;
            }
            let mut cpus: alloc::vec::Vec<usize> = candidates.iter().map(|c| c.cpu).collect();
            cpus.sort_unstable();
            Some(cpus[usize::from(vector) % cpus.len()])
        }
        LowestPriority::RoundRobin => {
            let after = |c: &&Candidate| previous.is_none_or(|p| c.cpu > p);
            let next = candidates.iter().filter(after).map(|c| c.cpu).min();
            next.or_else(|| candidates.iter().map(|c| c.cpu).min())
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn c(cpu: usize, apr: u8) -> Candidate {
        Candidate {
            cpu,
            apr,
            focus: false,
        }
    }

    #[test]
    fn arbitration_picks_the_lowest_apr_then_the_lowest_cpu() {
        let set = [c(0, 0x20), c(1, 0x10), c(2, 0x10)];
        assert_eq!(
            choose(LowestPriority::ArbitrationPriority, 0x40, &set, None),
            Some(1)
        );
    }

    #[test]
    fn a_focus_processor_wins_arbitration() {
        let mut set = [c(0, 0x00), c(1, 0x30)];
        set[1].focus = true;
        assert_eq!(
            choose(LowestPriority::ArbitrationPriority, 0x40, &set, None),
            Some(1)
        );
    }

    #[test]
    fn vector_hashing_sends_one_vector_always_to_one_cpu() {
        let set = [c(3, 0), c(1, 0), c(2, 0xf0)];
        assert_eq!(
            choose(LowestPriority::VectorHashing, 0x41, &set, None),
            Some(3)
        );
        assert_eq!(
            choose(LowestPriority::VectorHashing, 0x42, &set, None),
            Some(1)
        );
        assert_eq!(choose(LowestPriority::VectorHashing, 0x42, &[], None), None);
    }

    #[test]
    fn round_robin_takes_the_next_cpu_after_the_previous_pick_and_wraps() {
        let set = [c(4, 0), c(1, 0), c(2, 0)];
        let rr = |prev| choose(LowestPriority::RoundRobin, 0x40, &set, prev);
        assert_eq!(rr(None), Some(1));
        assert_eq!(rr(Some(1)), Some(2));
        assert_eq!(rr(Some(2)), Some(4));
        assert_eq!(rr(Some(4)), Some(1));
    }
}
