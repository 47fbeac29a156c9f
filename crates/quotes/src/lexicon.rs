//! Word lists: attribution cues, words that end a speaker phrase, pronouns, titles.
//!
//! All entries are lower case with straight apostrophes, as [`crate::text::Token::lower`].

use std::collections::HashSet;
use std::sync::OnceLock;

/// English and French verbs (all common forms) that attribute speech or writing.
const CUES: &[&str] = &[
    // English
    "said", "says", "say", "saying", "told", "tells", "telling", "added", "adds", "adding",
    "warned", "warns", "warning", "argued", "argues", "arguing", "declared", "declares",
    "underlined", "underlines", "indicated", "indicates", "stated", "explained", "explains",
    "explaining", "noted", "notes", "noting", "wrote", "writes", "writing", "asked", "asks",
    "insisted", "insists", "claimed", "claims", "claiming", "stressed", "stresses", "continued",
    "continues", "recalled", "recalls", "acknowledged", "acknowledges", "admitted", "admits",
    "announced", "announces", "replied", "replies", "responded", "responds", "tweeted",
    "tweets", "suggested", "suggests", "observed", "remarked", "emphasized", "emphasised",
    "emphasizes", "commented", "joked", "quipped", "conceded", "concluded", "predicted",
    "promised", "vowed", "urged", "charged", "contended", "countered", "shouted", "yelled",
    "chanted", "called", "calls", "calling", "reported", "reports", "asserted", "asserts",
    "maintained", "maintains", "mused", "boasted", "complained", "complains", "lamented",
    "cautioned", "pledged", "proclaimed", "proclaims", "retorted", "testified", "alleged",
    "alleges", "confirmed", "confirms", "disclosed", "revealed", "repeated", "told", "posted",
    "scoffed", "sighed", "asking", "reacted", "beamed", "remembered", "yelling", "shouting",
    "screamed", "exclaiming", "quipping", "joking", "insisting", "warns", "stating", "states",
    "demanded", "demands", "scolded", "described", "describes", "branded", "dubbed", "labeled",
    "labelled", "termed", "sings", "sang", "reads", "read", "explains", "wrote", "exclaimed", "wondered", "thundered", "interjected", "agreed",
    // French (participles and present forms; auxiliaries are handled apart)
    "déclaré", "déclare", "affirmé", "affirme", "dit", "ajouté", "ajoute", "estimé", "estime",
    "indiqué", "indique", "souligné", "souligne", "expliqué", "explique", "assuré", "assure",
    "averti", "avertit", "martelé", "martèle", "lancé", "lance", "précisé", "précise", "confié",
    "confie", "insisté", "insiste", "annoncé", "annonce", "rappelé", "rappelle", "écrit",
    "répondu", "répond", "prévenu", "prévient", "jugé", "juge", "dénoncé", "dénonce",
    "reconnu", "reconnaît", "regretté", "regrette", "plaidé", "plaide", "tweeté", "tweete",
    "poursuivi", "poursuit", "observé", "observe", "noté", "note", "relevé", "relève",
    "commenté", "commente", "fustigé", "fustige", "détaillé", "détaille", "confirmé",
    "confirme", "réagi", "réagit", "témoigné", "témoigne", "interrogé", "raconté", "raconte",
    "conclu", "conclut", "glissé", "glisse", "résumé", "résume", "tranché", "tranche", "ironisé",
    "ironise", "lâché", "répété", "répète", "avoué", "avoue", "admis", "admet", "promis", "promet",
    "déploré", "déplore", "salué", "protesté", "proteste", "réclamé", "réclame",
    "demandé", "souhaité", "souhaite", "espéré", "espère", "considéré", "considère",
    "rétorqué", "rétorque", "renchéri", "renchérit", "nuancé", "nuance", "tempéré", "tempère",
    "appelé", "exhorté", "exhorte", "prévenu", "signalé", "signale", "soutenu",
    "soutient", "argué", "argumenté", "objecté", "répliqué", "réplique", "écrit", "publié",
];

/// Stems of French first-group verbs of saying; [`is_cue`] reads them with the third-person
/// endings of the present, imperfect, simple past, past participle and present participle
/// ("déclare", "déclarent", "déclarait", "déclara", "déclarèrent", "déclaré", "déclarant").
const FRENCH_CUE_STEMS: &[&str] = &[
    "déclar", "affirm", "ajout", "estim", "indiqu", "soulign", "expliqu", "assur", "martel",
    "lanc", "précis", "confi", "insist", "annonc", "rappel", "répét", "avou", "dénonc", "regrett",
    "plaid", "tweet", "observ", "comment", "fustig", "détaill", "confirm", "témoign",
    "racont", "gliss", "résum", "tranch", "ironis", "lâch", "déplor", "salu", "protest", "réclam",
    "souhait", "espér", "considér", "rétorqu", "nuanc", "tempér", "exhort", "signal", "argu",
    "argument", "object", "répliqu", "révél", "qualifi", "soupir", "exclam", "accus", "critiqu",
    "rassur", "prédi", "assén", "concéd", "dément", "clam", "proclam", "réitér",
    "recommand", "jug", "not", "félicit", "inquiét", "indign", "réjou",
    "résum", "interpell", "contest", "développ",
    "insinu", "murmur", "cri", "hurl", "lanç", "racont", "évoqu", "parl", "résum", "conclu",
    "mentionn", "réaffirm", "suggér", "énonc", "conseill",
];

