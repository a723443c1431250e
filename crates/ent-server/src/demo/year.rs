//! A school year of mail for the app's demo (« Essayer la démo »), written at the first start
//! of its data folder: a few hundred messages across the system folders and Marie Durand's
//! own folders, in threads, with PDF attachments, unread ones, group messages (a class's
//! parents, the school's staff, the « Conseil pédagogique »), a recalled message and a send
//! whose report names a not-yet-activated account.
//!
//! Deterministic: what is written depends only on [`DemoYear`] (a seed and the start time the
//! dates count back from), never on the wall clock, so the same start gives the same mailbox
//! (message ids aside: the send path draws them). Every message goes through the real send path
//! ([`send_message`]): the communication rules, the expansion of groups, the send report and the
//! timeline notifications are the server's own. Replies are sent with `In-Reply-To`, so they
//! get `parent_id` and `thread_id` as entcore gives them: `ConversationController.createDraft`
//! and `send` take the parent's `thread_id` unless `getShouldCreateThread` (the participants
//! changed), and `SqlConversationService.save` sets `parent_id` and falls back to the message's
//! own id for `thread_id` (conversation/backend/src/main/java/org/entcore/conversation/
//! controllers/ConversationController.java, service/impl/SqlConversationService.java).
//! Dates are set afterwards, in one transaction, as [`crate::ServerHandle::backdate_message`]
//! does.

use std::collections::HashMap;

use anyhow::Context;
use ent_protocol::DraftBody;
use rusqlite::params;

use super::{draft_with_pdf, id_of, refused, save_draft};
use crate::conversation::send_message;
use crate::seed::Words;
use crate::State as AppState;

const DAY: i64 = 86_400_000;
const HOUR: i64 = 3_600_000;
const MINUTE: i64 = 60_000;

/// How the demo's year is drawn: the same value writes the same mailbox.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DemoYear {
    /// Seed of the generator (subjects, senders, days, unread flags).
    pub seed: u64,
    /// The first start, in milliseconds since the epoch: the year ends just before it, so the
    /// mail looks recent; the three messages every demo test knows are dated right before it.
    pub start_ms: i64,
}

impl DemoYear {
    /// The demo's own seed, from `start_ms`.
    pub fn starting(start_ms: i64) -> DemoYear {
        DemoYear {
            seed: 0x00c0_11e9_e2a0,
            start_ms,
        }
    }
}

/// Where a message lands in Marie's mailbox when she receives it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Place {
    Inbox,
    Folder(&'static str),
    Trash,
}

/// Marie's own folders (« Parents » is the classic seed's).
const PARENTS: &str = "Parents";
const COUNCILS: &str = "Conseils de classe";
const OFFICE: &str = "Administration";
const TRIP: &str = "Voyage à Londres";

