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
//!   empty one; it is a pure function of the policy, the vector and the candidates.
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
}

/// The lowest-priority policies a target may follow.
pub fn allowed_lowest_priority_choices() -> &'static [LowestPriority] {
    &[
        LowestPriority::ArbitrationPriority,
        LowestPriority::VectorHashing,
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

/// The CPU that takes a lowest-priority interrupt with `vector` among `candidates`.
pub fn choose(policy: LowestPriority, vector: u8, candidates: &[Candidate]) -> Option<usize> {
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
            choose(LowestPriority::ArbitrationPriority, 0x40, &set),
            Some(1)
        );
    }

    #[test]
    fn a_focus_processor_wins_arbitration() {
        let mut set = [c(0, 0x00), c(1, 0x30)];
        set[1].focus = true;
        assert_eq!(
            choose(LowestPriority::ArbitrationPriority, 0x40, &set),
            Some(1)
        );
    }

    #[test]
    fn vector_hashing_sends_one_vector_always_to_one_cpu() {
        let set = [c(3, 0), c(1, 0), c(2, 0xf0)];
        assert_eq!(choose(LowestPriority::VectorHashing, 0x41, &set), Some(3));
        assert_eq!(choose(LowestPriority::VectorHashing, 0x42, &set), Some(1));
        assert_eq!(choose(LowestPriority::VectorHashing, 0x42, &[]), None);
    }
}
