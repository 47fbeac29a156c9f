// A generated page of news paragraphs, shared by the `scale` example and the linearity unit test.

/// A page of about `bytes` bytes: news paragraphs with quotes, cues, pronouns and roles, the
/// names drawn from a pool so the text keeps meeting new and known people.
fn page(bytes: usize, lang: &str) -> String {
    const FIRST: &[&str] = &["Anna", "Paul", "Marie", "Jean", "Claire", "Tom", "Julien", "Sophie", "Omar", "Lena", "Hugo", "Inès"];
    const LAST: &[&str] = &["Berg", "Moreau", "Dubois", "Vance", "Ruiz", "Ode", "Martin", "Lefèvre", "Okafor", "Nguyen", "Rossi", "Keller", "Haddad"];
    let en: &[&str] = &[
        "Minister of Finance {N} presented a plan on Tuesday. “We will not give up,” {S} told reporters. He added that talks would go on for weeks.",
        "“The bridge stays closed until May,” said {N}, the city’s mayor. The mayor said that repairs had started, according to officials.",
        "Critics called it a “cosmetic” change. “This is the longest streak on record,” the minister said, “and it will go on.”",
        "{N} spoke first. She said the budget was fair. “Nobody listens to us anymore,” a police officer said in the square.",
    ];
    let fr: &[&str] = &[
        "Le ministre de l'Intérieur {N} était à Marseille mardi. « Nous ne reculerons pas », a-t-il martelé devant la presse.",
        "« La sécurité d'abord », a souligné la porte-parole du gouvernement, {N}. Selon les syndicats, les moyens restent insuffisants.",
        "{N} a déclaré que le plan serait voté en juin. « C'est un plan sans précédent », estime le ministre dans un entretien.",
        "Le Premier ministre a promis un « nouveau départ ». « On nous promet beaucoup, mais on voit peu », a regretté une infirmière de Lyon.",
    ];
    let templates = if lang == "fr" { fr } else { en };
    let mut out = String::with_capacity(bytes + 512);
    let mut k: usize = 0;
    while out.len() < bytes {
        let n = format!("{} {}", FIRST[k % FIRST.len()], LAST[(k / FIRST.len() + k) % LAST.len()]);
        let s = LAST[(k / FIRST.len() + k) % LAST.len()];
        out.push_str(&templates[k % templates.len()].replace("{N}", &n).replace("{S}", s));
        out.push_str("\n\n");
        k += 1;
    }
    out
}
