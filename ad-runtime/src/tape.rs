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
/// `for` loop reserves room for its iterations up front and then records with
/// [`push_reserved`](Tape::push_reserved).
///
/// The buffer holds initialised slots (of `T::default()` or of earlier records) beyond the
/// top of the stack, so that recording into a reserved slot is a plain, bounds-checked store:
/// a loop that records calls no function that returns, and the compiler keeps the loop's
/// values in registers instead of saving them around a call to grow the buffer.
#[derive(Debug, Clone, Default)]
pub struct Tape<T: Copy + Default + 'static> {
    items: Vec<T>,
    /// The number of values recorded: `items[..top]`.
    top: usize,
}

impl<T: Copy + Default + 'static> Drop for Tape<T> {
    fn drop(&mut self) {
        let bytes = self.items.capacity() * std::mem::size_of::<T>();
        if !(MIN_SPARE_BYTES..=MAX_SPARE_BYTES).contains(&bytes) {
            return;
        }
        // The slots stay initialised, so the next tape records into them without a pass.
        let items = std::mem::take(&mut self.items);
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

impl<T: Copy + Default + 'static> Tape<T> {
    /// An empty tape, with the large buffer an earlier tape of this type left, if any.
    #[inline]
    pub fn new() -> Self {
        let items = if SPARE_COUNT.get() == 0 {
            Vec::new()
        } else {
            take_spare()
        };
        Tape { items, top: 0 }
    }

    /// Records `value`, growing the buffer if needed.
    #[inline]
    pub fn push(&mut self, value: T) {
        match self.items.get_mut(self.top) {
            Some(slot) => *slot = value,
            None => self.items.push(value),
        }
        self.top += 1;
    }

    /// Records `value` in a slot made by [`reserve`](Tape::reserve).
    ///
    /// # Panics
    /// If the buffer has no slot left (more records than were reserved), which would be a bug
    /// in the generated code.
    #[inline]
    pub fn push_reserved(&mut self, value: T) {
        match self.items.get_mut(self.top) {
            Some(slot) => *slot = value,
            None => overflow(),
        }
        self.top += 1;
    }

    /// Takes back the value recorded last.
    ///
    /// # Panics
    /// If the tape is empty, which would be a bug in the generated code.
    #[inline]
    pub fn pop(&mut self) -> T {
        let Some(top) = self.top.checked_sub(1) else {
            underflow()
        };
        self.top = top;
        match self.items.get(top) {
            Some(v) => *v,
            None => underflow(),
        }
    }

    /// Records the contents of a buffer (a call's buffer argument, which the forward sweep
    /// overwrites later but the callee's reverse companion reads).
    #[inline]
    pub fn push_slice(&mut self, values: &[T]) {
        self.items.truncate(self.top);
        self.items.extend_from_slice(values);
        self.top += values.len();
    }

    /// Takes back the contents recorded last by `push_slice` into the buffer they came from.
    ///
    /// # Panics
    /// If fewer than `into.len()` values are recorded (a bug in the generated code).
    #[inline]
    pub fn pop_into(&mut self, into: &mut [T]) {
        let Some(start) = self.top.checked_sub(into.len()) else {
            underflow()
        };
        into.copy_from_slice(&self.items[start..self.top]);
        self.top = start;
    }

    /// Takes the `n` slots that a `for` loop over `0..n` records into, one per iteration:
    /// iteration `i` writes slot `i` (over `a..b`, slot `i − a`). Recording by index instead
    /// of by [`push`](Tape::push) leaves the loop no update of the stack's top, and its bounds
    /// check to the compiler, which can see that `i < n`.
    #[inline]
    pub fn record(&mut self, n: usize) -> &mut [T] {
        self.reserve(n);
        let start = self.top;
        self.top += n;
        &mut self.items[start..self.top]
    }

    /// Takes back at once the `n` values recorded last, oldest first: slot `i` holds what
    /// iteration `i` of a `for` loop over `0..n` recorded, for the reversed loop to read.
    ///
    /// # Panics
    /// If fewer than `n` values are recorded (a bug in the generated code).
    #[inline]
    pub fn replay(&mut self, n: usize) -> &[T] {
        let Some(start) = self.top.checked_sub(n) else {
            underflow()
        };
        let end = self.top;
        self.top = start;
        &self.items[start..end]
    }

    /// Makes `additional` slots ready for [`push_reserved`](Tape::push_reserved).
    #[inline]
    pub fn reserve(&mut self, additional: usize) {
        let needed = self.top.saturating_add(additional);
        if self.items.len() < needed {
            self.grow(needed);
        }
    }

    /// Initialises slots up to `needed`, at least doubling, so that the reservations of an
    /// inner loop run once per outer iteration cost amortised constant time.
    #[cold]
    #[inline(never)]
    fn grow(&mut self, needed: usize) {
        let len = needed.max(self.items.len().saturating_mul(2));
        if self.items.is_empty() {
            // For the zero-valued defaults of floats, integers and bools this is a zeroed
            // allocation, whose pages are touched only when recorded into (a loop that breaks
            // early pays for what it records, not for what it reserved).
            self.items = vec![T::default(); len];
        } else {
            self.items.resize(len, T::default());
        }
    }

    /// The number of values recorded.
    #[inline]
    pub fn len(&self) -> usize {
        self.top
    }

    /// Whether nothing is recorded.
    #[inline]
    pub fn is_empty(&self) -> bool {
        self.top == 0
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

/// A `for` loop's counter as the index of the slot its iteration records into (see
/// [`Tape::record`]): the generated code does not know the counter's integer type.
pub trait Counter: Copy {
    /// The slot of the iteration at counter `self` of a loop over a range from `start`: how far
    /// `self` is past `start` (which it never is below).
    fn slot(self, start: Self) -> usize;
}

impl Counter for usize {
    #[inline]
    fn slot(self, start: Self) -> usize {
        self - start
    }
}

macro_rules! counter {
    ($($t:ty)*) => {$(
        impl Counter for $t {
            #[inline]
            fn slot(self, start: Self) -> usize {
                // The distance fits the unsigned type of the same width (-100..100 in `i8`).
                self.abs_diff(start) as usize
            }
        }
    )*};
}
counter!(u8 u16 u32 u64 u128 i8 i16 i32 i64 i128 isize);

/// The large buffer a dropped tape of this type left, if any (out of line: a search through
/// the spare buffers, run once per tape, not in the loops that record).
#[inline(never)]
fn take_spare<T: 'static>() -> Vec<T> {
    SPARE
        .try_with(|spare| {
            let mut spare = spare.try_borrow_mut().ok()?;
            let i = spare.iter().position(|b| b.is::<Vec<T>>())?;
            let taken = spare.swap_remove(i);
            SPARE_COUNT.set(spare.len());
            taken.downcast::<Vec<T>>().ok()
        })
        .ok()
        .flatten()
        .map_or_else(Vec::new, |b| *b)
}

/// Out of the hot path of `push_reserved`.
#[cold]
#[inline(never)]
fn overflow() -> ! {
    panic!("ad: forward sweep recorded past its reservation (a bug in #[differentiate])")
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
    fn reserved_slots_take_records_and_interleave_with_growing_pushes() {
        let mut t = Tape::new();
        t.push(1.0);
        for outer in 0..3 {
            // An inner loop's reservation, once per outer iteration.
            t.reserve(2);
            t.push_reserved(f64::from(outer));
            t.push_reserved(10.0 + f64::from(outer));
        }
        t.push_slice(&[7.0, 8.0]);
        assert_eq!(t.len(), 9);
        let mut b = [0.0; 2];
        t.pop_into(&mut b);
        assert_eq!(b, [7.0, 8.0]);
        let popped: Vec<f64> = (0..7).map(|_| t.pop()).collect();
        assert_eq!(popped, [12.0, 2.0, 11.0, 1.0, 10.0, 0.0, 1.0]);
        assert!(t.is_empty());
    }

    #[test]
    #[should_panic(expected = "past its reservation")]
    fn recording_past_the_reservation_panics() {
        let mut t = Tape::new();
        t.reserve(1);
        t.push_reserved(1.0);
        t.push_reserved(2.0);
    }

    #[test]
    fn records_by_index_read_back_like_a_stack() {
        use super::Counter;
        let mut t = Tape::new();
        t.push(1.0);
        for outer in 0..2 {
            let slots = t.record(3);
            for i in -1..2_i32 {
                slots[i.slot(-1)] = f64::from(10 * outer + i + 1);
            }
        }
        assert_eq!(t.len(), 7);
        // Taken back one by one, as a stack, the last iteration first ...
        assert_eq!(t.pop(), 12.0);
        t.push(12.0);
        // ... or by index.
        assert_eq!(t.replay(3), [10.0, 11.0, 12.0]);
        assert_eq!(t.replay(0), [] as [f64; 0]);
        let popped: Vec<f64> = (0..4).map(|_| t.pop()).collect();
        assert_eq!(popped, [2.0, 1.0, 0.0, 1.0]);
        assert!(t.is_empty());
        assert_eq!([7_u8.slot(0), 7_i64.slot(0), 7_usize.slot(0)], [7; 3]);
        assert_eq!(
            [99_i8.slot(-100), 5_usize.slot(2), 0_i128.slot(-3)],
            [199, 3, 3]
        );
    }

    #[test]
    #[should_panic(expected = "empty tape")]
    fn replaying_more_than_was_recorded_panics() {
        let mut t = Tape::new();
        t.record(2).fill(1.0);
        t.replay(3);
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
