//! refvisor's heap: `reference-vgic` allocates (ap_lists, flush results, its register state),
//! so refvisor gives it a global allocator over a static arena in its own image, outside the
//! guest's stage 2.

use core::mem::MaybeUninit;

use linked_list_allocator::LockedHeap;

/// Heap size: the model of a 288-INTID GIC with a few vCPUs needs well under this.
const HEAP_BYTES: usize = 8 << 20;

#[global_allocator]
static ALLOCATOR: LockedHeap = LockedHeap::empty();

static mut ARENA: [MaybeUninit<u8>; HEAP_BYTES] = [MaybeUninit::uninit(); HEAP_BYTES];

/// Hands the arena to the allocator; called once, on the boot CPU, before any allocation.
pub fn init() {
    // SAFETY: called once before any other CPU runs; the arena is used by nothing else.
    let arena = unsafe {
        core::slice::from_raw_parts_mut((&raw mut ARENA).cast::<MaybeUninit<u8>>(), HEAP_BYTES)
    };
    ALLOCATOR.lock().init_from_slice(arena);
}