/// One message to send, and the replies that answer it in turn.
struct Mail {
    from: &'static str,
    /// Logins or group names (entcore raw names: `6A-Relative`, `Collège Jean Moulin-Teacher`).
    to: Vec<&'static str>,
    subject: String,
    body: String,
    /// (file name, ASCII text of its one page).
    pdf: Option<(String, String)>,
    /// Each answers the one before it (the first answers the mail), to its sender.
    replies: Vec<(&'static str, String)>,
    place: Place,
}

impl Mail {
    fn new(
        from: &'static str,
        to: &[&'static str],
        subject: impl Into<String>,
        body: String,
    ) -> Mail {
        Mail {
            from,
            to: to.to_vec(),
            subject: subject.into(),
            body,
            pdf: None,
            replies: Vec::new(),
            place: Place::Inbox,
        }
    }

    fn pdf(mut self, name: &str, text: &str) -> Mail {
        self.pdf = Some((name.into(), text.into()));
        self
    }

    fn reply(mut self, from: &'static str, html: String) -> Mail {
        self.replies.push((from, html));
        self
    }

    fn place(mut self, place: Place) -> Mail {
        self.place = place;
        self
    }
}

fn html(paragraphs: &[&str]) -> String {
    paragraphs.iter().map(|p| format!("<p>{p}</p>")).collect()
}

/// A pupil of Marie's classes, with the parent who writes for them (6A only: 3A's parents are
/// not in the demo school).
struct Pupil {
    login: &'static str,
    first: &'static str,
    class: &'static str,
    parent: Option<(&'static str, &'static str)>,
}

const PUPILS: &[Pupil] = &[
    Pupil {
        login: "hugo.leroy",
        first: "Hugo",
        class: "6A",
        parent: Some(("julien.leroy", "Julien Leroy")),
    },
    Pupil {
        login: "lea.moreau",
        first: "Léa",
        class: "6A",
        parent: Some(("claire.moreau", "Claire Moreau")),
    },
    Pupil {
        login: "noah.lambert",
        first: "Noah",
        class: "3A",
        parent: None,
    },
    Pupil {
        login: "chloe.roussel",
        first: "Chloé",
        class: "3A",
        parent: None,
    },
];

const WEEKDAYS: &[&str] = &["lundi", "mardi", "jeudi", "vendredi"];
const ROOMS: &[&str] = &[
    "salle 12",
    "salle 14",
    "salle 21",
    "le CDI",
    "la salle polyvalente",
];
const CHAPTERS: &[&str] = &[
    "les fractions",
    "le théorème de Pythagore",
    "la Révolution française",
    "les volcans",
    "la proportionnalité",
    "le passé simple",
    "les équations",
    "la Première Guerre mondiale",
    "le cycle de l'eau",
];
const REASONS: &[&str] = &[
    "un rendez-vous médical",
    "de la fièvre depuis hier soir",
    "un rendez-vous chez l'orthodontiste",
    "une gastro-entérite",
    "un événement familial",
];

/// The calendar day (year, month, day) of a day counted from 1970-01-01 (proleptic
/// Gregorian, H. Hinnant's `civil_from_days`).
fn civil(days: i64) -> (i64, u32, u32) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let m = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    (yoe + era * 400 + i64::from(m <= 2), m, d)
}

/// Whether the school writes on that day: weekdays outside the summer and Christmas breaks.
fn school_day(days: i64) -> bool {
    let weekday = (days + 3).rem_euclid(7); // 0 = Monday
    let (_, m, d) = civil(days);
    let holiday = m == 8 || (m == 7 && d > 8) || (m == 12 && d > 20) || (m == 1 && d < 3);
    weekday < 5 && !holiday
}

/// The generator's state: its random bits and what was written once already.
struct Gen {
    rng: Words,
    once: std::collections::HashSet<String>,
}

impl Gen {
    fn below(&mut self, n: u64) -> u64 {
        self.rng.next_u64() % n
    }

    fn chance(&mut self, percent: u64) -> bool {
        self.below(100) < percent
    }

    fn pick<T: Copy>(&mut self, list: &[T]) -> T {
        *self.rng.pick(list)
    }

    fn pupil(&mut self) -> &'static Pupil {
        &PUPILS[self.below(PUPILS.len() as u64) as usize]
    }

    /// The seasonal mail of `month` not yet written this year, if any is due on this day.
    fn seasonal(&mut self, month: u32) -> Option<Mail> {
        let key = match month {
            9 => "rentree",
            10 => "toussaint",
            11 => "reunion",
            12 => "conseil1",
            1 => "brevet_blanc",
            2 => "voyage",
            3 => "conseil2",
            4 => "voyage_programme",
            5 => "oral",
            6 => "conseil3",
            7 => "fin",
            _ => return None,
        };
        if self.once.contains(key) || !self.chance(25) {
            return None;
        }
        self.once.insert(key.to_owned());
        Some(seasonal(key))
    }

