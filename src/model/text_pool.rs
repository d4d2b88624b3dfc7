//! One copy of each text that many records repeat (a rule's peer, a finding's title).

use arcstr::ArcStr;
use std::collections::{HashMap, HashSet};
use std::hash::Hash;
use std::sync::Arc;

/// Texts seen so far; [`TextPool::share`] points a text at the first copy of it.
#[derive(Default)]
pub struct TextPool {
    seen: HashSet<ArcStr>,
}

impl TextPool {
    pub fn share(&mut self, text: &mut ArcStr) {
        match self.seen.get(&**text) {
            Some(shared) => *text = shared.clone(),
            None => {
                self.seen.insert(text.clone());
            }
        }
    }
}

/// Lists that hold the same (groups' tags, findings' detail fields) made one shared list,
/// whose texts are shared in turn.
pub struct ListPool<T> {
    /// Each list as found, and the shared list that says the same.
    seen: HashMap<Arc<[T]>, Arc<[T]>>,
}

impl<T> Default for ListPool<T> {
    fn default() -> Self {
        ListPool {
            seen: HashMap::new(),
        }
    }
}

impl<T: Clone + Eq + Hash> ListPool<T> {
    /// Points `list` at the shared list that says the same, made the first time with each
    /// element's texts shared by `share`.
    pub fn share(
        &mut self,
        list: &mut Arc<[T]>,
        texts: &mut TextPool,
        share: impl Fn(&mut T, &mut TextPool),
    ) {
        if let Some(shared) = self.seen.get(list) {
            *list = shared.clone();
            return;
        }
        let mut own = list.to_vec();
        own.iter_mut().for_each(|e| share(e, texts));
        let shared: Arc<[T]> = own.into();
        self.seen.insert(list.clone(), shared.clone());
        *list = shared;
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    /// How many copies of a text the items hold in memory, and how many different texts:
    /// one copy of each when shared.
    pub fn copies_and_texts<T>(items: &[&T], text: fn(&T) -> &str) -> (usize, usize) {
        let mut at: Vec<*const u8> = items.iter().map(|i| text(i).as_ptr()).collect();
        at.sort();
        at.dedup();
        let mut texts: Vec<&str> = items.iter().map(|i| text(i)).collect();
        texts.sort();
        texts.dedup();
        (at.len(), texts.len())
    }

    #[test]
    fn equal_texts_end_as_one_copy_and_different_ones_stay_apart() {
        let mut pool = TextPool::default();
        let mut a: ArcStr = "in tcp 22".into();
        let mut b: ArcStr = "in tcp 22".into();
        let mut c: ArcStr = "in tcp 23".into();
        for t in [&mut a, &mut b, &mut c] {
            pool.share(t);
        }
        assert!(ArcStr::ptr_eq(&a, &b));
        assert!(!ArcStr::ptr_eq(&a, &c));
        assert_eq!(&*c, "in tcp 23");
    }
}
