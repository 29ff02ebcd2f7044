package main

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"strings"
	"time"

	"github.com/urfave/cli/v2"

	"github.com/cakebackup/cakebackup/backup"
	"github.com/cakebackup/cakebackup/destinations"
	"github.com/cakebackup/cakebackup/job"
	"github.com/cakebackup/cakebackup/local"
	"github.com/cakebackup/cakebackup/secret"
)

// appVersion names this program in every backup it makes (cakeVersion and
// README.txt's "App version:" line).
func appVersion() string { return appName + " " + version }

// jobErr gives the orchestration package's errors their exit codes: a
// request that cannot work (job.BadRequest) is a usage error, a damaged
// backup exit 4.
func jobErr(err error) error {
	if job.BadRequest(err) {
		return usageError(err)
	}
	return backupExit(err)
}

func createCommand(e *env) *cli.Command {
	return &cli.Command{
		Name:  "create",
		Usage: "make an encrypted backup of a wallet data folder",
		Description: "The backup is a cakebackup snapshot: it restores with `cakebackup restore` only, since the\n" +
			"app cannot import it (no third party can make the app-sealed keychain dump its import needs).\n" +
			"To move wallets to a new phone or desktop, export a backup from the app (Settings > Backup)\n" +
			"and ship it unchanged with `cakebackup send` or `cakebackup watch`.",
		ArgsUsage: " ",
		Flags: append([]cli.Flag{
			&cli.StringFlag{Name: "source", Aliases: []string{"s"}, Usage: "the wallet app's data `DIR` (default: Cake Wallet's, from $CAKE_WALLET_DIR or ~/Documents/cake_wallet on Linux)"},
			&cli.StringFlag{Name: "settings", Usage: "the app's settings JSON `FILE` (stored as ~_preferences_dump)"},
			allowEmptyFlag(),
			destFlag(),
			&cli.BoolFlag{Name: "pick", Usage: "choose the destination folder by browsing"},
			&cli.StringFlag{Name: "name", Usage: "backup file `NAME` (default cake_wallet_backup_YYYY-MM-DD_HHMMSS)"},
			&cli.StringFlag{Name: "for-app", Value: job.TargetApps()[0], Usage: "the `APP` that will restore it: \"Cake Wallet\" or \"Monero.com\""},
			defaultDestConfigFlag(),
			&cli.BoolFlag{Name: "verify-full", Usage: "check every chunk's checksums in each stored copy too (the copy is always compared with what was written)"},
			&cli.BoolFlag{Name: "json", Usage: "print one JSON result object"},
			passwordOutFlag(),
		}, passwordFlags()...),
		Action: func(c *cli.Context) error {
			if c.NArg() > 0 {
				return usageError(fmt.Errorf("create takes no arguments, got %q (did you mean --source?)", c.Args().First()))
			}
			source, err := e.createSource(c)
			if err != nil {
				return err
			}
			if err := checkSource(source, c.Bool("allow-empty")); err != nil {
				return err
			}
			if err := checkSettings(c.String("settings")); err != nil {
				return err
			}
			if c.IsSet("dest") && c.Bool("pick") {
				return usageError(errors.New("use --dest or --pick, not both"))
			}
			if err := validName(c.String("name")); err != nil {
				return usageError(err)
			}
			specs, err := e.chosenDests(c)
			if err != nil {
				return err
			}
			pw, generated, err := e.createPassword(c)
			if err != nil {
				return err
			}
			pwOut, err := e.keepGeneratedPassword(c, pw, generated)
			if err != nil {
				return err
			}
			bar := newProgress(e.stderr, e.quiet || c.Bool("json"))
			warned := false
			b := job.Backup{
				Source:     source,
				Settings:   c.String("settings"),
				Dests:      specs,
				Name:       c.String("name"),
				Password:   pw,
				ForApp:     c.String("for-app"),
				AppVersion: appVersion(),
				VerifyFull: c.Bool("verify-full"),
				OnProgress: bar.Add,
				OnCollected: func(src *backup.Source) {
					// Each attempt collects the source again; its
					// skipped entries are warned of once.
					if !warned {
						for _, s := range src.Skipped {
							e.warn("%s", s)
						}
						warned = true
					}
					bar.Start(src.TotalSize)
				},
				// Said at once, even with --quiet, like a warning: the
				// run waits, and the wallet app was saving meanwhile.
				OnRetry: func(attempt, of int, wait time.Duration, err error) {
					bar.Finish(false)
					fmt.Fprintln(e.stderr, job.RetryNote(attempt, of, wait, err))
				},
			}
			if e.tweakBackup != nil {
				e.tweakBackup(&b)
			}
			// One registry, for removing what it stored too: the stick
			// chosen for "usb" is asked once.
			open := e.registry().Open
			made, err := job.Make(c.Context, open, b)
			bar.Finish(err == nil)
			if pwOut != "" && !made.Saved() {
				os.Remove(pwOut) // the password of no backup
			} else if pwOut != "" && !c.Bool("json") {
				fmt.Fprint(e.stdout, backup.PasswordSavedNotice(pwOut))
			}
			if made == nil {
				return jobErr(err)
			}
			// Some destinations may hold a verified copy while others
			// failed: say where each one stands, then fail.
			perr := e.printCreated(c.Bool("json"), e.quiet, made, pw, generated && (pwOut == "" || c.Bool("json")))
			var unshown *unshownPasswordError
			switch {
			case errors.As(perr, &unshown) && pwOut == "":
				return discardUnopenable(c.Context, open, made, unshown)
			case errors.As(perr, &unshown):
				return unshown.err // the password is in --password-out
			case perr != nil:
				return perr
			}
			return jobErr(err)
		},
	}
}

