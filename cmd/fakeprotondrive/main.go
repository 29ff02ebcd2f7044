// Command fakeprotondrive runs the fake Proton Drive API server of
// proton/protontest standalone, for local trials against a Proton Drive
// destination:
//
//	fakeprotondrive --listen 127.0.0.1:0 --user NAME --password PW [--data-dir DIR] [--app-versions REGEXP]
//
// It prints the API base URL as the first line of standard output and
// serves until SIGINT or SIGTERM. Started again on the --data-dir of an
// earlier run, with the same --user and --password, it serves the same
// account (its keys, salts and address) and files, and the sessions of
// the clients logged in to it (on the same --listen address, which their
// saved sessions name). The password may instead come from the
// FAKEPROTONDRIVE_PASSWORD environment variable, which keeps it out of the
// process list.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"regexp"
	"syscall"

	"github.com/cakebackup/cakebackup/proton/protontest"
)

// passwordEnv names the environment variable read when --password is not
// given.
const passwordEnv = "FAKEPROTONDRIVE_PASSWORD"

// Exit codes.
const (
	exitOK      = 0
	exitFailure = 1
	exitUsage   = 2
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := run(ctx, os.Args[1:], os.Getenv, os.Stdout, os.Stderr)
	stop()
	os.Exit(code)
}

// errUsage marks errors in the command line.
var errUsage = errors.New("usage")

// config is the parsed command line.
type config struct {
	listen   string
	user     string
	password string
	dataDir  string
	verbose  bool
	// appVersions is the accepted x-pm-appversion pattern; nil means
	// protontest.DefaultAppVersions.
	appVersions *regexp.Regexp
}

// usage is the first line of --help.
const usage = "usage: fakeprotondrive --user NAME --password PW [--listen ADDR] [--data-dir DIR] [--app-versions REGEXP] [--verbose]"

// parseArgs parses the command line. For --help (-h) it prints the help
// to help and returns flag.ErrHelp.
func parseArgs(args []string, getenv func(string) string, help io.Writer) (config, error) {
	var c config
	fs := flag.NewFlagSet("fakeprotondrive", flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	fs.StringVar(&c.listen, "listen", "127.0.0.1:0", "loopback `address` to listen on")
	fs.StringVar(&c.user, "user", "", "`name` of the account to create")
	fs.StringVar(&c.password, "password", "", "`password` of the account (or set "+passwordEnv+")")
	fs.StringVar(&c.dataDir, "data-dir", "", "keep blocks, metadata, the account's locked keys and the sessions' refresh tokens under `dir`, and serve what an earlier run left there (default: in memory)")
	fs.BoolVar(&c.verbose, "verbose", false, "log every request (method, path, status) to stderr")
	appVersions := fs.String("app-versions", "", "accept x-pm-appversion values matching this `regexp` (default: external-drive-NAME@X.Y.Z-CHANNEL)")
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			fmt.Fprintln(help, usage)
			fmt.Fprintln(help, "\nRuns a fake Proton Drive API server on loopback and prints its URL.\nA server started again on the --data-dir of an earlier one, with the same\n--user and --password, serves the same account and files, and clients\nlogged in before (to the same --listen address) stay logged in.\n\nOptions:")
			fs.SetOutput(help)
			fs.PrintDefaults()
			return c, flag.ErrHelp
		}
		return c, fmt.Errorf("%w: %w", errUsage, err)
	}
	if fs.NArg() > 0 {
		return c, fmt.Errorf("%w: unexpected argument %q", errUsage, fs.Arg(0))
	}
	if *appVersions != "" {
		re, err := regexp.Compile(*appVersions)
		if err != nil {
			return c, fmt.Errorf("%w: --app-versions: %w", errUsage, err)
		}
		c.appVersions = re
	}
	if c.password == "" {
		c.password = getenv(passwordEnv)
	}
	if c.user == "" || c.password == "" {
		return c, fmt.Errorf("%w: --user and --password (or %s) are required", errUsage, passwordEnv)
	}
	return c, nil
}

// run serves until ctx is done and returns the exit code.
func run(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) int {
	c, err := parseArgs(args, getenv, stdout)
	if errors.Is(err, flag.ErrHelp) {
		return exitOK
	}
	if err != nil {
		fmt.Fprintf(stderr, "fakeprotondrive: %v\n", err)
		return exitUsage
	}
	opts := protontest.Options{DataDir: c.dataDir, Addr: c.listen, AppVersions: c.appVersions}
	if c.verbose {
		opts.Logf = func(format string, args ...any) { fmt.Fprintf(stderr, format+"\n", args...) }
	}
	srv, err := protontest.New(opts)
	if err != nil {
		fmt.Fprintf(stderr, "fakeprotondrive: %v\n", err)
		return exitFailure
	}
	defer srv.Close()
	if err := srv.AddUser(c.user, c.password); err != nil {
		fmt.Fprintf(stderr, "fakeprotondrive: %v\n", err)
		return exitFailure
	}
	if _, err := fmt.Fprintln(stdout, srv.URL()); err != nil {
		fmt.Fprintf(stderr, "fakeprotondrive: write URL: %v\n", err)
		return exitFailure
	}
	fmt.Fprintf(stderr, "fakeprotondrive: serving user %q at %s until interrupted\n", c.user, srv.URL())
	<-ctx.Done()
	if err := srv.Close(); err != nil {
		fmt.Fprintf(stderr, "fakeprotondrive: %v\n", err)
		return exitFailure
	}
	return exitOK
}
