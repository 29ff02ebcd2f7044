package protontest

import (
	"bytes"
	"context"
	"crypto/rand"
	"crypto/sha512"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math/big"
	"net/http"
	"slices"
	"sync"

	"github.com/ProtonMail/go-srp"
	"github.com/rclone/go-proton-api"
)

// srpHashes holds the SRP password hashes of the server's own logins (see
// srpLogin), by username, password, key salt and signed modulus. It lives
// as long as the process, like fastKeyPassphrases, and holds only test
// accounts' hashes.
var srpHashes sync.Map

// srpHash is what srp.NewAuth derives from a password and the login's
// salt and signed modulus: the bcrypt-based password hash (cost 10) and
// the modulus, whose clear-signature it checked.
type srpHash struct {
	hashed, modulus []byte
}

// errServerProof means the server's SRP proof did not match: it does not
// know the account's verifier.
var errServerProof = errors.New("the server's SRP proof does not match")

// srpLogin logs in to the core server as username over SRP, as
// go-proton-api's Manager.NewClientWithLogin does (it checks the server's
// proof too), except that the password hash srp.NewAuth derives, a bcrypt
// hash, is kept in srpHashes and used again on the next login with the
// same password, salt and modulus, as a client that remembers it would:
// a shared core server's account (see NewForTest) is logged into once per
// server; and that the proofs are srpProofs', which do not test the
// modulus for primality again. The server does its part of every login
// in full.
func (s *Server) srpLogin(ctx context.Context, m *proton.Manager, username, password string) (*proton.Client, proton.Auth, error) {
	info, err := m.AuthInfo(ctx, proton.AuthInfoReq{Username: username})
	if err != nil {
		return nil, proton.Auth{}, err
	}
	key := username + "\x00" + password + "\x00" + info.Salt + "\x00" + info.Modulus
	var auth *srp.Auth
	if h, ok := srpHashes.Load(key); ok {
		ephemeral, err := base64.StdEncoding.DecodeString(info.ServerEphemeral)
		if err != nil {
			return nil, proton.Auth{}, fmt.Errorf("server ephemeral: %w", err)
		}
		hash := h.(srpHash)
		auth = &srp.Auth{Modulus: hash.modulus, ServerEphemeral: ephemeral, HashedPassword: hash.hashed, Version: info.Version}
	} else {
		if auth, err = srp.NewAuth(info.Version, username, []byte(password), info.Salt, info.Modulus, info.ServerEphemeral); err != nil {
			return nil, proton.Auth{}, err
		}
		srpHashes.Store(key, srpHash{hashed: auth.HashedPassword, modulus: auth.Modulus})
	}
	proofs, err := srpProofs(auth.Modulus, auth.ServerEphemeral, auth.HashedPassword)
	if err != nil {
		return nil, proton.Auth{}, err
	}
	reply, err := s.postAuth(ctx, proton.AuthReq{
		Username:        username,
		ClientProof:     base64.StdEncoding.EncodeToString(proofs.clientProof),
		ClientEphemeral: base64.StdEncoding.EncodeToString(proofs.clientEphemeral),
		SRPSession:      info.SRPSession,
	})
	if err != nil {
		return nil, proton.Auth{}, err
	}
	if serverProof, err := base64.StdEncoding.DecodeString(reply.ServerProof); err != nil || !bytes.Equal(serverProof, proofs.serverProof) {
		return nil, proton.Auth{}, errServerProof
	}
	s.tokens.grantToken(reply.AccessToken)
	return m.NewClient(reply.UID, reply.AccessToken, reply.RefreshToken), reply, nil
}

// postAuth sends POST /auth/v4, a login's second step, to the core server.
func (s *Server) postAuth(ctx context.Context, req proton.AuthReq) (proton.Auth, error) {
	body, err := json.Marshal(req)
	if err != nil {
		return proton.Auth{}, err
	}
	r, err := http.NewRequestWithContext(ctx, http.MethodPost, s.coreURL.String()+"/auth/v4", bytes.NewReader(body))
	if err != nil {
		return proton.Auth{}, err
	}
	r.Header.Set("Content-Type", "application/json")
	r.Header.Set("x-pm-appversion", coreAppVersion)
	res, err := s.coreHTTP.Do(r)
	if err != nil {
		return proton.Auth{}, err
	}
	defer res.Body.Close()
	data, err := io.ReadAll(io.LimitReader(res.Body, maxAuthBody))
	if err != nil {
		return proton.Auth{}, err
	}
	if res.StatusCode != http.StatusOK {
		return proton.Auth{}, fmt.Errorf("POST /auth/v4: %s: %s", res.Status, bytes.TrimSpace(data))
	}
	var auth proton.Auth
	if err := json.Unmarshal(data, &auth); err != nil {
		return proton.Auth{}, fmt.Errorf("POST /auth/v4: %w", err)
	}
	return auth, nil
}