/// French verbs of saying outside the first group, in the same forms.
const FRENCH_CUE_FORMS: &[&str] = &[
    "dit", "disent", "disait", "disaient", "dirent", "disant", "écrit", "écrivent", "écrivait",
    "écrivaient", "écrivit", "écrivant", "répond", "répondent", "répondu", "répondait",
    "répondit", "répondant", "reconnaît", "reconnait", "reconnu", "reconnaissait", "reconnut",
    "reconnaissant", "admet", "admis", "admettait", "admit", "admettant", "promet", "promis",
    "promettait", "promit", "conclut", "conclu", "concluait", "concluant", "avertit", "averti",
    "avertissait", "avertissant", "prévient", "prévenu", "prévenait", "prévint", "poursuit",
    "poursuivi", "poursuivait", "poursuivit", "poursuivant", "réagit", "réagi", "réagissait",
    "soutient", "soutenu", "soutenait", "soutint", "soutenant", "renchérit", "renchéri",
    "décrit", "décrivait", "décrivant", "confie", "confient", "révèle", "révèlent", "rappelle",
    "rappellent", "répète", "répètent", "relève", "relèvent", "relevé", "relevait", "espère", "considère", "martèle",
    "s'exclame", "maintient", "maintenu", "maintenait", "prédit", "interroge", "interrogé",
    "explique", "raconte", "commente", "souligne", "ajoute", "assure", "estime", "affirme",
    "déclare", "précise", "indique", "insiste", "tempête", "s'indigne", "s'inquiète",
    "se félicite", "parlant", "évoquant", "qualifiant", "conseille",
];

/// Cues that introduce their source after them and the content around them.
const SOURCE_FIRST: &[&str] = &["according", "selon", "d'après", "après", "pour"];

/// Auxiliaries and adverbs that may stand between a speaker and a cue ("has also said").
const SKIPPABLE: &[&str] = &[
    "has", "have", "had", "will", "would", "also", "then", "later", "once", "previously",
    "recently", "further", "again", "just", "first", "had", "'d", "is", "was", "were", "are",
    "been", "has", "repeatedly", "already", "frequently", "often", "never", "even", "subsequently",
    // French
    "ont", "avait", "avaient", "aurait", "auraient", "a", "encore", "aussi", "déjà", "également",
    "ainsi", "alors", "pour", "sa", "part",
];

/// Words that end a speaker phrase when walking away from a cue.
const BOUNDARIES: &[&str] = &[
    "that", "which", "who", "whom", "whose", "when", "while", "where", "because", "and", "but",
    "or", "if", "as", "than", "so", "not", "to", "in", "on", "at", "for", "with", "by", "from",
    "into", "about", "after", "before", "during", "over", "under", "since", "until", "is",
    "was", "are", "were", "be", "been", "has", "have", "had", "will", "would", "could",
    "should", "can", "may", "might", "do", "does", "did", "what", "how", "why", "there",
    "here", "it", "this", "these", "those", "yet", "although", "though", "also", "then",
    "told", "asked", "unless", "whether", "once", "like", "via", "through", "against", "amid",
    "among", "despite", "toward", "towards", "without", "within", "per", "but", "nor", "said",
    "says", "say",
    // French
    "que", "qu'", "qui", "dont", "où", "et", "mais", "ou", "dans", "sur", "pour", "avec", "par",
    "à", "au", "aux", "en", "est", "sont", "était", "ont", "lors", "après", "avant", "pendant",
    "depuis", "contre", "sans", "sous", "vers", "chez", "car", "donc", "puis", "ce", "cela",
    "il", "elle", "devant", "derrière", "auprès", "face", "selon", "envers", "entre", "parmi",
    "malgré", "lors", "concernant",
];

/// Words a speaker phrase never starts with, though a boundary word might (French "a").
const NOT_ALONE: &[&str] = &["the", "a", "an", "le", "la", "les", "l'", "un", "une", "des"];

/// Personal pronouns that can be a speaker, with the gender they imply (None = any).
const PRONOUNS: &[(&str, Option<Gender>)] = &[
    ("he", Some(Gender::Male)),
    ("she", Some(Gender::Female)),
    ("il", Some(Gender::Male)),
    ("elle", Some(Gender::Female)),
    ("they", None),
    ("ils", None),
    ("elles", None),
    // "selon lui", "pour eux"
    ("lui", Some(Gender::Male)),
    ("eux", None),
    ("i", None),
    ("we", None),
    ("nous", None),
];

/// Determiners that make a description indefinite: its speaker stays unnamed.
const INDEFINITE: &[&str] = &[
    "a", "an", "another", "one", "some", "several", "many", "un", "une", "des", "plusieurs",
    "certains", "certaines", "other", "others", "two", "three", "most", "few", "any",
];

