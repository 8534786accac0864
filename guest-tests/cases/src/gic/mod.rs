//! GIC cases (GICv2: IHI 0048B; GICv3: IHI 0069H).

use guest_kit::Case;

mod sgi_self;
mod spi_pending_active_cycle;

/// The GIC cases, in run order.
pub static CASES: &[Case] = &[sgi_self::CASE, spi_pending_active_cycle::CASE];
