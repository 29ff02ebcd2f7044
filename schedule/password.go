package schedule

import (
	"context"
	"errors"
	"fmt"

	"github.com/cakebackup/cakebackup/internal/errloc"
	"github.com/cakebackup/cakebackup/secret"
)

// KeyringService is the service name cakebackup's passwords are stored
// under in the OS keyring; the account is the job name.
const KeyringService = "cakebackup"

// ErrNoPassword is wrapped by errors for a job whose password cannot be
// found unattended.
var ErrNoPassword = errors.New("no password")

// SecretStore is the part of a secret.Keyring a job's password needs.
type SecretStore interface {
	Get(ctx context.Context, service, user string) (string, error)
	Set(ctx context.Context, service, user, secret string) error
}

// NotInKeyringError: a job reads its password from the OS keyring, which
// works but holds none for it.
type NotInKeyringError struct{ Job string }

// Error implements error.
func (e *NotInKeyringError) Error() string {
	return fmt.Sprintf("job %s: %v in the OS keyring", e.Job, ErrNoPassword)
}

// JobName is the job the message names.
func (e *NotInKeyringError) JobName() string { return e.Job }

// Unwrap returns ErrNoPassword and secret.ErrNotInKeyring.
func (e *NotInKeyringError) Unwrap() []error { return []error{ErrNoPassword, secret.ErrNotInKeyring} }

// PasswordSource finds a job's password without asking anyone.
type PasswordSource struct {
	Getenv func(string) string
	// Keyring is the OS keyring; nil means a new secret.OSKeyring at
	// each use.
	Keyring SecretStore
}

// keyring is s.Keyring, or a new secret.OSKeyring when it is nil.
func (s PasswordSource) keyring() SecretStore {
	if s.Keyring == nil {
		return &secret.OSKeyring{}
	}
	return s.Keyring
}

// Password returns job's backup password from its password_file,
// password_keyring or password_env. It never prompts; a missing or unsafe
// secret is an error wrapping ErrNoPassword that names the job and says
// how to fix it. The password itself never appears in an error. A
// keyring that does not answer (secret.TimeoutError) or ctx's end stops
// the read.
func (s PasswordSource) Password(ctx context.Context, job Job) (string, error) {
	switch {
	case job.PasswordFile != "":
		pw, err := ReadPasswordFile(job.PasswordFile)
		if err != nil {
			return "", WithJobName(job.Name, err)
		}
		return pw, nil
	case job.PasswordKeyring:
		pw, err := s.keyring().Get(ctx, KeyringService, job.Name)
		if errors.Is(err, secret.ErrNotInKeyring) {
			return "", &NotInKeyringError{Job: job.Name}
		}
		if keyringGaveUp(ctx, err) {
			return "", &JobError{Job: job.Name, Err: fmt.Errorf("%w: %w", ErrNoPassword, err)}
		}
		if err != nil {
			return "", &JobError{Job: job.Name, Err: fmt.Errorf("%w: %w", ErrNoPassword, noKeyring(err))}
		}
		if pw == "" {
			return "", &JobError{Job: job.Name, Err: fmt.Errorf("%w: the OS keyring holds an empty password", ErrNoPassword)}
		}
		return pw, nil
	case job.PasswordEnv != "":
		pw := s.Getenv(job.PasswordEnv)
		if pw == "" {
			return "", &JobError{Job: job.Name, Err: fmt.Errorf("%w: environment variable %s is not set", ErrNoPassword, job.PasswordEnv)}
		}
		return pw, nil
	}
	return "", &JobError{Job: job.Name, Err: fmt.Errorf("%w source: set password_file, password_keyring or password_env", ErrNoPassword)}
}

// CheckKeyring returns the error StorePassword would give for job when
// there is no OS keyring to store in, without storing anything, so that
// no one types a password twice only to hear that it cannot be kept. A
// keyring that answers, with job's password or without, is there; one
// that does not answer in time is a *secret.TimeoutError.
func (s PasswordSource) CheckKeyring(ctx context.Context, job string) error {
	_, err := s.keyring().Get(ctx, KeyringService, job)
	if err == nil || errors.Is(err, secret.ErrNotInKeyring) {
		return nil
	}
	if keyringGaveUp(ctx, err) {
		return err
	}
	return noKeyring(err)
}

// StorePassword saves pw in the OS keyring for job, for password_keyring.
// A keyring that does not answer in time is a *secret.TimeoutError.
func (s PasswordSource) StorePassword(ctx context.Context, job, pw string) error {
	if pw == "" {
		return errors.New("refusing to store an empty password")
	}
	err := s.keyring().Set(ctx, KeyringService, job, pw)
	if keyringGaveUp(ctx, err) {
		return err
	}
	if err != nil {
		return noKeyring(err)
	}
	return nil
}

// SetPassword stores the password newPassword gives in the OS keyring
// for job, and returns it. The keyring is looked for first
// (CheckKeyring): nobody types a password twice only to hear that there
// is nowhere to keep it.
func (s PasswordSource) SetPassword(ctx context.Context, job string, newPassword func() (string, error)) (string, error) {
	if err := s.CheckKeyring(ctx, job); err != nil {
		return "", err
	}
	pw, err := newPassword()
	if err == nil {
		err = s.StorePassword(ctx, job, pw)
	}
	if err != nil {
		return "", err
	}
	return pw, nil
}

// noKeyring is the error of a keyring that answered err: there is no
// usable OS keyring. err's text is kept, on one line, but not err: such
// an error says the keyring is missing, whatever the keyring's own error
// matches.
func noKeyring(err error) error {
	return fmt.Errorf("no OS keyring available (%s): use password_file or password_env instead", errloc.OneLine(err.Error()))
}

// keyringGaveUp reports whether err is the keyring's silence or ctx's
// end rather than its answer: such an error says so as it is, where
// other errors of the keyring mean there is none.
func keyringGaveUp(ctx context.Context, err error) bool {
	return err != nil && (errors.As(err, new(*secret.TimeoutError)) || ctx.Err() != nil)
}

// ReadPasswordFile reads a password from path the way every password
// file is read (secret.ReadFile: the first line, at most 4 KiB, from a
// file only its owner can read). Errors wrap ErrNoPassword.
func ReadPasswordFile(path string) (string, error) {
	pw, err := secret.ReadFile(path)
	if err != nil {
		return "", fmt.Errorf("%w from the password file: %w", ErrNoPassword, err)
	}
	return pw, nil
}