/// Determiners that make a description definite: it may point back at a named person.
const DEFINITE: &[&str] = &[
    "the", "this", "that", "his", "her", "its", "their", "le", "la", "les", "l'", "ce", "cet",
    "cette", "son", "sa", "ses", "leur",
];

/// Words that are not content words when comparing a description with a person's roles.
const ROLE_STOP: &[&str] = &[
    "the", "a", "an", "of", "for", "and", "in", "on", "to", "his", "her", "its", "their",
    "this", "that", "le", "la", "les", "l'", "de", "du", "des", "d'", "et", "un", "une", "son",
    "sa", "ses", "ce", "cette", "cet", "also", "then", "former", "new", "same", "ancien",
    "ancienne", "même", "nouveau", "nouvelle",
];

/// Titles before a name: they make the name a person and give a gender when they can.
const TITLES: &[(&str, Option<Gender>)] = &[
    ("mr.", Some(Gender::Male)),
    ("mr", Some(Gender::Male)),
    ("mrs.", Some(Gender::Female)),
    ("mrs", Some(Gender::Female)),
    ("ms.", Some(Gender::Female)),
    ("ms", Some(Gender::Female)),
    ("miss", Some(Gender::Female)),
    ("m.", Some(Gender::Male)),
    ("mme", Some(Gender::Female)),
    ("mme.", Some(Gender::Female)),
    ("dr.", None),
    ("sen.", None),
    ("rep.", None),
    ("gov.", None),
    ("gen.", None),
    ("lt.", None),
    ("col.", None),
    ("sgt.", None),
    ("pres.", None),
    ("prof.", None),
    ("pr", None),
    ("pr.", None),
];

/// Capitalised words that make a capitalised sequence a role, not a name.
pub(crate) const ROLE_WORDS: &[&str] = &[
    "president", "minister", "secretary", "senator", "governor", "chancellor", "mayor",
    "chairman", "chairwoman", "chair", "director", "spokesman", "spokeswoman", "spokesperson",
    "ambassador", "general", "commissioner", "representative", "congressman", "congresswoman",
    "speaker", "leader", "judge", "justice", "attorney", "prime", "vice", "deputy", "chief",
    "candidate", "nominee", "king", "queen", "prince", "pope", "premier", "sheriff", "officer",
    "adviser", "advisor", "ceo", "founder", "head", "président", "présidente", "ministre",
    "secrétaire", "sénateur", "sénatrice", "député", "députée", "maire", "porte-parole",
    "ambassadeur", "chef", "directeur", "directrice", "commissaire", "gouverneur", "juge",
    "procureur", "of", "the", "state", "foreign", "affairs", "defense", "defence", "armed",
    "forces", "interior", "finance", "justice", "health", "economy", "de", "la", "des", "du",
    "d'état", "etat", "état", "campaign", "manager", "press", "intérieur", "armées", "étrangères",
    "économie", "santé", "éducation", "travail", "culture", "agriculture", "transports", "finances",
    "comptes", "outre-mer", "écologique", "transition", "numérique", "l'intérieur", "l'économie",
    "l'éducation", "l'agriculture", "gouvernement", "nationale", "premier", "première", "ministre",
    "garde", "sceaux", "chancelière", "bundeskanzler", "außenminister",
];

/// Words that make a capitalised sequence an organisation.
const ORG_WORDS: &[&str] = &[
    "party", "ministry", "department", "committee", "council", "commission", "union", "news",
    "post", "times", "journal", "agency", "office", "senate", "congress", "house", "bank",
    "court", "foundation", "institute", "university", "association", "organization",
    "organisation", "group", "corporation", "inc.", "inc", "corp.", "company", "network",
    "press", "tribune", "herald", "daily", "magazine", "reuters", "cnn", "msnbc", "nbc",
    "abc", "cbs", "fox", "afp", "ap", "bbc", "nato", "otan", "un", "onu", "unesco", "eu",
    "fbi", "cia", "police", "army", "navy", "government", "administration", "campaign",
    "parliament", "assembly", "élysée", "elysee", "gouvernement", "ministère", "parti",
    "conseil", "commission", "assemblée", "sénat", "tribunal", "cour", "politifact",
    "institution", "center", "centre", "service", "services", "club", "fund", "board",
    "federation", "league", "alliance", "coalition", "republicans", "democrats", "gop",
];

/// Sentence-initial capitalised words that are never names.
const NOT_NAMES: &[&str] = &[
    "the", "a", "an", "he", "she", "it", "they", "we", "i", "you", "this", "that", "these",
    "those", "but", "and", "or", "so", "in", "on", "at", "as", "if", "when", "then", "there",
    "here", "his", "her", "their", "our", "its", "my", "after", "before", "while", "with",
    "for", "from", "by", "to", "of", "what", "who", "why", "how", "yes", "no", "not", "now",
    "still", "also", "however", "meanwhile", "according", "asked", "during", "since",
    "although", "though", "because", "instead", "despite", "even", "just", "only", "all",
    "some", "many", "most", "one", "two", "three", "both", "each", "every", "other", "such",
    "last", "next", "first", "read", "follow", "watch", "related", "home", "photo", "image",
    "le", "la", "les", "un", "une", "des", "il", "elle", "ils", "elles", "nous", "vous", "je",
    "on", "mais", "et", "ou", "donc", "car", "dans", "en", "pour", "par", "avec", "sur",
    "selon", "après", "avant", "depuis", "pendant", "ce", "cette", "ces", "son", "sa", "ses",
    "monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday", "january",
    "february", "march", "april", "may", "june", "july", "august", "september", "october",
    "november", "december", "lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi",
    "dimanche", "mr.", "mrs.", "ms.", "dr.", "obviously", "well", "look", "yet", "like",
    "initiatives", "heads", "far", "where", "which", "said", "says",
];

