//! A tiny seeded generator (SplitMix64): the same seed gives the same world on every platform.

#[derive(Debug, Clone)]
pub struct Rng(std::cell::Cell<u64>);

impl Rng {
    pub fn new(seed: u64) -> Self {
        Self(std::cell::Cell::new(seed ^ 0x9E37_79B9_7F4A_7C15))
    }

    pub fn next_u64(&self) -> u64 {
        let mut z = self.0.get().wrapping_add(0x9E37_79B9_7F4A_7C15);
        self.0.set(z);
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// A child generator, so that one case's draws do not shift another's.
    pub fn fork(&self) -> Rng {
        Rng::new(self.next_u64())
    }

    /// Uniform in `lo..=hi`.
    pub fn range(&self, lo: i64, hi: i64) -> i64 {
        if hi <= lo {
            return lo;
        }
        let span = (hi - lo + 1) as u64;
        lo + (self.next_u64() % span) as i64
    }

    pub fn unit(&self) -> f64 {
        (self.next_u64() >> 11) as f64 / (1u64 << 53) as f64
    }

    /// True with probability `p`.
    pub fn chance(&self, p: f64) -> bool {
        self.unit() < p
    }

    pub fn pick<T: Copy>(&self, items: &[T]) -> T {
        items[self.range(0, items.len() as i64 - 1) as usize]
    }

    pub fn pick_ref<'a, T>(&self, items: &'a [T]) -> &'a T {
        &items[self.range(0, items.len() as i64 - 1) as usize]
    }

    /// An index drawn by integer weights.
    pub fn weighted(&self, weights: &[u32]) -> usize {
        let total: u64 = weights.iter().map(|&w| w as u64).sum();
        let mut x = self.next_u64() % total.max(1);
        for (i, &w) in weights.iter().enumerate() {
            if x < w as u64 {
                return i;
            }
            x -= w as u64;
        }
        weights.len() - 1
    }

    /// Skewed towards the upper end of `lo..=hi` (agencies tend to use most of a period).
    pub fn late_range(&self, lo: i64, hi: i64) -> i64 {
        if hi <= lo {
            return lo;
        }
        let u = self.unit().sqrt();
        lo + ((hi - lo) as f64 * u).round() as i64
    }
}