// createSource is --source, or else Cake Wallet's own data folder when it
// is found; create says which folder it backs up.
func (e *env) createSource(c *cli.Context) (string, error) {
	if c.IsSet("source") {
		// Not empty: cliargs.Strict refuses an empty DIR flag (an unset
		// "$DIR" in a script) before create runs.
		return c.String("source"), nil
	}
	dir, ok := local.CakeWalletDataDir(e.getenv)
	if !ok {
		if dir == "" {
			return "", usageError(errors.New("create needs --source DIR: the wallet app's data folder"))
		}
		return "", usageError(fmt.Errorf("create needs --source DIR: no Cake Wallet data found in %s", dir))
	}
	e.note("Backing up Cake Wallet's data folder %s", dir)
	return dir, nil
}

// destFlag is --dest, which may repeat: the backup goes to each.
func destFlag() cli.Flag {
	return &cli.StringSliceFlag{Name: "dest", Aliases: []string{"d"}, Usage: "where to put it: downloads, folder:PATH, usb[:LABEL], proton:/PATH; repeat for several (`SPEC`)"}
}

// chosenDests are the --dest specs, checked, a picked one, the saved
// default, or Downloads.
func (e *env) chosenDests(c *cli.Context) ([]string, error) {
	if specs := c.StringSlice("dest"); len(specs) > 0 {
		for _, s := range specs {
			if _, err := destinations.ParseSpec(s); err != nil {
				return nil, usageError(err)
			}
		}
		return specs, nil
	}
	if c.Bool("pick") {
		spec, err := e.pickDest(c.Context)
		if err != nil {
			return nil, err
		}
		return []string{spec}, nil
	}
	dest, err := e.defaultDest(c.String("config"))
	if err != nil {
		return nil, err
	}
	return []string{dest}, nil
}

// createPassword returns the password for a new backup: the user's own
// (with a warning that a generated one is better), or a freshly generated
// one, reported through generated so it is shown once.
func (e *env) createPassword(c *cli.Context) (pw string, generated bool, err error) {
	src := e.passwordSources(c)
	src.Generate = backup.GeneratePassword
	pw, source, err := src.Read(c.Context)
	switch {
	case err != nil:
		return "", false, passwordErr(err)
	case source == secret.Generated:
		return pw, true, nil
	}
	e.adviseOwnPassword(source)
	e.warnWeakPassword(pw)
	return pw, false, nil
}

// printCreated reports a made backup: where each destination stands and,
// when the password was generated and some destination holds the backup,
// the password, once. A backup saved nowhere gets no password: written
// down, it would only be taken for the next backup's. A failed write of
// the password is an *unshownPasswordError; while it is written, a
// reader of stdout that is gone fails the write (catchBrokenPipe).
func (e *env) printCreated(asJSON, quiet bool, made *job.Made, pw string, generated bool) error {
	generated = generated && made.Saved()
	if generated {
		defer catchBrokenPipe()()
	}
	if asJSON {
		out := createdJSON{MadeResult: made.Result(message)}
		if generated {
			out.Password = pw
		}
		err := writeJSON(e.stdout, out)
		if err != nil && generated {
			return &unshownPasswordError{err: onStdout(err)}
		}
		return err
	}
	if generated {
		if _, err := fmt.Fprint(e.stdout, backup.PasswordNotice(pw)); err != nil {
			return &unshownPasswordError{err: onStdout(err)}
		}
	}
	if err := made.WriteText(e.stdout, message); err != nil || quiet || !made.Saved() {
		return err
	}
	// So nobody takes it for an export the app can import.
	_, err := fmt.Fprintln(e.stdout, "This backup was "+job.SnapshotKind(restoreHint)+".")
	return err
}

