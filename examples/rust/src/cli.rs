//! Command-line parsing shaped like the Python (`argparse`) and Node.js
//! (`util.parseArgs`) scenarios: `--name VALUE` or `--name=VALUE`, flags
//! without a value, positionals in any place, `--` before positionals that
//! start with a dash, and `--help`.

/// An option a program accepts.
#[derive(Clone, Copy)]
pub enum Opt {
    /// `--name VALUE` or `--name=VALUE`; the last one given wins.
    Value(&'static str),
    /// `--name`, on or off.
    Flag(&'static str),
}

impl Opt {
    fn name(self) -> &'static str {
        match self {
            Opt::Value(name) | Opt::Flag(name) => name,
        }
    }
}

/// The options and positionals of one command line.
#[derive(Debug, Default)]
pub struct Parsed {
    pub positionals: Vec<String>,
    /// Options by name (with the dashes) in the order given; a flag's value is empty.
    options: Vec<(&'static str, String)>,
}

impl Parsed {
    /// Returns the value of a value option, if given.
    pub fn value(&self, name: &str) -> Option<&str> {
        self.options
            .iter()
            .rev()
            .find(|(option, _)| *option == name)
            .map(|(_, value)| value.as_str())
    }

    /// Returns whether a flag was given.
    pub fn flag(&self, name: &str) -> bool {
        self.options.iter().any(|(option, _)| *option == name)
    }

    /// Returns the names of the options given, in the order given.
    pub fn names(&self) -> impl Iterator<Item = &'static str> + '_ {
        self.options.iter().map(|(name, _)| *name)
    }

    /// Parses a value option as an integer: `None` when absent.
    pub fn integer(&self, name: &str) -> Result<Option<i64>, String> {
        self.value(name)
            .map(|text| {
                text.parse()
                    .map_err(|_| format!("{name} {text} is not an integer"))
            })
            .transpose()
    }
}

/// Parses `args` (without the program name) against `options`.
///
/// `--help` or `-h` prints `usage` and `details` to stdout and exits with
/// status 0, as argparse does. Returns an error naming the argument, and
/// ending in `usage`, for an unknown option, a missing value or a value
/// given to a flag.
pub fn parse(
    args: impl IntoIterator<Item = String>,
    options: &[Opt],
    usage: &str,
    details: &str,
) -> Result<Parsed, String> {
    let mut parsed = Parsed::default();
    let mut args = args.into_iter();
    while let Some(arg) = args.next() {
        if arg == "--" {
            parsed.positionals.extend(args.by_ref());
            break;
        }
        if arg == "--help" || arg == "-h" {
            println!("{usage}\n\n{details}");
            std::process::exit(0);
        }
        if !arg.starts_with('-') || arg == "-" {
            parsed.positionals.push(arg);
            continue;
        }
        let (name, inline) = match arg.split_once('=') {
            Some((name, value)) => (name, Some(value.to_owned())),
            None => (arg.as_str(), None),
        };
        let Some(option) = options.iter().find(|option| option.name() == name) else {
            return Err(format!("unknown argument {name}; {usage}"));
        };
        let value = match (option, inline) {
            (Opt::Flag(_), None) => String::new(),
            (Opt::Flag(_), Some(_)) => return Err(format!("{name} takes no value; {usage}")),
            (Opt::Value(_), Some(value)) => value,
            (Opt::Value(_), None) => args
                .next()
                .ok_or_else(|| format!("{name} needs a value; {usage}"))?,
        };
        parsed.options.push((option.name(), value));
    }
    Ok(parsed)
}

#[cfg(test)]
mod tests {
    use super::*;

    const OPTIONS: &[Opt] = &[Opt::Value("--funnel"), Opt::Flag("--write")];

    fn run(args: &[&str]) -> Result<Parsed, String> {
        parse(
            args.iter().map(|arg| arg.to_string()),
            OPTIONS,
            "usage: x",
            "details",
        )
    }

    #[test]
    fn values_flags_and_positionals() {
        let parsed = run(&["submit", "--funnel", "2", "--write", "extra"]).unwrap();
        assert_eq!(parsed.positionals, ["submit", "extra"]);
        assert_eq!(parsed.value("--funnel"), Some("2"));
        assert!(parsed.flag("--write"));
        assert_eq!(parsed.integer("--funnel"), Ok(Some(2)));
    }

    #[test]
    fn inline_value_and_last_one_wins() {
        let parsed = run(&["--funnel=3", "--funnel", "-4"]).unwrap();
        assert_eq!(parsed.integer("--funnel"), Ok(Some(-4)));
        assert!(!parsed.flag("--write"));
    }

    #[test]
    fn double_dash_ends_the_options() {
        let parsed = run(&["--", "--write", "-"]).unwrap();
        assert_eq!(parsed.positionals, ["--write", "-"]);
        assert!(!parsed.flag("--write"));
    }

    #[test]
    fn bad_arguments_are_named() {
        assert_eq!(
            run(&["--funel", "2"]).unwrap_err(),
            "unknown argument --funel; usage: x"
        );
        assert_eq!(
            run(&["--funnel"]).unwrap_err(),
            "--funnel needs a value; usage: x"
        );
        assert_eq!(
            run(&["--write=yes"]).unwrap_err(),
            "--write takes no value; usage: x"
        );
        assert_eq!(
            run(&["--funnel", "two"]).unwrap().integer("--funnel"),
            Err("--funnel two is not an integer".to_owned())
        );
    }
}