    /// One everyday message of a school day.
    fn everyday(&mut self, month: u32) -> Mail {
        let pupil = self.pupil();
        let day = self.pick(WEEKDAYS);
        let room = self.pick(ROOMS);
        let chapter = self.pick(CHAPTERS);
        let mut kind = self.below(14);
        // The menus and the conseil pédagogique come once a month.
        if (kind == 10 || kind == 11) && !self.once.insert(format!("{kind}-{month}")) {
            kind = 2;
        }
        match kind {
            0 | 1 => match pupil.parent {
                Some((parent, name)) => {
                    let reason = self.pick(REASONS);
                    let mut mail = Mail::new(
                        parent,
                        &["marie.durand"],
                        format!("Absence de {} {day}", pupil.first),
                        html(&[
                            "Madame,",
                            &format!("{} sera absent(e) {day} en raison de {reason}. Pourriez-vous lui indiquer le travail à rattraper ?", pupil.first),
                            &format!("Cordialement,<br>{name}"),
                        ]),
                    )
                    .place(Place::Folder(PARENTS));
                    if self.chance(50) {
                        mail = mail.reply(
                            "marie.durand",
                            html(&[
                                "Bonjour,",
                                &format!("Bien noté, merci de nous avoir prévenus. {} trouvera le travail dans le cahier de textes.", pupil.first),
                                "Marie Durand",
                            ]),
                        );
                    }
                    mail
                }
                None => self.question(pupil, chapter, day),
            },
            2..=4 => self.question(pupil, chapter, day),
            5 => Mail::new(
                "marie.durand",
                &[if pupil.class == "6A" { "6A-Student" } else { "3A-Student" }],
                format!("Devoirs pour {day}"),
                html(&[
                    "Bonjour à tous,",
                    &format!("Pour {day}, terminez les exercices sur {chapter} et relisez la leçon. Un petit contrôle aura lieu la semaine prochaine."),
                    "Bon courage,<br>Mme Durand",
                ]),
            ),
            6 | 7 => {
                let (subject, first, answer) = match self.below(5) {
                    0 => (
                        format!("Échange de salle {day}"),
                        format!("Marie, pourrais-tu prendre {room} {day} en deuxième heure ? J'ai besoin du vidéoprojecteur de la tienne."),
                        "Pas de souci, on échange.".to_owned(),
                    ),
                    1 => (
                        "Copies du contrôle commun".to_owned(),
                        format!("J'ai déposé les copies du contrôle commun sur {chapter} dans ton casier. On harmonise le barème {day} ?"),
                        format!("Merci ! {day} midi me va très bien."),
                    ),
                    2 => (
                        format!("Surveillance de {day}"),
                        format!("Peux-tu me remplacer pour la surveillance de la cour {day} à 10 h ? Je te rends la pareille quand tu veux."),
                        "D'accord, je la prends.".to_owned(),
                    ),
                    3 => (
                        "Projet interdisciplinaire en 3A".to_owned(),
                        format!("Pour le projet avec les 3A, je propose de partir sur {chapter}. Qu'en penses-tu ?"),
                        "Très bonne idée, je prépare une séance d'introduction.".to_owned(),
                    ),
                    _ => (
                        "Réunion d'équipe".to_owned(),
                        format!("Réunion de l'équipe pédagogique {day} à 12 h 30 en {room}. Ordre du jour : progression et sorties."),
                        "J'y serai.".to_owned(),
                    ),
                };
                let mut mail = Mail::new(
                    "paul.martin",
                    &["marie.durand"],
                    subject,
                    html(&["Bonjour Marie,", &first, "Paul"]),
                )
                .reply("marie.durand", html(&[&answer, "Marie"]));
                if self.chance(40) {
                    mail = mail.reply("paul.martin", html(&["Parfait, merci !", "Paul"]));
                }
                mail
            }
            8 | 9 => {
                let (subject, text) = match self.below(6) {
                    0 => (
                        format!("Exercice d'évacuation {day}"),
                        format!("Un exercice d'évacuation incendie aura lieu {day} dans la matinée. Merci de rappeler les consignes aux élèves."),
                    ),
                    1 => (
                        "Photocopieur en panne".to_owned(),
                        "Le photocopieur de la salle des professeurs est en panne. Le technicien passe demain ; en attendant, celui du CDI est disponible.".to_owned(),
                    ),
                    2 => (
                        "Commande de fournitures".to_owned(),
                        format!("Les commandes de fournitures pour le trimestre sont à déposer au secrétariat avant {day}."),
                    ),
                    3 => (
                        "Réservation des salles".to_owned(),
                        format!("La réservation de {room} se fait désormais sur le planning affiché au secrétariat."),
                    ),
                    4 => (
                        "Absences non justifiées".to_owned(),
                        "Merci de saisir les absences de vos cours dans la journée : plusieurs appels manquent cette semaine.".to_owned(),
                    ),
                    _ => (
                        "Réunion plénière".to_owned(),
                        format!("La réunion plénière aura lieu {day} à 17 h 30 en salle polyvalente."),
                    ),
                };
                Mail::new(
                    "sophie.bernard",
                    &["Collège Jean Moulin-Teacher"],
                    subject,
                    html(&["Bonjour à toutes et à tous,", &text, "Sophie Bernard, secrétariat"]),
                )
                .place(if self.chance(50) {
                    Place::Folder(OFFICE)
                } else {
                    Place::Inbox
                })
            }
            10 => Mail::new(
                "sophie.bernard",
                &["Collège Jean Moulin-Teacher", "Collège Jean Moulin-Relative"],
                format!("Menus de la cantine ({})", month_name(month)),
                html(&[
                    "Bonjour,",
                    "Vous trouverez ci-joint les menus de la cantine pour les semaines à venir. Le repas à thème aura lieu jeudi.",
                    "Le service de restauration",
                ]),
            )
            .pdf("menus-cantine.pdf", "Menus de la cantine")
            .place(Place::Trash),
            11 => Mail::new(
                "paul.martin",
                &["Conseil pédagogique"],
                "Ordre du jour du conseil pédagogique".to_owned(),
                html(&[
                    "Bonjour,",
                    &format!("Le conseil pédagogique se réunira {day} à 17 h en {room}. Vous trouverez l'ordre du jour ci-joint."),
                    "Paul Martin",
                ]),
            )
            .pdf("ordre-du-jour-conseil-pedagogique.pdf", "Conseil pedagogique - ordre du jour")
            .reply(
                "sophie.bernard",
                html(&["Je réserve la salle et je prépare les feuilles d'émargement.", "Sophie"]),
            ),
            12 => Mail::new(
                "marie.durand",
                &["6A-Relative"],
                format!("Cahier de liaison des 6A ({day})"),
                html(&[
                    "Madame, Monsieur,",
                    &format!("Les élèves de 6A commencent un travail sur {chapter}. Merci de vérifier que votre enfant a bien noté les devoirs dans son agenda."),
                    "Marie Durand, professeure principale de 6A",
                ]),
            ),
            _ => self.question(pupil, chapter, day),
        }
    }