/// Time words skipped between a speaker and a cue ("Smith on Tuesday said").
const TIME_WORDS: &[&str] = &[
    "monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday", "today",
    "yesterday", "tonight", "morning", "afternoon", "evening", "night", "week", "weekend",
    "lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi", "dimanche", "hier",
];

/// Abbreviations that keep their full stop.
const ABBREVIATIONS: &[&str] = &[
    "mr", "mrs", "ms", "dr", "sen", "rep", "gov", "gen", "lt", "col", "sgt", "st", "jr", "sr",
    "pres", "prof", "inc", "corp", "co", "mme", "no", "vs", "u.s", "u.k", "u.n", "d.c",
    "a.m", "p.m", "sept", "oct", "nov", "dec", "jan", "feb", "aug", "calif", "fla", "ala",
];

/// Common first names with their gender (English and French), for pronoun agreement.
const FIRST_NAMES_MALE: &[&str] = &[
    "donald", "barack", "bill", "joe", "mike", "michael", "john", "james", "robert", "david",
    "george", "paul", "mark", "peter", "richard", "thomas", "william", "charles", "chris",
    "christopher", "daniel", "steven", "stephen", "steve", "tim", "timothy", "ted", "marco",
    "jeb", "ben", "bernie", "newt", "rudy", "rudolph", "reince", "sean", "eric", "jared",
    "vladimir", "emmanuel", "antony", "anthony", "stéphane", "sébastien", "nicolas",
    "françois", "jean", "pierre", "jacques", "gabriel", "olaf", "boris", "rishi", "keir",
    "xi", "wang", "recep", "volodymyr", "benjamin", "mohammed", "ali", "kevin", "mitch",
    "chuck", "harry", "lindsey", "rand", "jim", "tom", "jack", "frank", "gary", "matt",
    "jason", "brian", "andrew", "adam", "scott", "jeff", "jeffrey", "josh", "kenneth", "larry",
    "nikol", "emmanuel", "édouard", "bruno", "gérald", "jordan", "olivier", "laurent", "michel",
    "alain", "manuel", "osama", "hamza", "akira", "musa", "yahya", "zakaria", "andrea", "luca", "nicola", "nikola", "mustafa", "attila", "sasha", "ezra", "elijah", "jonah", "noah", "dmitry", "sergei", "sergey", "alexei", "igor", "viktor", "andrzej",
];
const FIRST_NAMES_FEMALE: &[&str] = &[
    "hillary", "nancy", "elizabeth", "kellyanne", "sarah", "michelle", "melania", "ivanka",
    "theresa", "angela", "marine", "ségolène", "anne", "audrey", "mary", "patricia", "jennifer",
    "linda", "barbara", "susan", "jessica", "karen", "lisa", "betty", "margaret", "sandra",
    "kamala", "ursula", "giorgia", "kaja", "christine", "catherine", "valérie", "élisabeth",
    "rachida", "nathalie", "sophie", "marie", "claire", "hannah", "emma", "olivia", "huma",
    "donna", "debbie", "dianne", "kirsten", "amy", "maxine", "alicia", "gennifer", "chelsea",
    "jill", "laura", "julia", "rebecca", "rachel", "katie", "kate", "megyn", "pam", "tulsi",
    "condoleezza", "madeleine", "samantha", "janet", "liz", "annalena", "mette", "sanna",
];

/// Grammatical gender of a person, where the text lets us tell.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Gender {
    Male,
    Female,
}

fn has(list: &[&str], w: &str) -> bool {
    list.contains(&w)
}

/// A word list looked up in constant time: the large lists are asked about every token.
macro_rules! word_set {
    ($name:ident, $($list:expr),+) => {
        fn $name(w: &str) -> bool {
            static SET: OnceLock<HashSet<&'static str>> = OnceLock::new();
            SET.get_or_init(|| [$($list),+].iter().flat_map(|l| l.iter().copied()).collect()).contains(w)
        }
    };
}

word_set!(in_cues, CUES, SOURCE_FIRST);
word_set!(in_boundaries, BOUNDARIES);
word_set!(in_role_words, ROLE_WORDS);
word_set!(in_org_words, ORG_WORDS);
word_set!(in_not_names, NOT_NAMES);
word_set!(in_role_stop, ROLE_STOP);
word_set!(in_skippable, SKIPPABLE);
word_set!(in_male, FIRST_NAMES_MALE);
word_set!(in_female, FIRST_NAMES_FEMALE);

