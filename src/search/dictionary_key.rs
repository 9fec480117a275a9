/// The group of jieba's dictionary a word is in: its first two characters
/// (`build.rs` groups the dictionary by it, `search::reading` looks it up);
/// a word of one character has a key no two characters have.
pub fn dictionary_key(word: &str) -> u64 {
    let mut chars = word.chars();
    let first = chars.next().map_or(0, u64::from);
    let second = chars.next().map_or(u64::from(u32::MAX), u64::from);
    (first << 32) | second
}