    /// A pupil asks about the lesson; Marie answers, sometimes the pupil thanks her.
    fn question(&mut self, pupil: &Pupil, chapter: &str, day: &str) -> Mail {
        let (subject, text) = match self.below(4) {
            0 => (
                format!("Question sur {chapter}"),
                format!("Bonjour Madame, je n'ai pas bien compris la leçon sur {chapter}. Est-ce que vous pourriez réexpliquer l'exercice 4 ?"),
            ),
            1 => (
                format!("Devoir maison pour {day}"),
                format!("Bonjour Madame, le devoir maison pour {day}, c'est bien les exercices de la page 58 ?"),
            ),
            2 => (
                "Exposé".to_owned(),
                format!("Bonjour Madame, pour l'exposé sur {chapter}, on peut utiliser des images trouvées sur Internet ?"),
            ),
            _ => (
                "Oubli de cahier".to_owned(),
                format!("Bonjour Madame, j'ai oublié mon cahier au collège. Est-ce que quelqu'un pourrait me donner les devoirs pour {day} ?"),
            ),
        };
        let mut mail = Mail::new(pupil.login, &["marie.durand"], subject, html(&[&text, pupil.first]))
            .reply(
                "marie.durand",
                html(&[
                    &format!("Bonjour {},", pupil.first),
                    &format!("Oui, regarde bien l'exemple du cours sur {chapter}. On en reparle {day} en classe si besoin."),
                    "Mme Durand",
                ]),
            );
        if self.chance(35) {
            mail = mail.reply(pupil.login, html(&["Merci Madame !", pupil.first]));
        }
        mail
    }
}

fn month_name(month: u32) -> &'static str {
    ent_protocol::MONTHS_FR[(month.clamp(1, 12) - 1) as usize]
}

