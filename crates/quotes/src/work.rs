//! A count of the steps the look-back loops take (mentions visited, cue candidates read), so a
//! unit test can check that the work grows linearly with the page without timing anything.
//! Counting is compiled in tests only; elsewhere [`step`] is a no-op.

#[cfg(test)]
thread_local! {
    static STEPS: std::cell::Cell<u64> = const { std::cell::Cell::new(0) };
}

/// Counts one step of a look-back loop.
#[inline]
pub(crate) fn step() {
    #[cfg(test)]
    STEPS.with(|s| s.set(s.get() + 1));
}

/// The steps counted on this thread so far.
#[cfg(test)]
pub(crate) fn steps() -> u64 {
    STEPS.with(|s| s.get())
}