// createdJSON is what create --json prints.
type createdJSON struct {
	job.MadeResult
	// Password is set only when cakebackup generated it: this is the one
	// time it is shown.
	Password string `json:"generated_password,omitempty"`
}

// allowEmptyFlag lets create and schedule add back up a folder that holds
// no wallets, for the rare time that is meant.
func allowEmptyFlag() cli.Flag {
	return &cli.BoolFlag{Name: "allow-empty", Usage: "back up a --source that holds no wallet files"}
}

// checkSource is job.CheckSource, its refusals usage errors naming the
// flag that fixes them: a --source that is not there or is a file is as
// much a mistake on the command line as an empty one.
func checkSource(dir string, allowEmpty bool) error {
	return sourceErr(job.CheckSource(dir, allowEmpty))
}

// sourceErr words job.CheckSource's error err as checkSource does.
func sourceErr(err error) error {
	var notThere *job.SourceError
	var notData *backup.DataFolderError
	switch {
	case errors.As(err, &notThere) && notThere.NotFolder:
		return usageError(fmt.Errorf("--source %w: give the wallet app's data folder", err))
	case errors.As(err, &notThere):
		return usageError(fmt.Errorf("--source %w", err))
	case errors.As(err, &notData) && notData.DataDir != "":
		return usageError(fmt.Errorf("%w: use --source %s", err, notData.DataDir))
	case errors.As(err, &notData):
		return usageError(fmt.Errorf("%w: give --source the app's data folder (the one holding wallets/), or add --allow-empty to back it up anyway", err))
	}
	return err
}

// checkSettings is job.CheckSettings, worded for --settings.
func checkSettings(path string) error { return settingsErr(job.CheckSettings(path)) }

// settingsErr words job.CheckSettings's error err as checkSettings does.
func settingsErr(err error) error {
	var bad *job.SettingsError
	switch {
	case errors.As(err, &bad):
		return usageError(fmt.Errorf("--settings %w: give the settings file the app exported, or leave --settings out", err))
	case err != nil:
		return usageError(fmt.Errorf("--settings: %w", err))
	}
	return nil
}

// passwordOutFlag is where create saves a generated password when there
// is no terminal to show it on.
func passwordOutFlag() cli.Flag {
	return &cli.StringFlag{Name: "password-out", Usage: "save the generated password in `FILE` (created 0600; never overwritten)"}
}

// keepGeneratedPassword makes sure a generated password reaches its owner
// before anything is encrypted with it (secret.KeepGenerated): in
// --password-out, or through --json or the terminal. It returns the file
// it saved the password in, or "".
func (e *env) keepGeneratedPassword(c *cli.Context, pw string, generated bool) (string, error) {
	out := c.String("password-out")
	err := secret.KeepGenerated(pw, generated, out, c.Bool("json") || isTerminal(e.stdout))
	var pathErr *fs.PathError
	switch {
	case errors.Is(err, secret.ErrNotGenerated):
		return "", usageError(errors.New("--password-out saves a generated password: leave out --password-file, --password-stdin and $" + passwordEnv + " to get one"))
	case errors.Is(err, secret.ErrNotShown):
		return "", usageError(fmt.Errorf("%w: add --password-out FILE to save it in a file, or --json to get it in the result", err))
	case errors.Is(err, fs.ErrExist):
		return "", usageError(fmt.Errorf("--password-out %s already exists; it is never overwritten: give a new file name", out))
	case errors.As(err, &pathErr) && pathErr.Op == "open":
		return "", usageError(fmt.Errorf("--password-out %s: %w", out, pathErr.Err))
	case err != nil || !generated:
		return "", err
	}
	return out, nil
}

// validName checks a --name: one plain file name that every kind of
// destination stores as it is (backup.NameProblem), not hidden. The empty
// name (use the default) is valid.
func validName(name string) error {
	if name == "" {
		return nil
	}
	switch {
	case len(name) > 200:
		return errors.New("--name is too long (at most 200 bytes)")
	case strings.HasPrefix(name, "."):
		return fmt.Errorf("--name %s must not start with a dot", backup.QuoteName(name))
	}
	if problem := backup.NameProblem(name); problem != "" {
		return fmt.Errorf("--name %s %s: give a plain file name", backup.QuoteName(name), problem)
	}
	return nil
}
