//! The one naming rule shared by the passes and the lean emitter: typify names types in
//! PascalCase, so clashes are found and new names made the same way.

/// `createTranscription` -> `CreateTranscription`; `post_audio_x` -> `PostAudioX`.
pub fn pascal(id: &str) -> String {
    let mut out = String::new();
    let mut upper = true;
    for c in id.chars() {
        if !c.is_ascii_alphanumeric() {
            upper = true;
        } else if upper {
            out.push(c.to_ascii_uppercase());
            upper = false;
        } else {
            out.push(c);
        }
    }
    out
}
