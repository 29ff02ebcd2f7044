package main

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"
	"time"

	"github.com/urfave/cli/v2"
	"golang.org/x/term"

	"github.com/cakebackup/cakebackup/bytesize"
	"github.com/cakebackup/cakebackup/proton"
	"github.com/cakebackup/cakebackup/secret"
)

// protonPasswordEnv is the environment variable a script can give the
// Proton account password in.
const protonPasswordEnv = "CAKEBACKUP_PROTON_PASSWORD"

// protonCommand is `cakebackup proton login|logout|whoami`: it manages the
// cached Proton session that proton:/PATH destinations use.
func protonCommand(e *env) *cli.Command {
	return &cli.Command{
		Name:  "proton",
		Usage: "log in to Proton Drive, log out, or show who is logged in",
		Subcommands: []*cli.Command{
			protonLoginCommand(e),
			protonLogoutCommand(e),
			protonWhoamiCommand(e),
		},
	}
}

// protonAppVersionFlag is the global --proton-app-version, for when
// Proton changes which client versions it accepts before cakebackup is
// updated.
func protonAppVersionFlag() cli.Flag {
	return &cli.StringFlag{
		Name:  "proton-app-version",
		Usage: "identify to Proton as `VERSION` (x-pm-appversion; default: $" + proton.AppVersionEnv + ", else " + proton.AppVersion(version) + ")",
	}
}

// useProtonAppVersion runs before every command: the proton package,
// which reads its settings from the environment, sees the app version of
// --proton-app-version, else of $CAKEBACKUP_PROTON_APP_VERSION, else the
// one derived from this build's version.
func (e *env) useProtonAppVersion(c *cli.Context) error {
	v := strings.TrimSpace(c.String("proton-app-version"))
	if v == "" {
		v = strings.TrimSpace(e.getenv(proton.AppVersionEnv))
	}
	if v == "" {
		v = proton.AppVersion(version)
	}
	getenv := e.getenv
	e.getenv = func(k string) string {
		if k == proton.AppVersionEnv {
			return v
		}
		return getenv(k)
	}
	return nil
}

// protonHint words the Proton errors a user fixes with a flag or a
// command as the one line that says which.
func protonHint(err error) error {
	switch {
	case errors.Is(err, proton.ErrAppVersionRefused):
		return withCode(exitCode(err), &hintedError{msg: "Proton no longer accepts this version of cakebackup: update it (or set --proton-app-version)", err: err})
	case errors.Is(err, proton.ErrSessionExpired):
		return withCode(exitCode(err), &hintedError{msg: "Proton session expired: run `cakebackup proton login`", err: err})
	}
	var fe *proton.FolderError
	if errors.As(err, &fe) {
		return withCode(exitCode(err), &hintedError{msg: err.Error() + "; use a folder cakebackup makes itself, such as proton:/cakebackup" + fe.Wanted, err: err})
	}
	return err
}

// hintedError is an error worded for the command line; errors.Is still
// finds its cause.
type hintedError struct {
	msg string
	err error
}

func (h *hintedError) Error() string { return h.msg }
func (h *hintedError) Unwrap() error { return h.err }

// protonURLFlag is --proton-url, on each subcommand so it can follow it.
func protonURLFlag() cli.Flag {
	return &cli.StringFlag{Name: "proton-url", Usage: "Proton API base `URL` (default: $" + proton.URLEnv + ", else Proton's own)"}
}

// protonOptions returns the API options: --proton-url, else the
// environment.
func (e *env) protonOptions(c *cli.Context) (proton.Options, error) {
	opts, err := proton.OptionsFromEnv(e.getenv)
	if err != nil {
		return proton.Options{}, usageError(err)
	}
	if u := c.String("proton-url"); u != "" {
		opts.APIURL = u
		if err := opts.Check(); err != nil {
			return proton.Options{}, usageError(fmt.Errorf("--proton-url: %w", err))
		}
	}
	return opts, nil
}

// protonSession returns the API options and the session cache that
// logout and whoami work on.
func (e *env) protonSession(c *cli.Context) (proton.Options, proton.SessionStore, error) {
	opts, err := e.protonOptions(c)
	if err != nil {
		return proton.Options{}, nil, err
	}
	return opts, proton.NewSessionStore(e.getenv), nil
}