pub(crate) fn is_cue(w: &str) -> bool {
    in_cues(w) || is_french_cue(w)
}

word_set!(in_french_stems, FRENCH_CUE_STEMS);
word_set!(in_french_forms, FRENCH_CUE_FORMS);

/// A French verb of saying in a third-person or participle form (see [`FRENCH_CUE_STEMS`]).
fn is_french_cue(w: &str) -> bool {
    if in_french_forms(w) {
        return true;
    }
    const ENDINGS: &[&str] = &["eraient", "erait", "eront", "era", "èrent", "aient", "ait", "ent", "ant", "ées", "ée", "és", "é", "a", "e"];
    ENDINGS.iter().any(|e| {
        // "accuse", "critique", "argue" are English words too: those two endings only with an
        // accented letter ("déclara", "révèle"); the common ones are listed.
        let english_like = matches!(*e, "a" | "e") && w.is_ascii();
        !english_like && w.strip_suffix(e).is_some_and(|stem| {
            stem.chars().count() >= 3
                && (in_french_stems(stem)
                    || in_french_stems(&stem.replace('ç', "c"))
                    || in_french_stems(&stem.replace('è', "é")))
        })
    })
}

/// A French verb of saying in the infinitive ("commenter", "expliquer"): a cue after a modal
/// ("pourrait commenter le Président", "tente d'expliquer la ministre").
pub(crate) fn is_french_infinitive_cue(w: &str) -> bool {
    w.strip_suffix("er").is_some_and(|stem| stem.chars().count() >= 3 && in_french_stems(stem)) || matches!(w, "dire" | "écrire" | "répondre" | "reconnaître" | "admettre")
}

/// French verbs that put a verb of saying in the infinitive before its inverted subject
/// ("pourrait commenter X"), directly or through "de"/"à" ("tente d'expliquer X").
pub(crate) fn is_french_modal(w: &str) -> bool {
    matches!(
        w,
        "peut" | "pourrait" | "pourra" | "pouvait" | "doit" | "devait" | "devrait" | "va" | "allait" | "vient" | "venait"
            | "semble" | "tente" | "tentait" | "tient" | "tenait" | "essaie" | "cherche" | "aime" | "préfère" | "ose"
    )
}

/// Words that stand between a French subject or an inverted cue and the verb without being
/// part of a speaker phrase: auxiliaries, clitics, adverbs ("a ensuite précisé", "l'a
/// nommé", "a de son côté dénoncé").
pub(crate) fn is_verb_filler(w: &str) -> bool {
    matches!(
        w,
        "a" | "ont" | "avait" | "avaient" | "aurait" | "auraient" | "aura" | "est" | "sont" | "était"
            | "s'" | "se" | "l'" | "le" | "la" | "les" | "lui" | "leur" | "y" | "en" | "ne" | "n'" | "pas"
            | "ensuite" | "alors" | "encore" | "aussi" | "également" | "notamment" | "enfin" | "déjà"
            | "d'ailleurs" | "toutefois" | "cependant" | "pourtant" | "néanmoins" | "puis" | "donc"
            | "de" | "son" | "sa" | "côté" | "pour" | "part" | "quant" | "même" | "bien"
            | "tout" | "plus" | "tard" | "plutôt" | "elle-même" | "lui-même" | "m'" | "me" | "nous" | "vous"
            | "t" | "tôt" | "ainsi" | "hier" | "aujourd'hui"
    ) || (w.ends_with("ment") && w.chars().count() > 6)
}

pub(crate) fn is_source_first(w: &str) -> bool {
    has(SOURCE_FIRST, w)
}

pub(crate) fn is_skippable(w: &str, lang: &str) -> bool {
    (in_skippable(w) && (w != "a" || lang == "fr"))
        || (w.ends_with("ly") && w.len() > 4)
        || (lang == "fr" && w.ends_with("ment") && w.chars().count() > 6)
}

pub(crate) fn is_boundary(w: &str) -> bool {
    in_boundaries(w)
}

pub(crate) fn is_not_alone(w: &str) -> bool {
    has(NOT_ALONE, w)
}

pub(crate) fn pronoun(w: &str) -> Option<Option<Gender>> {
    PRONOUNS.iter().find(|(p, _)| *p == w).map(|(_, g)| *g)
}

pub(crate) fn is_indefinite(w: &str) -> bool {
    has(INDEFINITE, w)
}

pub(crate) fn is_definite(w: &str) -> bool {
    has(DEFINITE, w)
}

/// The gender a French determiner shows ("la revue", "le chercheur"); none for "l'", "les"
/// and "son" ("son amie").
pub(crate) fn french_determiner_gender(w: &str) -> Option<Gender> {
    match w {
        "le" | "un" | "ce" | "cet" | "du" | "au" => Some(Gender::Male),
        "la" | "une" | "cette" | "sa" => Some(Gender::Female),
        _ => None,
    }
}

pub(crate) fn is_role_stop(w: &str) -> bool {
    in_role_stop(w)
}

pub(crate) fn title(w: &str) -> Option<Option<Gender>> {
    TITLES.iter().find(|(t, _)| *t == w).map(|(_, g)| *g)
}

