//! The stack on which reverse mode records values its adjoint sweep needs but that the
//! forward sweep overwrites (the values of a loop body, once per iteration).
//!
//! A gradient is usually called many times (an optimiser's loop). A tape dropped at the end of
//! one call leaves a large buffer to the next tape of the same type on the same thread, so a recording call after the first neither reallocates as its tape grows nor
//! touches fresh pages (which cost more than the recording itself on large tapes). Small tapes
//! (a recursive function's, one per call) never touch this cache: the allocator serves them
//! faster.

use std::any::Any;
use std::cell::{Cell, RefCell};

/// At most this many buffers are kept per thread ...
const MAX_SPARE: usize = 16;
/// ... each of at least this many bytes (smaller ones are cheap to allocate) ...
const MIN_SPARE_BYTES: usize = 64 << 10;
/// ... and at most this many, so that one huge recording is not held for good.
const MAX_SPARE_BYTES: usize = 256 << 20;

thread_local! {
    static SPARE: RefCell<Vec<Box<dyn Any>>> = const { RefCell::new(Vec::new()) };
    /// `SPARE`'s length, read without touching `SPARE` (which, having a destructor, costs a
    /// registration check on each access): a recursive function creates tapes by the million.
    static SPARE_COUNT: Cell<usize> = const { Cell::new(0) };
}

/// A last-in, first-out stack of recorded values. `new` allocates nothing (it may take a
/// buffer a dropped tape left), so a function whose loops record nothing allocates nothing; a
/// `for` loop reserves room for its iterations up front.
#[derive(Debug, Clone, Default)]
pub struct Tape<T: Copy + 'static> {
    items: Vec<T>,
}

impl<T: Copy + 'static> Drop for Tape<T> {
    fn drop(&mut self) {
        let bytes = self.items.capacity() * std::mem::size_of::<T>();
        if !(MIN_SPARE_BYTES..=MAX_SPARE_BYTES).contains(&bytes) {
            return;
        }
        let mut items = std::mem::take(&mut self.items);
        items.clear();
        // Not during the thread's teardown, and never a panic from a drop.
        let _ = SPARE.try_with(|spare| {
            if let Ok(mut spare) = spare.try_borrow_mut() {
                if spare.len() < MAX_SPARE {
                    spare.push(Box::new(items));
                    SPARE_COUNT.set(spare.len());
                }
            }
        });
    }
}

impl<T: Copy + 'static> Tape<T> {
    /// An empty tape, with the large buffer an earlier tape of this type left, if any.
    #[inline]
    pub fn new() -> Self {
        if SPARE_COUNT.get() == 0 {
            return Tape { items: Vec::new() };
        }
        let spare = SPARE
            .try_with(|spare| {
                let mut spare = spare.try_borrow_mut().ok()?;
                let i = spare.iter().position(|b| b.is::<Vec<T>>())?;
                let taken = spare.swap_remove(i);
                SPARE_COUNT.set(spare.len());
                taken.downcast::<Vec<T>>().ok()
            })
            .ok()
            .flatten();
        Tape {
            items: spare.map_or_else(Vec::new, |b| *b),
        }
    }

    /// Records `value`.
    #[inline]
    pub fn push(&mut self, value: T) {
        self.items.push(value);
    }

    /// Takes back the value recorded last.
    ///
    /// # Panics
    /// If the tape is empty, which would be a bug in the generated code.
    #[inline]
    pub fn pop(&mut self) -> T {
        match self.items.pop() {
            Some(v) => v,
            None => underflow(),
        }
    }

    /// Records the contents of a buffer (a call's buffer argument, which the forward sweep
    /// overwrites later but the callee's reverse companion reads).
    #[inline]
    pub fn push_slice(&mut self, values: &[T]) {
        self.items.extend_from_slice(values);
    }

    /// Takes back the contents recorded last by `push_slice` into the buffer they came from.
    ///
    /// # Panics
    /// If fewer than `into.len()` values are recorded (a bug in the generated code).
    #[inline]
    pub fn pop_into(&mut self, into: &mut [T]) {
        let Some(start) = self.items.len().checked_sub(into.len()) else {
            underflow()
        };
        into.copy_from_slice(&self.items[start..]);
        self.items.truncate(start);
    }

    /// Makes room for `additional` more values.
    #[inline]
    pub fn reserve(&mut self, additional: usize) {
        self.items.reserve(additional);
    }

    /// The number of values recorded.
    #[inline]
    pub fn len(&self) -> usize {
        self.items.len()
    }

    /// Whether nothing is recorded.
    #[inline]
    pub fn is_empty(&self) -> bool {
        self.items.is_empty()
    }
}

