//! The local crates that `[patch.crates-io]` puts under comrak besides the Unicode ones (`tests/unicode_patches.rs`):
//! `crates/memchr-n` checked against a naive search.

use memchr_n::MemchrN;

/// The byte sets comrak 0.59 builds, and a few edge cases.
fn sets() -> Vec<Vec<u8>> {
    let href_unsafe = (0..=u8::MAX).filter(|b| !b.is_ascii_alphanumeric() && !b"-_.+!*(),#@?=;:/$~".contains(b));
    vec![
        b"\r\n".to_vec(),
        b"`".to_vec(),
        b"$".to_vec(),
        b"\\".to_vec(),
        b"@".to_vec(),
        b"@[]".to_vec(),
        b"\"&<>\0".to_vec(),
        href_unsafe.collect(),
        Vec::new(),
        (0..=u8::MAX).collect(),
        vec![0, 31, 32, 63, 64, 127, 128, 255],
    ]
}

/// Haystacks of every length up to 300 with pseudo-random bytes, biased to the bytes the sets hold.
fn haystacks() -> Vec<Vec<u8>> {
    let mut state = 0x2545_f491_u32;
    let mut next = move || {
        state ^= state << 13;
        state ^= state >> 17;
        state ^= state << 5;
        state
    };
    let alphabet = b"ab \r\n`$\\@[]\"&<>\0\xff\x80%";
    (0..300)
        .map(|len| {
            (0..len)
                .map(|_| {
                    let r = next();
                    if r % 3 == 0 {
                        (r >> 8) as u8
                    } else {
                        alphabet[(r >> 8) as usize % alphabet.len()]
                    }
                })
                .collect()
        })
        .collect()
}

#[test]
fn memchr_n_find_and_iter_match_a_naive_search() {
    for set in sets() {
        let finder = MemchrN::new(&set);
        for hay in haystacks() {
            let expected: Vec<usize> = (0..hay.len()).filter(|&i| set.contains(&hay[i])).collect();
            assert_eq!(finder.find(&hay), expected.first().copied(), "find {set:?} in {hay:?}");
            assert_eq!(finder.iter(&hay).collect::<Vec<_>>(), expected, "iter {set:?} in {hay:?}");
        }
    }
}

#[test]
fn memchr_n_advance_to_skips_forward_only() {
    let finder = MemchrN::new(b"\r\n");
    for hay in haystacks() {
        let all: Vec<usize> = (0..hay.len()).filter(|&i| matches!(hay[i], b'\r' | b'\n')).collect();
        // As comrak's count_newlines does: after a "\r", skip a following "\n" by advancing past it.
        for skip in 0..4 {
            let mut it = finder.iter(&hay);
            let mut got = Vec::new();
            let mut expected = Vec::new();
            while let Some(i) = it.next() {
                got.push(i);
                let target = (i + skip).saturating_sub(1);
                it.advance_to(target);
            }
            // Replay with the naive list: after each yielded i, the next is the first match >= max(i + 1, target).
            let mut low = 0;
            for &m in &all {
                if m >= low {
                    expected.push(m);
                    low = (m + 1).max((m + skip).saturating_sub(1));
                }
            }
            assert_eq!(got, expected, "skip {skip} in {hay:?}");
        }
        let mut it = finder.iter(&hay);
        it.advance_to(hay.len() + 5);
        assert_eq!(it.next(), None);
        assert_eq!(it.next(), None);
    }
}

#[test]
fn comrak_through_the_patched_scanner() {
    let html = comrak::markdown_to_html("a\r\nb\rc\n`x` <&> [l](/a b\"c)\n", &comrak::Options::default());
    assert_eq!(html, "<p>a\nb\nc\n<code>x</code> &lt;&amp;&gt; [l](/a b&quot;c)</p>\n");
}