// srpClientProofs are the client's half of an SRP exchange.
type srpClientProofs struct {
	clientEphemeral, clientProof, serverProof []byte
}

// srpBits is the length of Proton's SRP modulus.
const srpBits = 2048

// srpProofs computes what go-srp's Auth.GenerateProofs(2048) computes from
// the same little-endian modulus, server ephemeral and password hash, the
// same way (SRP-6a with Proton's expandHash), except that it leaves out
// GenerateProofs' checkParams: a test of the modulus for safe primality
// (math/big's ProbablyPrime, some 40 ms of CPU a login) which protects a
// client from a server choosing a weak group. These logins are the fake's
// own, to its own core server, whose modulus srp.NewAuth took only once its
// signature by Proton's modulus key checked; the bridge's logins still go
// through go-srp in full. math/big is not constant-time, which does not
// matter for test accounts either. A proof computed wrong fails the login:
// the core server refuses it, or its own proof does not match.
func srpProofs(modulusLE, serverEphemeralLE, hashedPasswordLE []byte) (srpClientProofs, error) {
	n := leInt(modulusLE)
	b := leInt(serverEphemeralLE)
	x := leInt(hashedPasswordLE)
	one := big.NewInt(1)
	nMinusOne := new(big.Int).Sub(n, one)
	if n.BitLen() != srpBits || b.Cmp(one) <= 0 || b.Cmp(nMinusOne) >= 0 {
		return srpClientProofs{}, errors.New("SRP modulus or server ephemeral out of bounds")
	}
	g := big.NewInt(2)
	k := leInt(srpExpandHash(append(leBytes(g), leBytes(n)...)))
	k.Mod(k, n)
	lowest := big.NewInt(2 * srpBits)
	bBytes := leBytes(b)
	var a, u *big.Int
	var aBytes []byte
	for {
		var err error
		if a, err = rand.Int(rand.Reader, nMinusOne); err != nil {
			return srpClientProofs{}, err
		}
		if a.Cmp(lowest) <= 0 {
			continue
		}
		aBytes = leBytes(new(big.Int).Exp(g, a, n))
		if u = leInt(srpExpandHash(append(slices.Clip(aBytes), bBytes...))); u.Sign() != 0 {
			break
		}
	}
	// S = (B - k g^x)^(u x + a) mod N
	base := new(big.Int).Exp(g, x, n)
	base.Mul(base, k).Sub(b, base).Mod(base, n)
	exp := new(big.Int).Mul(u, x)
	exp.Add(exp, a).Mod(exp, nMinusOne)
	shared := leBytes(new(big.Int).Exp(base, exp, n))
	clientProof := srpExpandHash(slices.Concat(aBytes, bBytes, shared))
	return srpClientProofs{
		clientEphemeral: aBytes,
		clientProof:     clientProof,
		serverProof:     srpExpandHash(slices.Concat(aBytes, clientProof, shared)),
	}, nil
}

// srpExpandHash is go-srp's expandHash: the SHA-512 of data followed by
// each of the bytes 0 to 3, joined.
func srpExpandHash(data []byte) []byte {
	out := make([]byte, 0, 4*sha512.Size)
	for i := range byte(4) {
		sum := sha512.Sum512(append(slices.Clip(data), i))
		out = append(out, sum[:]...)
	}
	return out
}

// leInt reads a little-endian unsigned integer, as go-srp stores them.
func leInt(le []byte) *big.Int {
	be := slices.Clone(le)
	slices.Reverse(be)
	return new(big.Int).SetBytes(be)
}

// leBytes writes v as srpBits/8 little-endian bytes.
func leBytes(v *big.Int) []byte {
	out := v.FillBytes(make([]byte, srpBits/8))
	slices.Reverse(out)
	return out
}
