package e2e

import (
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"math/big"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/golang-jwt/jwt/v5"

	"snodo/auth"
	"snodo/seed"
	"snodo/server"
)

// provider is a small OpenID Connect provider for the test: it signs in one user without
// asking, and gives a code only for the PKCE challenge it was sent, checking the verifier at
// the token endpoint, as a real provider does.
type provider struct {
	t        *testing.T
	srv      *httptest.Server
	key      *rsa.PrivateKey
	clientID string
	mu       sync.Mutex
	codes    map[string]grant
	verified int // token requests whose code_verifier matched
	// ttl is the lifetime of the tokens it issues (an hour unless a test shortens it);
	// refreshed counts the refresh-token grants it answered.
	ttl       time.Duration
	refresh   map[string]bool
	refreshed int
}

type grant struct{ challenge, redirect, nonce string }

func newProvider(t *testing.T, clientID string) *provider {
	key, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		t.Fatal(err)
	}
	p := &provider{t: t, key: key, clientID: clientID, codes: map[string]grant{}, ttl: time.Hour, refresh: map[string]bool{}}
	mux := http.NewServeMux()
	mux.HandleFunc("GET /.well-known/openid-configuration", func(w http.ResponseWriter, _ *http.Request) {
		u := p.srv.URL
		writeJSONBody(w, map[string]any{
			"issuer": u, "authorization_endpoint": u + "/authorize", "token_endpoint": u + "/token", "jwks_uri": u + "/jwks",
			"response_types_supported": []string{"code"}, "code_challenge_methods_supported": []string{"S256"},
			"id_token_signing_alg_values_supported": []string{"RS256"}, "subject_types_supported": []string{"public"},
		})
	})
	mux.HandleFunc("GET /authorize", func(w http.ResponseWriter, r *http.Request) {
		q := r.URL.Query()
		if q.Get("client_id") != clientID || q.Get("response_type") != "code" || q.Get("code_challenge_method") != "S256" || q.Get("code_challenge") == "" {
			http.Error(w, "authorization code with PKCE (S256) only", http.StatusBadRequest)
			return
		}
		code := rand.Text()
		p.mu.Lock()
		p.codes[code] = grant{challenge: q.Get("code_challenge"), redirect: q.Get("redirect_uri"), nonce: q.Get("nonce")}
		p.mu.Unlock()
		back, _ := url.Parse(q.Get("redirect_uri"))
		v := back.Query()
		v.Set("code", code)
		v.Set("state", q.Get("state"))
		back.RawQuery = v.Encode()
		http.Redirect(w, r, back.String(), http.StatusFound)
	})
	mux.HandleFunc("POST /token", func(w http.ResponseWriter, r *http.Request) {
		_ = r.ParseForm()
		if r.Form.Get("grant_type") == "refresh_token" {
			p.mu.Lock()
			ok := p.refresh[r.Form.Get("refresh_token")]
			delete(p.refresh, r.Form.Get("refresh_token")) // a refresh token is used once
			if ok {
				p.refreshed++
			}
			p.mu.Unlock()
			if !ok {
				w.WriteHeader(http.StatusBadRequest)
				writeJSONBody(w, map[string]any{"error": "invalid_grant"})
				return
			}
			p.issue(w, "")
			return
		}
		p.mu.Lock()
		g, ok := p.codes[r.Form.Get("code")]
		delete(p.codes, r.Form.Get("code"))
		p.mu.Unlock()
		sum := sha256.Sum256([]byte(r.Form.Get("code_verifier")))
		if !ok || base64.RawURLEncoding.EncodeToString(sum[:]) != g.challenge || r.Form.Get("redirect_uri") != g.redirect {
			w.WriteHeader(http.StatusBadRequest)
			writeJSONBody(w, map[string]any{"error": "invalid_grant"})
			return
		}
		p.mu.Lock()
		p.verified++
		p.mu.Unlock()
		p.issue(w, g.nonce)
	})
	// The app calls the provider from its own origin: discovery and the token endpoint allow it.
	p.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Access-Control-Allow-Origin", "*")
		w.Header().Set("Access-Control-Allow-Headers", "Content-Type, Authorization")
		if r.Method == http.MethodOptions {
			w.WriteHeader(http.StatusNoContent)
			return
		}
		mux.ServeHTTP(w, r)
	}))
	t.Cleanup(p.srv.Close)
	return p
}

// issue answers a token request with an access token, an ID token and a refresh token, valid
// for the provider's ttl.
func (p *provider) issue(w http.ResponseWriter, nonce string) {
	now := time.Now()
	p.mu.Lock()
	ttl := p.ttl
	rt := rand.Text()
	p.refresh[rt] = true
	p.mu.Unlock()
	access := p.sign(jwt.MapClaims{"iss": p.srv.URL, "sub": "oidc-case-manager", "aud": "snodo", "iat": now.Unix(), "exp": now.Add(ttl).Unix(),
		"role": string(auth.CaseManager), "actor": seed.ID("Actor", "sds-pisana")})
	idClaims := jwt.MapClaims{"iss": p.srv.URL, "sub": "oidc-case-manager", "aud": p.clientID, "iat": now.Unix(), "exp": now.Add(ttl).Unix()}
	if nonce != "" {
		idClaims["nonce"] = nonce
	}
	writeJSONBody(w, map[string]any{"access_token": access, "id_token": p.sign(idClaims), "token_type": "Bearer",
		"expires_in": int(ttl.Seconds()), "refresh_token": rt})
}

