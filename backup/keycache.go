package backup

import "sync"

// keyCache derives the key for each distinct salt once. Our own backups use
// one salt for all chunks; the app's use a fresh salt per chunk, so for them
// this saves nothing but costs nothing either. Safe for concurrent use.
type keyCache struct {
	password string
	mu       sync.Mutex
	keys     map[string]*cachedKey
}

type cachedKey struct {
	once sync.Once
	key  []byte
	err  error
}

func newKeyCache(password string) *keyCache {
	return &keyCache{password: password, keys: map[string]*cachedKey{}}
}

// key returns the key for salt, deriving it on first use. Concurrent
// callers asking for the same salt wait for one derivation.
func (c *keyCache) key(salt []byte) ([]byte, error) {
	c.mu.Lock()
	k, ok := c.keys[string(salt)]
	if !ok {
		k = &cachedKey{}
		c.keys[string(salt)] = k
	}
	c.mu.Unlock()
	k.once.Do(func() { k.key, k.err = deriveKey(c.password, salt) })
	return k.key, k.err
}

// keysFor returns a's key cache for password, made on first use. Every
// method taking a password goes through it, so each key is derived once
// per Archive: AcceptedPassword's checks and the operation that follows
// them share their keys. The keys live as long as a.
func (a *Archive) keysFor(password string) *keyCache {
	if k, ok := a.keys[password]; ok {
		return k
	}
	if a.keys == nil {
		a.keys = map[string]*keyCache{}
	}
	k := newKeyCache(password)
	a.keys[password] = k
	return k
}