func protonLoginCommand(e *env) *cli.Command {
	return &cli.Command{
		Name:  "login",
		Usage: "log in to Proton and keep the session, so backups need no password",
		Description: "Asks for the username, the password (hidden), and the two-factor code and mailbox password\n" +
			"when the account needs them. Scripts give them with the flags below or $" + protonPasswordEnv + ";\n" +
			"without a terminal, answers are read from standard input, one per line, in that order.\n" +
			"The session is kept in the OS keyring, or in a 0600 file under the config directory.",
		Flags: []cli.Flag{
			protonURLFlag(),
			&cli.StringFlag{Name: "proton-user", Usage: "Proton `USERNAME` or email address"},
			&cli.StringFlag{Name: "proton-password-file", Usage: "read the Proton password from the first line of `FILE`"},
			&cli.StringFlag{Name: "proton-2fa", Usage: "current two-factor `CODE`, for accounts with 2FA"},
			&cli.StringFlag{Name: "proton-mailbox-password-file", Usage: "read the mailbox password of a two-password account from `FILE`"},
		},
		Action: func(c *cli.Context) error {
			if c.NArg() > 0 {
				return usageError(fmt.Errorf("proton login takes no arguments"))
			}
			opts, err := e.protonOptions(c)
			if err != nil {
				return err
			}
			ask := e.protonPrompter()
			cred := proton.Credentials{Username: strings.TrimSpace(c.String("proton-user")), TwoFactorCode: strings.TrimSpace(c.String("proton-2fa"))}
			if cred.Username == "" {
				if cred.Username, err = ask.line("Proton username: ", "--proton-user"); err != nil {
					return err
				}
			}
			if cred.Password, err = e.protonSecret(c, ask, "proton-password-file", protonPasswordEnv, "Proton password: "); err != nil {
				return err
			}
			if f := c.String("proton-mailbox-password-file"); f != "" {
				if cred.MailboxPassword, err = secret.ReadFile(f); err != nil {
					return usageError(fmt.Errorf("--proton-mailbox-password-file: %w", err))
				}
			}
			login := func(ctx context.Context, cred proton.Credentials) (proton.Session, error) {
				return proton.Login(ctx, opts, cred)
			}
			session, err := protonLogin(c.Context, login, cred, ask)
			if err != nil {
				return err
			}
			store := proton.NewSessionStore(e.getenv)
			// Not while another cakebackup is saving renewed tokens.
			unlock, err := store.Lock(c.Context)
			if err != nil {
				return fmt.Errorf("logged in, but the session could not be kept: %w", err)
			}
			err = store.Save(c.Context, session)
			unlock()
			if err != nil {
				return fmt.Errorf("logged in, but the session could not be kept: %w", err)
			}
			fmt.Fprintf(e.stdout, "Logged in to Proton Drive as %s; the session is kept in %s.\n", session.Username, store.Where())
			return nil
		},
	}
}

// protonLogin logs in with login, asking for the two-factor code and the
// mailbox password when Proton says the account needs them.
func protonLogin(ctx context.Context, login func(context.Context, proton.Credentials) (proton.Session, error), cred proton.Credentials, ask *protonPrompter) (proton.Session, error) {
	for {
		s, err := login(ctx, cred)
		switch {
		case err == nil:
			return s, nil
		case errors.Is(err, proton.ErrTwoFactorRequired) && cred.TwoFactorCode == "":
			if cred.TwoFactorCode, err = ask.line("Two-factor code: ", "--proton-2fa"); err != nil {
				return proton.Session{}, err
			}
		case errors.Is(err, proton.ErrMailboxPasswordRequired) && cred.MailboxPassword == "":
			if cred.MailboxPassword, err = ask.secret("Mailbox password: ", "--proton-mailbox-password-file"); err != nil {
				return proton.Session{}, err
			}
		default:
			return proton.Session{}, err
		}
	}
}

func protonLogoutCommand(e *env) *cli.Command {
	return &cli.Command{
		Name:  "logout",
		Usage: "end the Proton session at Proton and forget it here",
		Flags: []cli.Flag{protonURLFlag()},
		Action: func(c *cli.Context) error {
			opts, store, err := e.protonSession(c)
			if err != nil {
				return err
			}
			if _, err := store.Load(c.Context); errors.Is(err, proton.ErrNotLoggedIn) {
				fmt.Fprintln(e.stdout, "Not logged in to Proton.")
				return nil
			}
			// Revoke first; forget the session here whatever happens, since
			// the user asked for it to be gone from this machine.
			var revokeErr error
			d, err := proton.Connect(c.Context, opts, store)
			if err == nil {
				revokeErr = d.Logout(c.Context)
			} else {
				revokeErr = err
			}
			if err := store.Delete(c.Context); err != nil {
				return err
			}
			if revokeErr != nil && !errors.Is(revokeErr, proton.ErrSessionExpired) {
				return fmt.Errorf("the session is forgotten here, but Proton could not be told to end it (%w); end it in Proton's web settings under Security, Sessions", revokeErr)
			}
			fmt.Fprintln(e.stdout, "Logged out of Proton.")
			return nil
		},
	}
}