pub(crate) fn is_role_word(w: &str) -> bool {
    in_role_words(w)
}

/// A French noun of an office or a title ("le juge", "la ministre", "le conseiller"): it names
/// whoever holds the office, not the person a text happens to be about.
pub(crate) fn is_office_noun(w: &str) -> bool {
    (in_role_words(w) && !matches!(w, "of" | "the" | "de" | "la" | "des" | "du" | "état" | "etat" | "d'état"))
        || matches!(
            w,
            "conseiller" | "conseillère" | "procureure" | "préfet" | "préfète" | "ambassadrice" | "rapporteur" | "rapporteure"
                | "médiateur" | "médiatrice" | "dirigeant" | "dirigeante" | "pdg" | "patron" | "patronne" | "chancelière"
                | "magistrat" | "magistrate" | "sénatrice" | "commissaire" | "président-directeur" | "vice-président" | "vice-présidente"
        )
}

pub(crate) fn is_org_word(w: &str) -> bool {
    in_org_words(w)
}

pub(crate) fn is_not_name(w: &str) -> bool {
    in_not_names(w)
}

pub(crate) fn is_time_word(w: &str) -> bool {
    has(TIME_WORDS, w)
}

pub(crate) fn is_elision(w: &str) -> bool {
    matches!(w, "d" | "l" | "qu" | "j" | "n" | "s" | "c" | "jusqu" | "lorsqu" | "puisqu")
}

pub(crate) fn is_abbreviation(word: &[char]) -> bool {
    let w: String = word.iter().collect::<String>().to_lowercase();
    (word.len() == 1 && word[0].is_uppercase()) || has(ABBREVIATIONS, &w)
}

/// The gender a first name suggests; `by_ending` also reads typical women's endings, for a
/// word known to be a first name (the first of several).
pub(crate) fn first_name_gender(w: &str, by_ending: bool) -> Option<Gender> {
    if in_male(w) {
        Some(Gender::Male)
    } else if in_female(w) {
        Some(Gender::Female)
    } else if by_ending && w.chars().count() > 3 && ["ine", "ette", "elle", "ienne", "a"].iter().any(|s| w.ends_with(s)) && !w.ends_with("ua") {
        // Most European first names with these endings are women's (Nadine, Paola, Ségolène's
        // neighbours Arlette, Isabelle); men's exceptions sit in the list above.
        Some(Gender::Female)
    } else {
        None
    }
}

/// Adverbs that open sentences and are never names.
pub(crate) fn is_sentence_adverb(w: &str) -> bool {
    matches!(w, "currently" | "recently" | "finally" | "additionally" | "separately" | "similarly" | "ultimately"
        | "initially" | "previously" | "specifically" | "notably" | "importantly" | "clearly" | "obviously"
        | "fortunately" | "unfortunately" | "apparently" | "reportedly" | "earlier" | "likewise" | "otherwise")
        || matches!(w, "later" | "earlier" | "then" | "now" | "today" | "yesterday" | "tomorrow" | "meanwhile" | "still" | "finally" | "indeed" | "moreover" | "furthermore" | "instead" | "nonetheless" | "nevertheless" | "again" | "here" | "there" | "ensuite" | "puis" | "enfin" | "hier" | "aujourd'hui" | "demain" | "cependant" | "pourtant" | "ainsi"
            | "néanmoins" | "toutefois" | "alors" | "désormais" | "finalement" | "d'ailleurs" | "certes" | "également"
            | "notamment" | "rappelons" | "surtout" | "aussi" | "or" | "bref" | "déjà" | "moins" | "plus" | "quelques")
}

/// Words that make a capitalised sequence a place or a thing, not a person.
pub(crate) fn is_place_word(w: &str) -> bool {
    matches!(
        w,
        "street" | "avenue" | "square" | "county" | "river" | "island" | "islands" | "mountains" | "valley"
            | "bay" | "city" | "convention" | "treaty" | "act" | "amendment" | "airport" | "station" | "bridge"
            | "park" | "beach" | "lake" | "sea" | "ocean" | "coast" | "north" | "south" | "east" | "west"
            | "america" | "europe" | "asia" | "africa" | "middle" | "rue" | "place" | "boulevard" | "palais"
            | "hall" | "tower" | "building" | "stadium" | "arena" | "plaza" | "road" | "district" | "region"
            | "province" | "republic" | "kingdom" | "states" | "emirates" | "strip" | "bank" | "day" | "week"
            | "war" | "olympics" | "cup" | "games" | "trophy" | "prize" | "award" | "awards" | "république"
            | "ville" | "région" | "département" | "île" | "mont" | "lac" | "fleuve" | "jeux" | "coupe"
            | "prix" | "guerre" | "traité" | "loi" | "union" | "pont" | "gare" | "aéroport"
    )
}