func (p *provider) sign(c jwt.MapClaims) string {
	tok := jwt.NewWithClaims(jwt.SigningMethodRS256, c)
	tok.Header["kid"] = "test-key"
	s, err := tok.SignedString(p.key)
	if err != nil {
		p.t.Fatal(err)
	}
	return s
}

// jwksFile writes the provider's public key as the JWKS file Snodo verifies tokens with.
func (p *provider) jwksFile() string {
	b64 := func(b []byte) string { return base64.RawURLEncoding.EncodeToString(b) }
	set := map[string]any{"keys": []map[string]any{{"kty": "RSA", "kid": "test-key", "alg": "RS256", "use": "sig",
		"n": b64(p.key.N.Bytes()), "e": b64(big.NewInt(int64(p.key.E)).Bytes())}}}
	file := filepath.Join(p.t.TempDir(), "jwks.json")
	b, _ := json.Marshal(set)
	if err := os.WriteFile(file, b, 0o600); err != nil {
		p.t.Fatal(err)
	}
	return file
}

func writeJSONBody(w http.ResponseWriter, v any) {
	w.Header().Set("Content-Type", "application/json")
	_ = json.NewEncoder(w).Encode(v)
}

// Production sign-in: the app runs the authorization code flow with PKCE against the
// configured provider, keeps the token in memory and uses it with the API.
func TestOIDCSignInWithPKCE(t *testing.T) {
	p := newProvider(t, "snodo-web")
	a := startWith(t, func(opt *server.Options) {
		v, err := auth.NewVerifier(auth.Config{JWKSFile: p.jwksFile(), Issuer: p.srv.URL, Audience: "snodo"})
		if err != nil {
			t.Fatal(err)
		}
		opt.Verifier, opt.DevSignIn = v, nil
		opt.OIDC = server.OIDC{Issuer: p.srv.URL, ClientID: "snodo-web"}
	})
	a.open("/signin?next=/cases")
	if eval[bool](a, `!!document.getElementById('dev-identities')`) {
		t.Error("a production server's sign-in page lists the demo identities")
	}
	a.check("signin-oidc")
	a.do(click("#oidc-sign-in"), visible("#signed-in-as"), visible("#cases-list table"))
	if got := a.text("#signed-in-as"); !strings.Contains(got, "Società della Salute della Zona Pisana") {
		t.Errorf("signed in as %q", got)
	}
	if path := eval[string](a, `location.pathname + location.search`); path != "/cases" {
		t.Errorf("after sign-in the app is at %s, want /cases", path)
	}
	if p.verified != 1 {
		t.Errorf("the provider checked %d PKCE verifiers, want 1", p.verified)
	}
	stored := eval[string](a, `JSON.stringify([Object.keys(localStorage), Object.keys(sessionStorage).filter(k => sessionStorage.getItem(k).includes('access_token'))])`)
	if strings.Contains(stored, "oidc.user") || strings.Contains(stored, "access_token") {
		t.Errorf("the token is in the browser's storage: %s", stored)
	}
	a.check("cases-after-oidc")
}

// The app renews its token before it expires, with the provider's refresh token, and goes on
// working with the new one: signed in with tokens of 65 s, it renews within seconds (60 s
// before expiry) and its next request to the API is accepted.
func TestOIDCTokenRenewedBeforeExpiry(t *testing.T) {
	p := newProvider(t, "snodo-web")
	p.ttl = 65 * time.Second
	a := startWith(t, func(opt *server.Options) {
		v, err := auth.NewVerifier(auth.Config{JWKSFile: p.jwksFile(), Issuer: p.srv.URL, Audience: "snodo"})
		if err != nil {
			t.Fatal(err)
		}
		opt.Verifier, opt.DevSignIn = v, nil
		opt.OIDC = server.OIDC{Issuer: p.srv.URL, ClientID: "snodo-web"}
	})
	a.open("/signin?next=/cases")
	a.do(click("#oidc-sign-in"), visible("#cases-list table"))
	deadline := time.Now().Add(40 * time.Second)
	for {
		p.mu.Lock()
		n := p.refreshed
		p.mu.Unlock()
		if n > 0 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("the app did not renew its token before it expired")
		}
		time.Sleep(200 * time.Millisecond)
	}
	// The renewed token works: the inbox loads through the API, still signed in.
	a.do(click(`a[href="/inbox"]`), visible("#inbox-list ul, #inbox-list p"), visible("#signed-in-as"))
	if txt := a.text("#inbox-list"); strings.Contains(txt, "UNAUTHENTICATED") {
		t.Errorf("after the renewal the API refuses the app: %s", txt)
	}
}