func protonWhoamiCommand(e *env) *cli.Command {
	return &cli.Command{
		Name:  "whoami",
		Usage: "show which Proton account backups go to, and whether its session still works",
		Flags: []cli.Flag{protonURLFlag()},
		Action: func(c *cli.Context) error {
			opts, store, err := e.protonSession(c)
			if err != nil {
				return err
			}
			d, err := proton.Connect(c.Context, opts, store)
			if err != nil {
				return err
			}
			defer d.Close(c.Context)
			a, err := d.Account(c.Context)
			if err != nil {
				return err
			}
			space := bytesize.Format(a.UsedSpace) + " used"
			if a.MaxSpace > 0 {
				space += " of " + bytesize.Format(a.MaxSpace)
			}
			fmt.Fprintf(e.stdout, "%s (%s), %s; session kept in %s\n", a.Username, a.Email, space, store.Where())
			// Asking for the account may have renewed the session: the
			// cache has the latest times.
			if s, err := store.Load(c.Context); err == nil {
				fmt.Fprintf(e.stdout, "Session made %s, last renewed %s\n", sessionTime(s.Created, "at an unknown time"), sessionTime(s.Refreshed, "never"))
			}
			return d.SaveError()
		},
	}
}

// sessionTime formats a session's time for whoami, or says unknown.
func sessionTime(t time.Time, unknown string) string {
	if t.IsZero() {
		return unknown
	}
	return t.Local().Format("2006-01-02 15:04 MST")
}

// protonSecret returns a secret from --FLAG (a file), from $envVar, or
// from the prompter, in that order.
func (e *env) protonSecret(c *cli.Context, ask *protonPrompter, flag, envVar, prompt string) (string, error) {
	if f := c.String(flag); f != "" {
		s, err := secret.ReadFile(f)
		if err != nil {
			return "", usageError(fmt.Errorf("--%s: %w", flag, err))
		}
		return s, nil
	}
	if s := e.getenv(envVar); s != "" {
		return s, nil
	}
	return ask.secret(prompt, "--"+flag+" or $"+envVar)
}

// protonPrompter asks the user for login answers: on the terminal, with
// secrets hidden; without one, one line each from standard input.
type protonPrompter struct {
	in     *bufio.Reader
	tty    *os.File // nil without a terminal
	prompt io.Writer
}

func (e *env) protonPrompter() *protonPrompter {
	p := &protonPrompter{in: bufio.NewReader(e.stdin), prompt: e.stderr}
	if f, ok := e.stdin.(*os.File); ok && term.IsTerminal(int(f.Fd())) {
		p.tty = f
	}
	return p
}

// line asks for a visible answer. how names the flag that gives it
// without asking, for the error when there is nobody to ask.
func (p *protonPrompter) line(prompt, how string) (string, error) {
	if p.tty != nil {
		fmt.Fprint(p.prompt, prompt)
	}
	s, err := p.in.ReadString('\n')
	s = strings.TrimSpace(s)
	if s == "" {
		if err != nil && !errors.Is(err, io.EOF) {
			return "", fmt.Errorf("reading %s: %w", strings.TrimSuffix(prompt, ": "), err)
		}
		return "", usageError(fmt.Errorf("%s needed: give it with %s", strings.ToLower(strings.TrimSuffix(prompt, ": ")), how))
	}
	return s, nil
}

// secret asks for a hidden answer.
func (p *protonPrompter) secret(prompt, how string) (string, error) {
	what := strings.TrimSuffix(prompt, ": ")
	if p.tty == nil {
		s, err := secret.ReadLine(p.in)
		switch {
		case errors.Is(err, secret.ErrEmpty):
			return "", usageError(fmt.Errorf("%s needed: give it with %s", strings.ToLower(what), how))
		case err != nil:
			return "", fmt.Errorf("reading %s: %w", what, err)
		}
		return s, nil
	}
	s, err := secret.Prompt(p.tty, p.prompt, prompt)
	switch {
	case errors.Is(err, secret.ErrEmpty):
		return "", usageError(fmt.Errorf("%s is empty", strings.ToLower(what)))
	case err != nil:
		return "", fmt.Errorf("reading %s: %w", what, err)
	}
	return s, nil
}