/// Frequent places written as ordinary capitalised words (US states, big countries and cities).
pub(crate) fn is_place(w: &str) -> bool {
    const PLACES: &[&str] = &[
        "alabama", "alaska", "arizona", "arkansas", "california", "colorado", "connecticut", "delaware",
        "florida", "georgia", "hawaii", "idaho", "illinois", "indiana", "iowa", "kansas", "kentucky",
        "louisiana", "maine", "maryland", "massachusetts", "michigan", "minnesota", "mississippi",
        "missouri", "montana", "nebraska", "nevada", "new hampshire", "new jersey", "new mexico",
        "new york", "north carolina", "north dakota", "ohio", "oklahoma", "oregon", "pennsylvania",
        "rhode island", "south carolina", "south dakota", "tennessee", "texas", "utah", "vermont",
        "virginia", "washington", "west virginia", "wisconsin", "wyoming", "los angeles", "san francisco",
        "las vegas", "new orleans", "hong kong", "saudi arabia", "great britain", "new zealand",
        "south africa", "north korea", "south korea", "sri lanka", "costa rica", "puerto rico",
        "united kingdom", "united states", "el salvador", "buenos aires", "rio de janeiro", "tel aviv",
        "abu dhabi", "new delhi", "wall street", "capitol hill", "silicon valley", "white house",
    ];
    PLACES.contains(&w)
}

/// French nouns for people by what they do or are ("le graphiste", "la toxicologue", "son
/// avocate", "l'universitaire"): a definite description with such a head names a person the
/// text has already named. Listed words, then the usual endings of such nouns.
pub(crate) fn is_person_noun(w: &str) -> bool {
    matches!(
        w,
        "ministre" | "président" | "présidente" | "porte-parole" | "directeur" | "directrice" | "secrétaire"
            | "député" | "députée" | "sénateur" | "sénatrice" | "maire" | "chef" | "responsable" | "dirigeant"
            | "dirigeante" | "représentant" | "représentante" | "avocat" | "avocate" | "procureur" | "procureure"
            | "juge" | "chercheur" | "chercheuse" | "scientifique" | "expert" | "experte" | "universitaire"
            | "professeur" | "professeure" | "médecin" | "journaliste" | "commentateur" | "commentatrice"
            | "skipper" | "joueur" | "joueuse" | "entraîneur" | "candidat" | "candidate" | "militant" | "militante"
            | "patron" | "patronne" | "pdg" | "fondateur" | "fondatrice" | "auteur" | "autrice" | "écrivain"
            | "rapporteur" | "rapporteure" | "conseiller" | "conseillère" | "ambassadeur" | "ambassadrice"
            | "commissaire" | "gouverneur" | "chancelier" | "chancelière" | "roi" | "reine" | "pape" | "prince"
            | "princesse" | "complice" | "témoin" | "habitant" | "habitante" | "élève" | "étudiant" | "étudiante"
            | "enseignant" | "enseignante" | "mère" | "père" | "épouse" | "mari" | "veuve" | "veuf" | "ami" | "amie"
            | "proche" | "collègue" | "intéressé" | "intéressée" | "homme" | "femme" | "garçon" | "fille"
            | "dernier" | "dernière" | "producteur" | "productrice" | "analyste" | "élu" | "élue" | "leader"
            | "guide" | "président-directeur" | "vice-président" | "vice-présidente" | "coach" | "sélectionneur"
            | "capitaine" | "général" | "colonel" | "commandant" | "officier" | "policier" | "policière"
            | "gendarme" | "infirmier" | "infirmière" | "agriculteur" | "agricultrice" | "ouvrier" | "ouvrière"
            | "salarié" | "salariée" | "opposant" | "opposante" | "survivant" | "survivante" | "victime"
            | "ancien" | "ancienne" | "jeune" | "chiraquien" | "ténor" | "spécialiste" | "prêtre" | "évêque"
            | "marcheur" | "manifestant" | "manifestante" | "participant" | "participante" | "intervenant"
            | "intervenante" | "commerçant" | "commerçante" | "gérant" | "gérante" | "assistant" | "assistante"
            | "combattant" | "soignant" | "soignante" | "plaignant" | "plaignante" | "parent" | "enfant" | "source"
            | "entourage" | "autorité" | "interlocuteur" | "interlocutrice" | "voisin" | "voisine" | "membre"
            | "médiateur" | "médiatrice" | "enquêteur" | "enquêtrice" | "électeur" | "électrice" | "lecteur" | "lectrice"
            | "rédacteur" | "rédactrice" | "shérif" | "officiel" | "diplomate" | "défenseur" | "adjoint" | "adjointe"
            | "délégué" | "déléguée" | "envoyé" | "envoyée" | "émissaire" | "employé" | "employée" | "agent" | "citoyen"
            | "citoyenne" | "sauveteur" | "pompier" | "préfet" | "préfète" | "magistrat" | "magistrate" | "consul"
            | "personne" | "personnalité" | "individu" | "internaute" | "passant" | "riverain" | "fan"
    ) || ["iste", "logue", "ologue", "icien", "icienne", "ateur", "atrice", "aire"].iter().any(|e| w.ends_with(e) && w.len() > e.len() + 2)
}

