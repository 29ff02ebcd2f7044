// Command cakebackup makes encrypted backups of a wallet app's data in Cake Wallet's backup format, ships
// the app's own exports unchanged, and keeps both where their owner wants them: the Downloads folder, a USB
// flash drive, any folder, or Proton Drive. Only the app's exports can be imported back into the app.
package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"runtime/debug"

	"github.com/urfave/cli/v2"

	"github.com/cakebackup/cakebackup/destinations"
	"github.com/cakebackup/cakebackup/internal/buildinfo"
	"github.com/cakebackup/cakebackup/internal/cliargs"
	"github.com/cakebackup/cakebackup/internal/errloc"
	"github.com/cakebackup/cakebackup/internal/interrupt"
	"github.com/cakebackup/cakebackup/internal/notes"
	"github.com/cakebackup/cakebackup/internal/progress"
	"github.com/cakebackup/cakebackup/internal/stdout"
	"github.com/cakebackup/cakebackup/job"
	"github.com/cakebackup/cakebackup/local"
	"github.com/cakebackup/cakebackup/proton"
	"github.com/cakebackup/cakebackup/secret"
)

const (
	version = "0.1.0"      // the cakebackup release, written into every backup's metadata
	appName = "cakebackup" // written into every backup's README.txt
)

func main() {
	// A core dump would hold every password this process read.
	_ = secret.NoCoreDumps()
	// The passwords in the environment, out of it before anything can start a program that would inherit them.
	held := &secret.HeldEnv{}
	held.Hold(secret.EnvVars()...)
	ctx, stop := interrupt.OnSignal(context.Background())
	code := run(ctx, os.Args, &env{
		stdin:   os.Stdin,
		stdout:  os.Stdout,
		stderr:  os.Stderr,
		getenv:  held.Getenv,
		holdEnv: held.Hold,
		// One for the process: a keyring call that blocks (locked, nobody unlocks it) holds off the next,
		// not another blocked beside it at each job run, and the Proton session goes to its file meanwhile.
		keyring: &secret.OSKeyring{},
	})
	stop()
	os.Exit(code)
}

// env is everything a command touches outside its flags: the standard streams, the environment and
// the run's output (notes, progress). Tests build one with buffers.
type env struct {
	stdin  io.Reader
	stdout io.Writer
	stderr io.Writer
	getenv func(string) string
	// holdEnv takes the variables jobs read their passwords from out of the process environment, for getenv
	// alone (secret.HeldEnv); nil: they stay.
	holdEnv func(names ...string)
	// drives is where removable drives are looked for; nil: this machine's /proc and /sys.
	drives *local.Detector
	// executable is this program's path for the timers schedule install writes; nil: os.Executable.
	executable func() (string, error)
	// tweakBackup changes the backup create is about to make: tests set retry waits, change files.
	tweakBackup func(*job.Backup)
	// keyring keeps job passwords and the Proton session (proton.NewSessionStore); nil: a new one at each use.
	keyring secret.Keyring
	// systemd reports whether systemd's user timers can start jobs here (Linux); nil: this machine's answer.
	systemd func() bool
	// checkDest stands in for the destination check opened: tests wrap it to stop a read midway; nil: as opened.
	checkDest func(destinations.Destination) destinations.Destination

	// Set by the global flags for this run.
	quiet, verbose bool
	// notes are the run's lines for stderr besides its result and error, printed once it has succeeded.
	notes notes.Notes
	// readProgress, when set, shows the reading of the backup a command opens (verify, restore).
	readProgress *progress.Bar
	// configArg is " --config FILE" when a schedule command was given --config (inConfigs):
	// the commands its errors name as fixes must be given the file too.
	configArg string
}

// jsonFlag is --json, for a command whose result can be one JSON object.
func jsonFlag() cli.Flag { return &cli.BoolFlag{Name: "json", Usage: "print one JSON object"} }

// printResult prints v as one JSON object with --json, else as text.
func (e *env) printResult(c *cli.Context, v any, text func(io.Writer) error) error {
	if c.Bool("json") {
		return stdout.WriteJSON(e.stdout, v)
	}
	return text(e.stdout)
}

// newProgress is a progress bar on stderr (progress.New), silent with --quiet, --json or no terminal.
func (e *env) newProgress(c *cli.Context, label, doneNote string) *progress.Bar {
	return progress.New(e.stderr, !e.quiet && !c.Bool("json") && secret.IsTerminal(e.stderr), label, doneNote)
}

// countReads returns r, counting what is read from it on e.readProgress when a command set one.
func (e *env) countReads(r destinations.Reader) io.ReaderAt {
	if e.readProgress == nil {
		return r
	}
	return e.readProgress.Counting(r, r.Size())
}