/// The mail each month brings once: rentrée, réunion parents-professeurs, conseils de classe,
/// brevet blanc, the trip…
fn seasonal(key: &str) -> Mail {
    match key {
        "rentree" => Mail::new(
            "sophie.bernard",
            &["Collège Jean Moulin-Teacher"],
            "Rentrée : emplois du temps définitifs",
            html(&[
                "Bonjour à toutes et à tous,",
                "Vous trouverez ci-joint les emplois du temps définitifs. Les manuels seront distribués lundi en première heure.",
                "Bonne rentrée !<br>Sophie Bernard",
            ]),
        )
        .pdf("emplois-du-temps.pdf", "Emplois du temps definitifs")
        .place(Place::Folder(OFFICE)),
        "toussaint" => Mail::new(
            "marie.durand",
            &["6A-Relative"],
            "Avant les vacances de la Toussaint",
            html(&[
                "Madame, Monsieur,",
                "Les premières semaines de 6A se sont bien passées. Pendant les vacances, un peu de lecture chaque jour suffit ; les cahiers seront vérifiés à la rentrée.",
                "Marie Durand, professeure principale",
            ]),
        )
        .reply(
            "julien.leroy",
            html(&["Bonjour Madame, merci pour ce message. Hugo a commencé son livre.", "Julien Leroy"]),
        ),
        "reunion" => Mail::new(
            "sophie.bernard",
            &["Collège Jean Moulin-Teacher", "Collège Jean Moulin-Relative"],
            "Réunion parents-professeurs du premier trimestre",
            html(&[
                "Bonjour,",
                "Les rencontres parents-professeurs auront lieu jeudi de 16 h 30 à 20 h. Les familles prennent rendez-vous auprès de chaque professeur par le carnet de correspondance.",
                "Le secrétariat",
            ]),
        )
        .reply(
            "claire.moreau",
            html(&["Bonjour, je souhaiterais vous rencontrer à 18 h au sujet de Léa.", "Claire Moreau"]),
        ),
        "conseil1" | "conseil2" | "conseil3" => {
            let n = match key {
                "conseil1" => "premier",
                "conseil2" => "deuxième",
                _ => "troisième",
            };
            Mail::new(
                "sophie.bernard",
                &["Collège Jean Moulin-Teacher"],
                format!("Calendrier des conseils de classe du {n} trimestre"),
                html(&[
                    "Bonjour,",
                    "Voici le calendrier des conseils de classe. Les appréciations doivent être saisies au plus tard la veille à midi.",
                    "Sophie Bernard",
                ]),
            )
            .pdf("calendrier-conseils-de-classe.pdf", "Calendrier des conseils de classe")
            .reply(
                "marie.durand",
                html(&["Merci Sophie. Le conseil de 3A peut-il commencer à 17 h 30 ? J'ai cours jusqu'à 17 h.", "Marie"]),
            )
            .reply("sophie.bernard", html(&["C'est modifié, 17 h 30 en salle 12.", "Sophie"]))
            .place(Place::Folder(COUNCILS))
        }
        "brevet_blanc" => Mail::new(
            "paul.martin",
            &["3A-Teacher"],
            "Brevet blanc : surveillances",
            html(&[
                "Bonjour,",
                "Le brevet blanc des 3A aura lieu les 28 et 29. Le tableau des surveillances est en pièce jointe.",
                "Paul",
            ]),
        )
        .pdf("surveillances-brevet-blanc.pdf", "Brevet blanc - surveillances"),
        "voyage" => Mail::new(
            "paul.martin",
            &["marie.durand"],
            "Voyage à Londres : accompagnateurs",
            html(&[
                "Bonjour Marie,",
                "Le voyage à Londres des 3A est validé par le conseil d'administration. Serais-tu d'accord pour être accompagnatrice ?",
                "Paul",
            ]),
        )
        .reply("marie.durand", html(&["Avec plaisir, compte sur moi.", "Marie"]))
        .reply(
            "paul.martin",
            html(&["Super ! Je m'occupe des autorisations de sortie du territoire.", "Paul"]),
        )
        .place(Place::Folder(TRIP)),
        "voyage_programme" => Mail::new(
            "paul.martin",
            &["marie.durand", "sophie.bernard"],
            "Voyage à Londres : programme et liste des élèves",
            html(&[
                "Bonjour,",
                "Ci-joint le programme définitif du voyage et la liste des élèves. Départ lundi à 6 h devant le collège.",
                "Paul",
            ]),
        )
        .pdf("programme-voyage-londres.pdf", "Voyage a Londres - programme")
        .place(Place::Folder(TRIP)),
        "oral" => Mail::new(
            "noah.lambert",
            &["marie.durand"],
            "Sujet de l'oral du brevet",
            html(&[
                "Bonjour Madame, je voudrais présenter mon stage d'observation à l'oral du brevet. Est-ce que c'est possible ?",
                "Noah",
            ]),
        )
        .reply(
            "marie.durand",
            html(&["Bonjour Noah, oui, c'est un très bon sujet. Prépare un plan et montre-le moi jeudi.", "Mme Durand"]),
        ),
        "fin" => Mail::new(
            "sophie.bernard",
            &["Collège Jean Moulin-Teacher"],
            "Fête du collège et fin d'année",
            html(&[
                "Bonjour à toutes et à tous,",
                "La fête du collège aura lieu vendredi à partir de 17 h. Merci à toutes et à tous pour cette belle année !",
                "Sophie Bernard",
            ]),
        ),
        _ => unreachable!("every seasonal key has its mail"),
    }
}