/// French words a speaker noun phrase cannot open with: prepositions and elided clitics
/// ("D'une plume alerte", "S'il arrive", "Lors du procès").
pub(crate) fn opens_no_noun_phrase(w: &str) -> bool {
    matches!(
        w,
        "s'" | "c'" | "qu'" | "n'" | "j'" | "m'" | "t'" | "à" | "au" | "aux" | "dans" | "par" | "pour" | "sur" | "avec" | "sans"
            | "lors" | "après" | "avant" | "depuis" | "pendant" | "en" | "vers" | "chez" | "contre" | "selon" | "sous" | "entre"
            | "in" | "at" | "on" | "with" | "from" | "during" | "after" | "before" | "since" | "by" | "for" | "to" | "of" | "into"
    )
}

/// Words a speaker phrase cannot end with: it would stop in the middle of a phrase ("l'application
/// du", "Obama and").
pub(crate) fn dangles(w: &str) -> bool {
    matches!(
        w,
        "de" | "du" | "des" | "d'" | "l'" | "le" | "la" | "les" | "un" | "une" | "à" | "au" | "aux" | "et" | "ou" | "mais" | "par"
            | "pour" | "avec" | "sur" | "dans" | "of" | "the" | "an" | "and" | "or" | "but" | "to" | "for" | "with" | "by" | "in"
            | "at" | "from"
    )
}

/// Pronouns and demonstratives that never name a speaker on their own ("C'est …", "cela").
pub(crate) fn is_non_speaker_pronoun(w: &str) -> bool {
    matches!(w, "c'" | "ce" | "cela" | "ça" | "ceci" | "celui" | "celle" | "ceux" | "celles" | "tout" | "rien" | "this" | "these" | "those" | "there" | "here")
}

/// French verbs after which "il" is always impersonal ("il faut", "il s'agit", "il suffit";
/// not "il reste convaincu", "il ne manque pas de rappeler").
pub(crate) fn is_impersonal_verb(w: &str) -> bool {
    matches!(
        w,
        "faut" | "fallait" | "fallu" | "faudra" | "faudrait" | "agit" | "agissait" | "suffit" | "suffisait" | "convient"
            | "existe" | "existait" | "importe" | "vaut" | "valait" | "pleut" | "s'agit"
    )
}

/// Months, years, and the words that place a date ("début mars 2020"): a speaker phrase ends
/// before them.
pub(crate) fn is_date_word(w: &str) -> bool {
    matches!(
        w,
        "janvier" | "février" | "mars" | "avril" | "mai" | "juin" | "juillet" | "août" | "septembre" | "octobre" | "novembre"
            | "décembre" | "début" | "fin" | "mi" | "january" | "february" | "march" | "april" | "june" | "july" | "august"
            | "september" | "october" | "november" | "december"
    ) || (w.len() == 4 && (w.starts_with("19") || w.starts_with("20")) && w.chars().all(|c| c.is_ascii_digit()))
}

/// French nouns for bodies that speak ("l'organisation", "le syndicat", "la fédération").
pub(crate) fn is_body_noun(w: &str) -> bool {
    matches!(
        w,
        "organisation" | "association" | "fédération" | "syndicat" | "ong" | "gouvernement" | "ministère"
            | "agence" | "institut" | "parti" | "groupe" | "entreprise" | "société" | "direction" | "commission"
            | "chaîne" | "quotidien" | "journal" | "hebdomadaire" | "site" | "communiqué" | "rapport" | "étude"
            | "tribunal" | "cour" | "parquet" | "police" | "armée" | "mairie" | "préfecture" | "collectif"
            | "comité" | "conseil" | "fondation" | "banque" | "compagnie" | "constructeur" | "fisc" | "texte"
            | "presse" | "média" | "magazine" | "revue" | "radio" | "télévision" | "lettre" | "document" | "note"
            | "déclaration" | "loi" | "décret" | "arrêt" | "jugement" | "sondage" | "enquête" | "ville" | "état"
            | "assemblée" | "sénat" | "mouvement" | "coalition" | "alliance" | "opposition" | "majorité" | "club"
            | "équipe" | "administration" | "institution" | "office" | "autorité" | "haute" | "centrale" | "union"
            | "confédération" | "ligue" | "académie" | "université" | "école" | "hôpital" | "régime" | "pouvoir"
            | "camp" | "délégation" | "mission" | "cabinet" | "élysée" | "matignon" | "ambassade" | "chambre"
            | "parlement" | "exécutif" | "rédaction" | "municipalité" | "département" | "région" | "province"
            | "présidence" | "diplomatie" | "justice" | "défense" | "population" | "jeunesse" | "magistrature"
            | "gendarmerie" | "intersyndicale" | "communauté" | "chancellerie" | "diaspora" | "famille" | "opinion"
    )
}

/// French subject pronouns that can speak.
pub(crate) fn is_subject_pronoun(w: &str) -> bool {
    matches!(w, "il" | "elle" | "ils" | "elles")
}

/// French determiners that open a definite noun phrase.
pub(crate) fn is_french_determiner(w: &str) -> bool {
    matches!(w, "le" | "la" | "les" | "l'" | "son" | "sa" | "ses" | "leur" | "leurs" | "ce" | "cet" | "cette" | "un" | "une" | "des" | "plusieurs" | "certains" | "certaines" | "d'autres")
}