/// The record of a block that runs at most once per call (a branch outside loops, the trip
/// count of a loop outside loops): the `Tape` interface on one value, without an allocation.
#[derive(Debug, Clone, Copy, Default)]
pub struct Slot<T: Copy> {
    value: Option<T>,
}

impl<T: Copy> Slot<T> {
    /// An empty slot.
    #[inline]
    pub const fn new() -> Self {
        Slot { value: None }
    }

    /// Records `value`.
    #[inline]
    pub fn push(&mut self, value: T) {
        self.value = Some(value);
    }

    /// Takes back the value recorded.
    ///
    /// # Panics
    /// If nothing is recorded, which would be a bug in the generated code.
    #[inline]
    pub fn pop(&mut self) -> T {
        match self.value.take() {
            Some(v) => v,
            None => underflow(),
        }
    }
}

/// Out of the hot path of `pop`.
#[cold]
#[inline(never)]
fn underflow() -> ! {
    panic!("ad: reverse sweep popped an empty tape (a bug in #[differentiate])")
}

#[cfg(test)]
mod tests {
    use super::Tape;

    #[test]
    fn last_in_first_out() {
        let mut t = Tape::new();
        assert!(t.is_empty());
        t.reserve(3);
        for v in [1.0, 2.0, 3.0] {
            t.push(v);
        }
        assert_eq!(t.len(), 3);
        assert_eq!([t.pop(), t.pop(), t.pop()], [3.0, 2.0, 1.0]);
        assert!(t.is_empty());
    }

    #[test]
    fn slices_come_back_whole_and_in_order() {
        let mut t = Tape::new();
        t.push_slice(&[1.0, 2.0]);
        t.push_slice(&[3.0, 4.0, 5.0]);
        let mut b = [0.0; 3];
        t.pop_into(&mut b);
        assert_eq!(b, [3.0, 4.0, 5.0]);
        let mut a = [0.0; 2];
        t.pop_into(&mut a);
        assert_eq!(a, [1.0, 2.0]);
        assert!(t.is_empty());
    }

    #[test]
    #[should_panic(expected = "empty tape")]
    fn popping_more_than_was_pushed_panics() {
        let mut t = Tape::new();
        t.push_slice(&[1.0]);
        t.pop_into(&mut [0.0; 2]);
    }

    #[test]
    fn a_dropped_large_tape_leaves_its_buffer_to_the_next() {
        let big = super::MIN_SPARE_BYTES;
        let mut small = Tape::<(f64, u8)>::new();
        small.push((0.0, 0));
        drop(small);
        assert_eq!(
            Tape::<(f64, u8)>::new().items.capacity(),
            0,
            "small buffers are not kept"
        );
        let mut t = Tape::<(f64, u8)>::new();
        t.reserve(big);
        t.push((1.0, 2));
        let address = t.items.as_ptr();
        drop(t);
        // A tape of another type does not take it.
        assert_eq!(Tape::<(u8, f64)>::new().items.capacity(), 0);
        let mut u = Tape::<(f64, u8)>::new();
        assert_eq!(u.items.as_ptr(), address, "the large buffer is reused");
        assert!(u.is_empty());
        u.push((3.0, 4));
        assert_eq!(u.pop(), (3.0, 4));
    }

    #[test]
    fn a_slot_holds_one_record() {
        let mut s = super::Slot::new();
        s.push((1.0, 2_usize));
        assert_eq!(s.pop(), (1.0, 2));
    }

    #[test]
    #[should_panic(expected = "empty tape")]
    fn popping_an_empty_slot_panics() {
        super::Slot::<f64>::new().pop();
    }

    #[test]
    #[should_panic(expected = "empty tape")]
    fn popping_an_empty_tape_panics() {
        Tape::<f64>::new().pop();
    }
}
