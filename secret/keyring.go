package secret

import "github.com/zalando/go-keyring"

// Keyring is a store of secrets by service and account: the OS keyring,
// or an in-memory one in tests, since CI machines have no keyring daemon.
type Keyring interface {
	// Get returns the secret, or an error wrapping ErrNotInKeyring when
	// the keyring holds none for service and account.
	Get(service, account string) (string, error)
	// Set stores secret, replacing any other.
	Set(service, account, secret string) error
	// Delete removes the secret; one that is not there is an error
	// wrapping ErrNotInKeyring.
	Delete(service, account string) error
}

// ErrNotInKeyring is the error of a keyring that works but holds no such
// secret; any other error means there is no usable keyring.
var ErrNotInKeyring = keyring.ErrNotFound

// OSKeyring is the operating system's keyring: the Secret Service over
// D-Bus on Linux, the Keychain on macOS, the Credential Manager on
// Windows.
type OSKeyring struct{}

// Get implements Keyring.
func (OSKeyring) Get(service, account string) (string, error) { return keyring.Get(service, account) }

// Set implements Keyring.
func (OSKeyring) Set(service, account, secret string) error {
	return keyring.Set(service, account, secret)
}

// Delete implements Keyring.
func (OSKeyring) Delete(service, account string) error { return keyring.Delete(service, account) }
