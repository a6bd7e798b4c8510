//! Shrinks a failing input while it still fails: deletes runs of lines, then runs of characters, then shortens
//! words to their first letter, until no single step keeps the failure. Greedy (a local minimum), deterministic,
//! bounded by a number of tries.
#![allow(dead_code)]

/// The smallest input found that still `fails`, trying at most `max_tries` candidates.
pub fn minimise(input: &str, max_tries: usize, fails: impl Fn(&str) -> bool) -> String {
    let mut best = input.to_owned();
    let tries = std::cell::Cell::new(0);
    let mut attempt = |candidate: &str, best: &mut String| -> bool {
        if tries.get() >= max_tries || candidate == best.as_str() {
            return false;
        }
        tries.set(tries.get() + 1);
        if fails(candidate) {
            *best = candidate.to_owned();
            true
        } else {
            false
        }
    };
    loop {
        let before = best.clone();
        delete_runs(&mut best, &mut attempt, |s| s.split_inclusive('\n').map(str::to_owned).collect());
        delete_runs(&mut best, &mut attempt, |s| s.chars().map(String::from).collect());
        shorten_words(&mut best, &mut attempt);
        if best == before || tries.get() >= max_tries {
            return best;
        }
    }
}

/// Deletes runs of `units` (halving the run length down to 1) while the input keeps failing.
fn delete_runs(
    best: &mut String,
    attempt: &mut impl FnMut(&str, &mut String) -> bool,
    units: impl Fn(&str) -> Vec<String>,
) {
    let mut run = units(best).len().div_ceil(2).max(1);
    loop {
        let mut at = 0;
        loop {
            let parts = units(best);
            if at >= parts.len() {
                break;
            }
            let end = (at + run).min(parts.len());
            let candidate: String = parts[..at].concat() + &parts[end..].concat();
            if !attempt(&candidate, best) {
                at += run;
            }
        }
        if run == 1 {
            return;
        }
        run = run.div_ceil(2);
    }
}

/// Replaces each word of two or more letters by its first letter, one word at a time.
fn shorten_words(best: &mut String, attempt: &mut impl FnMut(&str, &mut String) -> bool) {
    let mut from = 0;
    while let Some((start, end)) = next_word(best, from) {
        let candidate = format!("{}{}", &best[..start + 1], &best[end..]);
        if !attempt(&candidate, best) {
            from = end;
        } else {
            from = start + 1;
        }
    }
}

/// The next run of two or more ASCII letters at or after `from`.
fn next_word(text: &str, from: usize) -> Option<(usize, usize)> {
    let bytes = text.as_bytes();
    let mut i = from;
    while i < bytes.len() {
        if bytes[i].is_ascii_alphabetic() {
            let start = i;
            while i < bytes.len() && bytes[i].is_ascii_alphabetic() {
                i += 1;
            }
            if i - start >= 2 {
                return Some((start, i));
            }
        } else {
            i += 1;
        }
    }
    None
}