/// A message written, with what Marie's copy becomes.
struct Written {
    id: String,
    date: i64,
    place: Place,
    marie_receives: bool,
    /// Marie answered it: she has read it.
    answered: bool,
}

/// Writes the year (see the module's documentation) before `classic` (the ids of the classic
/// seed, oldest first), then dates everything from `year.start_ms`.
pub(super) async fn generate(
    state: &AppState,
    year: DemoYear,
    classic: &[String],
) -> anyhow::Result<()> {
    let started = std::time::Instant::now();
    let dir = &state.cfg.directory;
    let resolve = |name: &str| -> anyhow::Result<String> {
        dir.user_by_login(name)
            .map(|u| u.id.clone())
            .or_else(|| dir.group_by_name(name).map(|g| g.id.clone()))
            .with_context(|| format!("{name} is not in the demo school"))
    };
    let marie = id_of(state, "marie.durand")?;
    let mut gen = Gen {
        rng: Words::new(year.seed),
        once: Default::default(),
    };
    let today = year.start_ms.div_euclid(DAY);
    let mut plan: Vec<(i64, Mail)> = Vec::new();
    for back in (1..=365).rev() {
        let day = today - back;
        if !school_day(day) {
            continue;
        }
        let (_, month, _) = civil(day);
        let morning = day * DAY + 7 * HOUR;
        if let Some(mail) = gen.seasonal(month) {
            plan.push((morning + gen.below(3) as i64 * HOUR, mail));
        }
        let count = match gen.below(20) {
            0..=5 => 0,
            6..=14 => 1,
            _ => 2,
        };
        for _ in 0..count {
            let at = morning + gen.below(10 * 60) as i64 * MINUTE;
            let mail = gen.everyday(month);
            plan.push((at, mail));
        }
    }
    // The fixed events of the last days, at school hours.
    let (recalled_at, inactive_at, appointment_at) = (
        (today - 2) * DAY + 9 * HOUR + 12 * MINUTE,
        (today - 9) * DAY + 8 * HOUR + 40 * MINUTE,
        (today - 5) * DAY + 15 * HOUR + 5 * MINUTE,
    );
    let mut written: Vec<Written> = Vec::new();
    for (at, mail) in plan {
        send_mail(
            state,
            &resolve,
            &marie,
            mail,
            at,
            year.start_ms,
            &mut written,
        )
        .await?;
    }

    // A message Paul recalled: Marie's copy shows only that it was recalled (§4.10, entcore's
    // `ApiController.recallMessage` → `SqlConversationService.recallMessage` sets the state).
    let recalled = Mail::new(
        "paul.martin",
        &["marie.durand"],
        "Notes du deuxième contrôle",
        html(&["Marie, voici les notes du contrôle de 3A : je me suis trompé de fichier, ne les diffuse pas.", "Paul"]),
    );
    let first_recalled = written.len();
    send_mail(
        state,
        &resolve,
        &marie,
        recalled,
        recalled_at,
        year.start_ms,
        &mut written,
    )
    .await?;
    let recalled_id = written[first_recalled].id.clone();
    // A recent thread of three, a parent and Marie (the demo's e2e test opens it).
    let appointment = Mail::new(
        "claire.moreau",
        &["marie.durand"],
        "Rendez-vous pour Léa",
        html(&[
            "Bonjour Madame,",
            "Léa semble en difficulté en mathématiques depuis la rentrée des vacances. Pourrions-nous nous rencontrer ?",
            "Claire Moreau",
        ]),
    )
    .reply(
        "marie.durand",
        html(&["Bonjour Madame,", "Bien sûr. Je vous propose mardi à 17 h en salle 12.", "Marie Durand"]),
    )
    .reply("claire.moreau", html(&["Mardi 17 h me convient très bien, merci.", "Claire Moreau"]));
    send_mail(
        state,
        &resolve,
        &marie,
        appointment,
        appointment_at,
        year.start_ms,
        &mut written,
    )
    .await?;
    // A send whose report names a not-yet-activated account: Jules Blanc, in 6B, never
    // activated his account (ent-directory's demo school), yet is delivered and listed.
    let to_6b = Mail::new(
        "marie.durand",
        &["6B-Student"],
        "Cours de remplacement en 6B",
        html(&[
            "Bonjour à tous,",
            "Je remplace M. Martin jeudi en deuxième heure. Apportez votre manuel et votre cahier d'exercices.",
            "Mme Durand",
        ]),
    );
    let report = send_mail(
        state,
        &resolve,
        &marie,
        to_6b,
        inactive_at,
        year.start_ms,
        &mut written,
    )
    .await?;
    anyhow::ensure!(
        !report.is_empty(),
        "the demo's send to 6B names no not-yet-activated account"
    );

    // Marie's drafts, one of them to a class with a not-yet-activated account: sending it shows
    // the report.
    let drafts = [
        (
            "Rappel : livres du CDI à rendre",
            html(&[
                "Bonjour à tous,",
                "Les livres empruntés au CDI sont à rendre avant les vacances.",
                "Mme Durand",
            ]),
            vec![resolve("6B-Student")?],
            year.start_ms - 3 * DAY,
        ),
        (
            "Compte rendu de la sortie",
            html(&[
                "Paul,",
                "Voici mes notes pour le compte rendu de la sortie : ",
            ]),
            vec![resolve("paul.martin")?],
            year.start_ms - 20 * DAY,
        ),
    ];

    let (st, marie_id) = (state.clone(), marie.clone());
    let classic = classic.to_vec();
    let seed = year.seed;
    let start = year.start_ms;
    state
        .db
        .write(move |tx| -> anyhow::Result<()> {
            let mut rng = Words::new(seed ^ 0x0dd5);
            for (subject, body, to, date) in drafts {
                save_draft(tx, &st, &marie_id, subject, &body, to, date)?;
            }
            // Dates: as if each had been sent then (`backdate_message`).
            let mut message = tx.prepare_cached("UPDATE messages SET date = ?2 WHERE id = ?1")?;
            let mut rows =
                tx.prepare_cached("UPDATE usermessages SET date = ?2 WHERE message_id = ?1")?;
            let mut notices =
                tx.prepare_cached("UPDATE notifications SET date = ?2 WHERE resource = ?1")?;
            let classic_dates = classic
                .iter()
                .enumerate()
                .map(|(i, id)| (id.clone(), start - (classic.len() - i) as i64 * 7 * MINUTE));
            for (id, date) in written
                .iter()
                .map(|w| (w.id.clone(), w.date))
                .chain(classic_dates)
            {
                message.execute(params![id, date])?;
                rows.execute(params![id, date])?;
                notices.execute(params![id, date])?;
            }
            // Marie's copies: filed, trashed, read except some of the last days'.
            let mut folders: HashMap<&'static str, String> = HashMap::new();
            let mut place = tx.prepare_cached(
                "UPDATE usermessages SET folder_id = ?3, trashed = ?4, unread = ?5
                 WHERE user_id = ?1 AND message_id = ?2 AND is_author = 0",
            )?;
            for w in written.iter().filter(|w| w.marie_receives) {
                let folder = match w.place {
                    Place::Folder(name) => Some(match folders.get(name) {
                        Some(id) => id.clone(),
                        None => {
                            let id = folder_named(tx, &marie_id, name)?;
                            folders.insert(name, id.clone());
                            id
                        }
                    }),
                    _ => None,
                };
                let age = start - w.date;
                let unread = !w.answered
                    && (age < 4 * DAY
                        || (age < 8 * DAY && !rng.next_u64().is_multiple_of(3))
                        || (folder.is_some() && age < 40 * DAY));
                let trashed = w.place == Place::Trash && w.date < start - 60 * DAY;
                place.execute(params![marie_id, w.id, folder, trashed, unread])?;
            }
            // The recalled message stays unread: Marie has not opened it.
            tx.execute(
                "UPDATE usermessages SET unread = 1 WHERE user_id = ?1 AND message_id = ?2",
                params![marie_id, recalled_id],
            )?;
            // Everybody else has read what is more than ten days old.
            tx.execute(
                "UPDATE usermessages SET unread = 0 WHERE user_id != ?1 AND is_author = 0 AND date < ?2",
                params![marie_id, start - 10 * DAY],
            )?;
            tx.execute(
                "UPDATE messages SET state = 'RECALL' WHERE id = ?1",
                [&recalled_id],
            )?;
            tx.execute(
                "UPDATE usermessages SET state = 'RECALL' WHERE message_id = ?1",
                [&recalled_id],
            )?;
            Ok(())
        })
        .await?;
    tracing::info!(
        elapsed_ms = started.elapsed().as_millis() as u64,
        "demo year written"
    );
    Ok(())
}

