package secret

import (
	"os"
	"sync"
)

// HeldEnv is the process environment with the variables that hold
// secrets moved out of it (Hold) and kept here, so that Getenv still
// reads them but no program the process starts inherits them: not only
// those cakebackup starts itself, which get ScrubEnv, but also those a
// library starts with the process environment, such as go-keyring's
// /usr/bin/security on macOS, or godbus's dbus-launch, which leaves a
// session bus daemon running where none was found. Its zero value is
// ready to use; it is used through a pointer and must not be copied.
type HeldEnv struct {
	mu   sync.Mutex
	held map[string]string
}

// Hold moves the named variables that are set out of the process
// environment into h; Getenv answers them from there on.
func (h *HeldEnv) Hold(names ...string) {
	h.mu.Lock()
	defer h.mu.Unlock()
	for _, name := range names {
		v, ok := os.LookupEnv(name)
		if !ok {
			continue
		}
		if h.held == nil {
			h.held = make(map[string]string)
		}
		h.held[name] = v
		os.Unsetenv(name)
	}
}

// Getenv is os.Getenv, with the variables Hold moved out of the process
// environment.
func (h *HeldEnv) Getenv(name string) string {
	h.mu.Lock()
	v, ok := h.held[name]
	h.mu.Unlock()
	if ok {
		return v
	}
	return os.Getenv(name)
}