// newApp builds the command tree; each command is built, in a file of its own, from the shared env.
func newApp(e *env) *cli.App {
	return cliargs.Prepare(&cli.App{
		Name:    appName,
		Usage:   "encrypted backups of your Cake Wallet / Monero.com wallets, and a safe home for the app's own exports",
		Version: version,
		// --version is ours (globalFlags): urfave's also answers to -v, which people take for "verbose".
		HideVersion: true,
		Reader:      e.stdin,
		Writer:      e.stdout,
		ErrWriter:   e.stderr,
		Flags:       globalFlags(),
		Before:      e.readGlobalFlags,
		Commands: []*cli.Command{
			createCommand(e),
			sendCommand(e),
			watchCommand(e),
			verifyCommand(e),
			checkCommand(e),
			inspectCommand(e),
			restoreCommand(e),
			lsCommand(e),
			destsCommand(e),
			pickCommand(e),
			scheduleCommand(e),
			protonCommand(e),
			notifyCommand(e),
			versionCommand(e),
			completionCommand(e),
			manCommand(e),
			helpCommand(e),
		},
	})
}

// globalFlags apply to every command and may be written before or after its name.
func globalFlags() []cli.Flag {
	return []cli.Flag{
		&cli.BoolFlag{Name: "quiet", Aliases: []string{"q"}, Usage: "print only results, warnings and errors: no progress, notes or advice"},
		&cli.BoolFlag{Name: "verbose", Usage: "also print details of what is done (on stderr)"},
		&cli.BoolFlag{Name: "version", Usage: "print the version and exit"},
		// For when Proton refuses this release's version before cakebackup is updated.
		&cli.StringFlag{
			Name:  "proton-app-version",
			Usage: "identify to Proton as `VERSION` (x-pm-appversion; default: $" + proton.AppVersionEnv + ", else " + proton.AppVersion(version) + ")",
		},
	}
}

// errVersionShown ends a run that printed the version: a success.
var errVersionShown = errors.New("version shown")

// readGlobalFlags takes in the global flags before any command runs.
func (e *env) readGlobalFlags(c *cli.Context) error {
	e.quiet, e.verbose = c.Bool("quiet"), c.Bool("verbose")
	if e.quiet && e.verbose {
		return usageError(errors.New("use --quiet or --verbose, not both"))
	}
	if c.Bool("version") {
		fmt.Fprintln(e.stdout, buildinfo.Of(version).Line(appName))
		return errVersionShown
	}
	// Every command, even one that never reads the config, may start a keyring's program (holdPasswordEnvs).
	e.holdDefaultPasswordEnvs()
	// Unless GOMEMLIMIT is set, a soft heap limit makes the GC free the blocks the Proton bridge drops at once,
	// where the heap would double: a create to Proton stays under 200 MiB RSS (proton/README.md).
	if e.getenv("GOMEMLIMIT") == "" {
		debug.SetMemoryLimit(160 << 20)
	}
	// The version --proton-app-version chose, in the environment the proton package reads.
	e.getenv = proton.WithAppVersion(e.getenv, c.String("proton-app-version"), version)
	return nil
}

// run executes the command line in args and returns the process exit code. A failure is printed as
// one line on stderr and nothing else is: the run's notes and warnings are printed only after success.
func run(ctx context.Context, args []string, e *env) int {
	out := stdout.New(e.stdout)
	e.stdout = out
	app := newApp(e)
	err := app.RunContext(ctx, cliargs.Interspersed(app, globalFlags(), args))
	if errors.Is(err, errVersionShown) {
		err = nil
	}
	// A result that did not reach stdout fails the run (stdout.Verdict);
	// only create's line of a generated password it could not show says more.
	var unshown *unshownPasswordError
	if !errors.As(err, &unshown) {
		err = out.Verdict(err)
	}
	if err == nil {
		e.notes.Print(e.stderr, e.quiet, e.verbose)
		return exitOK
	}
	err = e.explain(err)
	msg, code := errloc.OneLine(err.Error()), exitCode(err)
	if signalCode, interrupted := interrupt.Code(ctx); interrupted {
		code = signalCode
		// What became of the backup create made, or of a login not kept (undone at Proton or not), says more.
		if unshown == nil && !errors.As(err, new(*proton.KeepError)) {
			msg = "interrupted"
		}
	}
	fmt.Fprintf(e.stderr, "cakebackup: %s\n", msg)
	if cliargs.BoolGiven(args, "json") {
		_ = out.WriteFailure(stdout.Failure{Error: msg, ExitCode: code})
	}
	return code
}