/// Marie's folder `name` at the root, created when missing.
fn folder_named(tx: &rusqlite::Transaction<'_>, user: &str, name: &str) -> anyhow::Result<String> {
    let existing: Option<String> = rusqlite::OptionalExtension::optional(tx.query_row(
        "SELECT id FROM folders WHERE user_id = ?1 AND parent_id IS NULL AND name = ?2",
        params![user, name],
        |r| r.get(0),
    ))?;
    if let Some(id) = existing {
        return Ok(id);
    }
    let id = uuid::Uuid::new_v4().to_string();
    tx.execute(
        "INSERT INTO folders (id, parent_id, user_id, name, depth) VALUES (?1, NULL, ?2, ?3, 1)",
        params![id, user, name],
    )?;
    Ok(id)
}

/// Sends `mail` and its replies through the send path, each reply a little later than what
/// it answers (never after `end`); returns the not-yet-activated accounts the first send's
/// report named.
async fn send_mail(
    state: &AppState,
    resolve: &(dyn Fn(&str) -> anyhow::Result<String> + Sync),
    marie: &str,
    mail: Mail,
    at: i64,
    end: i64,
    written: &mut Vec<Written>,
) -> anyhow::Result<Vec<String>> {
    let from = resolve(mail.from)?;
    let to = mail
        .to
        .iter()
        .map(|n| resolve(n))
        .collect::<anyhow::Result<Vec<_>>>()?;
    let draft = match &mail.pdf {
        Some((name, text)) => Some(draft_with_pdf(state, &from, name, text).await?),
        None => None,
    };
    let at = at.min(end - 2 * HOUR);
    let sent = send_message(
        state.clone(),
        from.clone(),
        draft,
        None,
        draft_body(&mail.subject, &mail.body, to.clone()),
    )
    .await
    .map_err(refused)?;
    let receives = |from: &str, to: &[String]| {
        from != marie
            && state
                .cfg
                .directory
                .expand(from, to)
                .user_ids
                .iter()
                .any(|u| u == marie)
    };
    written.push(Written {
        id: sent.id.clone(),
        date: at,
        place: mail.place,
        marie_receives: receives(&from, &to),
        answered: false,
    });
    let (mut parent, mut parent_from, mut date) = (sent.id, from, at);
    let subject = format!("Re : {}", mail.subject);
    for (i, (who, html)) in mail.replies.into_iter().enumerate() {
        let who = resolve(who)?;
        // Each reply goes to the sender of what it answers (with the others of a group
        // message left out, as « Répondre » does).
        let to = vec![parent_from.clone()];
        date = (date + (20 + 37 * i as i64) * MINUTE + (i as i64 % 2) * 5 * HOUR).min(end - HOUR);
        let reply = send_message(
            state.clone(),
            who.clone(),
            None,
            Some(parent.clone()),
            draft_body(&subject, &html, to.clone()),
        )
        .await
        .map_err(refused)?;
        if who == marie {
            if let Some(answered) = written.last_mut() {
                answered.answered = true;
            }
        }
        written.push(Written {
            id: reply.id.clone(),
            date,
            place: mail.place,
            marie_receives: receives(&who, &to),
            answered: false,
        });
        parent = reply.id;
        parent_from = who;
    }
    Ok(sent.inactive)
}

fn draft_body(subject: &str, html: &str, to: Vec<String>) -> DraftBody {
    DraftBody {
        subject: Some(subject.into()),
        body: Some(html.into()),
        to: Some(to),
        cc: Some(Vec::new()),
        cci: Some(Vec::new()),
        ..DraftBody::default()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn civil_days_match_the_calendar() {
        assert_eq!(civil(0), (1970, 1, 1));
        // 2026-11-30 is day 20_787, a Monday.
        assert_eq!(civil(20_787), (2026, 11, 30));
        assert_eq!((20_787 + 3) % 7, 0);
        assert_eq!(civil(19_782), (2024, 2, 29));
    }

    #[test]
    fn the_school_writes_on_weekdays_outside_the_summer_and_christmas() {
        assert!(school_day(20_787), "a Monday in November");
        assert!(!school_day(20_787 + 5), "a Saturday");
        assert!(!school_day(20_787 - 106), "in August");
        assert!(!school_day(20_787 + 24), "Christmas Eve");
    }
}
